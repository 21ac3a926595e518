"""Public-health events (公共卫生事件, EMERG-HEALTH): the report to disease control, the closures of
the estate, a building or a unit, the twice-a-day disinfection they start, the final
disinfection of the whole estate and the information released to the closed scope. The
protective-equipment check of the staff is in :mod:`.ppe` (its names are kept here too).

Decisions:

- The command group decides a closure (EMERG-HEALTH-02/05); the order department's cordon
  (隔离带) is a task of the ``closure`` step (EMERG-HEALTH-10); the gates refuse unrelated people
  (``selectors.closures``, asked by ``wuye.security``).
- While a closure runs, its public areas are disinfected twice a day (EMERG-HEALTH-06): a
  planned-work schedule of kind ``cleaning`` on the building, assigned to a cleaner, so the
  rounds come in the cleaner's 今日任务 and a round not done is marked missed by the engine's
  sweep. It starts with the closure and stops at its end (lifted early, or its end time passed:
  ``closure_sweep_ended``), the rounds after the end cancelled.
- EMERG-HEALTH-09: the final whole-estate disinfection (``final_disinfection``) may be planned
  only when no closure of the event runs any more; the incident ends (处置结束, "恢复正常秩序")
  only when no closure runs and a final disinfection is done (``end_check``); the task sits
  under the ``aftermath`` step, which therefore cannot be completed before it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Staff, Unit
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.services.tasks import plan_create
from wuye.workflow.calendar import due_at
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule

from ..choices import ClosureScope, IncidentKind, Party, TaskKind, TaskStatus
from ..models import Closure, Incident, IncidentStep, IncidentTask
from ..selectors.closures import in_force_q
from .common import as_actor, in_scope, lock_incident, precheck, record
from .ppe import PPE_ROLES, active_health_incidents, ppe_confirm, ppe_missing
from .records import contact_record, release_publish, step_complete

__all__ = [
    "DISINFECTION_TIMES",
    "PPE_ROLES",
    "active_health_incidents",
    "closure_place",
    "closure_sweep_ended",
    "end_check",
    "health_release",
    "owned_steps",
    "ppe_confirm",
    "ppe_missing",
    "release_templates",
    "topic_act",
]

# EMERG-HEALTH-06 "每天2次": the two rounds' default times (an estate may choose others).
DISINFECTION_TIMES = ("08:00", "15:00")
DISINFECTION_HOURS = 2  # each round is due two hours after its time
CLEANING_KIND = "cleaning"  # the environment department's task list reads this kind
REFERENCE_MAX = 100
CLOSURE_DAYS_MAX = 366
STEP_REPORT = "report"
# The plan's step only this module's action completes: the generic ``step`` action refuses it
# (``incidents.OWNED_STEPS``). EMERG-HEALTH-04: the report names the authority and who took it.
OWNED_STEPS = {
    STEP_REPORT: gettext_lazy(
        "请在公共卫生事件页面点击“上报疾控部门”，填写疾控部门和对接人，此步骤随之完成"
    ),
}


def owned_steps(incident: Incident) -> dict:
    """The steps of this health event that its own actions complete ({code: where})."""
    return OWNED_STEPS


def closure_place(closure: Closure) -> str:
    if closure.scope == ClosureScope.UNIT and closure.unit_id:
        return str(closure.unit)
    if closure.scope == ClosureScope.BUILDING and closure.building_id:
        return closure.building.name
    return str(ClosureScope.ESTATE.label)


def _health(incident: Incident) -> None:
    if incident.kind != IncidentKind.HEALTH:
        raise Conflict(_("只有公共卫生事件可以执行该操作"), code="not_health")


# --- Report (EMERG-HEALTH-04) --------------------------------------------------------------------


def _report(incident, actor, data, note, now):
    data = dict(data, party=Party.DISEASE_CONTROL)
    errors: dict[str, list[str]] = {}
    for field, message in (("organisation", _("请填写疾控部门名称")),
                           ("person", _("请填写对接人"))):  # fmt: skip
        if not str(data.get(field) or "").strip():
            errors[field] = [message]
    if errors:
        raise ValidationError(errors)
    contact = contact_record(incident, actor=actor, data=data, note=note, now=now)
    record(incident, action="report_authority", actor=actor, note=note,
           data={"contact": contact.pk, "reference": contact.reference})  # fmt: skip
    step = IncidentStep.objects.filter(incident=incident, code=STEP_REPORT).first()
    if step is not None and step.done_at is None:
        step_complete(incident=incident, code=STEP_REPORT, actor=actor, note=note, now=now,
                      event=False)  # fmt: skip
    return contact


# --- Closure (EMERG-HEALTH-05/10) and its disinfection (EMERG-HEALTH-06) --------------------------


def _as_moment(value, field: str, estate, errors) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[field] = [_("请填写正确的时间")]
            return None
    if not isinstance(value, dt.datetime):
        errors[field] = [_("请填写正确的时间")]
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=estate_tz(estate))
    if not 2000 <= value.year <= 2100:
        errors[field] = [_("请填写正确的时间")]
        return None
    return value


def _pick(model, value, estate, field, message, errors):
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        errors[field] = [message]
        return None
    found = model.objects.filter(pk=pk, estate=estate).first()
    if found is None:
        errors[field] = [message]
    return found


def _cleaner(value, estate, errors) -> Staff | None:
    """The cleaner who disinfects (default: the estate's first active cleaner)."""
    staff = Staff.objects.filter(estates=estate, is_active=True, role=Role.CLEANER)
    if value in (None, ""):
        found = staff.select_related("user").order_by("pk").first()
        if found is None:
            errors["cleaner"] = [_("本项目没有在职保洁员，请先安排负责消毒的人员")]
        return found
    try:
        found = staff.select_related("user").filter(pk=int(getattr(value, "pk", value))).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        errors["cleaner"] = [_("请选择本项目在职的保洁员")]
    return found


def _clean_closure(incident, data, now):
    estate = incident.estate
    errors: dict[str, list[str]] = {}
    scope = data.get("scope")
    if scope not in ClosureScope.values:
        errors["scope"] = [_("请选择封闭范围：整个小区、楼栋或单元")]
    building = _pick(Building, data.get("building"), estate, "building",
                     _("请选择本项目的楼栋"), errors)  # fmt: skip
    unit = _pick(Unit, data.get("unit"), estate, "unit", _("请选择本项目的单元"), errors)
    if scope == ClosureScope.BUILDING and building is None and "building" not in errors:
        errors["building"] = [_("请选择封闭的楼栋")]
    if scope == ClosureScope.UNIT and unit is None and "unit" not in errors:
        errors["unit"] = [_("请选择封闭的单元")]
    if scope == ClosureScope.ESTATE:
        building = unit = None
    elif scope == ClosureScope.BUILDING:
        unit = None
    elif scope == ClosureScope.UNIT and unit is not None:
        building = unit.building
    starts_at = _as_moment(data.get("starts_at"), "starts_at", estate, errors) or now
    ends_at = _as_moment(data.get("ends_at"), "ends_at", estate, errors)
    days = data.get("days")
    if ends_at is None and "ends_at" not in errors:
        # "封闭14天": N calendar days, to 23:59:59 local of the Nth date after the start date.
        if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= CLOSURE_DAYS_MAX:
            ends_at = due_at(starts_at, days, TargetUnit.DAYS, estate_tz(estate))
        else:
            errors["ends_at"] = [_("请填写疾控部门要求的封闭结束时间或天数（1 至 366 天）")]
    if ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("结束时间须晚于开始时间")]
    elif ends_at is not None and ends_at - starts_at > dt.timedelta(days=CLOSURE_DAYS_MAX + 1):
        errors["ends_at"] = [_("封闭期不能超过 366 天")]
    reference = str(data.get("authority_reference") or "").strip()
    if len(reference) > REFERENCE_MAX:
        errors["authority_reference"] = [_("文号不能超过 100 个字")]
    cleaner = _cleaner(data.get("cleaner"), estate, errors)
    times = data.get("times") or list(DISINFECTION_TIMES)
    if not isinstance(times, list | tuple) or len(set(times)) != 2:
        errors["times"] = [_("消毒每天2次：请填写两个不同的时间点")]
    if errors:
        raise ValidationError(errors)
    return {"scope": scope, "building": building, "unit": unit, "starts_at": starts_at,
            "ends_at": ends_at, "authority_reference": reference, "cleaner": cleaner,
            "times": sorted(times)}  # fmt: skip


