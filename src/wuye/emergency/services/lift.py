"""Elevator entrapment (电梯困人, manual ch.7 §2(一), EMERG-LIFT-01..12 with EQUIP-FAULT-10/11).

An entrapment is an incident (kind ``entrapment``) linked to an equipment fault of the lift
(``Incident.fault``, a ``facilities.Fault`` with ``entrapment=True``): both are opened together,
in one transaction, by the desk, by a resident's call taken at the desk, or by the lift's
monitoring alarm (event type ``trapped``); the fault records which (``FAULT_SOURCES``). The lift's
record stays in facilities.

The clocks (DESIGN.md, "Where the manual contradicts itself"; all run at once, 24×7):

==================== ================= ============================ ==========================
clock                rule              from → to                    a breach goes to
==================== ================= ============================ ==========================
guard on site 5 min  EMERG-LIFT-04     alarm → ``guard_arrive``     order head, command group
                                       (incident)
on site 5 min        EQUIP-FAULT-10    alarm → fault ``arrive``     engineering head
                                       (engineering, on the fault)
rescue 30 min        EQUIP-FAULT-11    alarm → fault ``rescue``     head, command group
contractor 30 min    EMERG-LIFT-05/06  call → ``contractor_arrive`` head, command group
==================== ================= ============================ ==========================

A breach of either 30-minute clock goes to the emergency command group (EMERG-LIFT-06), the
engine's escalation role ``command_group`` (``services.groups``).

The steps of the plan (EMERG-LIFT-02) and who takes them (EMERG-LIFT-01):

1. 接警 — done by the opening. EMERG-LIFT-03: the order and engineering departments are told at
   once, by SMS and inbox in the opening transaction: the guards and technicians on shift now
   (every guard, every technician of the estate when nobody of that role is on a shift) and the
   two departments' heads. The level's paging of the emergency groups comes on top.
2. 安抚 — ``guard_arrive``: a guard on site, reassuring over the intercom with the calm script
   (EMERG-LIFT-10/12), the step's two checks confirmed; once (a second press is told it is done).
3. 联系维保 — ``call_contractor``: customer service calls a qualified contractor of the estate at
   once. It does not wait for the guard: this step is completed with ``in_order=False`` (only the
   alarm before it must be done, and it is done by the opening).
4. 现场救援 — ``rescue``: the contractor on site (``contractor_arrive`` first) frees the people,
   confirming every prohibition of the step's checklist (EMERG-LIFT-07/11); not held for the guard
   either (``in_order=False``; the guard's lateness stays visible on its breached clock).
5. 检查验收 — the lift is out of service (``under_repair``) from the opening (each change of its
   status kept in its history, ``facilities.equipment_status_set``); only the fault's
   acceptance — three normal no-load runs, then ``accept`` (EQUIP-FAULT-07) — brings it back into
   service and completes the step (EMERG-LIFT-08). An acceptance taken on the fault's own page is
   picked up by ``inspect``.
6. 后续处理 — after ``end``, customer service visits every trapped person (one ``followup`` row
   each, at least as many as the people trapped), ``followup_done``, then ``write_report``
   (《电梯困人应急处理报告》, EMERG-LIFT-09).

The steps 2 to 6 are this module's own (``OWNED_STEPS``): the incident's generic ``step`` action
refuses them, since it would skip their rules.

A second alarm of a lift that already has an entrapment in progress opens nothing: the device
event is linked to the running incident's case (the alarm list shows it there) and nobody is
paged again; the desk trying to open a second one is told the running one's number (409).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Contractor, Estate, Room, Staff
from wuye.core.scoping import Actor
from wuye.facilities.choices import EquipmentCategory, EquipmentStatus
from wuye.facilities.models import Equipment, Fault, FaultSeverity, FaultSource
from wuye.facilities.services.equipment import equipment_status_set
from wuye.facilities.services.faults import fault_act, fault_create
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language

from ..choices import IncidentKind, IncidentSource
from ..choices import IncidentStatus as S
from ..models import Followup, Incident, IncidentStep
from .common import as_actor, in_scope, lock_incident, precheck, record
from .incidents import SCOPE_MAX, incident_act, incident_open
from .records import step_complete

__all__ = [
    "ENTRAPMENT_ACTIONS",
    "entrapment_act",
    "entrapment_open",
    "lift_first_responders",
    "owned_steps",
    "topic_act",
]

# How the entrapment came in → how the lift's fault was found (EQUIP-FAULT-04): the desk's own
# report, a resident's call taken at the desk, the lift's monitoring alarm.
FAULT_SOURCES = {
    IncidentSource.DESK: FaultSource.DESK,
    IncidentSource.RESIDENT: FaultSource.CALL,
    IncidentSource.MONITORING: FaultSource.MONITORING,
}
SOURCES = tuple(FAULT_SOURCES)
CALLER_MAX = 40
PHONE_MAX = 20
# EMERG-LIFT-01: customer service calls the contractor.
DESK_ROLES = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# EMERG-LIFT-07: the contractor's staff free the people (a head or an executive may record it on
# the contractor's behalf when it has no account).
RESCUE_ROLES = frozenset({Role.CONTRACTOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# The fault's own steps, taken from the entrapment's pages as they are on the fault's.
FAULT_STEPS = ("arrive", "investigate", "repair_done", "test_run", "test_fail")
ENTRAPMENT_ACTIONS = (
    "guard_arrive", "call_contractor", "contractor_arrive", "rescue", *FAULT_STEPS, "accept",
    "inspect", "end", "followup", "followup_done", "write_report", "comment",
)  # fmt: skip
REASSURE, CALL, RESCUE, INSPECT, FOLLOWUP = (
    "reassure",
    "call_contractor",
    "rescue",
    "inspect",
    "followup",
)
# The plan's steps that only this module's actions complete, each keeping its rule: the generic
# ``step`` action refuses them (``incidents.OWNED_STEPS``) and says where they are done.
OWNED_STEPS = {
    # EMERG-LIFT-04: the guard's arrival stops the guard's clock.
    REASSURE: gettext_lazy("“安抚”由秩序员到场后在电梯困人的秩序员页面点击“我已到场安抚”完成"),
    # EMERG-LIFT-05: the call tells the contractor and starts its 30 minutes.
    CALL: gettext_lazy("请在电梯困人页面点击“联系维保单位”，维保单位会同时收到通知"),
    # EMERG-LIFT-07/11: the contractor on site frees the people, every prohibition confirmed.
    RESCUE: gettext_lazy("“现场救援”由维保人员到场后在电梯困人的维保页面点击“被困人员已解救”完成"),
    # EMERG-LIFT-08: only engineering's acceptance brings the lift back.
    INSPECT: gettext_lazy(
        "“检查验收”在电梯困人页面完成：空载试运行 3 次均正常后点击“验收合格，恢复运行”"
    ),
    # EMERG-LIFT-09: every trapped person visited first.
    FOLLOWUP: gettext_lazy("请在电梯困人页面逐一记录被困人员的回访，全部回访后点击“回访完成”"),
}


def owned_steps(incident: Incident) -> dict:
    """The steps of this entrapment that its own actions complete ({code: where}). One
    registered on the incident form (a drill) has no lift fault: only the guard's arrival is
    its own, its other steps are the generic ones."""
    if incident.fault_id is None:
        return {REASSURE: OWNED_STEPS[REASSURE]}
    return OWNED_STEPS


def entrapment_url(incident: Incident) -> str:
    return reverse("emergency:lift_detail", args=[incident.pk])


def _source(incident: Incident) -> str:
    """The entrapment as the lift's status history names it."""
    return _("电梯困人 %(number)s") % {"number": incident.case.number}


