"""Reads of the guards' patrol work: anomalies found, conduct checks, the checkpoint a guard
reports from."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.fieldwork.models import Checkpoint

from ..models import ConductCheck, PatrolAnomaly


def patrol_anomaly_list(
    *, actor, estate_id: int | None = None, kind: str = ""
) -> QuerySet[PatrolAnomaly]:
    qs = scope_to_estates(PatrolAnomaly.objects.all(), actor).select_related(
        "case", "checkpoint", "reported_by"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-found_at", "-id")


def conduct_check_list(
    *, actor, estate_id: int | None = None, shift_id: int | None = None
) -> QuerySet[ConductCheck]:
    qs = scope_to_estates(ConductCheck.objects.all(), actor).select_related("staff", "shift__post")
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if shift_id is not None:
        qs = qs.filter(shift_id=shift_id)
    return qs.order_by("-checked_at", "-id")


def checkpoint_get_for_user(user, pk) -> Checkpoint:
    """A checkpoint of the user's estates (the anomaly form opened from it), or a 404."""
    qs = scope_to_estates(
        Checkpoint.objects.select_related("route__estate"), actor_for(user), "route__estate"
    )
    return get_or_404(qs, pk)
