"""Incidents (突发事件, EMERG-01..07): opened with their kind, place and scope; the level suggested
from the manual's thresholds and changeable with a reason; the groups the level calls for paged
at once (SMS and inbox, in the opening transaction) and asked to acknowledge where it says so;
the plan's steps done in order, each by someone with time and note; the tasks under them;
outside parties told; information released to the households; the end, the follow-up and the
report. Every write is an event of the incident's case (``workflow.services.case_act``).

Levels (EMERG-04..07), suggested from the scope, the gravest that applies:

- Ⅰ: the whole estate (an earthquake, an epidemic across the estate);
- Ⅱ: a fire affecting 3 or more buildings;
- Ⅲ: 10 or more buildings (a water or power outage), or more than 2 people trapped;
- Ⅳ: anything smaller (1–2 people trapped in a lift).

Who is paged (SMS + inbox at once) and who must acknowledge, by level:

==== ================================================ ==========================================
lvl  paged                                            must acknowledge
==== ================================================ ==========================================
Ⅳ    on-site group (on call and leaders); command      the on-site group paged
     group by inbox only
Ⅲ    on-site group (all), logistics group, command    the on-site group
     group
Ⅱ    all three groups                                 on-site and command groups
Ⅰ    all three groups                                 everyone paged
==== ================================================ ==========================================

A later raise of the level pages those the new level adds; nobody is paged twice.
"""

from __future__ import annotations

import datetime as dt
import importlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate
from wuye.core.validators import check_model_text
from wuye.workflow.services import SYSTEM_ROLE, case_open

from ..choices import (
    IncidentKind,
    IncidentSource,
    Level,
    TaskStatus,
)
from ..models import (
    Incident,
    IncidentStep,
    IncidentTask,
    LevelChange,
    Page,
    ResponsePlan,
)
from ..processes import (
    HEALTH_ACTIONS,
    INCIDENT,
    LIFT_ACTIONS,
    OUTAGE_ACTIONS,
    STAFF,
)

# EMERG-05..06: the manual's thresholds.
from .common import as_actor, in_scope, lock_incident, precheck, record
from .paging import level_suggest, page_people
from .plan_defaults import DEFAULT_PLANS
from .records import (
    contact_record,
    followup_record,
    release_publish,
    relevel,
    report_write,
    step_complete,
    task_add,
    task_complete,
)

__all__ = [
    "OWNED_STEPS",
    "incident_act",
    "incident_case_act",
    "incident_open",
    "level_suggest",
    "plan_steps_for",
    "step_owner",
]

SCOPE_MAX = 100_000
ALARM_STEP = "alarm"


# --- Plans ---------------------------------------------------------------------------------------


def plan_for(estate: Estate, kind: str) -> ResponsePlan | None:
    """The estate's own plan for this kind, else the company's; None: the manual's default."""
    plans = ResponsePlan.objects.filter(company_id=estate.company_id, kind=kind)
    own = plans.filter(estate=estate).first()
    return own or plans.filter(estate__isnull=True).first()


def plan_steps_for(estate: Estate, kind: str) -> tuple[ResponsePlan | None, list[dict]]:
    """The steps an incident of this kind copies when it opens."""
    plan = plan_for(estate, kind)
    if plan is not None:
        steps = [
            {"code": s.code, "title": s.title, "department": s.department,
             "guidance": s.guidance, "checklist": list(s.checklist)}
            for s in plan.steps.order_by("order")
        ]  # fmt: skip
        if steps:
            return plan, steps
    default = DEFAULT_PLANS[kind]
    return None, [
        {"code": code, "title": str(title), "department": department,
         "guidance": str(guidance), "checklist": [str(c) for c in checklist]}
        for code, title, department, guidance, checklist in default["steps"]
    ]  # fmt: skip


# --- Opening -------------------------------------------------------------------------------------

# Who may open an incident: anyone on duty (a guard finds a fire, the desk takes the call).
OPEN_ROLES = STAFF


