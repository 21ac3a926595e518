"""The official working-day calendar and the deadline arithmetic (DESIGN.md "Deadline arithmetic").

The 2026 schedule of the State Council, as chinese-calendar 1.11 has it:
元旦 Jan 1–3 (make-up Sun Jan 4); 春节 Feb 15–23 (make-up Sat Feb 14, Sat Feb 28);
国庆节 Oct 1–7 (make-up Sun Sep 20, Sat Oct 10). The package knows 2004–2026; 2027 is unknown:
tests/conftest.py pins that (``PACKAGE_LAST_YEAR``), so a newer package that ships 2027 changes
nothing here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import EstateFactory
from wuye.workflow.calendar import (
    DayStatus,
    WorkingCalendar,
    calendar_warning,
    day_status,
    due_at,
    due_calendar_days,
    due_minutes,
    due_working_days,
    is_working_day,
    latest_date_ahead,
    package_knows,
    unknown_years,
    warning_at,
)
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Holiday, HolidayKind

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, tz=SH) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=tz)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return at(y, m, d, 23, 59, 59)


def national(day: dt.date, kind: str = HolidayKind.HOLIDAY, name: str = "") -> Holiday:
    return Holiday.objects.create(date=day, kind=kind, name=name)


# --- the package and the DESIGN example ------------------------------------------------------


def test_package_covers_2004_to_2026_only():
    assert package_knows(2004) and package_knows(2026)
    assert not package_knows(2003) and not package_knows(2027)


def test_years_after_2026_are_unknown_whatever_package_is_installed():
    # The pin of tests/conftest.py, not the installed version, makes 2027 unknown: a package
    # that knows it (and raises nothing for it) is still refused that year here.
    from tests.conftest import PACKAGE_LAST_YEAR
    from wuye.workflow import calendar as working_calendar

    assert PACKAGE_LAST_YEAR == 2026
    with pytest.raises(NotImplementedError):
        working_calendar.chinese_calendar.is_workday(dt.date(2027, 3, 1))
    assert working_calendar.chinese_calendar.is_workday(dt.date(2026, 10, 10))  # 调休 Saturday


@pytest.mark.django_db
def test_package_2026_national_day_agrees_with_design():
    for day in range(1, 8):
        assert day_status(dt.date(2026, 10, day)) == DayStatus(False, "official", "国庆节")
    assert day_status(dt.date(2026, 10, 8)) == DayStatus(True, "official", "")
    assert day_status(dt.date(2026, 10, 10)) == DayStatus(True, "official", "国庆节")  # Sat, 调休
    assert day_status(dt.date(2026, 10, 11)) == DayStatus(False, "official", "")  # plain Sunday


@pytest.mark.django_db
def test_general_complaint_due_in_three_working_days__COMPLAINT_09():
    # DESIGN: Oct 1–7 holiday, then Oct 8, 9 and the make-up Saturday Oct 10.
    due = due_working_days(at(2026, 9, 30, 15), 3, "Asia/Shanghai")
    assert due == end_of(2026, 10, 10)
    assert due.isoformat() == "2026-10-10T23:59:59+08:00"
    assert due_at(at(2026, 9, 30, 15), 3, TargetUnit.WORKING_DAYS, SH) == due


@pytest.mark.django_db
def test_start_date_is_not_counted_even_when_it_is_a_working_day__COMPLAINT_10():
    assert due_working_days(at(2026, 9, 29, 0, 0), 1, SH) == end_of(2026, 9, 30)
    assert due_working_days(at(2026, 9, 29, 23, 59), 1, SH) == end_of(2026, 9, 30)
    # A start on a holiday: the next working day is the first one.
    assert due_working_days(at(2026, 10, 3, 9), 1, SH) == end_of(2026, 10, 8)


@pytest.mark.django_db
def test_zero_working_days_ends_on_the_start_date():
    assert due_working_days(at(2026, 10, 3, 9), 0, SH) == end_of(2026, 10, 3)


# --- Spring Festival and make-up days ---------------------------------------------------------


@pytest.mark.django_db
def test_spring_festival_2026_holidays_and_make_up_saturdays():
    for day in range(15, 24):
        assert not is_working_day(dt.date(2026, 2, day)), day
    assert day_status(dt.date(2026, 2, 16)).name == "春节"
    assert day_status(dt.date(2026, 2, 14)) == DayStatus(True, "official", "春节")  # Sat
    assert day_status(dt.date(2026, 2, 28)) == DayStatus(True, "official", "春节")  # Sat
    assert not is_working_day(dt.date(2026, 3, 1))  # the Sunday after is a plain Sunday


@pytest.mark.django_db
def test_urgent_complaint_before_spring_festival__COMPLAINT_10():
    # Friday evening: the make-up Saturday Feb 14 is the next working day.
    assert due_working_days(at(2026, 2, 13, 18), 1, SH) == end_of(2026, 2, 14)
    # On the make-up Saturday itself: the 9-day holiday follows, so Tuesday Feb 24.
    assert due_working_days(at(2026, 2, 14, 10), 1, SH) == end_of(2026, 2, 24)


@pytest.mark.django_db
def test_general_complaint_lands_after_spring_festival__COMPLAINT_09():
    # Feb 14 (make-up Sat), then Feb 24, 25.
    assert due_working_days(at(2026, 2, 13, 9), 3, SH) == end_of(2026, 2, 25)


@pytest.mark.django_db
def test_takeover_rectification_over_spring_festival__TAKEOVER_07():
    # From Tue Feb 10: 11, 12, 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat), Mar 2–6, Mar 9.
    assert due_working_days(at(2026, 2, 10, 10), 15, SH) == end_of(2026, 3, 9)


@pytest.mark.django_db
def test_make_up_sunday_counts_as_a_working_day__COMPLAINT_10():
    assert day_status(dt.date(2026, 9, 20)) == DayStatus(True, "official", "国庆节")  # Sunday
    assert dt.date(2026, 9, 20).weekday() == 6
    assert due_working_days(at(2026, 9, 19, 10), 1, SH) == end_of(2026, 9, 20)


@pytest.mark.django_db
def test_new_years_eve_2025_runs_to_the_make_up_sunday__COMPLAINT_10():
    # 元旦 Jan 1–3 2026 (Thu–Sat); Sunday Jan 4 is worked.
    assert due_working_days(at(2025, 12, 31, 16), 1, SH) == end_of(2026, 1, 4)


@pytest.mark.django_db
def test_house_inspection_rectification_over_national_day__MOVEIN_07():
    # From Fri Sep 18: 20 (Sun, make-up), 21, 22, 23, 24, 28, 29 (25–27 中秋节).
    assert due_working_days(at(2026, 9, 18, 14), 7, SH) == end_of(2026, 9, 29)


# --- years the package does not know ----------------------------------------------------------


@pytest.mark.django_db
def test_2027_falls_back_to_weekends_without_raising__COMPLAINT_09():
    assert day_status(dt.date(2027, 1, 1)) == DayStatus(True, "fallback", "")  # a Friday
    assert day_status(dt.date(2027, 1, 2)) == DayStatus(False, "fallback", "")  # Saturday
    # Wed Dec 30 2026: Dec 31 (official), Jan 1 and Jan 4 2027 (fallback).
    assert due_working_days(at(2026, 12, 30, 10), 3, SH) == end_of(2027, 1, 4)


@pytest.mark.django_db
def test_2027_uses_nationwide_rows_once_entered__COMPLAINT_09():
    national(dt.date(2027, 1, 1), name="元旦")
    national(dt.date(2027, 1, 9), HolidayKind.WORKDAY, name="元旦")  # a hypothetical Saturday
    assert day_status(dt.date(2027, 1, 1)) == DayStatus(False, "table", "元旦")
    assert day_status(dt.date(2027, 1, 9)) == DayStatus(True, "table", "元旦")
    assert day_status(dt.date(2027, 1, 4)).source == "fallback"
    # Dec 31 (official), Jan 4, Jan 5.
    assert due_working_days(at(2026, 12, 30, 10), 3, SH) == end_of(2027, 1, 5)
    # Thu Jan 7: Jan 8 (Fri), then the entered make-up Saturday Jan 9.
    assert due_working_days(at(2027, 1, 7, 10), 2, SH) == end_of(2027, 1, 9)


@pytest.mark.django_db
def test_nationwide_row_overrides_the_package():
    national(dt.date(2026, 10, 12), name="临时放假")
    assert day_status(dt.date(2026, 10, 12)) == DayStatus(False, "table", "临时放假")
    assert due_working_days(at(2026, 10, 9, 10), 2, SH) == end_of(2026, 10, 13)


@pytest.mark.django_db
def test_dates_before_the_package_fall_back():
    assert day_status(dt.date(1999, 10, 1)) == DayStatus(True, "fallback", "")  # a Friday
    assert day_status(dt.date(2200, 1, 4)) == DayStatus(False, "fallback", "")  # a Saturday
    assert day_status(dt.date.min).source == "fallback"
    assert day_status(dt.date.max).source == "fallback"


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    days=st.integers(1, 30),
    hour=st.integers(0, 23),
)
def test_no_date_raises_and_due_is_the_nth_working_day(day, days, hour):
    status = day_status(day)
    assert status.source in ("official", "fallback")
    assert status.source == ("official" if 2004 <= day.year <= 2026 else "fallback")
    due = due_working_days(at(day.year, day.month, day.day, hour), days, "Asia/Shanghai")
    assert due.timetz() == dt.time(23, 59, 59, tzinfo=SH)
    calendar = WorkingCalendar()
    assert calendar.is_working(due.date())
    between = [day + dt.timedelta(days=n) for n in range(1, (due.date() - day).days + 1)]
    assert sum(calendar.is_working(d) for d in between) == days


# --- estate-local overrides --------------------------------------------------------------------


@pytest.mark.django_db
def test_local_holiday_affects_only_its_estate__COMPLAINT_09():
    estate, other = EstateFactory(), EstateFactory()
    Holiday.objects.create(
        date=dt.date(2026, 10, 12), kind=HolidayKind.HOLIDAY, name="停水检修", estate=estate
    )
    assert day_status(dt.date(2026, 10, 12), estate.id) == DayStatus(False, "local", "停水检修")
    assert day_status(dt.date(2026, 10, 12), other.id) == DayStatus(True, "official", "")
    assert day_status(dt.date(2026, 10, 12)) == DayStatus(True, "official", "")
    # Fri Oct 9: the make-up Saturday Oct 10, then Monday Oct 12 — or Tuesday for the estate.
    start = at(2026, 10, 9, 10)
    assert due_working_days(start, 2, SH, estate.id) == end_of(2026, 10, 13)
    assert due_working_days(start, 2, SH, other.id) == end_of(2026, 10, 12)
    assert due_working_days(start, 2, SH) == end_of(2026, 10, 12)


@pytest.mark.django_db
def test_local_row_beats_the_nationwide_row():
    estate = EstateFactory()
    national(dt.date(2027, 1, 1), name="元旦")
    Holiday.objects.create(
        date=dt.date(2027, 1, 1), kind=HolidayKind.WORKDAY, name="值班", estate=estate
    )
    assert day_status(dt.date(2027, 1, 1), estate.id) == DayStatus(True, "local", "值班")
    assert day_status(dt.date(2027, 1, 1)) == DayStatus(False, "table", "元旦")


@pytest.mark.django_db
def test_one_row_per_date_and_estate_and_one_nationwide_row_per_date():
    estate = EstateFactory()
    national(dt.date(2027, 1, 1))
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=HolidayKind.HOLIDAY, estate=estate)
    with pytest.raises(IntegrityError), transaction.atomic():
        national(dt.date(2027, 1, 1), HolidayKind.WORKDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(date=dt.date(2027, 1, 1), kind=HolidayKind.WORKDAY, estate=estate)
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(date=dt.date(2027, 1, 2), kind="weekend")


# --- calendar days, minutes and hours ---------------------------------------------------------


def test_follow_up_visit_within_three_days_ends_at_midnight_local__MOVEIN_10():
    assert due_calendar_days(at(2026, 9, 30, 15), 3, SH) == end_of(2026, 10, 3)
    assert due_at(at(2026, 9, 30, 15), 3, TargetUnit.DAYS, "Asia/Shanghai") == end_of(2026, 10, 3)


def test_calendar_days_across_a_month_end_and_late_start__FEE_10():
    assert due_calendar_days(at(2026, 1, 31, 10), 1, SH) == end_of(2026, 2, 1)
    assert due_calendar_days(at(2026, 2, 27, 23, 30), 2, SH) == end_of(2026, 3, 1)
    assert due_calendar_days(at(2026, 3, 31, 23, 30), 1, SH) == end_of(2026, 4, 1)
    assert due_calendar_days(at(2026, 12, 15, 8), 30, SH) == end_of(2027, 1, 14)


def test_emergency_dispatch_within_five_minutes__REPAIR_09():
    assert due_minutes(at(2026, 10, 1, 9), 5) == at(2026, 10, 1, 9, 5)
    assert due_at(at(2026, 10, 1, 9), 5, TargetUnit.MINUTES, SH) == at(2026, 10, 1, 9, 5)


def test_emergency_on_site_within_30_minutes_across_midnight__REPAIR_06():
    # 24×7: a holiday night counts like any other.
    assert due_at(at(2026, 9, 30, 23, 50), 30, TargetUnit.MINUTES, SH) == at(2026, 10, 1, 0, 20)


def test_general_repair_within_24_hours__REPAIR_05():
    due = due_at(at(2026, 10, 1, 16, 20), 24, TargetUnit.HOURS, SH)
    assert due == at(2026, 10, 2, 16, 20)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_major_fault_within_48_hours__EQUIP_FAULT_13():
    assert due_at(at(2026, 2, 14, 8), 48, TargetUnit.HOURS, SH) == at(2026, 2, 16, 8)


def test_hours_are_elapsed_time_even_across_a_dst_change():
    new_york = ZoneInfo("America/New_York")  # DST starts 2026-03-08 02:00
    due = due_at(at(2026, 3, 7, 12, tz=new_york), 24, TargetUnit.HOURS, new_york)
    assert due == at(2026, 3, 8, 13, tz=new_york)
    elapsed = due.astimezone(UTC) - at(2026, 3, 7, 12, tz=new_york).astimezone(UTC)
    assert elapsed == dt.timedelta(hours=24)


# --- time zones --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_in_utc_counts_from_the_estates_local_date__COMPLAINT_10():
    estate = EstateFactory()
    assert estate.time_zone == "Asia/Shanghai"
    start = at(2026, 9, 30, 20, tz=UTC)  # 2026-10-01 04:00 in Shanghai
    due = due_at(start, 1, TargetUnit.DAYS, estate.time_zone)
    assert due == end_of(2026, 10, 2)
    assert due.tzinfo == SH and due.utcoffset() == dt.timedelta(hours=8)
    # 2026-10-10 02:00 Shanghai, the make-up Saturday: next working day is Monday Oct 12.
    late = at(2026, 10, 9, 18, tz=UTC)
    assert due_working_days(late, 1, estate.time_zone, estate.id) == end_of(2026, 10, 12)
    assert due_at(start, 5, TargetUnit.MINUTES, estate.time_zone) == at(2026, 10, 1, 4, 5)


def test_naive_start_and_bad_input_are_rejected():
    with pytest.raises(ValueError):
        due_minutes(dt.datetime(2026, 10, 1, 9), 5)
    with pytest.raises(ValueError):
        due_calendar_days(dt.datetime(2026, 10, 1, 9), 1, SH)
    with pytest.raises(ValueError):
        due_at(at(2026, 10, 1, 9), 1, "fortnights", SH)
    with pytest.raises(ValueError):
        due_calendar_days(at(2026, 10, 1, 9), -1, SH)
    with pytest.raises(ValueError):
        warning_at(at(2026, 10, 1, 9), at(2026, 10, 1, 10), 1.5)


# --- warning point and 提前 N 天 ----------------------------------------------------------------


def test_warning_at_three_quarters_of_the_time():
    assert warning_at(at(2026, 10, 1, 9), at(2026, 10, 1, 13)) == at(2026, 10, 1, 12)
    assert warning_at(at(2026, 10, 1, 9), at(2026, 10, 1, 13), 0.5) == at(2026, 10, 1, 11)
    # Mixed zones: elapsed time, reported in the due's zone.
    assert warning_at(at(2026, 10, 1, 1, tz=UTC), at(2026, 10, 1, 13)) == at(2026, 10, 1, 12)


def test_move_in_notice_seven_days_ahead__MOVEIN_03():
    assert latest_date_ahead(dt.date(2026, 10, 8), 7) == dt.date(2026, 10, 1)


def test_payment_notice_fifteen_days_ahead_across_a_month__FEE_05():
    assert latest_date_ahead(dt.date(2026, 3, 1), 15) == dt.date(2026, 2, 14)


# --- efficiency --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_thirty_working_days_take_at_most_one_query(django_assert_max_num_queries):
    estate = EstateFactory()
    national(dt.date(2026, 12, 31), name="测试")
    with django_assert_max_num_queries(1):
        due = due_working_days(at(2026, 9, 30, 15), 30, SH, estate.id)
    assert due.date() > dt.date(2026, 11, 1)
    with django_assert_max_num_queries(1):
        due_working_days(at(2026, 12, 20, 15), 30, SH, estate.id)  # into 2027


@pytest.mark.django_db
def test_a_sweep_sharing_one_calendar_reads_the_table_once(django_assert_num_queries):
    estate = EstateFactory()
    calendar = WorkingCalendar(estate.id)
    starts = [at(2026, 9, 1, 9) + dt.timedelta(hours=7 * n) for n in range(100)]
    with django_assert_num_queries(1):
        dues = [due_working_days(s, 3, SH, estate.id, calendar=calendar) for s in starts]
    assert dues[0] == end_of(2026, 9, 4)


# --- the admin's warning -----------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(at(2026, 11, 26, 10), tick=False)
def test_calendar_warning_until_next_year_is_entered():
    assert unknown_years([2025, 2026, 2027]) == [2027]
    assert calendar_warning() == (
        "2027 年的法定节假日尚未录入，按周末计算工作日，请在“节假日”中录入国务院公布的安排"
    )
    Holiday.objects.create(
        date=dt.date(2027, 1, 1), kind=HolidayKind.HOLIDAY, estate=EstateFactory()
    )
    assert calendar_warning() is not None  # a local row is not the national schedule
    national(dt.date(2027, 1, 1), name="元旦")
    assert unknown_years([2026, 2027]) == []
    assert calendar_warning() is None


@pytest.mark.django_db
@time_machine.travel(at(2027, 3, 1, 10), tick=False)
def test_calendar_warning_names_every_missing_year():
    assert "2027、2028 年" in calendar_warning()


@pytest.mark.django_db
@time_machine.travel(at(2025, 6, 1, 10), tick=False)
def test_no_warning_while_the_package_knows_both_years():
    assert calendar_warning() is None


@pytest.mark.django_db
@time_machine.travel(at(2026, 11, 26, 10), tick=False)
def test_holiday_changelist_shows_the_warning(admin_client):
    response = admin_client.get(reverse("admin:workflow_holiday_changelist"))
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2027 年的法定节假日尚未录入" in t for t in texts), texts
    national(dt.date(2027, 1, 1), name="元旦")
    response = admin_client.get(reverse("admin:workflow_holiday_changelist"))
    assert response.status_code == 200
    assert "2027 年的法定节假日尚未录入" not in response.content.decode()
