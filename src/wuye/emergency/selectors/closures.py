"""The closures in force (EMERG-HEALTH-05/10), the public read other apps use: the gates ask
whether a room, a unit, a building or the estate is closed before they let anyone in.

A closure runs from its start to the end the disease-control authority set, unless it was
lifted earlier (``lifted_at``); at its end time it ends by itself, nothing has to run."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..choices import ClosureScope
from ..models import Closure

__all__ = ["closure_for", "closures_in_force", "in_force_q"]


def in_force_q(at: dt.datetime, until: dt.datetime | None = None) -> Q:
    """Closures in force at ``at`` (or at any moment of ``[at, until)``)."""
    end = until or at
    started = Q(starts_at__lte=at) if until is None else Q(starts_at__lt=end)
    return (
        started
        & Q(ends_at__gt=at)
        & (Q(lifted_at__isnull=True) | Q(lifted_at__gt=at))
        & Q(incident__case__status__in=("active", "followup"))
    )


def closures_in_force(estate, at: dt.datetime | None = None) -> QuerySet[Closure]:
    at = at or timezone.now()
    estate_id = getattr(estate, "pk", estate)
    return (
        Closure.objects.filter(in_force_q(at), estate_id=estate_id)
        .select_related("building", "unit", "unit__building")
        .order_by("starts_at", "pk")
    )


def closure_for(
    estate,
    *,
    room=None,
    unit=None,
    building=None,
    at: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Closure | None:
    """The closure that covers this place at ``at`` (or any moment up to ``until``), the widest
    first: the whole estate, then the building, then the unit. ``room``, ``unit`` and
    ``building`` narrow the place; with none of them only an estate-wide closure counts."""
    at = at or timezone.now()
    estate_id = getattr(estate, "pk", estate)
    if room is not None:
        unit = unit or room.unit_id
        building = building or room.building_id
    if unit is not None and building is None:
        from wuye.core.models import Unit

        building = (
            Unit.objects.filter(pk=getattr(unit, "pk", unit))
            .values_list("building_id", flat=True)
            .first()
        )
    where = Q(scope=ClosureScope.ESTATE)
    if building is not None:
        where |= Q(scope=ClosureScope.BUILDING, building_id=getattr(building, "pk", building))
    if unit is not None:
        where |= Q(scope=ClosureScope.UNIT, unit_id=getattr(unit, "pk", unit))
    found = list(
        Closure.objects.filter(in_force_q(at, until), where, estate_id=estate_id).select_related(
            "building", "unit", "unit__building"
        )
    )
    order = {ClosureScope.ESTATE: 0, ClosureScope.BUILDING: 1, ClosureScope.UNIT: 2}
    found.sort(key=lambda c: (order[c.scope], c.starts_at, c.pk))
    return found[0] if found else None
