"""Reads the pages and the services share: a move-in's state, its steps, its clocks."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

from ..models import MoveIn, MoveInBatch

# --- Reads used by the pages and the services ---------------------------------------------------


def batch_list(*, actor: Actor, estate: Estate | None = None) -> QuerySet[MoveInBatch]:
    qs = MoveInBatch.objects.select_related("estate", "building")
    if not actor.is_superuser:
        if actor.staff is None:
            return qs.none()
        qs = qs.filter(estate__in=visible_estates(actor))
    if estate is not None:
        qs = qs.filter(estate=estate)
    return qs


def batch_get_for_user(user, pk) -> MoveInBatch:
    return get_or_404(batch_list(actor=actor_for(user)), pk)


def move_in_list(*, actor: Actor) -> QuerySet[MoveIn]:
    qs = MoveIn.objects.select_related(
        "batch__estate", "batch__building", "room__building", "room__unit", "resident", "case"
    )
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(batch__estate__in=visible_estates(actor))


def move_in_get_for_user(user, pk) -> MoveIn:
    return get_or_404(move_in_list(actor=actor_for(user)), pk)