def _close(incident, actor, data, note, now) -> Closure:
    values = _clean_closure(incident, data, now)
    same = Closure.objects.filter(
        in_force_q(values["starts_at"], values["ends_at"]), incident=incident,
        scope=values["scope"], building=values["building"], unit=values["unit"],
    )  # fmt: skip
    if same.exists():
        raise Conflict(_("该范围在这段时间已经封闭"), code="closure_exists")
    closure = Closure.objects.create(
        incident=incident, estate=incident.estate, scope=values["scope"],
        building=values["building"], unit=values["unit"], starts_at=values["starts_at"],
        ends_at=values["ends_at"], authority_reference=values["authority_reference"],
        created_by=actor.user,
    )  # fmt: skip
    place = closure_place(closure)
    tz = estate_tz(incident.estate)
    cleaner = values["cleaner"]
    schedule = plan_create(
        estate=incident.estate, by=actor, kind=CLEANING_KIND, frequency=Frequency.DAILY,
        name=_("疫情消毒：%(place)s 电梯间、楼道") % {"place": place},
        rule="EMERG-HEALTH-06", times=values["times"],
        anchor=closure.starts_at.astimezone(tz).date(),
        end=closure.ends_at.astimezone(tz).date(),
        due_amount=DISINFECTION_HOURS, due_unit=TargetUnit.HOURS, assignee=cleaner.user,
        department=DepartmentKind.ENVIRONMENT, subject=closure.building,
    )  # fmt: skip
    closure.disinfection = schedule
    closure.save(update_fields=["disinfection"])
    step = IncidentStep.objects.filter(incident=incident, code="closure").first()
    IncidentTask.objects.create(
        incident=incident, step=step, kind=TaskKind.CORDON, department=DepartmentKind.ORDER,
        title=_("设置隔离带：%(place)s") % {"place": place}, place=place[:100],
        created_at=now, due_at=max(now, closure.starts_at), data={"closure": closure.pk},
    )  # fmt: skip
    record(incident, action="close_area", actor=actor, note=note,
           data={"closure": closure.pk, "place": place,
                 "ends_at": closure.ends_at.isoformat()})  # fmt: skip
    return closure