def guard_url(incident: Incident) -> str:
    return reverse("emergency:lift_guard", args=[incident.pk])


def contractor_url(incident: Incident) -> str:
    return reverse("emergency:lift_contractor", args=[incident.pk])


# --- Who is told at once (EMERG-LIFT-03) ---------------------------------------------------------


def lift_first_responders(estate: Estate, now: dt.datetime) -> list[tuple]:
    """(user, role) of the order and engineering departments to tell at once: both heads, and
    the guards and technicians on a shift running now — every one of that role in the estate
    when none of them is on a shift, so nobody is missed."""
    from wuye.fieldwork.models import Shift  # the field-work layer below: its data

    staff = Staff.objects.filter(company_id=estate.company_id, estates=estate, is_active=True)
    heads = staff.filter(
        role=Role.DEPARTMENT_HEAD,
        department__kind__in=(DepartmentKind.ORDER, DepartmentKind.ENGINEERING),
    )
    on_shift = Shift.objects.filter(estate=estate).filter(
        Q(status="on_duty") | Q(status="planned", starts_at__lte=now, ends_at__gt=now)
    )
    chosen = list(heads.select_related("user"))
    for role in (Role.GUARD, Role.TECHNICIAN):
        everyone = staff.filter(role=role)
        on_duty = everyone.filter(pk__in=on_shift.values("staff"))
        chosen += list((on_duty if on_duty.exists() else everyone).select_related("user"))
    found: dict[int, tuple] = {}
    for person in chosen:
        if person.user.is_active:
            found.setdefault(person.user_id, (person.user, person.role))
    return list(found.values())


