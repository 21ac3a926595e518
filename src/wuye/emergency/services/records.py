"""The records of a running incident: its steps in order, its tasks, the outside parties told, the
information released, the follow-up visits and the report."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Occupancy, Room
from wuye.core.scoping import Actor
from wuye.core.validators import check_model_text
from wuye.notify.choices import Channel, NoticeCategory
from wuye.notify.notices import notice_create

from ..choices import (
    Level,
    Party,
    TaskKind,
    TaskStatus,
)
from ..models import (
    ExternalContact,
    Followup,
    Incident,
    IncidentReport,
    IncidentStep,
    IncidentTask,
    LevelChange,
    Release,
)

# EMERG-05..06: the manual's thresholds.
from .common import record
from .paging import page_people

RELEASE_TITLE_MAX = 100
RELEASE_BODY_MAX = 2000


def clean_checks(step: IncidentStep, raw) -> list[dict]:
    """Every item of the step's checklist confirmed (EMERG-LIFT-11: no forcing the doors)."""
    items = list(step.checklist or [])
    if not items:
        return []
    answers = raw if isinstance(raw, list) else []
    confirmed = {str(a) for a in answers}
    missing = [item for item in items if item not in confirmed]
    if missing:
        raise ValidationError(
            {"checks": [_("请逐项确认：%(items)s") % {"items": "；".join(missing)}]}
        )
    return [{"item": item, "ok": True} for item in items]


def step_complete(
    *,
    incident: Incident,
    code: str,
    actor: Actor,
    note: str = "",
    checks=None,
    attachments=None,
    now: dt.datetime | None = None,
    in_order: bool = True,
    event: bool = True,
) -> IncidentStep:
    """Mark one step of the plan done (in the caller's transaction). ``in_order``: the steps
    before it must be done first (EMERG-LIFT-02, EMERG-OUTAGE-03, EMERG-HEALTH-03); a topic
    service that completes a step by its own action passes ``event=False`` (its action is the
    event)."""
    now = now or timezone.now()
    step = IncidentStep.objects.select_for_update().filter(incident=incident, code=code).first()
    if step is None:
        raise ValidationError({"step": [_("该事件的预案中没有这一步骤")]})
    if step.done_at is not None:
        raise Conflict(_("“%(step)s”已完成") % {"step": step.title}, code="step_done")
    if in_order:
        pending = list(
            IncidentStep.objects.filter(incident=incident, order__lt=step.order,
                                        done_at__isnull=True).values_list("title", flat=True)
        )  # fmt: skip
        if pending:
            raise Conflict(
                _("请先完成前面的步骤：%(steps)s") % {"steps": "、".join(pending)},
                code="step_order",
            )
    open_tasks = step.tasks.filter(status=TaskStatus.OPEN).count()
    if open_tasks:
        raise Conflict(_("该步骤还有 %(n)d 项任务未完成") % {"n": open_tasks}, code="tasks_open")
    step.checks = clean_checks(step, checks)
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": [_("情况记录不能超过 1000 个字")]})
    step.done_at, step.done_by, step.note = now, actor.user, note
    step.save(update_fields=["checks", "done_at", "done_by", "note"])
    if event:
        record(incident, action="step", actor=actor, note=note, attachments=attachments,
               data={"step": step.code, "title": step.title})  # fmt: skip
    return step


def relevel(incident: Incident, *, actor: Actor, data: dict, note: str, now) -> dict:
    try:
        level = int(data.get("level"))
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ValidationError({"level": [_("请选择响应级别")]})
    if level == incident.level:
        raise Conflict(_("级别没有变化"), code="same_level")
    reason = (note or "").strip()
    if not reason:
        raise ValidationError({"note": [_("请说明调整级别的原因")]})
    if len(reason) > 200:
        raise ValidationError({"note": [_("原因不能超过 200 个字")]})
    LevelChange.objects.create(incident=incident, from_level=incident.level, to_level=level,
                               reason=reason, by=actor.user, at=now)  # fmt: skip
    previous = incident.level
    incident.level = level
    incident.save(update_fields=["level"])
    paged = page_people(incident, now=now) if level < previous else 0
    return {"level": str(level), "from": str(previous), "paged": paged}