def _stop_disinfection(closure: Closure, at: dt.datetime) -> int:
    """Stop the closure's disinfection plan: no more rounds; the rounds planned from ``at`` on
    are cancelled, the earlier ones stay (done, missed or running)."""
    if closure.disinfection_id is None:
        return 0
    Schedule.objects.filter(pk=closure.disinfection_id).update(active=False)
    return PlannedTask.objects.filter(
        schedule_id=closure.disinfection_id, status=PlannedTaskStatus.PLANNED,
        scheduled_for__gte=at,
    ).update(status=PlannedTaskStatus.CANCELLED)  # fmt: skip


def _closure_of(incident, data) -> Closure:
    try:
        pk = int(data.get("closure"))
    except (TypeError, ValueError):
        raise ValidationError({"closure": [_("请选择要解除的封闭")]}) from None
    closure = Closure.objects.select_for_update().filter(pk=pk, incident=incident).first()
    if closure is None:
        raise ValidationError({"closure": [_("该事件没有这项封闭")]})
    return closure


def _lift(incident, actor, data, note, now) -> Closure:
    closure = _closure_of(incident, data)
    if closure.lifted_at is not None or closure.ends_at <= now:
        raise Conflict(_("该封闭已结束"), code="closure_ended")
    if not (note or "").strip():
        raise ValidationError({"note": [_("请说明解除封闭的依据（如疾控部门通知）")]})
    closure.lifted_at, closure.lifted_by = now, actor.user
    closure.save(update_fields=["lifted_at", "lifted_by"])
    cancelled = _stop_disinfection(closure, now)
    record(incident, action="lift_closure", actor=actor, note=note,
           data={"closure": closure.pk, "place": closure_place(closure),
                 "cancelled": cancelled})  # fmt: skip
    return closure


def closure_sweep_ended(*, now: dt.datetime | None = None) -> int:
    """Periodic job: closures whose end time has passed end by themselves; their disinfection
    plans stop and the rounds after the end are cancelled (idempotent). Returns how many plans
    were stopped."""
    now = now or timezone.now()
    stopped = 0
    ended = (
        Closure.objects.filter(disinfection__active=True, starts_at__lte=now)
        .exclude(in_force_q(now)).select_related("disinfection")
    )  # fmt: skip
    for closure in ended:
        with transaction.atomic():
            end = min(closure.ends_at, closure.lifted_at or closure.ends_at)
            _stop_disinfection(closure, end)
            stopped += 1
    return stopped


# --- The final disinfection and the end (EMERG-HEALTH-09) ----------------------------------------


def _running(incident, now) -> bool:
    return Closure.objects.filter(in_force_q(now), incident=incident).exists()