def _tell_departments(incident: Incident, equipment: Equipment, now: dt.datetime) -> int:
    """EMERG-LIFT-03: SMS and inbox, in the opening's transaction (the outbox); a guard's
    message opens the guard's card."""
    requests = []
    for user, role in lift_first_responders(incident.estate, now):
        with translation.override(recipient_language(user)):
            title = _("电梯困人 %(number)s") % {"number": incident.case.number}
            body = _("%(estate)s %(place)s 有人被困（%(people)s），请立即到场。秩序员5分钟内"
                     "到场安抚，工程部配合排查。") % {
                "estate": incident.estate.name, "place": incident.place,
                "people": _("%(n)d 人") % {"n": incident.people} if incident.people
                else _("人数未知"),
            }  # fmt: skip
        url = guard_url(incident) if role == Role.GUARD else entrapment_url(incident)
        for channel in (Channel.INBOX, Channel.SMS):
            requests.append(
                {"recipient": user, "template": "notice",
                 "context": {"title": str(title), "body": str(body)}, "channels": [channel],
                 "estate": incident.estate, "ref": incident.case.number, "url": url,
                 "idempotency_key": f"entrapment:{incident.pk}:told:{user.pk}:{channel}"}
            )  # fmt: skip
    return message_enqueue_bulk(requests)


def _tell_contractor(incident: Incident, contractor: Contractor) -> int:
    """The contractor's accounts: SMS and inbox, its card to open (EMERG-LIFT-05)."""
    requests = []
    for account in contractor.accounts.select_related("user"):
        user = account.user
        if not user.is_active:
            continue
        with translation.override(recipient_language(user)):
            title = _("电梯困人救援 %(number)s") % {"number": incident.case.number}
            body = _("%(estate)s %(place)s 有人被困，请30分钟内到达现场实施救援。") % {
                "estate": incident.estate.name, "place": incident.place,
            }  # fmt: skip
        for channel in (Channel.INBOX, Channel.SMS):
            requests.append(
                {"recipient": user, "template": "notice",
                 "context": {"title": str(title), "body": str(body)}, "channels": [channel],
                 "estate": incident.estate, "ref": incident.case.number,
                 "url": contractor_url(incident),
                 "idempotency_key": f"entrapment:{incident.pk}:contractor:"
                                    f"{contractor.pk}:{user.pk}:{channel}"}
            )  # fmt: skip
    return message_enqueue_bulk(requests)


# --- Opening (EMERG-LIFT-02/03) -----------------------------------------------------------------


