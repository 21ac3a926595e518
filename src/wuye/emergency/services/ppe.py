"""Protective equipment during a public-health event (EMERG-HEALTH-11: "工作人员需佩戴防护用品
（如N95口罩、手套）").

Decisions:

- The check is made where a shift starts. ``register`` adds it to field work's start checks:
  while a health event is active in a shift's estate, whoever takes the shift over (接班, or the
  incoming signature of a handover) ticks mask and gloves, else the shift does not start; the
  confirmation is a ``PpeCheck`` of that shift, one per incident.
- Only one person of a shift takes it over; the others on it, and the staff who work without a
  shift (the desk, technicians, cleaners), confirm on the phone page (``ppe_confirm``, kept
  from before): linked to the shift they are on duty on when there is one, else once a day.
- The event's page shows who is on duty now and whether each confirmed for this shift
  (``ppe_on_duty``), and who of the estate has not confirmed at all today (``ppe_missing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.models import Shift, ShiftMember, ShiftStatus
from wuye.fieldwork.services.shifts import StartCheck, register_start_checks

from ..choices import IncidentKind
from ..models import Incident, PpeCheck
from .common import as_actor

__all__ = [
    "GLOVES",
    "MASK",
    "PPE_ROLES",
    "OnDuty",
    "active_health_incidents",
    "duty_shift",
    "ppe_confirm",
    "ppe_confirmed",
    "ppe_missing",
    "ppe_on_duty",
    "ppe_record_start",
    "ppe_start_checks",
    "register",
]

# The codes of the two boxes on the 接班 pages (``checks`` in the API).
MASK = "emergency.ppe.mask"
GLOVES = "emergency.ppe.gloves"

# Who works on site and confirms: everyone of the estate but the executives and auditors (and
# anyone at all who is on a shift).
PPE_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.TECHNICIAN, Role.GUARD,
                       Role.CLEANER, Role.GARDENER})  # fmt: skip


def active_health_incidents(estate: Estate | int) -> QuerySet[Incident]:
    estate_id = getattr(estate, "pk", estate)
    return Incident.objects.filter(estate_id=estate_id, kind=IncidentKind.HEALTH,
                                   case__status="active").order_by("reported_at")  # fmt: skip


def _today(estate: Estate, now: dt.datetime) -> dt.date:
    return now.astimezone(estate_tz(estate)).date()


# --- At the start of a shift (field work's start checks) -----------------------------------------


def ppe_start_checks(shift: Shift, staff: Staff | None, now: dt.datetime) -> list[StartCheck]:
    """EMERG-HEALTH-11: mask and gloves, while a health event is active in the shift's estate;
    nothing otherwise."""
    if not active_health_incidents(shift.estate_id).exists():
        return []
    guidance = _("公共卫生事件期间，工作人员上岗须佩戴N95口罩和手套。")
    return [StartCheck(MASK, _("已佩戴N95口罩"), guidance), StartCheck(GLOVES, _("已佩戴手套"))]


def ppe_record_start(shift: Shift, staff: Staff, items: list[StartCheck],
                     now: dt.datetime) -> None:  # fmt: skip
    """The confirmation of whoever took the shift over, one per active event (EMERG-HEALTH-11);
    runs in the transaction that starts the shift, so it is kept exactly when the shift
    started."""
    codes = {item.code for item in items}
    on = _today(shift.estate, now)
    for incident in active_health_incidents(shift.estate_id):
        PpeCheck.objects.get_or_create(
            incident=incident, staff=staff, shift=shift,
            defaults={"on": on, "at": now, "mask": MASK in codes, "gloves": GLOVES in codes},
        )  # fmt: skip


def register() -> None:
    """Called once at start-up (the emergency AppConfig.ready)."""
    register_start_checks("emergency.ppe", ppe_start_checks, record=ppe_record_start)


# --- On the phone page ----------------------------------------------------------------------------


def duty_shift(staff: Staff, estate: Estate) -> Shift | None:
    """The shift of the estate the person is on duty on now (the earliest started)."""
    return (
        Shift.objects.filter(estate=estate, status=ShiftStatus.ON_DUTY, members__staff=staff)
        .order_by("started_at", "pk")
        .first()
    )


def _done_q(staff: Staff, shift: Shift | None, today: dt.date) -> Q:
    """Confirmed: for this shift when on duty, else any confirmation today."""
    if shift is not None:
        return Q(staff=staff, shift=shift)
    return Q(staff=staff, on=today)


@transaction.atomic
def ppe_confirm(*, estate, by, mask: bool, gloves: bool) -> list[PpeCheck]:
    """EMERG-HEALTH-11: the N95 mask and the gloves confirmed for each active health event of
    the estate — for the shift the person is on duty on, else for the day. Without both it is
    refused."""
    actor = as_actor(by)
    if actor.staff is None or estate.pk not in actor.estate_ids:
        raise Http404
    now = timezone.now()
    shift = duty_shift(actor.staff, estate)
    if actor.role not in PPE_ROLES and shift is None:
        raise PermissionDenied(_("该确认由一线员工完成"))
    if mask is not True or gloves is not True:
        raise ValidationError({"__all__": [_("请佩戴N95口罩和手套后再确认")]})
    incidents = list(active_health_incidents(estate))
    if not incidents:
        raise Conflict(_("本项目当前没有公共卫生事件，无需确认"), code="no_event")
    today = _today(estate, now)
    checks = []
    for incident in incidents:
        if PpeCheck.objects.filter(_done_q(actor.staff, shift, today), incident=incident).exists():
            continue
        try:
            with transaction.atomic():
                checks.append(PpeCheck.objects.create(
                    incident=incident, staff=actor.staff, shift=shift, on=today, mask=True,
                    gloves=True, at=now,
                ))  # fmt: skip
        except IntegrityError:  # the same person's confirmation sent twice at once
            continue
    if not checks:
        if shift is not None:
            raise Conflict(_("本班次已确认佩戴防护用品"), code="exists")
        raise Conflict(_("今天已确认佩戴防护用品"), code="exists")
    return checks


def ppe_confirmed(staff: Staff | None, estate: Estate, now: dt.datetime | None = None) -> bool:
    """Whether this person has confirmed for every active event (for their shift on duty, else
    today): the phone page then says so instead of asking."""
    if staff is None:
        return False
    now = now or timezone.now()
    incidents = list(active_health_incidents(estate).values_list("pk", flat=True))
    if not incidents:
        return False
    where = _done_q(staff, duty_shift(staff, estate), _today(estate, now))
    done = PpeCheck.objects.filter(where, incident_id__in=incidents).values("incident_id")
    return done.distinct().count() == len(incidents)


# --- On the event's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class OnDuty:
    """One person on a shift on duty now, and their confirmation for that shift (or None)."""

    shift: Shift
    staff: Staff
    check: PpeCheck | None


def _on_duty_shifts(estate_id: int) -> list[Shift]:
    members = ShiftMember.objects.select_related("staff").order_by("staff__name", "pk")
    return list(
        Shift.objects.filter(estate_id=estate_id, status=ShiftStatus.ON_DUTY)
        .select_related("post")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("post__name", "started_at", "pk")
    )


def ppe_on_duty(incident: Incident) -> list[OnDuty]:
    """Who is on duty in the estate now, shift by shift, and whether each confirmed mask and
    gloves for this shift (EMERG-HEALTH-11). A fixed number of queries, however many."""
    shifts = _on_duty_shifts(incident.estate_id)
    checks = {
        (c.shift_id, c.staff_id): c
        for c in PpeCheck.objects.filter(incident=incident, shift__in=[s.pk for s in shifts])
    }
    return [
        OnDuty(shift, member.staff, checks.get((shift.pk, member.staff_id)))
        for shift in shifts
        for member in shift.members.all()
    ]


def ppe_missing(incident: Incident, on: dt.date | None = None,
                on_duty: list[OnDuty] | None = None) -> list[Staff]:  # fmt: skip
    """Who of the estate has not confirmed (EMERG-HEALTH-11): the people on duty, for their
    shift (``on_duty``: ``ppe_on_duty`` when the caller has it already); the other front-line
    staff, today."""
    on = on or _today(incident.estate, timezone.now())
    on_duty = ppe_on_duty(incident) if on_duty is None else on_duty
    missing = {row.staff.pk: row.staff for row in on_duty if row.check is None}
    duty_ids = {row.staff.pk for row in on_duty}
    done_today = PpeCheck.objects.filter(incident=incident, on=on).values("staff_id")
    off_duty = (
        Staff.objects.filter(estates=incident.estate, is_active=True, role__in=PPE_ROLES)
        .exclude(pk__in=done_today).exclude(pk__in=duty_ids).select_related("department")
    )  # fmt: skip
    missing.update({s.pk: s for s in off_duty})
    return sorted(missing.values(), key=lambda s: (s.role, s.name, s.pk))
