"""Reads of cleaning zones (清洁区域), scoped to the estates the user works in."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import CleaningZone

__all__ = ["zone_get_by_code", "zone_get_for_user", "zones_for_user"]


def zones_for_user(user) -> QuerySet[CleaningZone]:
    actor = actor_for(user)
    qs = CleaningZone.objects.prefetch_related("cleaners").select_related(
        "estate", "building", "public_area"
    )
    if actor.staff is None and not actor.is_superuser:
        return qs.none()
    return scope_to_estates(qs, actor)


def zone_get_for_user(user, pk: int) -> CleaningZone:
    return get_or_404(zones_for_user(user), pk)


def zone_get_by_code(user, code: str) -> CleaningZone:
    """The zone whose QR label was scanned (404 when it is not one the user may see)."""
    zone = zones_for_user(user).filter(code=str(code)[:12].upper()).first()
    if zone is None:
        raise Http404
    return zone