def _final(incident, actor, data, note, now) -> IncidentTask:
    if _running(incident, now):
        raise Conflict(_("还有封闭未解除：全面消毒在事件结束、封闭全部解除后进行"),
                       code="closure_running")  # fmt: skip
    if incident.tasks.filter(kind=TaskKind.FINAL_DISINFECTION,
                             status__in=(TaskStatus.OPEN, TaskStatus.DONE)).exists():  # fmt: skip
        raise Conflict(_("已安排全面消毒"), code="final_exists")
    errors: dict[str, list[str]] = {}
    assignee = None
    if data.get("assignee") not in (None, ""):
        assignee = _cleaner(data.get("assignee"), incident.estate, errors)
        if errors:
            raise ValidationError({"assignee": errors["cleaner"]})
    step = IncidentStep.objects.filter(incident=incident, code="aftermath").first()
    task = IncidentTask.objects.create(
        incident=incident, step=step, kind=TaskKind.FINAL_DISINFECTION,
        department=DepartmentKind.ENVIRONMENT, assignee=assignee,
        title=_("全面消毒：%(estate)s") % {"estate": incident.estate.name},
        place=_("整个小区"), created_at=now,
    )  # fmt: skip
    record(incident, action="final_disinfection", actor=actor, note=note,
           data={"task": task.pk})  # fmt: skip
    return task


def end_check(incident: Incident, now: dt.datetime | None = None) -> None:
    """EMERG-HEALTH-09: normal order is restored (the incident ends) only after every closure
    ended and the whole estate was disinfected."""
    if incident.kind != IncidentKind.HEALTH:
        return
    now = now or timezone.now()
    if _running(incident, now):
        raise Conflict(_("还有封闭未解除，不能结束处置"), code="closure_running")
    if not incident.tasks.filter(kind=TaskKind.FINAL_DISINFECTION,
                                 status=TaskStatus.DONE).exists():  # fmt: skip
        raise Conflict(_("请先完成小区全面消毒，再恢复正常秩序"), code="final_disinfection")


# --- The topic's actions -------------------------------------------------------------------------


@transaction.atomic
def topic_act(*, incident, action: str, by, note: str = "", data=None, attachments=None):
    """``report_authority`` (organisation, person, phone, reference), ``close_area`` (scope,
    building/unit, starts_at, ends_at or days, authority_reference, cleaner, times),
    ``lift_closure`` (closure, with the reason as the note) and ``final_disinfection``
    (assignee)."""
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    precheck(actor, action, incident)
    _health(incident)
    data = dict(data or {})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": [_("说明不能超过 1000 个字")]})
    now = timezone.now()
    if action == "report_authority":
        _report(incident, actor, data, note, now)
    elif action == "close_area":
        _close(incident, actor, data, note, now)
    elif action == "lift_closure":
        _lift(incident, actor, data, note, now)
    elif action == "final_disinfection":
        _final(incident, actor, data, note, now)
    else:
        raise Conflict(_("请通过相应页面执行该操作"), code="use_topic")
    return incident


# --- Information release (EMERG-HEALTH-07) -------------------------------------------------------


def release_templates(incident: Incident, now: dt.datetime | None = None) -> list[dict]:
    """Texts the desk starts from, filled with the closures in force."""
    now = now or timezone.now()
    tz = estate_tz(incident.estate)
    found = []
    for closure in Closure.objects.filter(in_force_q(now), incident=incident).select_related(
        "unit__building", "building"
    ):
        place = closure_place(closure)
        values = {"place": place, "end": closure.ends_at.astimezone(tz).strftime("%m-%d %H:%M")}
        found.append({
            "title": _("%(place)s封闭管控通知") % values,
            "body": _("%(place)s封闭，业主需居家隔离，封闭至 %(end)s。生活物资可在业主APP申请配送；"
                      "请以物业和疾控部门发布的信息为准，不信谣、不传谣。") % values,
        })  # fmt: skip
    found.append({
        "title": _("小区消毒通知"),
        "body": _("今天起每天2次对电梯间、楼道等公共区域进行消毒，请业主做好个人防护，"
                  "出入佩戴口罩。"),
    })  # fmt: skip
    return found


@transaction.atomic
def health_release(*, incident, by, title: str, body: str, to: str = "closed"):
    """EMERG-HEALTH-07: customer service releases to the closed scope (``to="closed"``: every
    closure in force) or the whole estate (``to="estate"``); the core keeps every release."""
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    precheck(actor, "release", incident)
    _health(incident)
    now = timezone.now()
    if to == "estate":
        audience = [{"building": None}]
    elif to == "closed":
        audience = []
        for closure in Closure.objects.filter(in_force_q(now), incident=incident):
            if closure.scope == ClosureScope.UNIT:
                audience.append({"unit": closure.unit})
            elif closure.scope == ClosureScope.BUILDING:
                audience.append({"building": closure.building})
            else:
                audience = [{"building": None}]
                break
        if not audience:
            raise ValidationError({"to": [_("当前没有封闭范围，请选择发布到整个小区")]})
    else:
        raise ValidationError({"to": [_("请选择发布范围")]})
    return release_publish(incident=incident, title=title, body=body, actor=actor,
                           audience=audience, now=now)  # fmt: skip
