"""Reads of equipment anomalies (设备异常): engineering's list of open ones with the clock, one
anomaly as a user may see it."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..models import Anomaly
from ..processes import ANOMALY_OPEN


def anomaly_list(
    *,
    actor,
    estate_id: int | None = None,
    status: str = "",
    source: str = "",
    equipment_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[Anomaly]:
    """The anomalies the actor may see (staff of their estates), newest finding first."""
    qs = scope_to_estates(Anomaly.objects.all(), actor).select_related(
        "case", "equipment", "equipment__building", "estate"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if status:
        qs = qs.filter(case__status=status)
    if open_only:
        qs = qs.filter(case__status__in=ANOMALY_OPEN)
    if source:
        qs = qs.filter(source=source)
    if equipment_id is not None:
        qs = qs.filter(equipment_id=equipment_id)
    return qs.order_by("-found_at", "-id")


def anomaly_get_for_user(user, pk) -> Anomaly:
    """One anomaly, or a 404 when it is out of the user's estates."""
    return get_or_404(anomaly_list(actor=actor_for(user)), pk)


def anomaly_for_case(case) -> Anomaly | None:
    """The anomaly behind a case (the fault process opens a fault from it)."""
    return Anomaly.objects.filter(case=case).select_related("equipment").first()