def clean_scope(estate: Estate, buildings, households, people, errors) -> list[Building]:
    chosen: list[Building] = []
    for value in buildings or ():
        pk = value.pk if isinstance(value, Building) else value
        chosen.append(pk)
    found = {
        b.pk: b
        for b in Building.objects.filter(
            pk__in=[p for p in chosen if isinstance(p, int) or str(p).isdigit()], estate=estate
        )
    }
    if len(found) != len(set(chosen)):
        errors["buildings"] = [_("请选择本项目的楼栋")]
    for name, value in (("households", households), ("people", people)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= SCOPE_MAX:
            errors[name] = [_("请填写 0 至 100000 之间的整数")]
    return list(found.values())


@transaction.atomic
def incident_open(
    *,
    estate: Estate,
    kind: str,
    place: str,
    by,
    source: str = IncidentSource.DESK,
    description: str = "",
    buildings=(),
    households: int = 0,
    people: int = 0,
    whole_estate: bool = False,
    level: int | None = None,
    level_reason: str = "",
    exercise: bool = False,
    reported_at: dt.datetime | None = None,
    fault=None,
    title: str = "",
    data: dict | None = None,
) -> Incident:
    """Open an incident (or a drill, ``exercise``): the case, the level (suggested from the
    scope, or the one given with its reason), the plan's steps, and the pages, in one
    transaction. The plan's ``alarm`` step (接警) is done by the opening itself."""
    actor = as_actor(by)
    system = actor.role == SYSTEM_ROLE and estate.pk in actor.estate_ids
    if not (actor.is_superuser or system):
        if estate.pk not in actor.estate_ids or actor.staff is None:
            raise Http404
        if actor.role not in OPEN_ROLES:
            raise PermissionDenied(_("您的角色不能登记突发事件"))
    errors: dict[str, list[str]] = {}
    place = (place or "").strip()
    description = (description or "").strip()
    level_reason = (level_reason or "").strip()
    if kind not in IncidentKind.values:
        errors["kind"] = [_("请选择事件类型")]
    if source not in IncidentSource.values:
        errors["source"] = [_("请选择事件来源")]
    if not place:
        errors["place"] = [_("请填写事件地点，如 3栋2单元电梯")]
    check_model_text(Incident, errors, place=place, description=description)
    chosen = clean_scope(estate, buildings, households, people, errors)
    if level is not None and level not in Level.values:
        errors["level"] = [_("请选择响应级别")]
    if errors:
        raise ValidationError(errors)
    suggested = level_suggest(kind, whole_estate=whole_estate, buildings=len(chosen),
                              people=people)  # fmt: skip
    level = suggested if level is None else level
    if level != suggested and not level_reason:
        raise ValidationError({"level_reason": [_("与建议级别不同，请说明原因")]})
    if len(level_reason) > 200:
        raise ValidationError({"level_reason": [_("原因不能超过 200 个字")]})
    kind_label = IncidentKind(kind).label
    title = (title or "").strip()[:200] or f"{place} {kind_label}"
    if exercise:
        source = IncidentSource.DRILL if source == IncidentSource.DESK else source
    departments = {IncidentKind.ENTRAPMENT: DepartmentKind.ORDER,
                   IncidentKind.OUTAGE: DepartmentKind.ENGINEERING,
                   IncidentKind.FIRE: DepartmentKind.ORDER,
                   IncidentKind.HEALTH: DepartmentKind.CUSTOMER_SERVICE}  # fmt: skip
    case = case_open(
        process=INCIDENT, estate=estate, title=title, by=actor, at=reported_at,
        note=description,
        data={"kind": kind, "level": str(level), "exercise": "yes" if exercise else "no",
              "department": departments.get(kind, DepartmentKind.CUSTOMER_SERVICE),
              **(data or {})},
    )  # fmt: skip
    plan, steps = plan_steps_for(estate, kind)
    incident = Incident.objects.create(
        case=case, estate=estate, kind=kind, source=source, exercise=exercise, place=place,
        description=description, whole_estate=whole_estate, households=households,
        people=people, level=level, suggested_level=suggested, reported_at=case.created_at,
        plan=plan, plan_version=plan.version if plan else 0, fault=fault,
    )  # fmt: skip
    if chosen:
        incident.buildings.set(chosen)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    LevelChange.objects.create(
        incident=incident, from_level=None, to_level=level, by=user, at=case.created_at,
        reason=level_reason or _("按影响范围建议"),
    )  # fmt: skip
    IncidentStep.objects.bulk_create(
        IncidentStep(incident=incident, order=n, **step) for n, step in enumerate(steps, 1)
    )
    # The alarm is received (接警 / 接报): a plan's ``alarm`` step is done by the opening. Other
    # first steps (an outage's notice, a health event's report to disease control) are not.
    IncidentStep.objects.filter(incident=incident, code=ALARM_STEP).update(
        done_at=case.created_at, done_by=user, note=description[:1000]
    )
    page_people(incident, now=case.created_at)
    return incident


TOPIC_MODULES = (
    ({a.name for a in LIFT_ACTIONS}, "wuye.emergency.services.lift"),
    ({a.name for a in OUTAGE_ACTIONS}, "wuye.emergency.services.outages"),
    ({a.name for a in HEALTH_ACTIONS}, "wuye.emergency.services.health"),
)

# EMERG-LIFT-02/04/05/07/08/09, EMERG-OUTAGE-03..13, EMERG-HEALTH-04: the plan steps a topic's
# own action completes, keeping its rule (the guard's clock, the contractor told, the lift's
# acceptance, every trapped person visited, the restoration announced, the report to disease
# control…). The generic ``step`` action refuses them (``use_topic``) and says where they are
# done. By incident kind: the module whose ``owned_steps(incident)`` names them ({code: where}).
OWNED_STEPS = {
    IncidentKind.ENTRAPMENT: "wuye.emergency.services.lift",
    IncidentKind.OUTAGE: "wuye.emergency.services.outage_steps",
    IncidentKind.HEALTH: "wuye.emergency.services.health",
}


def step_owner(incident: Incident, code: str) -> str:
    """Where the user completes this step of the incident's plan when its topic owns it (the
    words to show); "" when it is done by the generic ``step`` action."""
    module = OWNED_STEPS.get(incident.kind)
    if module is None:
        return ""
    return str(importlib.import_module(module).owned_steps(incident).get(code, ""))


# Topics whose tasks have consequences when done (``task_done(incident, task, actor, note, data,
# now)``): an outage's elevators set out of service, its cause recorded, its steps moved on; and
# when the incident is cancelled (``cancelled(incident, actor, now)``): an outage's elevators
# back in service (EMERG-OUTAGE-13).
TASK_HOOKS = {IncidentKind.OUTAGE: "wuye.emergency.services.outages"}


@transaction.atomic
def incident_act(
    *,
    incident: Incident | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Incident:
    """One action on an incident, with its rules (the engine checks role and state):

    - ``acknowledge``: a paged person confirms (once);
    - ``relevel``: ``data["level"]`` with the reason as the note; a graver level pages the
      people it adds;
    - ``step``: ``data["step"]`` (code), ``data["checks"]`` (every checklist item), in order;
      a step its topic owns (``OWNED_STEPS``) is refused, with where it is done;
    - ``task_add``: ``data`` title, kind, step, place, assignee, due_at;
      ``task_done``: ``data["task"]`` with the note;
    - ``contact``: ``data`` party, organisation, person, phone, reference;
    - ``release``: ``data`` title, body (customer service only);
    - ``end``: the response is over, follow-up begins; ``followup``: ``data`` room/person,
      phone, reached, satisfaction with the note; ``write_report``: ``data`` summary, cause,
      handling, lessons (every step done) — closes the incident;
    - ``cancel`` (a false alarm, with its reason); ``comment``.

    Topic actions (the guard's arrival, the restoration, the closures…) go to their topic's
    service."""
    for names, module in TOPIC_MODULES:
        if action in names:
            service = importlib.import_module(module)
            return service.topic_act(incident=incident, action=action, by=by, note=note,
                                     data=data, attachments=attachments)  # fmt: skip
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    precheck(actor, action, incident)
    data = dict(data or {})
    note = (note or "").strip()
    now = timezone.now()
    if action == "acknowledge":
        page = Page.objects.filter(incident=incident, user=actor.user).first()
        if page is None:
            raise Conflict(_("您不在本事件的通知名单中"), code="not_paged")
        if page.acknowledged_at is not None:
            raise Conflict(_("您已确认收到"), code="already_acknowledged")
        page.acknowledged_at = now
        page.save(update_fields=["acknowledged_at"])
        record(incident, action=action, actor=actor, note=note, data={"page": page.pk})
    elif action == "relevel":
        record(incident, action=action, actor=actor, note=note,
               data=relevel(incident, actor=actor, data=data, note=note, now=now))  # fmt: skip
        incident.case.data["level"] = str(incident.level)
        incident.case.save(update_fields=["data"])
    elif action == "step":
        code = str(data.get("step") or "")
        where = step_owner(incident, code)
        if where:  # the topic's own action keeps the step's rule (OWNED_STEPS)
            raise Conflict(where, code="use_topic")
        step_complete(incident=incident, code=code, actor=actor, note=note,
                      checks=data.get("checks"), attachments=attachments, now=now)  # fmt: skip
    elif action == "task_add":
        task = task_add(incident, actor=actor, data=data, now=now)
        record(incident, action=action, actor=actor, note=note,
               data={"task": task.pk, "title": task.title})  # fmt: skip
    elif action == "task_done":
        task = task_complete(incident, data.get("task"), actor=actor, note=note, now=now)
        record(incident, action=action, actor=actor, note=note, attachments=attachments,
               data={"task": task.pk, "title": task.title})  # fmt: skip
        hook = TASK_HOOKS.get(incident.kind)
        if hook:  # the topic's consequences of the task, in this transaction
            importlib.import_module(hook).task_done(incident=incident, task=task, actor=actor,
                                                    note=note, data=data, now=now)  # fmt: skip
    elif action == "contact":
        contact = contact_record(incident, actor=actor, data=data, note=note, now=now)
        record(incident, action=action, actor=actor, note=note,
               data={"party": contact.party, "contact": contact.pk})  # fmt: skip
    elif action == "release":
        release_publish(incident=incident, title=data.get("title", ""),
                        body=data.get("body", ""), actor=actor, now=now)  # fmt: skip
    elif action == "end":
        # EMERG-HEALTH-09: a health event ends after its closures and the final disinfection.
        importlib.import_module("wuye.emergency.services.health").end_check(incident, now)
        incident.ended_at = now
        incident.save(update_fields=["ended_at"])
        record(incident, action=action, actor=actor, note=note)
    elif action == "followup":
        visit = followup_record(incident, actor=actor, data=data, note=note, now=now)
        record(incident, action=action, actor=actor, note=note, data={"followup": visit.pk})
    elif action == "write_report":
        report = report_write(incident, actor=actor, data=data, now=now)
        record(incident, action=action, actor=actor, note=note, data={"report": report.pk})
    elif action == "cancel":
        if not note:
            raise ValidationError({"note": [_("请说明撤销原因")]})
        record(incident, action=action, actor=actor, note=note)
        IncidentTask.objects.filter(incident=incident, status=TaskStatus.OPEN).update(
            status=TaskStatus.CANCELLED
        )
        hook = TASK_HOOKS.get(incident.kind)
        if hook:  # the topic's consequences of the cancel, in this transaction
            importlib.import_module(hook).cancelled(incident=incident, actor=actor, now=now)
    elif action == "comment":
        record(incident, action=action, actor=actor, note=note, attachments=attachments)
    else:  # "draw" is the supplies' service (it records the event with the movement)
        raise Conflict(_("请通过相应页面执行该操作"), code="use_topic")
    return incident


def incident_case_act(*, case, action: str, by, note: str = "", data: dict | None = None,
                      attachments=None, assignee=None) -> Incident:  # fmt: skip
    """The process's domain service: the generic case page and API act through here."""
    return incident_act(incident=case.incident.pk, action=action, by=by, note=note, data=data,
                        attachments=attachments)  # fmt: skip