def task_add(incident: Incident, *, actor: Actor, data: dict, now) -> IncidentTask:
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    kind = data.get("kind") or TaskKind.OTHER
    if kind not in TaskKind.values:
        errors["kind"] = [_("请选择任务类型")]
    if not title:
        errors["title"] = [_("请填写任务内容")]
    place = str(data.get("place") or "").strip()
    check_model_text(IncidentTask, errors, title=title, place=place)
    step = None
    if data.get("step"):
        step = IncidentStep.objects.filter(incident=incident, code=data["step"]).first()
        if step is None:
            errors["step"] = [_("该事件的预案中没有这一步骤")]
    assignee = data.get("assignee")
    if assignee is not None and not hasattr(assignee, "pk"):
        from wuye.core.models import Staff

        assignee = Staff.objects.filter(pk=assignee, estates=incident.estate_id,
                                        is_active=True).first()  # fmt: skip
        if assignee is None:
            errors["assignee"] = [_("请选择本项目的在职员工")]
    due_at = data.get("due_at")
    if due_at is not None and (not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at)):
        errors["due_at"] = [_("请填写带时区的完成期限")]
    if errors:
        raise ValidationError(errors)
    return IncidentTask.objects.create(
        incident=incident, step=step, kind=kind, title=title, place=place,
        department=data.get("department") or (step.department if step else ""),
        assignee=assignee, due_at=due_at, created_at=now, data=data.get("data") or {},
    )  # fmt: skip


def task_complete(incident: Incident, task: IncidentTask | int, *, actor: Actor, note: str,
                  now) -> IncidentTask:  # fmt: skip
    pk = task.pk if isinstance(task, IncidentTask) else task
    task = IncidentTask.objects.select_for_update().filter(pk=pk, incident=incident).first()
    if task is None:
        raise ValidationError({"task": [_("该事件没有这项任务")]})
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("该任务已%(status)s") % {"status": task.get_status_display()},
                       code="task_closed")  # fmt: skip
    if len(note or "") > 1000:
        raise ValidationError({"note": [_("完成情况不能超过 1000 个字")]})
    task.status, task.done_at, task.done_by, task.note = TaskStatus.DONE, now, actor.user, note
    task.save(update_fields=["status", "done_at", "done_by", "note"])
    return task


def contact_record(
    incident: Incident, *, actor: Actor, data: dict, note: str, now
) -> ExternalContact:
    errors: dict[str, list[str]] = {}
    party = data.get("party")
    if party not in Party.values:
        errors["party"] = [_("请选择联络对象")]
    fields = {k: str(data.get(k) or "").strip() for k in
              ("organisation", "person", "phone", "reference")}  # fmt: skip
    check_model_text(ExternalContact, errors, note=note, **fields)
    if errors:
        raise ValidationError(errors)
    return ExternalContact.objects.create(incident=incident, party=party, at=now, by=actor.user,
                                          note=note, **fields)  # fmt: skip


def require_desk(actor: Actor) -> None:
    """Information goes out only through customer service (EMERG-HEALTH-07): its agents, its
    head, or an executive."""
    if actor.is_superuser or actor.role in (Role.CS_AGENT, Role.EXECUTIVE):
        return
    if actor.role == Role.DEPARTMENT_HEAD and getattr(actor.staff.department, "kind", "") == (
        DepartmentKind.CUSTOMER_SERVICE
    ):
        return
    raise PermissionDenied(_("信息只能由客户服务中心发布"))


def release_audience(incident: Incident) -> list[dict]:
    """Where a release goes: the whole estate, else each building of the incident's scope."""
    if incident.whole_estate or not incident.buildings.exists():
        return [{"building": None}]
    return [{"building": b} for b in incident.buildings.order_by("pk")]


