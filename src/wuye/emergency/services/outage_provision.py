"""The provision of an outage (应急保障, EMERG-OUTAGE-07/08/09/12/13) and its steps in order
(EMERG-OUTAGE-03).

``provision_tasks`` generates the plan's tasks when the outage opens: water — a temporary water
point (EMERG-OUTAGE-07) with a named guard on duty (EMERG-OUTAGE-08) and the hydrants closed
(EMERG-OUTAGE-12); power — the corridor emergency lighting (EMERG-OUTAGE-07) and the elevators
shut down with a "停电提示牌" (EMERG-OUTAGE-13); both — the cause found by engineering
(EMERG-OUTAGE-09).

When each provision task is due (``PROVISION_DUE``; ``outage_overdue`` escalates the late ones).
A planned outage's provision must be ready when the supply stops: every task is due at the
outage's start. A sudden one's is due within minutes of the outage being known (its start, or its
entry when it was entered after it began: nobody could act before it was known):

=====================  ===========  ==========  ===============================================
task                   planned      sudden      why
=====================  ===========  ==========  ===============================================
elevators shut + sign  at start     10 min      a lift that restarts on a flicker traps people
lighting               at start     15 min      dark stairwells: falls
hydrants closed        at start     30 min      water wasted, not a danger to people
water point            at start     60 min      bottled water or a tank has to be brought
guard at water point   at start     60 min      on duty when the water point opens
=====================  ===========  ==========  ===============================================

The cause's task is the investigation's, not a provision: it is due at the expected restoration.

The hooks ``incident_act`` calls (``services.incidents.TASK_HOOKS``): ``task_done`` — the
elevators shut down are set out of service in the equipment register (by engineering), the cause
recorded, the steps moved on; ``cancelled`` — the lifts this outage set out of service go back in
service (EMERG-OUTAGE-13: they were stopped because of the outage, which did not happen or is
over), as at the restoration (``elevators_release``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor
from wuye.core.validators import check_model_text
from wuye.facilities.choices import EquipmentCategory, EquipmentStatus
from wuye.facilities.models import Equipment
from wuye.facilities.services.equipment import equipment_status_set

from ..choices import IncidentStatus, TaskKind, TaskStatus, Utility
from ..models import Incident, IncidentStep, IncidentTask, Outage
from ..processes import ENGINEERS
from .common import record
from .records import step_complete, task_add

__all__ = [
    "PROVISION_DUE",
    "STEP_FOLLOWUP",
    "STEP_INVESTIGATE",
    "STEP_NOTICE",
    "STEP_PROVISION",
    "STEP_RESTORE",
    "cancelled",
    "cause_set",
    "elevators_release",
    "outage_advance",
    "provision_due",
    "provision_tasks",
    "require_engineer",
    "step_code",
    "task_done",
]

STEP_NOTICE, STEP_PROVISION, STEP_INVESTIGATE = "notice", "provision", "investigate"
STEP_RESTORE, STEP_FOLLOWUP = "restore", "followup"
# When each provision task is due, see the module's table: (before the start of a planned
# outage, after a sudden one is known). EMERG-OUTAGE-07/08/12/13.
PROVISION_DUE: dict[str, tuple[dt.timedelta, dt.timedelta]] = {
    TaskKind.ELEVATORS: (dt.timedelta(0), dt.timedelta(minutes=10)),  # EMERG-OUTAGE-13
    TaskKind.LIGHTING: (dt.timedelta(0), dt.timedelta(minutes=15)),  # EMERG-OUTAGE-07
    TaskKind.HYDRANTS: (dt.timedelta(0), dt.timedelta(minutes=30)),  # EMERG-OUTAGE-12
    TaskKind.WATER_POINT: (dt.timedelta(0), dt.timedelta(minutes=60)),  # EMERG-OUTAGE-07
    TaskKind.WATER_POINT_GUARD: (dt.timedelta(0), dt.timedelta(minutes=60)),  # EMERG-OUTAGE-08
}


def step_code(incident: Incident, code: str) -> str | None:
    """``code`` when the incident's plan has that step (an estate's plan may leave one out)."""
    return code if incident.steps.filter(code=code).exists() else None


def provision_due(outage: Outage, kind: str, *, now: dt.datetime) -> dt.datetime:
    """When a provision task of this outage is due (``PROVISION_DUE``)."""
    before, after = PROVISION_DUE[kind]
    if outage.planned:
        return outage.starts_at - before
    return max(outage.starts_at, now) + after


def provision_tasks(outage: Outage, *, actor: Actor, now: dt.datetime, water_point: str) -> None:
    """EMERG-OUTAGE-07/08/09/12/13: the plan's tasks, each due as ``PROVISION_DUE`` says."""
    incident = outage.incident
    provision = step_code(incident, STEP_PROVISION)
    tasks: list[dict] = []
    if outage.utility == Utility.WATER:
        tasks += [
            {"kind": TaskKind.WATER_POINT, "title": _("设置临时取水点"), "place": water_point,
             "department": DepartmentKind.ORDER},
            {"kind": TaskKind.WATER_POINT_GUARD, "place": water_point,
             "title": _("取水点值守：%(name)s") % {"name": outage.guard.name},
             "assignee": outage.guard, "department": DepartmentKind.ORDER},
            {"kind": TaskKind.HYDRANTS, "title": _("关闭小区内的消防栓"),
             "department": DepartmentKind.ENGINEERING},
        ]  # fmt: skip
    else:
        elevators = Equipment.objects.filter(
            estate_id=incident.estate_id, category=EquipmentCategory.ELEVATOR
        )
        if not incident.whole_estate:
            elevators = elevators.filter(building__in=incident.buildings.all())
        ids = list(elevators.order_by("pk").values_list("pk", flat=True))
        tasks += [
            {"kind": TaskKind.LIGHTING, "title": _("开启楼道应急灯"),
             "department": DepartmentKind.ENGINEERING},
            {"kind": TaskKind.ELEVATORS,
             "title": _("关闭电梯（%(n)d 部）并在电梯口设置“停电提示牌”") % {"n": len(ids)},
             "department": DepartmentKind.ENGINEERING, "data": {"elevators": ids}},
        ]  # fmt: skip
    for task in tasks:
        task.update(step=provision, due_at=provision_due(outage, task["kind"], now=now))
    tasks.append({"kind": TaskKind.CAUSE, "title": _("排查故障原因"),
                  "step": step_code(incident, STEP_INVESTIGATE),
                  "department": DepartmentKind.ENGINEERING,
                  "due_at": max(outage.expected_end_at, now)})  # fmt: skip
    for data in tasks:
        task = task_add(incident, actor=actor, data=data, now=now)
        record(incident, action="task_add", actor=actor, note=task.title,
               data={"task": task.pk, "title": task.title})  # fmt: skip


