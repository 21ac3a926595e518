"""Reads of the gate: recent events, the temporary cars inside, the stays with the ones to
resolve (VEHICLE-03/06/11)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from wuye.core.scoping import Actor

from ..choices import StayStatus
from ..models import GateEvent, ParkingStay
from .vehicles import _scoped, plate_normalize

# A temporary car inside longer than this is shown for the guard to resolve.
STAY_STALE_AFTER = dt.timedelta(hours=24)


def unresolved_q(now: dt.datetime) -> Q:
    """Stays the guard must resolve: exits without an entry, and cars inside over a day."""
    return Q(status=StayStatus.NO_ENTRY) | Q(
        status=StayStatus.INSIDE, entered_at__lt=now - STAY_STALE_AFTER
    )


def gate_event_list(
    *, actor: Actor, estate_id: int | None = None, direction: str = "", outcome: str = "",
    plate: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> QuerySet[GateEvent]:  # fmt: skip
    qs = _scoped(GateEvent.objects.all(), actor, estate_id).select_related(
        "lane", "stay", "vehicle", "recorded_by__staff"
    )
    if direction:
        qs = qs.filter(direction=direction)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if plate:
        qs = qs.filter(plate__icontains=plate_normalize(plate))
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-occurred_at", "-id")


def stay_list(
    *, actor: Actor, now: dt.datetime, estate_id: int | None = None, status: str = "",
    plate: str = "", unresolved: bool = False, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ParkingStay]:  # fmt: skip
    """The 《临时停车卡》 records; ``unresolved``: only those the guard must resolve."""
    qs = _scoped(ParkingStay.objects.all(), actor, estate_id).select_related("area", "estate")
    if status:
        qs = qs.filter(status=status)
    if plate:
        qs = qs.filter(plate__icontains=plate_normalize(plate))
    if unresolved:
        qs = qs.filter(unresolved_q(now))
    day = Q(entered_at__isnull=True) & Q(left_at__isnull=False)
    if date_from:
        qs = qs.filter(Q(entered_at__date__gte=date_from) | (day & Q(left_at__date__gte=date_from)))
    if date_to:
        qs = qs.filter(Q(entered_at__date__lte=date_to) | (day & Q(left_at__date__lte=date_to)))
    return qs.order_by("-id")


def cars_inside(estate_id: int) -> QuerySet[ParkingStay]:
    return ParkingStay.objects.filter(estate_id=estate_id, status=StayStatus.INSIDE).select_related(
        "area"
    ).order_by("-entered_at")  # fmt: skip