def release_publish(
    *,
    incident: Incident,
    title: str,
    body: str,
    actor: Actor,
    audience: list[dict] | None = None,
    channels=(Channel.INBOX, Channel.SMS),
    publish_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    event: bool = True,
) -> Release:
    """Release information to the affected households (EMERG-HEALTH-07, EMERG-OUTAGE-04..06):
    a notice on the board of each audience (``[{"building": b} | {"unit": u}]``, default the
    incident's scope) and, from it, SMS and app messages to every current resident, all in the
    caller's transaction (the outbox). Kept as a ``Release`` with its notices."""
    require_desk(actor)
    now = now or timezone.now()
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("请填写标题")]
    elif len(title) > RELEASE_TITLE_MAX:
        errors["title"] = [_("标题不能超过 %(n)d 个字") % {"n": RELEASE_TITLE_MAX}]
    if not body:
        errors["body"] = [_("请填写发布内容")]
    elif len(body) > RELEASE_BODY_MAX:
        errors["body"] = [_("内容不能超过 %(n)d 个字") % {"n": RELEASE_BODY_MAX}]
    if errors:
        raise ValidationError(errors)
    audience = audience or release_audience(incident)
    notices, rooms = [], Room.objects.none()
    for target in audience:
        notice = notice_create(
            estate=incident.estate, title=title, body=body, category=NoticeCategory.GENERAL,
            building=target.get("building"), unit=target.get("unit"), publish_at=publish_at,
            notify_residents=True, channels=list(channels), by=actor.user,
        )  # fmt: skip
        notices.append(notice)
        room_q = Room.objects.filter(estate_id=incident.estate_id)
        if target.get("unit") is not None:
            room_q = room_q.filter(unit=target["unit"])
        elif target.get("building") is not None:
            room_q = room_q.filter(building=target["building"])
        rooms = rooms | room_q
    households = (
        Occupancy.objects.filter(Occupancy.current_q(), room__in=rooms)
        .values("room_id").distinct().count()
    )  # fmt: skip
    from wuye.notify.models import Message

    messages = Message.objects.filter(ref__in=[f"NOTICE-{n.pk}" for n in notices]).count()
    release = Release.objects.create(
        incident=incident, title=title, body=body, channels=list(channels),
        households=households, messages=messages, at=now, by=actor.user,
    )  # fmt: skip
    release.notices.set(notices)
    if event:
        record(incident, action="release", actor=actor, note=title,
               data={"release": release.pk, "households": households})  # fmt: skip
    return release


def followup_record(incident: Incident, *, actor: Actor, data: dict, note: str, now) -> Followup:
    errors: dict[str, list[str]] = {}
    person = str(data.get("person") or "").strip()
    phone = str(data.get("phone") or "").strip()
    room = data.get("room")
    if room is not None and not isinstance(room, Room):
        room = Room.objects.filter(pk=room, estate_id=incident.estate_id).first()
        if room is None:
            errors["room"] = [_("请选择本项目的房屋")]
    if not person and room is None:
        errors["person"] = [_("请填写回访对象")]
    satisfaction = data.get("satisfaction")
    if satisfaction is not None and (
        not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5
    ):
        errors["satisfaction"] = [_("满意度为 1 至 5 分")]
    reached = bool(data.get("reached", True))
    if not note.strip():
        errors["note"] = [_("请填写回访记录")]
    check_model_text(Followup, errors, person=person, phone=phone, note=note)
    if errors:
        raise ValidationError(errors)
    return Followup.objects.create(incident=incident, room=room, person=person, phone=phone,
                                   contacted_at=now, by=actor.user, reached=reached,
                                   satisfaction=satisfaction, note=note)  # fmt: skip


def report_write(incident: Incident, *, actor: Actor, data: dict, now) -> IncidentReport:
    errors: dict[str, list[str]] = {}
    fields = {k: str(data.get(k) or "").strip() for k in ("summary", "cause", "handling",
                                                           "lessons")}  # fmt: skip
    if not fields["summary"]:
        errors["summary"] = [_("请填写事件经过")]
    if not fields["handling"]:
        errors["handling"] = [_("请填写处置情况")]
    check_model_text(IncidentReport, errors, **fields)
    if errors:
        raise ValidationError(errors)
    pending = list(incident.steps.filter(done_at__isnull=True).values_list("title", flat=True))
    if pending:
        raise Conflict(_("还有步骤未完成：%(steps)s") % {"steps": "、".join(pending)},
                       code="steps_open")  # fmt: skip
    if IncidentReport.objects.filter(incident=incident).exists():
        raise Conflict(_("该事件已有报告"), code="report_exists")
    return IncidentReport.objects.create(incident=incident, written_at=now, written_by=actor.user,
                                         **fields)  # fmt: skip


# The topic services that own the topic actions (each has ``topic_act``, same arguments as
# ``incident_act``): the entrapment, the outage and the public-health event.