def running_entrapment(equipment: Equipment) -> Incident | None:
    """The entrapment of this lift still being handled (处置中), if any."""
    return (
        Incident.objects.select_related("case")
        .filter(kind=IncidentKind.ENTRAPMENT, fault__equipment=equipment, case__status=S.ACTIVE)
        .first()
    )


def _lift(estate: Estate, value) -> Equipment | None:
    pk = value.pk if isinstance(value, Equipment) else value
    if isinstance(pk, bool) or not (isinstance(pk, int) or str(pk).isdigit()):
        return None
    # Locked: two openings of the same lift at once are one entrapment (the dedupe below).
    return (
        Equipment.objects.select_for_update()
        .filter(pk=int(pk), estate=estate, category=EquipmentCategory.ELEVATOR)
        .first()
    )


def _clean_caller(source, caller, phone, room, estate, errors) -> tuple[str, str, Room | None]:
    caller, phone = (caller or "").strip(), (phone or "").strip()
    if len(caller) > CALLER_MAX:
        errors["caller"] = [_("来电人不能超过 %(n)d 个字") % {"n": CALLER_MAX}]
    if len(phone) > PHONE_MAX:
        errors["phone"] = [_("联系电话不能超过 %(n)d 个字") % {"n": PHONE_MAX}]
    if room is not None and not isinstance(room, Room):
        found = None
        if not isinstance(room, bool) and (isinstance(room, int) or str(room).isdigit()):
            found = Room.objects.filter(pk=int(room), estate_id=estate.pk).first()
        if found is None:
            errors["room"] = [_("请选择本项目的房屋")]
        room = found
    elif room is not None and room.estate_id != estate.pk:
        errors["room"] = [_("请选择本项目的房屋")]
    if source == IncidentSource.RESIDENT:
        if not caller:
            errors["caller"] = [_("请填写来电人")]
        if not phone:
            errors["phone"] = [_("请填写来电人的联系电话")]
    return caller, phone, room


@transaction.atomic
def entrapment_open(
    *,
    estate: Estate,
    lift,
    by,
    source: str = IncidentSource.DESK,
    people: int = 0,
    description: str = "",
    caller: str = "",
    phone: str = "",
    room=None,
    reported_at: dt.datetime | None = None,
) -> Incident:
    """Open an entrapment: the lift's fault (``entrapment=True``, with its clocks from the alarm)
    and the incident (the guard's clock, the level from the people trapped, the plan's steps,
    the pages), the lift out of service and the two departments told — one transaction.

    ``lift``: an elevator of the estate's register; ``people``: how many are trapped (0 when not
    known yet); a resident's call (``source="resident"``) records the caller, room and phone."""
    actor = as_actor(by)
    errors: dict[str, list[str]] = {}
    if source not in SOURCES:
        errors["source"] = [_("请选择报警来源")]
    equipment = _lift(estate, lift)
    if equipment is None:
        errors["lift"] = [_("请选择本项目设备台账中的电梯")]
    if isinstance(people, bool) or not isinstance(people, int) or not 0 <= people <= SCOPE_MAX:
        errors["people"] = [_("请填写被困人数（不清楚可填 0）")]
    description = (description or "").strip()
    if len(description) > 1000:
        errors["description"] = [_("情况描述不能超过 1000 个字")]
    caller, phone, room = _clean_caller(source, caller, phone, room, estate, errors)
    if errors:
        raise ValidationError(errors)
    running = running_entrapment(equipment)
    if running is not None:
        raise Conflict(
            _("该电梯已有处理中的困人事件 %(number)s") % {"number": running.case.number},
            code="entrapment_running",
        )
    words = description or _("电梯困人")
    if source == IncidentSource.RESIDENT:
        room_text = str(room) if room is not None else ""
        words = _("业主来电：%(caller)s %(room)s %(phone)s。%(text)s") % {
            "caller": caller, "room": room_text, "phone": phone, "text": words,
        }  # fmt: skip
    fault = fault_create(
        equipment=equipment, severity=FaultSeverity.GENERAL, source=FAULT_SOURCES[source],
        description=words[:1000], by=actor, entrapment=True, detected_at=reported_at,
    )  # fmt: skip
    place = equipment.name
    if equipment.location:
        place = f"{equipment.name}（{equipment.location}）"
    incident = incident_open(
        estate=estate, kind=IncidentKind.ENTRAPMENT, place=place[:100], by=actor, source=source,
        description=words[:1000], buildings=[equipment.building] if equipment.building else (),
        people=people, reported_at=fault.detected_at, fault=fault,
        title=_("%(lift)s困人") % {"lift": equipment.name},
        data={"equipment": equipment.pk, "fault": fault.pk, "caller": caller, "phone": phone,
              "room": room.pk if room is not None else None},
    )  # fmt: skip
    # EMERG-LIFT-08: out of service until engineering's acceptance.
    equipment_status_set(
        equipment_ids=[equipment.pk], to_status=EquipmentStatus.UNDER_REPAIR,
        reason=_("电梯困人，停用至工程部验收合格"), source=_source(incident), by=actor,
    )  # fmt: skip
    _tell_departments(incident, equipment, incident.reported_at)
    return incident


