"""Recurrence arithmetic of schedules (计划), pure: no database, no clock.

- ``occurrences``: the start times of a schedule's occurrences in a window, computed in the
  estate's time zone from the anchor (never by chaining one occurrence to the next, so "day 31"
  is Feb 28/29 and then Mar 31 again).
- ``next_after``: for a schedule counted from the last completion, the next occurrence after a
  completion (or after the due time of a task missed and not done).

The writes (generation, completion, the missed sweep) are ``wuye.workflow.schedules``.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.core.models import Estate
from wuye.workflow.models import Frequency, Schedule

__all__ = ["first_occurrence", "next_after", "occurrences", "zone_of"]

DEFAULT_TIME = dt.time(9, 0)
HOURLY_DEFAULT_TIME = dt.time(0, 0)


def zone_of(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


# --- On the calendar ---------------------------------------------------------------------------


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
    zone = zone_of(schedule.estate)
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


# --- From the last completion ----------------------------------------------------------------


def _after(schedule: Schedule, day: dt.date) -> dt.date:
    """The date ``interval`` units of the frequency after ``day`` (a month without that day
    uses its last day; a seasonal plan moves on to the first day of its next month in season)."""
    interval = max(1, schedule.interval)
    match schedule.frequency:
        case Frequency.MONTHLY | Frequency.QUARTERLY:
            months = interval if schedule.frequency == Frequency.MONTHLY else 3
            return _month_day(day.year * 12 + day.month - 1 + months, day.day)
        case Frequency.SEASONAL:
            day += dt.timedelta(days=interval)
            season = set(schedule.months) or set(range(1, 13))
            index = day.year * 12 + day.month - 1
            while index % 12 + 1 not in season:
                index += 1
                day = _month_day(index, schedule.day_of_month or 1)
            return day
        case _:  # daily, every N days
            return day + dt.timedelta(days=interval)


def next_after(
    schedule: Schedule, counted_from: dt.datetime, previous: dt.datetime
) -> dt.datetime | None:
    """The occurrence after ``previous``, counted from ``counted_from`` (a completion, or the due
    time of a task missed and not done), never at or before ``previous``; None past the end."""
    zone = zone_of(schedule.estate)
    if schedule.frequency == Frequency.HOURLY:
        step = dt.timedelta(hours=max(1, schedule.interval))
        base = max(counted_from, previous).astimezone(dt.UTC).replace(second=0, microsecond=0)
        moment = (base + step).astimezone(zone)
    else:
        time = _times(schedule)[0]
        moment = dt.datetime.combine(_after(schedule, counted_from.astimezone(zone).date()), time)
        moment = moment.replace(tzinfo=zone)
        if moment <= previous:  # done early: the next counts from the occurrence itself
            moment = dt.datetime.combine(_after(schedule, previous.astimezone(zone).date()), time)
            moment = moment.replace(tzinfo=zone)
    if schedule.end is not None and moment.astimezone(zone).date() > schedule.end:
        return None
    return moment


def first_occurrence(schedule: Schedule) -> dt.datetime | None:
    anchor = dt.datetime.combine(schedule.anchor, dt.time.min, tzinfo=zone_of(schedule.estate))
    begin = max(anchor, schedule.created_at)
    for days in (32, 400):  # a seasonal plan may wait most of a year for its season
        found = occurrences(schedule, begin, begin + dt.timedelta(days=days))
        if found:
            return found[0]
    return None