# --- The steps in order (EMERG-OUTAGE-03) --------------------------------------------------------


def outage_advance(outage: Outage, *, actor: Actor, now: dt.datetime) -> list[str]:
    """Mark done, in the manual's order, each step whose work is done: the provision when its
    tasks are, the investigation when the cause is recorded, the follow-up when every sampled
    household has been called. Stops at the first step still waiting (the restoration waits
    for its action). Returns the codes done."""
    incident = outage.incident
    done = []
    for step in IncidentStep.objects.filter(incident=incident).order_by("order"):
        if step.done_at is not None:
            continue
        open_tasks = step.tasks.filter(status=TaskStatus.OPEN).exists()
        if step.code == STEP_PROVISION:
            ready = step.tasks.exists() and not open_tasks
        elif step.code == STEP_INVESTIGATE:
            ready = bool(outage.cause) and not open_tasks
        elif step.code == STEP_FOLLOWUP:
            ready = (
                outage.sampled_at is not None
                and not incident.followups.filter(contacted_at__isnull=True).exists()
            )
        else:
            ready = False
        if not ready:
            break
        step_complete(incident=incident, code=step.code, actor=actor, now=now,
                      note=_("相关工作已全部完成"))  # fmt: skip
        done.append(step.code)
    return done


def require_engineer(actor: Actor, what: str) -> None:
    if not (actor.is_superuser or actor.role in ENGINEERS):
        raise PermissionDenied(_("“%(what)s”须由工程设备部完成") % {"what": what})


# --- The elevators (EMERG-OUTAGE-13) -------------------------------------------------------------


def _elevators_set(ids, *, from_status: str, to_status: str, outage: Outage, reason: str,
                   by=None) -> list[int]:  # fmt: skip
    """Change the register's status of these elevators, only those still in ``from_status``
    (a lift under repair stays under repair), each change kept in the equipment's status
    history with this outage as its source. Returns the changed ids."""
    source = _("停水停电 %(number)s") % {"number": outage.incident.case.number}
    return equipment_status_set(equipment_ids=list(ids or ()), from_status=from_status,
                                to_status=to_status, reason=reason, source=source,
                                by=by)  # fmt: skip


