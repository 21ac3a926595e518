"""TAKEOVER-15: a project (or building) that has not passed takeover acceptance must not be
handed over to owners. Move-in asks here before a batch is created or an owner is received."""

from __future__ import annotations

from django.db.models import Q

from wuye.core.models import Building
from wuye.handover.choices import TakeoverStatus

ACCEPTED = (TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED)


def takeover_confirmed(building: Building) -> bool:
    """Whether the building's takeover is confirmed: a confirmed acceptance of the building
    itself, or of its whole estate (a plan without a building)."""
    from wuye.handover.models import TakeoverPlan

    return TakeoverPlan.objects.filter(
        Q(building=building) | Q(building__isnull=True),
        project__estate_id=building.estate_id,
        case__status__in=ACCEPTED,
    ).exists()
