"""Reads of maintenance: the plans a user may see, and the monthly effectiveness review
(EQUIP-MAINT-08): fault rate per piece of equipment for the last six months, services done,
missed and late, and the recorded conclusion."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404
from wuye.core.shortcuts import estate_tz
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import EquipmentStatus
from ..models import Equipment, Fault, MaintenancePlan, MaintenanceReview

__all__ = [
    "maintenance_records_for_user",
    "month_start",
    "plan_get_for_user",
    "plans_for_user",
    "record_get_for_user",
    "review_months",
]

MONTHS = 6


def _actor(user) -> Actor:
    return user if isinstance(user, Actor) else actor_for(user)


def plans_for_user(user) -> QuerySet[MaintenancePlan]:
    """The plans of the estates the staff member works in (contractors and residents: none)."""
    actor = _actor(user)
    qs = MaintenancePlan.objects.select_related("estate", "equipment", "contractor")
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(estate_id__in=actor.estate_ids)


def plan_get_for_user(user, pk) -> MaintenancePlan:
    return get_or_404(plans_for_user(user), pk)


def month_start(month: dt.date, estate: Estate, shift: int = 0) -> dt.datetime:
    """Midnight of the first day of ``month`` (+ ``shift`` months) in the estate's zone."""
    index = month.year * 12 + month.month - 1 + shift
    first = dt.date(index // 12, index % 12 + 1, 1)
    return dt.datetime.combine(first, dt.time(), tzinfo=estate_tz(estate))


def review_months(*, estate: Estate, category: str, month: dt.date) -> dict:
    """The review of ``month`` and the five months before it, oldest first: per month the
    faults, the equipment counted, the fault rate (faults per piece), and the maintenance tasks
    due that month done on time, done late and missed; the trend compares the month with the
    average of the five before; ``review`` is the recorded conclusion (or None)."""
    pieces = Equipment.objects.filter(estate=estate, category=category).exclude(
        status=EquipmentStatus.STOPPED
    )
    count = pieces.count()
    rows = []
    for shift in range(-(MONTHS - 1), 1):
        start, end = month_start(month, estate, shift), month_start(month, estate, shift + 1)
        faults = Fault.objects.filter(
            estate=estate, equipment__category=category, detected_at__gte=start,
            detected_at__lt=end,
        ).count()  # fmt: skip
        tasks = PlannedTask.objects.filter(
            estate=estate, schedule__kind="maintenance",
            schedule__maintenance_plan_link__equipment__category=category,
            scheduled_for__gte=start, scheduled_for__lt=end,
        )  # fmt: skip
        done = tasks.filter(status=PlannedTaskStatus.DONE)
        rows.append({
            "month": start.date(),
            "faults": faults,
            "equipment": count,
            "rate": round(faults / count, 2) if count else None,
            "due": tasks.exclude(status=PlannedTaskStatus.CANCELLED).count(),
            "done": done.filter(done_at__lte=F("due_at")).count(),
            "late": done.filter(done_at__gt=F("due_at")).count(),
            "missed": tasks.filter(status=PlannedTaskStatus.MISSED).count(),
            "open": tasks.filter(Q(status=PlannedTaskStatus.PLANNED)).count(),
        })  # fmt: skip
    current = rows[-1]["rate"]
    earlier = [r["rate"] for r in rows[:-1] if r["rate"] is not None]
    trend = "flat"
    if current is not None and earlier:
        average = sum(earlier) / len(earlier)
        trend = "up" if current > average else "down" if current < average else "flat"
    review = (
        MaintenanceReview.objects.select_related("by")
        .filter(estate=estate, category=category, month=month.replace(day=1))
        .first()
    )
    return {"months": rows, "trend": trend, "review": review, "equipment": count}


def maintenance_records_for_user(user) -> QuerySet:
    """Completed maintenance records (fieldwork.TaskRecord of kind maintenance) of the staff
    member's estates, with their verification when there is one."""
    from wuye.fieldwork.models import TaskRecord

    actor = _actor(user)
    qs = TaskRecord.objects.filter(kind="maintenance").select_related(
        "estate", "maintenance_verification"
    )
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(estate_id__in=actor.estate_ids)


def record_get_for_user(user, pk):
    return get_or_404(maintenance_records_for_user(user), pk)
