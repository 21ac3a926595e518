"""Reads of planned work: the plans of an estate, one plan with its tasks, "我的任务" of a staff
member or a contractor's account, the estate's task board and the month calendar."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import Actor, get_or_404, scope_to_estates
from wuye.core.shortcuts import estate_tz as zone_of
from wuye.workflow.models import PlannedTask, PlannedTaskStatus, Schedule

from ..models import TaskSpec

__all__ = [
    "OVERDUE",
    "UPCOMING_DAYS",
    "attach_subjects",
    "my_tasks",
    "plan_get_for_user",
    "plans_visible",
    "task_board",
    "task_calendar",
    "tasks_visible",
]

OVERDUE = "overdue"  # a status filter: past its due time and not done (missed, or not swept yet)
UPCOMING_DAYS = 7


def plans_visible(actor: Actor) -> QuerySet[Schedule]:
    """Plans (schedules with a field-work spec) of the actor's estates; a contractor's account
    sees the plans its contractor carries out."""
    qs = Schedule.objects.filter(spec__isnull=False).select_related(
        "estate", "assignee", "spec__checklist", "spec__route", "spec__contractor"
    )
    if actor.contractor is not None and actor.staff is None and not actor.is_superuser:
        return qs.filter(spec__contractor=actor.contractor)
    return scope_to_estates(qs, actor)


def plan_get_for_user(actor: Actor, pk) -> Schedule:
    return get_or_404(plans_visible(actor), pk)


def tasks_visible(actor: Actor) -> QuerySet[PlannedTask]:
    qs = PlannedTask.objects.filter(schedule__spec__isnull=False).select_related(
        "schedule__spec", "schedule__assignee", "estate", "done_by"
    )
    if actor.contractor is not None and actor.staff is None and not actor.is_superuser:
        return qs.filter(schedule__spec__contractor=actor.contractor)
    return scope_to_estates(qs, actor)


def attach_subjects(specs: Iterable[TaskSpec]) -> None:
    """Set ``subject_name`` on each spec with one query per subject model (no N+1)."""
    specs = [s for s in specs if s is not None]
    wanted: dict[int, set[int]] = defaultdict(set)
    for spec in specs:
        if spec.subject_type_id:
            wanted[spec.subject_type_id].add(spec.subject_id)
    names: dict[tuple[int, int], str] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for row in model._default_manager.filter(pk__in=ids):
            names[(type_id, row.pk)] = str(row)
    for spec in specs:
        if spec.subject_type_id:
            spec.subject_name = names.get((spec.subject_type_id, spec.subject_id), "")
        elif spec.route_id:
            spec.subject_name = str(spec.route)
        else:
            spec.subject_name = ""


def _late(now: dt.datetime) -> Q:
    return Q(status=PlannedTaskStatus.MISSED) | Q(status=PlannedTaskStatus.PLANNED, due_at__lt=now)


def _mine(actor: Actor) -> Q:
    if actor.contractor is not None and actor.staff is None:
        return Q(schedule__spec__contractor=actor.contractor)
    mine = Q(schedule__assignee=actor.user)
    if actor.role is not None:
        mine |= Q(schedule__assignee__isnull=True, schedule__assignee_role=actor.role)
    return mine


def my_tasks(actor: Actor, *, now: dt.datetime | None = None, zone=None) -> dict:
    """我的任务: ``overdue`` (missed and not done, or past due), ``today`` (due to start today)
    and ``upcoming`` (the next 7 days), each in time order; a task of a role counts for everyone
    of that role in its estate."""
    now = now or timezone.now()
    zone = zone or timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    tomorrow = start + dt.timedelta(days=1)
    qs = tasks_visible(actor).filter(_mine(actor)).order_by("scheduled_for", "id")
    overdue = list(qs.filter(_late(now))[:200])
    open_now = qs.filter(status=PlannedTaskStatus.PLANNED, due_at__gte=now)
    today_list = list(open_now.filter(scheduled_for__lt=tomorrow)[:200])
    upcoming = list(
        open_now.filter(
            scheduled_for__gte=tomorrow,
            scheduled_for__lt=tomorrow + dt.timedelta(days=UPCOMING_DAYS),
        )[:200]
    )
    attach_subjects(t.schedule.spec for t in [*overdue, *today_list, *upcoming])
    return {"overdue": overdue, "today": today_list, "upcoming": upcoming}


def task_board(
    actor: Actor,
    *,
    estate: Estate,
    kind: str = "",
    status: str = "",
    subject: str = "",
    plan: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[PlannedTask]:
    """The estate's planned tasks, filtered: kind, status (``overdue`` too), subject (words of
    the plan's name or its subject's "type:id"), plan, and local dates of the planned start
    (both included). Ordered by start time, missed ones first within a day."""
    now = now or timezone.now()
    qs = tasks_visible(actor).filter(estate=estate)
    if kind:
        qs = qs.filter(schedule__kind=kind)
    if status == OVERDUE:
        qs = qs.filter(_late(now))
    elif status:
        qs = qs.filter(status=status)
    if plan:
        qs = qs.filter(schedule_id=plan)
    if subject:
        type_label, _sep, subject_id = subject.partition(":")
        if subject_id.isdigit() and "." in type_label:
            app_label, _dot, model = type_label.partition(".")
            qs = qs.filter(
                schedule__spec__subject_type__app_label=app_label,
                schedule__spec__subject_type__model=model,
                schedule__spec__subject_id=int(subject_id),
            )
        else:
            qs = qs.filter(schedule__name__icontains=subject)
    zone = zone_of(estate)
    if start:
        qs = qs.filter(scheduled_for__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone))
    if end:
        limit = dt.datetime.combine(end, dt.time.min, tzinfo=zone) + dt.timedelta(days=1)
        qs = qs.filter(scheduled_for__lt=limit)
    return qs.order_by("scheduled_for", "id")


def task_calendar(actor: Actor, *, estate: Estate, year: int, month: int, kind: str = "") -> dict:
    """A month of planned tasks per day, counted by status: ``weeks`` (Monday-first rows of
    ``{"date", "in_month", "counts": {status: n}, "total"}``) and ``totals`` of the month.
    Shared by any calendar of planned work (maintenance, inspections, patrols)."""
    zone = zone_of(estate)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, _calendar.monthrange(year, month)[1])
    begin = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    finish = dt.datetime.combine(last, dt.time.min, tzinfo=zone) + dt.timedelta(days=1)
    qs = tasks_visible(actor).filter(
        estate=estate, scheduled_for__gte=begin, scheduled_for__lt=finish
    )
    if kind:
        qs = qs.filter(schedule__kind=kind)
    per_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for moment, status in qs.values_list("scheduled_for", "status").order_by():
        per_day[moment.astimezone(zone).date()][status] += 1
        totals[status] += 1
    weeks = []
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "counts": dict(per_day.get(day, {})),
                    "total": sum(per_day.get(day, {}).values()),
                }
                for day in week
            ]
        )
    return {"year": year, "month": month, "weeks": weeks, "totals": dict(totals)}


def plan_task_counts(schedule: Schedule) -> dict[str, int]:
    rows = schedule.tasks.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}
