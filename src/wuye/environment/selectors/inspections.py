"""Reads of inspections (CLEAN-12..14, GREEN-11): the records the user may see, filtered as the
list page and the API filter them; the week's spot-check sample."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import estate_tz

from ..models import Inspection, SpotSample

__all__ = ["inspection_get_for_user", "inspection_list", "spot_sample_get_for_user"]


def inspection_list(
    *,
    actor,
    estate_id: int | None = None,
    kind: str = "",
    zone_id: int | None = None,
    green_area_id: int | None = None,
    passed: bool | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    tz=None,
) -> QuerySet[Inspection]:
    """Newest first. ``date_from``/``date_to``: days local to ``tz`` (the estate's), inclusive."""
    qs = scope_to_estates(Inspection.objects.all(), actor).select_related(
        "estate", "zone", "green_area", "rechecks__case"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if kind:
        qs = qs.filter(kind=kind)
    if zone_id is not None:
        qs = qs.filter(zone_id=zone_id)
    if green_area_id is not None:
        qs = qs.filter(green_area_id=green_area_id)
    if passed is not None:
        qs = qs.filter(passed=passed)
    tz = tz or dt.UTC
    if date_from is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time(0), tz))
    if date_to is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tz))
    return qs.order_by("-at", "-id")


def inspection_get_for_user(user, pk) -> Inspection:
    """One record, or a 404 out of the user's estates."""
    qs = inspection_list(actor=actor_for(user)).select_related("checklist", "sample", "task")
    return get_or_404(qs.prefetch_related("items__photo"), pk)


def spot_sample_get_for_user(user, estate: Estate, week_start: dt.date) -> SpotSample | None:
    """The estate's sample of the week (the estate already scoped by the caller)."""
    qs = scope_to_estates(SpotSample.objects.all(), actor_for(user))
    return qs.filter(estate=estate, week_start=week_start).first()


def local_tz(estate: Estate | None):
    return estate_tz(estate) if estate is not None else None
