"""Dispatch by workload (REPAIR-07) and the auto-close of orders the owner never signed off."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate

from ..choices import Status
from ..models import RepairOrder, RepairSettings
from ..processes import REPAIR
from .steps import repair_order_act

# --- Dispatch by workload ----------------------------------------------------------------------


def technicians_by_workload(estate: Estate):
    """The estate's active technicians, the least loaded first (open repair orders assigned),
    then the one who was given an order the longest ago: round-robin by workload."""
    open_states = (Status.WAITING_ACCEPT, Status.IN_PROGRESS)
    return (
        get_user_model()
        .objects.filter(
            staff__estates=estate,
            staff__is_active=True,
            staff__role=Role.TECHNICIAN,
            staff__department__kind=DepartmentKind.ENGINEERING,
        )
        .annotate(
            open_orders=Count(
                "assigned_cases",
                filter=Q(
                    assigned_cases__process=REPAIR.code, assigned_cases__status__in=open_states
                ),
                distinct=True,
            ),
            last_assigned=Max(
                "assigned_cases__repair_order__dispatched_at",
                filter=Q(assigned_cases__process=REPAIR.code),
            ),
        )
        .order_by("open_orders", "last_assigned", "pk")
    )


@transaction.atomic
def repair_order_dispatch_auto(*, order: RepairOrder, by) -> RepairOrder:
    """Dispatch to the technician with the least open work (REPAIR-07)."""
    technician = technicians_by_workload(order.estate).first()
    if technician is None:
        raise ValidationError({"assignee": [_("本项目没有在岗的工程维修人员")]})
    return repair_order_act(order=order, action="dispatch", by=by, assignee=technician)


# --- Auto-close --------------------------------------------------------------------------------


def repair_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close the orders completed but neither accepted nor rejected for the estate's number of
    days (natural days, 自然日), recorded as such on the timeline. Idempotent; each order in its
    own transaction, so one failure does not hold back the rest."""
    now = now or timezone.now()
    candidates = (
        RepairOrder.objects.filter(
            case__status=Status.WAITING_ACCEPTANCE,
            completed_at__lte=now - dt.timedelta(days=1),
        )
        .select_related("estate")
        .order_by("completed_at")
    )
    days: dict[int, int] = {}
    closed = 0
    for order in candidates.iterator(chunk_size=500):
        if order.estate_id not in days:
            days[order.estate_id] = RepairSettings.for_estate(order.estate).auto_close_days
        if order.completed_at > now - dt.timedelta(days=days[order.estate_id]):
            continue
        try:
            repair_order_act(order=order, action="auto_close", by=None)
        except Conflict:
            continue  # accepted or rejected meanwhile
        closed += 1
    return closed
