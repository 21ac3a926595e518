"""Today's tasks of a cleaner or gardener (今日任务), in time order, grouped late / now / later /
done; the zone's QR page filters them to one zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.shortcuts import estate_tz
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..models import CleaningZone
from ..processes import CLEANING_KIND, GREENING_KIND

__all__ = ["DayTasks", "day_bounds", "my_task_get", "my_tasks_today", "tasks_of_day"]

KINDS = (CLEANING_KIND, GREENING_KIND)


def day_bounds(estate: Estate, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    tz = estate_tz(estate)
    today = (now or timezone.now()).astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def tasks_of_day(estate: Estate, now: dt.datetime | None = None) -> QuerySet[PlannedTask]:
    """The estate's environment tasks of the day (cancelled ones left out), in time order."""
    start, end = day_bounds(estate, now)
    return (
        PlannedTask.objects.filter(
            estate=estate,
            schedule__kind__in=KINDS,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        .exclude(status=PlannedTaskStatus.CANCELLED)
        .select_related(
            "schedule",
            "schedule__spec",
            "schedule__environment_line",
            "schedule__environment_line__zone",
            "schedule__environment_line__green_area",
            "schedule__assignee__staff",
        )
        .order_by("scheduled_for", "id")
    )


@dataclass
class DayTasks:
    late: list = field(default_factory=list)
    now: list = field(default_factory=list)
    later: list = field(default_factory=list)
    done: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.late) + len(self.now) + len(self.later) + len(self.done)


def my_tasks_today(
    user, estate: Estate, *, zone: CleaningZone | None = None, now: dt.datetime | None = None
) -> DayTasks:
    """The user's tasks of today in the estate (the zone's only, when given), grouped."""
    now = now or timezone.now()
    qs = tasks_of_day(estate, now).filter(schedule__assignee=user)
    if zone is not None:
        qs = qs.filter(schedule__environment_line__zone=zone)
    day = DayTasks()
    for task in qs:
        line = getattr(task.schedule, "environment_line", None)
        task.place = (line.zone or line.green_area) if line else None
        task.work_label = line.get_work_display() if line else task.schedule.name
        if task.status == PlannedTaskStatus.DONE:
            day.done.append(task)
        elif task.status == PlannedTaskStatus.MISSED or task.due_at < now:
            day.late.append(task)
        elif task.scheduled_for <= now:
            day.now.append(task)
        else:
            day.later.append(task)
    return day


def my_task_get(user, pk: int) -> PlannedTask:
    """An environment task of an estate the user works in (else 404)."""
    actor = actor_for(user)
    qs = PlannedTask.objects.filter(schedule__kind__in=KINDS).select_related(
        "schedule", "schedule__spec", "estate", "schedule__environment_line__zone"
    )
    if not actor.is_superuser:
        if actor.staff is None:
            qs = qs.none()
        else:
            qs = qs.filter(estate_id__in=actor.estate_ids)
    return get_or_404(qs, pk)
