"""Reads of fire facilities and their checks: the scoped register with its filters and each
facility's state, one facility as a user may see it (or by its QR label), its check history,
the month's check progress per kind, and the replacements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.fieldwork.models import TaskRecord
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import FireFacilityKind, FireFacilityState
from ..models import FireFacility, FireReplacement

EXPIRY_WARNING_DAYS = 30


def _open_replacement():
    return FireReplacement.objects.filter(facility=OuterRef("pk"), closed_at__isnull=True)


def fire_facility_list(
    *,
    actor,
    estate_id: int | None = None,
    kind: str = "",
    building_id: int | None = None,
    state: str = "",
    today: dt.date | None = None,
    q: str = "",
) -> QuerySet[FireFacility]:
    """The fire register as the actor may see it, each row with ``replacing`` (an open
    replacement). ``state``: a FireFacilityState."""
    today = today or dt.date.today()
    qs = (
        scope_to_estates(FireFacility.objects.all(), actor)
        .select_related("estate", "equipment", "equipment__building")
        .annotate(replacing=Exists(_open_replacement()))
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if kind:
        qs = qs.filter(kind=kind)
    if building_id is not None:
        qs = qs.filter(equipment__building_id=building_id)
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    match state:
        case FireFacilityState.EXPIRED:
            qs = qs.filter(expires_on__lt=today)
        case FireFacilityState.EXPIRING:
            qs = qs.filter(expires_on__gte=today, expires_on__lte=soon)
        case FireFacilityState.LOW_PRESSURE:
            qs = qs.filter(last_pressure__isnull=False, pressure_low__isnull=False).filter(
                last_pressure__lt=models_f("pressure_low")
            )
        case FireFacilityState.REPLACING:
            qs = qs.filter(replacing=True)
        case FireFacilityState.OK:
            qs = qs.filter(replacing=False).exclude(expires_on__lte=soon)
            qs = qs.exclude(last_pressure__lt=models_f("pressure_low"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(equipment__code__icontains=q)
            | Q(equipment__name__icontains=q)
            | Q(equipment__location__icontains=q)
        )
    return qs.order_by("kind", "equipment__code", "id")


def models_f(name: str):
    from django.db.models import F

    return F(name)


def facility_state(facility: FireFacility, today: dt.date) -> str:
    """The register's flag of one facility (the most urgent first)."""
    if getattr(facility, "replacing", False):
        return FireFacilityState.REPLACING
    if facility.expires_on is not None and facility.expires_on < today:
        return FireFacilityState.EXPIRED
    low = facility.pressure_low
    if low is not None and facility.last_pressure is not None and facility.last_pressure < low:
        return FireFacilityState.LOW_PRESSURE
    if facility.expires_on is not None and facility.expires_on <= today + dt.timedelta(
        days=EXPIRY_WARNING_DAYS
    ):
        return FireFacilityState.EXPIRING
    return FireFacilityState.OK


def fire_facility_get_for_user(user, pk) -> FireFacility:
    """One fire facility, or a 404 when it is out of the user's estates."""
    return get_or_404(fire_facility_list(actor=actor_for(user)), pk)


def fire_facility_by_qr(user, token: str) -> FireFacility:
    """The fire facility a scanned QR label names (a 404 for an old or foreign label)."""
    found = (
        fire_facility_list(actor=actor_for(user)).filter(equipment__qr_token=token).first()
        if token
        else None
    )
    if found is None:
        return get_or_404(FireFacility.objects.none(), 0)
    return found


def check_history(facility: FireFacility, limit: int = 50) -> list[TaskRecord]:
    """The facility's completed checks (《消防设施检查记录表》), newest first, with answers."""
    ids = [i for i in (facility.monthly_schedule_id, facility.quarterly_schedule_id) if i]
    return list(
        TaskRecord.objects.filter(task__schedule_id__in=ids)
        .prefetch_related("answers")
        .order_by("-done_at", "-id")[:limit]
    )


@dataclass
class KindProgress:
    kind: str
    label: str
    done: int
    due: int
    missed: int

    @property
    def total(self) -> int:
        return self.done + self.due + self.missed


def month_progress(*, estate, month: dt.date, zone) -> list[KindProgress]:
    """The month's checks per kind: done, still due, missed (tasks planned in that month)."""
    start = dt.datetime.combine(month.replace(day=1), dt.time.min, zone)
    end = dt.datetime.combine((month.replace(day=1) + dt.timedelta(days=32)).replace(day=1),
                              dt.time.min, zone)  # fmt: skip
    rows = []
    facilities = FireFacility.objects.filter(estate=estate)
    for kind in FireFacilityKind:
        ids = set()
        for monthly, quarterly in facilities.filter(kind=kind).values_list(
            "monthly_schedule_id", "quarterly_schedule_id"
        ):
            ids.update(i for i in (monthly, quarterly) if i)
        tasks = PlannedTask.objects.filter(
            schedule_id__in=ids, scheduled_for__gte=start, scheduled_for__lt=end
        )
        counts = {s: 0 for s in PlannedTaskStatus.values}
        for status in tasks.values_list("status", flat=True):
            counts[status] += 1
        rows.append(
            KindProgress(
                kind=kind.value,
                label=str(kind.label),
                done=counts["done"],
                due=counts["planned"],
                missed=counts["missed"],
            )
        )
    return rows


def replacement_list(
    *, actor, estate_id: int | None = None, state: str = "", q: str = ""
) -> QuerySet[FireReplacement]:
    """The replacements as the actor may see them; ``state``: open or closed."""
    qs = scope_to_estates(FireReplacement.objects.all(), actor).select_related(
        "case", "facility", "facility__equipment", "facility__equipment__building"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if state == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(case__number__icontains=q) | Q(facility__equipment__code__icontains=q))
    return qs.order_by("closed_at", "-opened_at", "-id")


def replacement_get_for_user(user, pk) -> FireReplacement:
    return get_or_404(replacement_list(actor=actor_for(user)), pk)


def replacement_clock(replacement: FireReplacement):
    return replacement.case.clocks.filter(rule="FIRE-06").first()


STATE_LABELS = {s.value: s.label for s in FireFacilityState}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, _("正常")))