def entrapment_alarm(event):
    """The alarm handler of the event type ``trapped`` (registered in ``apps.ready``): a lift of
    the register opens an entrapment from the alarm's time; a lift already in one links the
    alarm to it. An alarm of a device watching no elevator goes to facilities' handler."""
    from django.contrib.contenttypes.models import ContentType

    from wuye.facilities.services.alarms import equipment_alarm
    from wuye.fieldwork.services.devices import alarm_actor

    device = event.device
    equipment = None
    equipment_type = ContentType.objects.get_for_model(Equipment).pk
    if device.subject_id is not None and device.subject_type_id == equipment_type:
        equipment = Equipment.objects.filter(
            pk=device.subject_id, estate_id=event.estate_id, category=EquipmentCategory.ELEVATOR
        ).first()
    if equipment is None:
        return equipment_alarm(event)
    Equipment.objects.select_for_update().filter(pk=equipment.pk).first()
    running = running_entrapment(equipment)
    if running is not None:
        return running.case
    incident = entrapment_open(
        estate=event.estate, lift=equipment, by=alarm_actor(event),
        source=IncidentSource.MONITORING, description=(event.message or "")[:1000],
        reported_at=event.occurred_at,
    )  # fmt: skip
    return incident.case


# --- The guard (EMERG-LIFT-04/10/12): the incident's topic action --------------------------------


def topic_act(*, incident, action: str, by, note: str = "", data: dict | None = None,
              attachments=None) -> Incident:  # fmt: skip
    """The entrapment's own action on the incident (``incident_act`` routes it here):
    ``guard_arrive`` — the guard on site and reassuring; ``data["checks"]``: the reassurance
    step's checklist, every item confirmed. Once: a second arrival is refused (409)."""
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    if action != "guard_arrive":
        raise Conflict(_("请通过相应页面执行该操作"), code="use_topic")
    if incident.kind != IncidentKind.ENTRAPMENT:
        raise Conflict(_("只有电梯困人事件需要秩序员到场安抚"), code="not_entrapment")
    if incident.guard_arrived_at is not None:
        local = timezone.localtime(incident.guard_arrived_at)
        raise Conflict(
            _("秩序员已于 %(time)s 到场，无需重复确认") % {"time": local.strftime("%H:%M")},
            code="already_arrived",
        )
    precheck(actor, action, incident)
    now = timezone.now()
    data = dict(data or {})
    if incident.steps.filter(code=REASSURE).exists():
        step_complete(incident=incident, code=REASSURE, actor=actor, note=note,
                      checks=data.get("checks"), now=now, event=False)  # fmt: skip
    incident.guard_arrived_at = now
    incident.save(update_fields=["guard_arrived_at"])
    record(incident, action=action, actor=actor, note=(note or "").strip(),
           attachments=attachments, data={"step": REASSURE})  # fmt: skip
    return incident


