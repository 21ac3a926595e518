"""Reads of security incidents (治安事件, GUARD-11)."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import SecurityIncident
from ..processes import INCIDENT_OPEN


def incident_list(
    *, actor, estate_id: int | None = None, status: str = "", open_only: bool = False
) -> QuerySet[SecurityIncident]:
    """The incidents the actor may see, newest first."""
    qs = scope_to_estates(SecurityIncident.objects.all(), actor).select_related(
        "case", "estate", "reported_by", "police_called_by"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if open_only:
        qs = qs.filter(case__status__in=INCIDENT_OPEN)
    return qs.order_by("-found_at", "-id")


def incident_get_for_user(user, pk) -> SecurityIncident:
    """One incident, or a 404 out of the user's estates."""
    return get_or_404(incident_list(actor=actor_for(user)), pk)
