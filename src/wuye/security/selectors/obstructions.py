"""Reads of obstructions (FIRE-14, VEHICLE-12): the estate's list, open ones by re-check due."""

from __future__ import annotations

from django.db.models import F, QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import Obstruction


def obstruction_list(
    *,
    actor,
    estate_id: int | None = None,
    status: str = "",
    kind: str = "",
    open_only: bool = False,
) -> QuerySet[Obstruction]:
    """The obstructions the actor may see; open ones by their next re-check."""
    qs = scope_to_estates(Obstruction.objects.all(), actor).select_related(
        "case", "estate", "room__unit__building", "building"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.filter(cleared_at__isnull=True)
    return qs.order_by(F("next_recheck_at").asc(nulls_last=True), "-found_at", "-id")


def obstruction_get_for_user(user, pk) -> Obstruction:
    """One obstruction, or a 404 out of the user's estates."""
    return get_or_404(obstruction_list(actor=actor_for(user)), pk)
