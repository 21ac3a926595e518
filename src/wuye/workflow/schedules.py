"""Recurring schedules (计划): the recurrence arithmetic, and every write of schedules and planned
tasks (DESIGN.md, "Recurring schedules" and "Background work").

- ``occurrences`` is pure: the start times of a schedule's occurrences in a window, computed in
  the estate's time zone from the anchor (never by chaining one occurrence to the next, so
  "day 31" is Feb 28/29 and then Mar 31 again).
- ``schedule_generate`` (periodic) writes the planned tasks of the coming ``horizon`` ahead of
  time; ``planned_task_sweep_missed`` (periodic) marks a task not done by its due time as
  missed and notifies the assignee and the department head. A missed task is never deleted and
  may still be completed late (``done_at`` after ``due_at``; ``missed_at`` stays set).
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import STAFF_ROLES, DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_model_text
from wuye.workflow.calendar import WorkingCalendar, due_at
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule

__all__ = [
    "occurrences",
    "planned_task_complete",
    "planned_task_sweep_missed",
    "schedule_create",
    "schedule_deactivate",
    "schedule_generate",
]

DEFAULT_TIME = dt.time(9, 0)
HOURLY_DEFAULT_TIME = dt.time(0, 0)
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
# Who may plan recurring work for an estate.
SCHEDULE_WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})


def _zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


# --- Recurrence -------------------------------------------------------------------------------


def _times(schedule: Schedule) -> list[dt.time]:
    parsed = sorted({dt.time.fromisoformat(text) for text in schedule.times or []})
    if parsed:
        return parsed
    return [HOURLY_DEFAULT_TIME if schedule.frequency == Frequency.HOURLY else DEFAULT_TIME]


def _month_day(index: int, day: int) -> dt.date:
    """``day`` of the month ``index`` (year * 12 + month - 1), or that month's last day."""
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day, monthrange(year, month + 1)[1]))


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _every_n_days(anchor: dt.date, n: int, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = anchor + dt.timedelta(days=n * max(0, _ceil_div((first - anchor).days, n)))
    while day <= last:
        yield day
        day += dt.timedelta(days=n)


def _every_n_months(
    anchor: dt.date, n: int, day: int, first: dt.date, last: dt.date
) -> Iterator[dt.date]:
    start = anchor.year * 12 + anchor.month - 1
    index = start + n * max(0, _ceil_div(first.year * 12 + first.month - 1 - start, n))
    while (date := _month_day(index, day)) <= last:
        if date >= first:
            yield date
        index += n


def _dates(schedule: Schedule, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The dates in ``first``‥``last`` (both on or after the anchor) with occurrences."""
    anchor, interval = schedule.anchor, max(1, schedule.interval)
    match schedule.frequency:
        case Frequency.DAILY:
            yield from _every_n_days(anchor, 1, first, last)
        case Frequency.INTERVAL_DAYS:
            yield from _every_n_days(anchor, interval, first, last)
        case Frequency.MONTHLY:
            yield from _every_n_months(anchor, interval, schedule.day_of_month, first, last)
        case Frequency.QUARTERLY:
            yield from _every_n_months(anchor, 3, anchor.day, first, last)
        case Frequency.SEASONAL:
            months = set(schedule.months)
            if schedule.day_of_month:
                dates = _every_n_months(anchor, 1, schedule.day_of_month, first, last)
            else:
                dates = _every_n_days(anchor, interval, first, last)
            yield from (date for date in dates if date.month in months)
        case _:
            raise ValueError(f"no dates for frequency {schedule.frequency!r}")


def occurrences(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The start times of the schedule's occurrences with ``start <= t < end``, in order.

    Aware datetimes in the estate's time zone. Nothing before the anchor date or after the end
    date (local dates, both inclusive).
    """
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be aware datetimes")
    zone = _zone(schedule.estate)
    first = max(schedule.anchor, start.astimezone(zone).date())
    last = end.astimezone(zone).date()
    if schedule.end is not None:
        last = min(last, schedule.end)
    if first > last or start >= end:
        return []
    times = _times(schedule)
    if schedule.frequency == Frequency.HOURLY:
        # Elapsed hours (through UTC), so a daylight-saving change could not bend the step.
        step = dt.timedelta(hours=max(1, schedule.interval))
        base = dt.datetime.combine(schedule.anchor, times[0], tzinfo=zone).astimezone(dt.UTC)
        at = base + step * max(0, -((base - start) // step))
        found = []
        while at < end and (local := at.astimezone(zone)).date() <= last:
            found.append(local)
            at += step
        return found
    return [
        moment
        for date in _dates(schedule, first, last)
        for time in times
        if start <= (moment := dt.datetime.combine(date, time, tzinfo=zone)) < end
    ]


# --- Schedules --------------------------------------------------------------------------------


def _validate(
    *,
    estate: Estate,
    name: str,
    kind: str,
    rule: str,
    frequency: str,
    interval: object,
    times: object,
    day_of_month: object,
    months: object,
    anchor: object,
    end: object,
    due_amount: object,
    due_unit: str,
    assignee,
    assignee_role: str,
    department: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not name:
        error("name", _("请填写名称"))
    elif len(name) > 100:
        error("name", _("名称不能超过 100 个字"))
    if not _KIND.match(kind) or len(kind) > 30:
        error("kind", _("类别须为小写英文代码，如 maintenance"))
    if len(rule) > 30:
        error("rule", _("规则编号不能超过 30 个字符"))
    if frequency not in Frequency.values:
        error("frequency", _("请选择频率"))
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 366:
        error("interval", _("间隔须为 1 到 366 之间的整数"))
    if not isinstance(times, list) or not all(
        isinstance(t, str) and _HH_MM.match(t) for t in times
    ):
        error("times", _("时间点须为 HH:MM 格式，如 08:00"))
    elif frequency == Frequency.HOURLY and len(times) > 1:
        error("times", _("按小时的计划只能有一个起始时间"))
    uses_day = frequency in (Frequency.MONTHLY, Frequency.SEASONAL)
    if day_of_month is not None and (
        not isinstance(day_of_month, int) or isinstance(day_of_month, bool)
        or not 1 <= day_of_month <= 31
    ):  # fmt: skip
        error("day_of_month", _("每月几号须为 1 到 31"))
    elif day_of_month is None and frequency == Frequency.MONTHLY:
        error("day_of_month", _("请填写每月几号"))
    elif day_of_month is not None and not uses_day:
        error("day_of_month", _("只有按月或季节性计划可以指定每月几号"))
    if not isinstance(months, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months
    ):
        error("months", _("月份须为 1 到 12"))
    elif frequency == Frequency.SEASONAL and not months:
        error("months", _("请选择季节性计划的月份"))
    elif months and frequency != Frequency.SEASONAL:
        error("months", _("只有季节性计划可以指定月份"))
    if not isinstance(anchor, dt.date) or isinstance(anchor, dt.datetime):
        error("anchor", _("请填写开始日期"))
    elif end is not None and (not isinstance(end, dt.date) or end < anchor):
        error("end", _("结束日期不能早于开始日期"))
    if due_unit not in TargetUnit.values:
        error("due_unit", _("请选择时限单位"))
    if not isinstance(due_amount, int) or isinstance(due_amount, bool) or due_amount < 0:
        error("due_amount", _("完成时限不能为负数"))
    elif due_amount == 0 and due_unit in (TargetUnit.MINUTES, TargetUnit.HOURS):
        error("due_amount", _("按分钟或小时计的完成时限至少为 1"))
    if assignee is None and not assignee_role:
        error("assignee", _("请选择执行人或执行角色"))
    if assignee is not None:
        staff = Staff.objects.filter(user=assignee, is_active=True, company_id=estate.company_id)
        if not staff.filter(Q(estates=estate) | Q(role=Role.EXECUTIVE)).exists():
            error("assignee", _("执行人须为本项目在职员工"))
    if assignee_role and assignee_role not in STAFF_ROLES:
        error("assignee_role", _("请选择员工角色"))
    if department and department not in DepartmentKind.values:
        error("department", _("请选择部门"))
    return errors


@transaction.atomic
def schedule_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    frequency: str,
    by,
    rule: str = "",
    interval: int = 1,
    times: list[str] | None = None,
    day_of_month: int | None = None,
    months: list[int] | None = None,
    anchor: dt.date | None = None,
    end: dt.date | None = None,
    due_amount: int = 0,
    due_unit: str = TargetUnit.DAYS,
    assignee=None,
    assignee_role: str = "",
    department: str = "",
) -> Schedule:
    """Create a schedule (an executive or a department head of the estate).

    ``anchor`` defaults to today (local). Bad input is a ValidationError field by field. Tasks
    are written by the next ``schedule_generate``, from the later of the anchor and now: an
    occurrence before the schedule existed is not planned (nobody could have done it).
    """
    actor = _actor(by)
    if not actor.is_superuser:
        if estate.pk not in actor.estate_ids:
            raise Http404
        if actor.role not in SCHEDULE_WRITE_ROLES:
            raise PermissionDenied(_("只有部门负责人或企业高层可以制定计划"))
    now = timezone.now()
    name, kind, rule = name.strip(), kind.strip(), rule.strip()
    times = list(times) if times is not None else []
    months = list(months) if months is not None else []
    anchor = anchor or now.astimezone(_zone(estate)).date()
    errors = _validate(
        estate=estate, name=name, kind=kind, rule=rule, frequency=frequency, interval=interval,
        times=times, day_of_month=day_of_month, months=months, anchor=anchor, end=end,
        due_amount=due_amount, due_unit=due_unit, assignee=assignee,
        assignee_role=assignee_role, department=department,
    )  # fmt: skip
    # A schedule generates dates from its anchor on: one in year 9999 would overflow.
    check_date(anchor, field="anchor", label=_("开始日期"), errors=errors)
    check_date(end, field="end", label=_("结束日期"), errors=errors)
    if errors:
        raise ValidationError(errors)
    return Schedule.objects.create(
        estate=estate,
        name=name,
        kind=kind,
        rule=rule,
        frequency=frequency,
        interval=interval,
        times=sorted(set(times)),
        day_of_month=day_of_month,
        months=sorted(set(months)),
        anchor=anchor,
        end=end,
        due_amount=due_amount,
        due_unit=due_unit,
        assignee=assignee,
        assignee_role=assignee_role,
        department=department,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        created_at=now,
    )


@transaction.atomic
def schedule_deactivate(*, schedule: Schedule, by) -> int:
    """Stop a schedule: nothing more is generated and its future planned tasks are cancelled.

    Tasks already due (missed or still running) stay as they are. Returns how many were
    cancelled.
    """
    actor = _actor(by)
    if not actor.is_superuser:
        if schedule.estate_id not in actor.estate_ids:
            raise Http404
        if actor.role not in SCHEDULE_WRITE_ROLES:
            raise PermissionDenied(_("只有部门负责人或企业高层可以停用计划"))
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    schedule.active = False
    schedule.save(update_fields=["active"])
    return PlannedTask.objects.filter(
        schedule=schedule, status=PlannedTaskStatus.PLANNED, scheduled_for__gt=timezone.now()
    ).update(status=PlannedTaskStatus.CANCELLED)


def _generate_one(schedule: Schedule, until: dt.datetime) -> int:
    begin = schedule.generated_until
    if begin is None:
        anchor = dt.datetime.combine(schedule.anchor, dt.time.min, tzinfo=_zone(schedule.estate))
        begin = max(anchor, schedule.created_at)
    moments = occurrences(schedule, begin, until)
    if moments:
        existing = set(
            PlannedTask.objects.filter(
                schedule=schedule, scheduled_for__gte=moments[0], scheduled_for__lte=moments[-1]
            ).values_list("scheduled_for", flat=True)
        )
        zone = _zone(schedule.estate)
        calendar = WorkingCalendar(schedule.estate_id)
        rows = [
            PlannedTask(
                schedule=schedule,
                estate_id=schedule.estate_id,
                scheduled_for=moment,
                due_at=due_at(
                    moment,
                    schedule.due_amount,
                    schedule.due_unit,
                    zone,
                    schedule.estate_id,
                    calendar=calendar,
                ),
            )
            for moment in moments
            if moment not in existing
        ]
        # The unique (schedule, scheduled_for) constraint backs the lock: a row another worker
        # wrote anyway is skipped, never doubled.
        PlannedTask.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    else:
        rows = []
    schedule.generated_until = until
    schedule.save(update_fields=["generated_until"])
    return len(rows)


def schedule_generate(
    *,
    now: dt.datetime | None = None,
    horizon: dt.timedelta = dt.timedelta(days=7),
    batch: int = 100,
) -> int:
    """Periodic job: write the planned tasks of every active schedule up to ``now + horizon``.

    Schedules are claimed with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL) a batch at a time,
    and ``generated_until`` moves in the same transaction, so any number of workers can run at
    once and a second run creates nothing. Returns how many tasks were created.
    """
    until = (now or timezone.now()) + horizon
    pending = Q(active=True) & (Q(generated_until__isnull=True) | Q(generated_until__lt=until))
    created = 0
    while True:
        with transaction.atomic():
            ids = list(
                Schedule.objects.filter(pending)
                .order_by("id")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            for schedule in Schedule.objects.filter(pending, id__in=ids).select_related("estate"):
                created += _generate_one(schedule, until)
        if len(ids) < batch:
            break
    return created


# --- Planned tasks ----------------------------------------------------------------------------


@transaction.atomic
def planned_task_complete(*, task: PlannedTask, by, note: str = "") -> PlannedTask:
    """Record a planned task as done, by staff or a contractor of its estate.

    A missed task may still be done late: it becomes done with ``done_at`` after ``due_at``
    (``task.late``) and keeps ``missed_at``, so the miss stays visible. A task already done or
    cancelled is a Conflict (409).
    """
    actor = _actor(by)
    if not actor.is_superuser:
        if task.estate_id not in actor.estate_ids:
            raise Http404
        if actor.staff is None and actor.contractor is None:
            raise PermissionDenied(_("只有员工或维保单位可以完成计划任务"))
    note = note.strip()
    check_model_text(PlannedTask, note=note)
    task = PlannedTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED):
        raise Conflict(
            _("计划任务当前状态为“%(status)s”，不能再完成") % {"status": task.get_status_display()},
            code="invalid_state",
        )
    task.status = PlannedTaskStatus.DONE
    task.done_at = timezone.now()
    task.done_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    task.note = note
    task.save(update_fields=["status", "done_at", "done_by", "note"])
    return task


def _missed_recipients(schedule: Schedule, memo: dict) -> list:
    """The assignee (or the staff of the assignee role in the estate) and the department head."""
    key = schedule.pk
    if key not in memo:
        staff = Staff.objects.filter(
            company_id=schedule.estate.company_id, is_active=True, estates=schedule.estate_id
        ).select_related("user")
        users = [schedule.assignee] if schedule.assignee_id else []
        if not users and schedule.assignee_role:
            users = [s.user for s in staff.filter(role=schedule.assignee_role)]
        heads = staff.filter(role=Role.DEPARTMENT_HEAD)
        if schedule.department:
            heads = heads.filter(department__kind=schedule.department)
        users.extend(s.user for s in heads)
        seen: set[int] = set()
        memo[key] = [u for u in users if not (u.pk in seen or seen.add(u.pk))]
    return memo[key]


def _missed_messages(task: PlannedTask, memo: dict) -> list[dict]:
    schedule = task.schedule
    zone = _zone(schedule.estate)
    values = {
        "name": schedule.name,
        "rule": schedule.rule or "-",
        "scheduled_for": task.scheduled_for.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "due_at": task.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }
    context = {
        "title": _("计划任务已错过：%(name)s") % values,
        "body": _(
            "计划「%(name)s」（%(rule)s）%(scheduled_for)s 的任务未在 %(due_at)s 前完成，"
            "已标记为错过，请尽快补做。"
        )
        % values,
    }
    return [
        {
            "recipient": user,
            "template": "notice",
            "context": context,
            "channels": ["inbox"],
            "estate": schedule.estate,
            "ref": f"planned:{task.pk}",
            "idempotency_key": f"planned_missed:{task.pk}",
        }
        for user in _missed_recipients(schedule, memo)
    ]


def planned_task_sweep_missed(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Periodic job: every planned task past its due time becomes missed, once, and is escalated.

    Claimed with SELECT … FOR UPDATE SKIP LOCKED and stamped by a conditional UPDATE in the
    same transaction as its notifications, so concurrent sweepers handle each task exactly
    once. A missed task is never deleted or skipped. Returns how many were marked.
    """
    from wuye.notify.services import message_enqueue_bulk  # notify does not depend on workflow

    now = now or timezone.now()
    late = Q(status=PlannedTaskStatus.PLANNED, due_at__lt=now)
    marked = 0
    memo: dict = {}
    while True:
        with transaction.atomic():
            ids = list(
                PlannedTask.objects.filter(late)
                .order_by()
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            claimed = PlannedTask.objects.filter(late, id__in=ids)
            tasks = list(claimed.select_related("schedule__estate", "schedule__assignee"))
            claimed.filter(id__in=[t.pk for t in tasks]).update(
                status=PlannedTaskStatus.MISSED, missed_at=now
            )
            messages: list[dict] = []
            for task in tasks:
                messages.extend(_missed_messages(task, memo))
            message_enqueue_bulk(messages)
            marked += len(tasks)
        if len(ids) < batch:
            break
    return marked
