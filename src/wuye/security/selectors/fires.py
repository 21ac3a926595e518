"""Reads of fires: the scoped list (open first), the getter, the live page's facts."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

from ..models import FireIncident

SEARCH_FIELDS = ("case__number", "place")


def fire_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    status: str = "",
    size: str = "",
    open_only: bool = False,
    q: str = "",
) -> QuerySet[FireIncident]:
    """Staff see the fires of their estates; open ones first, then the latest reported."""
    if actor.is_superuser:
        qs = FireIncident.objects.all()
    elif actor.staff is not None:
        qs = FireIncident.objects.filter(estate__in=visible_estates(actor))
    else:
        return FireIncident.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if size:
        qs = qs.filter(size=size)
    if open_only:
        qs = qs.filter(case__closed_at__isnull=True)
    q = (q or "").strip()
    if q:
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": q})
        qs = qs.filter(match)
    return qs.select_related("case", "estate", "building", "reported_by").order_by(
        F("case__closed_at").asc(nulls_first=True), "-reported_at", "-id"
    )


def fire_get_for_user(user, pk) -> FireIncident:
    """One fire the user may see (404 otherwise)."""
    return get_or_404(fire_list(actor=actor_for(user)), pk)
