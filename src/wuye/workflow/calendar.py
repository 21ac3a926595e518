"""Working days and deadlines (DESIGN.md, "Deadline arithmetic").

Whether a date is a working day is answered by the first of these that knows it:

1. ``local``: a Holiday row of the estate (a local override);
2. ``table``: a nationwide Holiday row (no estate), entered when the State Council publishes a
   year the package does not know yet, or to correct the package;
3. ``official``: the chinese-calendar package, make-up working days (调休) included;
4. ``fallback``: Monday to Friday, for a year the package does not know and nobody entered.

No date ever raises: a year unknown to the package falls through to the fallback, and the
Holiday admin shows ``calendar_warning()`` until someone enters that year. From 1 November the
executives and administrators also see a banner on their home page (``missing_holiday_years``)
asking them to enter next year from the State Council's notice (``holiday_notice``).

Deadlines:

- N minutes / N hours: calendar time, 24×7 (elapsed time, so a DST change cannot bend it);
- N days (天): 23:59:59 local time on the Nth date after the start event's local date;
- N working days (工作日): the start date is not counted; 23:59:59 local time of the Nth working
  day after it, e.g. COMPLAINT-09, 2026-09-30 15:00 + 3 → 2026-10-10 23:59:59 +08:00;
- 提前 N 天: on or before the date N days before the event.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from wuye.workflow.choices import TargetUnit

__all__ = [
    "DayStatus",
    "WorkingCalendar",
    "calendar_warning",
    "day_status",
    "due_at",
    "due_calendar_days",
    "due_minutes",
    "due_working_days",
    "is_working_day",
    "latest_date_ahead",
    "missing_holiday_years",
    "package_knows",
    "unknown_years",
    "warning_at",
]

Source = Literal["local", "table", "official", "fallback"]

ONE_DAY = dt.timedelta(days=1)
END_OF_DAY = dt.time(23, 59, 59)
# A deadline of N working days reads 2N + 31 days ahead at once: weekends plus the 9-day
# Spring Festival fit, so only an unusually long local closure needs a second query.
_READ_AHEAD_EXTRA_DAYS = 31

# The package names holidays in English; these are the names the State Council uses.
_OFFICIAL_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "Mid-autumn Festival": _("中秋节"),
    "National Day": _("国庆节"),
    "Anti-Fascist 70th Day": _("抗战胜利70周年纪念日"),
}


@dataclass(frozen=True, slots=True)
class DayStatus:
    """Whether a date is worked, who said so, and the holiday's name ("" for a plain day).

    A working day with a name is a make-up working day (调休上班) for that holiday.
    """

    working: bool
    source: Source
    name: str = ""


# --- the package ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def _official(day: dt.date) -> tuple[bool, str] | None:
    """(working, the package's holiday name or ""), or None for a year the package does not know."""
    try:
        working = chinese_calendar.is_workday(day)
        _holiday, name = chinese_calendar.get_holiday_detail(day)
    except (NotImplementedError, ValueError):
        return None
    return bool(working), name or ""


@functools.cache
def package_knows(year: int) -> bool:
    """Whether the chinese-calendar package has the State Council's schedule for ``year``."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return False
    return _official(dt.date(year, 7, 1)) is not None


# --- the calendar --------------------------------------------------------------------------


def _as_date(day: dt.date) -> dt.date:
    # A datetime is a date too, but it would never match the date keys of the table.
    return day.date() if isinstance(day, dt.datetime) else day


def _shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days`` calendar days, clamped to the dates Python can hold."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


class WorkingCalendar:
    """The working days of one estate (``estate_id=None``: nationwide only).

    Holiday rows are read for a whole date range in one query and kept in dicts; the package's
    answers are cached per process. A sweep over many clocks builds one calendar per estate and
    passes it as ``calendar=``, so it reads the table once per estate, not once per day or clock.
    Rows written after the calendar loaded them are not seen: build one per request or sweep.
    """

    def __init__(
        self,
        estate_id: int | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> None:
        self.estate_id = estate_id
        self._first: dt.date | None = None
        self._last: dt.date | None = None
        self._local: dict[dt.date, tuple[bool, str]] = {}
        self._national: dict[dt.date, tuple[bool, str]] = {}
        if first is not None:
            self.load(first, last if last is not None else first)

    def load(self, first: dt.date, last: dt.date) -> None:
        """Read the Holiday rows of ``first``‥``last`` (one query) unless already loaded.

        The range is widened to whole years: a year has a few dozen rows, and a sweep over
        clocks started on different days of a year then reads the table once.
        """
        from wuye.workflow.models.calendar import Holiday, HolidayKind

        first, last = sorted((_as_date(first), _as_date(last)))
        first, last = dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)
        if self._first is not None and self._last is not None:
            if self._first <= first and last <= self._last:
                return
            # Re-read the union, so the loaded range stays one interval without gaps.
            first, last = min(first, self._first), max(last, self._last)
        rows = Holiday.objects.filter(date__range=(first, last))
        if self.estate_id is None:
            rows = rows.filter(estate__isnull=True)
        else:
            rows = rows.filter(Q(estate__isnull=True) | Q(estate_id=self.estate_id))
        local: dict[dt.date, tuple[bool, str]] = {}
        national: dict[dt.date, tuple[bool, str]] = {}
        for day, kind, name, estate_id in rows.values_list("date", "kind", "name", "estate_id"):
            (national if estate_id is None else local)[day] = (kind == HolidayKind.WORKDAY, name)
        self._local, self._national = local, national
        self._first, self._last = first, last

    def _ensure(self, day: dt.date) -> None:
        if self._first is None or self._last is None or not self._first <= day <= self._last:
            self.load(day, day)

    def _lookup(self, day: dt.date) -> tuple[bool, Source, str]:
        """(working, source, untranslated name) from the first source that knows ``day``."""
        day = _as_date(day)
        self._ensure(day)
        if (row := self._local.get(day)) is not None:
            return row[0], "local", row[1]
        if (row := self._national.get(day)) is not None:
            return row[0], "table", row[1]
        if (official := _official(day)) is not None:
            return official[0], "official", official[1]
        return day.weekday() < 5, "fallback", ""

    def status(self, day: dt.date) -> DayStatus:
        working, source, name = self._lookup(day)
        if source == "official":
            name = str(_OFFICIAL_NAMES.get(name, name))
        return DayStatus(working, source, name)

    def is_working(self, day: dt.date) -> bool:
        return self._lookup(day)[0]

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``day`` (``day`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = _as_date(day)
        self.load(day, _shift(day, 2 * days + _READ_AHEAD_EXTRA_DAYS))
        current = day
        counted = 0
        while counted < days:
            current += ONE_DAY  # one calendar date at a time: holidays and 调休 decide each one
            if self.is_working(current):
                counted += 1
        return current


def day_status(day: dt.date, estate_id: int | None = None) -> DayStatus:
    """Whether ``day`` is a working day for the estate (or nationwide), and why. Never raises."""
    return WorkingCalendar(estate_id).status(day)


def is_working_day(day: dt.date, estate_id: int | None = None) -> bool:
    return WorkingCalendar(estate_id).is_working(day)


# --- deadlines -----------------------------------------------------------------------------


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _require_aware(**values: dt.datetime) -> None:
    for name, value in values.items():
        if timezone.is_naive(value):
            raise ValueError(f"{name} must be an aware datetime")


def _require_not_negative(amount: int) -> None:
    if amount < 0:
        raise ValueError("a time limit must not be negative")


def _end_of_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=zone)


def due_minutes(start: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` of elapsed time after ``start`` (24×7), in ``start``'s time zone."""
    _require_aware(start=start)
    _require_not_negative(minutes)
    # Aware arithmetic within one ZoneInfo is wall-clock time; go through UTC for elapsed time.
    return (start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(start.tzinfo)


def due_calendar_days(start: dt.datetime, days: int, tz: str | dt.tzinfo) -> dt.datetime:
    """23:59:59 local time on the ``days``-th date after the start's local date (N 天)."""
    _require_aware(start=start)
    _require_not_negative(days)
    zone = _zone(tz)
    return _end_of_day(start.astimezone(zone).date() + dt.timedelta(days=days), zone)


def due_working_days(
    start: dt.datetime,
    days: int,
    tz: str | dt.tzinfo,
    estate_id: int | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """23:59:59 local time of the ``days``-th working day after the start's local date (N 工作日).

    The start date is not counted, whether or not it is a working day. ``calendar`` (one per
    estate) lets a sweep share the table rows between clocks.
    """
    _require_aware(start=start)
    _require_not_negative(days)
    if calendar is None:
        calendar = WorkingCalendar(estate_id)
    elif estate_id is not None and calendar.estate_id != estate_id:
        raise ValueError("the calendar belongs to another estate")
    zone = _zone(tz)
    return _end_of_day(calendar.add_working_days(start.astimezone(zone).date(), days), zone)


def due_at(
    start: dt.datetime,
    amount: int,
    unit: str,
    tz: str | dt.tzinfo,
    estate_id: int | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """When a time limit of ``amount`` ``unit`` (a TargetUnit) started at ``start`` runs out."""
    zone = _zone(tz)
    match TargetUnit(unit):
        case TargetUnit.MINUTES:
            return due_minutes(start, amount).astimezone(zone)
        case TargetUnit.HOURS:
            return due_minutes(start, amount * 60).astimezone(zone)
        case TargetUnit.DAYS:
            return due_calendar_days(start, amount, zone)
        case TargetUnit.WORKING_DAYS:
            return due_working_days(start, amount, zone, estate_id, calendar=calendar)
    raise AssertionError(unit)  # pragma: no cover — TargetUnit(unit) rejects anything else


def warning_at(start: dt.datetime, due: dt.datetime, fraction: float = 0.75) -> dt.datetime:
    """The point ``fraction`` of the way from ``start`` to ``due`` (elapsed time), in due's zone."""
    _require_aware(start=start, due=due)
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    begin = start.astimezone(dt.UTC)
    return (begin + (due.astimezone(dt.UTC) - begin) * fraction).astimezone(due.tzinfo)


def latest_date_ahead(event_date: dt.date, days: int) -> dt.date:
    """The last date on which something required 提前 ``days`` 天 before the event may happen."""
    _require_not_negative(days)
    return _as_date(event_date) - dt.timedelta(days=days)


# --- years nobody has entered --------------------------------------------------------------


def unknown_years(years: Iterable[int]) -> list[int]:
    """The years the package does not know and that have no nationwide Holiday row, sorted."""
    from wuye.workflow.models.calendar import Holiday

    wanted = sorted({year for year in years if not package_knows(year)})
    valid = [year for year in wanted if dt.MINYEAR <= year <= dt.MAXYEAR]
    if not valid:
        return wanted
    entered = {
        day.year
        for day in Holiday.objects.filter(
            estate__isnull=True,
            date__range=(dt.date(valid[0], 1, 1), dt.date(valid[-1], 12, 31)),
        ).dates("date", "year")
    }
    return [year for year in wanted if year not in entered]


def calendar_warning() -> str | None:
    """The admin's warning when this year or next year has no holiday schedule, else None."""
    this_year = timezone.localdate().year
    years = unknown_years([this_year, this_year + 1])
    if not years:
        return None
    return gettext(
        "%(years)s 年的法定节假日尚未录入，按周末计算工作日，请在“节假日”中录入国务院公布的安排"
    ) % {"years": pgettext("list separator", "、").join(str(year) for year in years)}


# The State Council publishes next year's schedule in October or November; from this date on a
# missing next year is worth a banner on the home page of those who can enter it.
NEXT_YEAR_REMINDER_FROM = (11, 1)


def missing_holiday_years(today: dt.date | None = None) -> list[int]:
    """The years whose holidays should be entered now: this year whenever nobody entered it and
    the package does not know it, and next year as well from 1 November."""
    today = today if today is not None else timezone.localdate()
    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_REMINDER_FROM:
        years.append(today.year + 1)
    return unknown_years(years)
