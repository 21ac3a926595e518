"""Reads of the visitor register (外来人员登记): today's visitors, those still inside, a visitor
as a user may see them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import Visitor


def visitor_list(
    *,
    actor,
    estate_id: int | None = None,
    day: dt.date | None = None,
    tz=None,
    inside: bool | None = None,
    reason: str = "",
    search: str = "",
) -> QuerySet[Visitor]:
    """The register as the staff of the actor's estates see it, newest entry first. ``day``:
    those who came in on that local date (``tz``, the estate's zone)."""
    qs = scope_to_estates(Visitor.objects.all(), actor).select_related(
        "estate", "room__building", "room__unit", "registered_by", "temporary_pass"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if day is not None:
        start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)
        qs = qs.filter(entered_at__gte=start, entered_at__lt=start + dt.timedelta(days=1))
    if inside is True:
        qs = qs.filter(left_at__isnull=True)
    elif inside is False:
        qs = qs.filter(left_at__isnull=False)
    if reason:
        qs = qs.filter(reason=reason)
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(name__icontains=search) | Q(mobile__contains=search) | Q(room__number=search)
        )
    return qs.order_by("-entered_at", "-id")


def visitor_get_for_user(user, pk) -> Visitor:
    return get_or_404(visitor_list(actor=actor_for(user)), pk)