# --- The rest of the response ---------------------------------------------------------------------


def _require(actor: Actor, roles: frozenset, label: str) -> None:
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(_("您的角色不能执行“%(action)s”") % {"action": label})


def _step_open(incident: Incident, code: str) -> IncidentStep | None:
    return incident.steps.filter(code=code, done_at__isnull=True).first()


def _complete(incident, code, actor, *, note="", checks=None, now=None, attachments=None):
    """The plan's step ``code``, out of the strict order (see the module's docstring), if the
    plan has it and it is still open."""
    if _step_open(incident, code) is not None:
        step_complete(incident=incident, code=code, actor=actor, note=note, checks=checks,
                      attachments=attachments, now=now, in_order=False)  # fmt: skip


def _call_contractor(incident: Incident, fault: Fault, actor: Actor, note: str, data: dict):
    _require(actor, DESK_ROLES, _("联系维保单位"))
    if fault.contractor_called_at is not None and fault.contractor_arrived_at is None:
        raise Conflict(_("已联系维保单位，请等待其到场"), code="contractor_called")
    if fault.rescued_at is not None:
        raise Conflict(_("被困人员已解救"), code="already_rescued")
    contractor = data.get("contractor") or fault.equipment.contractor_id
    if not contractor:
        raise ValidationError({"contractor": [_("请选择为本项目服务的维保单位")]})
    fault = fault_act(fault=fault, action="call_contractor", by=actor, note=note,
                      data={"contractor": contractor})  # fmt: skip
    _complete(incident, CALL, actor, note=note)
    _tell_contractor(incident, fault.contractor)


def _rescue(incident: Incident, fault: Fault, actor: Actor, note: str, data: dict, attachments):
    _require(actor, RESCUE_ROLES, _("被困人员已解救"))
    if fault.rescued_at is not None:
        raise Conflict(_("已记录被困人员解救"), code="already_rescued")
    if fault.contractor_arrived_at is None:
        raise Conflict(_("维保人员尚未到场，到场后才能实施救援"), code="contractor_not_here")
    # EMERG-LIFT-11: every prohibition confirmed (the step's checklist), checked before writing.
    _complete(incident, RESCUE, actor, note=note, checks=data.get("checks"), now=timezone.now(),
              attachments=attachments)  # fmt: skip
    fault_act(fault=fault, action="rescue", by=actor, note=note)


def _inspected(incident: Incident, fault: Fault, actor: Actor, note: str) -> None:
    """EMERG-LIFT-08: accepted by engineering → back in service, the step done."""
    fault.refresh_from_db(fields=["accepted_at"])
    if fault.accepted_at is None:
        raise Conflict(_("电梯须经工程部验收（空载试运行 3 次均正常）后才能恢复运行"),
                       code="not_accepted")  # fmt: skip
    equipment_status_set(
        equipment_ids=[fault.equipment_id], from_status=EquipmentStatus.UNDER_REPAIR,
        to_status=EquipmentStatus.IN_USE, reason=_("工程部验收合格，恢复运行"),
        source=_source(incident), by=actor,
    )  # fmt: skip
    _complete(incident, INSPECT, actor, note=note)


def _followup_done(incident: Incident, actor: Actor, note: str) -> None:
    """EMERG-LIFT-09: every trapped person visited (at least one visit when the number was
    not known) before the step is done."""
    visits = Followup.objects.filter(incident=incident).count()
    needed = max(incident.people, 1)
    if visits < needed:
        raise Conflict(
            _("还需回访 %(n)d 位被困人员（共 %(total)d 人）")
            % {"n": needed - visits, "total": needed},
            code="followups_missing",
        )
    step_complete(incident=incident, code=FOLLOWUP, actor=actor, note=note, now=timezone.now())