def _still_shut_by_others(outage: Outage, held: set[int]) -> set[int]:
    """The lifts of ``held`` that another running power outage of the estate has shut down as
    well (its elevators' task done while ours held them stopped, so it did not list them as its
    own): they stay stopped and become that outage's to bring back. The other outage's row is
    taken without waiting: two overlapping outages ending at the same moment would wait on each
    other for ever, so the second is told to try again (nothing changed)."""
    shut = (
        IncidentTask.objects.filter(
            kind=TaskKind.ELEVATORS, status=TaskStatus.DONE,
            incident__estate_id=outage.incident.estate_id,
            incident__outage__utility=Utility.POWER, incident__outage__restored_at__isnull=True,
            incident__case__status__in=(IncidentStatus.ACTIVE, IncidentStatus.FOLLOWUP),
        )
        .exclude(incident_id=outage.incident_id)
        .order_by("incident_id", "pk")
        .values_list("incident_id", "data")
    )  # fmt: skip
    kept: set[int] = set()
    for incident_id, data in shut:
        need = held & {pk for pk in (data or {}).get("elevators") or () if isinstance(pk, int)}
        need -= kept
        if not need:
            continue
        try:
            other = Outage.objects.select_for_update(nowait=True).get(incident_id=incident_id)
        except OperationalError:
            raise Conflict(_("另一停电事件正在处理同一部电梯，请稍后重试"),
                           code="busy") from None  # fmt: skip
        other.stopped_elevators = sorted(set(other.stopped_elevators) | need)
        other.save(update_fields=["stopped_elevators"])
        kept |= need
    return kept


def elevators_release(outage: Outage, *, by=None, reason: str = "") -> list[int]:
    """EMERG-OUTAGE-13: the lifts this outage set out of service go back in service — at its
    restoration, or when it is cancelled — only those still stopped (a lift put under repair
    meanwhile stays under repair), and not one another running power outage needs shut down.
    Returns the ids back in service."""
    held = set(outage.stopped_elevators)
    if not held:
        return []
    kept = _still_shut_by_others(outage, held)
    return _elevators_set(held - kept, from_status=EquipmentStatus.STOPPED,
                          to_status=EquipmentStatus.IN_USE, outage=outage, by=by,
                          reason=reason or _("恢复供电，电梯恢复运行"))  # fmt: skip


# --- The cause (EMERG-OUTAGE-09) and the hooks ---------------------------------------------------


def cause_set(outage: Outage, cause: str, *, actor: Actor, now: dt.datetime) -> None:
    cause = (cause or "").strip()
    if not cause:
        raise ValidationError({"cause": [_("请填写故障原因，如 水管破裂、变压器故障")]})
    check_model_text(Outage, None, cause=cause)
    outage.cause = cause
    outage.save(update_fields=["cause"])
    IncidentTask.objects.filter(incident=outage.incident, kind=TaskKind.CAUSE,
                                status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=now, done_by=actor.user, note=cause[:1000],
    )  # fmt: skip


def _locked_outage(incident: Incident) -> Outage | None:
    outage = Outage.objects.select_for_update().filter(incident=incident).first()
    if outage is not None:
        outage.incident = incident
    return outage


def task_done(*, incident: Incident, task: IncidentTask, actor: Actor, note: str, data: dict,
              now: dt.datetime) -> None:  # fmt: skip
    """After a task of an outage is done (``incident_act`` ``task_done``, in its transaction):
    the elevators shut down are set out of service (EMERG-OUTAGE-13, by engineering), the cause
    is recorded (EMERG-OUTAGE-09), and the steps move on."""
    outage = _locked_outage(incident)
    if outage is None:
        return
    if task.kind == TaskKind.ELEVATORS:
        require_engineer(actor, task.title)
        stopped = _elevators_set(task.data.get("elevators"), from_status=EquipmentStatus.IN_USE,
                                 to_status=EquipmentStatus.STOPPED, outage=outage, by=actor,
                                 reason=_("停电期间电梯停运并设置警示标识"))  # fmt: skip
        outage.stopped_elevators = sorted(set(outage.stopped_elevators) | set(stopped))
        outage.save(update_fields=["stopped_elevators"])
        task.data = {**task.data, "stopped": stopped}
        task.save(update_fields=["data"])
    elif task.kind == TaskKind.CAUSE:
        require_engineer(actor, task.title)
        cause_set(outage, str((data or {}).get("cause") or note or ""), actor=actor, now=now)
    outage_advance(outage, actor=actor, now=now)


def cancelled(*, incident: Incident, actor: Actor, now: dt.datetime) -> None:
    """After an outage is cancelled (``incident_act`` ``cancel``, in its transaction): the lifts
    it set out of service go back in service (EMERG-OUTAGE-13), unless its restoration already
    brought them back."""
    outage = _locked_outage(incident)
    if outage is None or outage.restored_at is not None:
        return
    elevators_release(outage, by=actor, reason=_("停水停电事件撤销，电梯恢复运行"))
