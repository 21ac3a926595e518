"""Reads of rectifications (CLEAN-15, GREEN-11): the estate's list (open ones by deadline), the
assignee's own, one rectification."""

from __future__ import annotations

from django.db.models import F, QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import Rectification

__all__ = ["rectification_get_for_user", "rectification_list"]


def rectification_list(
    *,
    actor,
    estate_id: int | None = None,
    status: str = "",
    mine: bool = False,
    zone_id: int | None = None,
    green_area_id: int | None = None,
) -> QuerySet[Rectification]:
    """The rectifications the actor may see; open ones first, by deadline. ``mine``: those the
    actor is to put right."""
    qs = scope_to_estates(Rectification.objects.all(), actor).select_related(
        "case", "estate", "zone", "green_area", "assignee", "inspection"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if mine:
        qs = qs.filter(assignee__user=actor.user)
    if zone_id is not None:
        qs = qs.filter(zone_id=zone_id)
    if green_area_id is not None:
        qs = qs.filter(green_area_id=green_area_id)
    return qs.order_by(F("closed_at").asc(nulls_first=True), "deadline", "-id")


def rectification_get_for_user(user, pk) -> Rectification:
    """One rectification, or a 404 out of the user's estates."""
    return get_or_404(rectification_list(actor=actor_for(user)), pk)