@transaction.atomic
def entrapment_act(
    *,
    incident: Incident | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Incident:
    """One step of an entrapment, from its pages or the API (``ENTRAPMENT_ACTIONS``):

    - ``guard_arrive`` {checks}: the guard's arrival (EMERG-LIFT-04);
    - ``call_contractor`` {contractor?}: customer service calls it (default: the lift's own
      contractor), qualified today; the step done, its accounts told (EMERG-LIFT-05);
    - ``contractor_arrive``, ``rescue`` {checks}: the contractor (EMERG-LIFT-07/11);
    - ``arrive``, ``investigate``, ``repair_done``, ``test_run``, ``test_fail``: the fault's;
    - ``accept``: the fault's acceptance, then the lift back in service and ``inspect`` done;
      ``inspect``: the same after an acceptance taken on the fault's page (EMERG-LIFT-08);
    - ``end`` (the people freed first), ``followup`` {person, phone, room, reached,
      satisfaction}, ``followup_done``, ``write_report`` {summary, cause, handling, lessons}
      (EMERG-LIFT-09); ``comment``."""
    if action not in ENTRAPMENT_ACTIONS:
        raise Http404
    data = dict(data or {})
    note = (note or "").strip()
    if action in ("followup", "write_report", "comment", "guard_arrive"):
        pk = incident.pk if isinstance(incident, Incident) else incident
        _entrapment_or_404(pk)
        return incident_act(incident=pk, action=action, by=by, note=note, data=data,
                            attachments=attachments)  # fmt: skip
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    fault = incident.fault
    if incident.kind != IncidentKind.ENTRAPMENT or fault is None:
        raise Http404
    # The lift's repair and acceptance may run on into the follow-up; the rest is the response.
    later = ("accept", "inspect", "followup_done", *FAULT_STEPS)
    if incident.case.status != S.ACTIVE and not (
        action in later and incident.case.status == S.FOLLOWUP
    ):
        raise Conflict(_("事件已不在处置中"), code="invalid_state")
    if action == "call_contractor":
        _call_contractor(incident, fault, actor, note, data)
    elif action == "contractor_arrive":
        if fault.contractor_arrived_at is not None:
            raise Conflict(_("维保人员已到场"), code="already_arrived")
        fault_act(fault=fault, action=action, by=actor, note=note)
    elif action == "rescue":
        _rescue(incident, fault, actor, note, data, attachments)
    elif action in FAULT_STEPS:
        fault_act(fault=fault, action=action, by=actor, note=note, attachments=attachments)
    elif action == "accept":
        fault_act(fault=fault, action=action, by=actor, note=note, attachments=attachments)
        _inspected(incident, fault, actor, note)
    elif action == "inspect":
        _require(actor, frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE}),
                 _("检查验收"))  # fmt: skip
        _inspected(incident, fault, actor, note)
    elif action == "end":
        fault.refresh_from_db(fields=["rescued_at"])
        if fault.rescued_at is None:
            raise Conflict(_("被困人员尚未解救，不能结束处置"), code="not_rescued")
        incident_act(incident=incident.pk, action="end", by=actor,
                     note=note or _("被困人员已安全解救"))  # fmt: skip
    elif action == "followup_done":
        precheck(actor, "step", incident)
        if incident.case.status != S.FOLLOWUP:
            raise Conflict(_("请先结束处置，再完成回访"), code="invalid_state")
        _followup_done(incident, actor, note)
    return Incident.objects.select_related("case", "fault").get(pk=incident.pk)


def _entrapment_or_404(pk) -> None:
    try:
        found = Incident.objects.filter(pk=pk, kind=IncidentKind.ENTRAPMENT).exists()
    except (ValueError, TypeError):
        found = False
    if not found:
        raise Http404


def register() -> None:
    """Called once at start-up (the app's ``ready``): this handler names the event type, so
    it takes the lift's ``trapped`` alarms before facilities' per-kind handler."""
    from wuye.fieldwork.services.devices import register_alarm_handler

    register_alarm_handler("trapped", entrapment_alarm)
