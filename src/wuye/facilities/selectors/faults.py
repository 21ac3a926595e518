"""Reads of equipment faults: the scoped list (open first), the getter, the current test runs."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.workflow.models import SlaClock

from ..models import Fault, FaultTestRun

SEARCH_FIELDS = ("case__number", "equipment__code", "equipment__name", "description")


def fault_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    status: str = "",
    severity: str = "",
    equipment_id: int | None = None,
    open_only: bool = False,
    entrapment: bool | None = None,
    q: str = "",
) -> QuerySet[Fault]:
    """Staff see the faults of their estates; a contractor only the faults it was called to
    (EQUIP-FAULT-06); anyone else none. Open faults first, then the latest detected."""
    if actor.is_superuser:
        qs = Fault.objects.all()
    elif actor.staff is not None:
        qs = Fault.objects.filter(estate__in=visible_estates(actor))
    elif actor.contractor is not None:
        qs = Fault.objects.filter(contractor=actor.contractor, estate__in=visible_estates(actor))
    else:
        return Fault.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if equipment_id:
        qs = qs.filter(equipment_id=equipment_id)
    if open_only:
        qs = qs.filter(case__closed_at__isnull=True)
    if entrapment is not None:
        qs = qs.filter(entrapment=entrapment)
    q = (q or "").strip()
    if q:
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": q})
        qs = qs.filter(match)
    return (
        qs.select_related("case", "equipment", "equipment__building", "estate", "contractor")
        .prefetch_related(
            Prefetch("case__clocks", queryset=SlaClock.objects.order_by("started_at", "id"))
        )
        .order_by(F("case__closed_at").asc(nulls_first=True), "-detected_at", "-id")
    )


def fault_get_for_user(user, pk) -> Fault:
    """One fault the user may see (404 otherwise)."""
    return get_or_404(fault_list(actor=actor_for(user)), pk)


def fault_test_runs(fault: Fault) -> list[FaultTestRun]:
    """The acceptance test runs of the repair handed in last (EQUIP-FAULT-07)."""
    return list(
        fault.test_runs.filter(repair_round=fault.repair_round)
        .select_related("by")
        .order_by("number")
    )
