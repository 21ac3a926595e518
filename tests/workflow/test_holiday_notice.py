"""Entering a year from the State Council's notice: the parser and the services (issue 13 §5).

Done when: the notices of 2025 and 2026 parse to exactly the holidays and make-up working days
chinese-calendar has for those years. The texts are in tests/workflow/notices/ (see its README).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from chinese_calendar.constants import holidays as package_holidays
from chinese_calendar.constants import workdays as package_workdays
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EstateFactory
from wuye.workflow.calendar import (
    WorkingCalendar,
    day_status,
    due_working_days,
    missing_holiday_years,
    unknown_years,
)
from wuye.workflow.holiday_notice import (
    holiday_notice_preview,
    holiday_notice_save,
    holiday_years,
    parse_notice,
)
from wuye.workflow.models import Holiday, HolidayKind

SH = ZoneInfo("Asia/Shanghai")
NOTICES = Path(__file__).parent / "notices"


def notice_text(name: str) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


def errors_of(text: str, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_notice(text, **kwargs)
    return caught.value.messages


# --- the real notices --------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_state_council_notice_parses_to_exactly_the_package_days(year):
    notice = parse_notice(notice_text(str(year)))
    assert notice.year == year
    assert notice.holidays == {day for day in package_holidays if day.year == year}
    assert notice.workdays == {day for day in package_workdays if day.year == year}


def test_2025_notice_names_and_the_extra_days_of_spring_festival_and_labour_day():
    notice = parse_notice(notice_text("2025"))
    names = {day.date: day.name for day in notice.days}
    assert names[dt.date(2025, 1, 1)] == "元旦"
    # 2025 is the first year with a fourth day of 春节 (除夕) and a second day of 劳动节.
    spring = sorted(d.date for d in notice.days if d.name == "春节" and d.is_holiday)
    assert spring == [dt.date(2025, 1, 28) + dt.timedelta(days=n) for n in range(8)]
    labour = sorted(d.date for d in notice.days if d.name == "劳动节" and d.is_holiday)
    assert labour == [dt.date(2025, 5, n) for n in range(1, 6)]
    assert names[dt.date(2025, 10, 6)] == "国庆节、中秋节"  # one item for both
    workday = next(d for d in notice.days if d.date == dt.date(2025, 10, 11))
    assert workday.kind == HolidayKind.WORKDAY and workday.kind_label == "调休上班"
    assert workday.weekday == "星期六"


def test_2026_notice_spring_festival_with_lunar_annotations():
    notice = parse_notice(notice_text("2026"))
    spring = [d for d in notice.days if d.name == "春节"]
    assert [d.date for d in spring if d.is_holiday] == [
        dt.date(2026, 2, 15) + dt.timedelta(days=n) for n in range(9)
    ]
    assert [d.date for d in spring if not d.is_holiday] == [
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
    ]


def test_notice_pasted_on_one_line_with_half_width_punctuation_parses_the_same():
    text = notice_text("2026")
    one_line = text.replace("\n", "").replace("　", "").replace("：", ":").replace("，", ",")
    assert parse_notice(one_line).days == parse_notice(text).days


# --- the formats of an item -------------------------------------------------------------------


def test_range_across_months_and_month_implied():
    notice = parse_notice(
        "一、国庆节、中秋节：9月29日至10月6日放假调休，共8天。9月27日（星期日）上班。"
        "二、元旦：1月1日（星期四）至3日放假，共3天。",
        year=2026,
    )
    assert notice.holidays == {dt.date(2026, 9, 29) + dt.timedelta(days=n) for n in range(8)} | {
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 2),
        dt.date(2026, 1, 3),
    }
    assert notice.workdays == {dt.date(2026, 9, 27)}


def test_single_day_and_the_issue_example_with_a_comma_before_the_workday():
    notice = parse_notice(
        "国务院办公厅关于2026年部分节假日安排的通知\n"
        "一、元旦：1月1日至3日放假调休，共3天，1月4日（周日）上班。\n"
        "二、劳动节：5月1日放假。"
    )
    assert notice.holidays == {dt.date(2026, 1, n) for n in (1, 2, 3)} | {dt.date(2026, 5, 1)}
    assert notice.workdays == {dt.date(2026, 1, 4)}


def test_year_from_the_field_when_the_text_has_no_title():
    notice = parse_notice("一、元旦：1月1日（周五）放假1天。", year=2027)
    assert notice.year == 2027 and notice.holidays == {dt.date(2027, 1, 1)}


def test_preamble_and_signature_dates_are_not_holidays():
    notice = parse_notice(notice_text("2025"))
    assert dt.date(2025, 11, 12) not in notice.holidays | notice.workdays  # signature 2024-11-12
    assert notice.days[0].date == dt.date(2025, 1, 1)


# --- what is not understood: listed, nothing kept ---------------------------------------------


def test_no_year_is_an_error():
    assert errors_of("一、元旦：1月1日放假。") == [
        "没有找到年份：请粘贴包括标题的通知全文，或填写年份"
    ]


def test_year_field_disagreeing_with_the_title_is_an_error():
    (message,) = errors_of(notice_text("2026"), year=2027)
    assert "2027" in message and "2026" in message


def test_year_out_of_range_is_an_error():
    (message,) = errors_of("一、元旦：1月1日放假。", year=1999)
    assert "2000" in message


def test_text_without_items_is_an_error():
    (message,) = errors_of("国务院办公厅关于2027年部分节假日安排的通知\n元旦放三天")
    assert "一、元旦" in message


def test_every_problem_is_listed():
    messages = errors_of(
        "国务院办公厅关于2026年部分节假日安排的通知\n"
        "一、元旦：1月1日（周五）至3日放假，共3天。\n"  # 2026-01-01 is a Thursday
        "二、春节：2月15日至23日放假调休，共8天。2月14日（周六）上班。\n"  # 9 days, not 8
        "三、清明节：4月31日放假。\n"  # no such date
        "四、劳动节：5月1日至5日放假，共5天。5月6日上班。\n"  # a Wednesday is worked anyway
        "五、端午节：6月19日前后放假。\n"
        "六、中秋节：9月25日调整。\n"
        "七、国庆节：上班。\n"
    )
    assert messages == [
        "一、元旦：“1月1日”是星期四，通知中写的是“周五”",
        "二、春节：写的是共 8 天，但日期算下来是 9 天",
        "三、清明节：“4月31日”不是有效的日期",
        "四、劳动节：5月6日 是星期三，本来就要上班，不是调休上班",
        "五、端午节：没有看懂“6月19日前后放假”",
        "六、中秋节：没有看懂“9月25日调整”",
        "六、中秋节：没有找到放假日期（如“1月1日至3日放假”）",
        "七、国庆节：没有看懂“上班”：找不到日期",
        "七、国庆节：没有找到放假日期（如“1月1日至3日放假”）",
    ]


def test_unknown_clause_date_outside_year_and_duplicates_are_errors():
    messages = errors_of(
        "一、元旦：2025年12月31日至2026年1月1日放假。"
        "二、春节：2月15日至17日放假。2月16日（周一）放假。"
        "三、国庆节：10月1日至7日放假。10月10日（周六）上班，另行通知。",
        year=2026,
    )
    assert "一、元旦：“2025年12月31日”不在 2026 年内" in messages
    assert "二、春节：2月16日 出现了不止一次" in messages
    # "另行通知" is prose: the clauses are split at the comma and the workday is read.
    assert not any("国庆节" in m for m in messages)
    assert len(messages) == 2


def test_range_backwards_and_month_missing_are_errors():
    messages = errors_of("一、元旦：3日至1日放假。二、春节：2月20日至15日放假。", year=2026)
    assert messages == [
        "一、元旦：“3日”没有月份",
        "二、春节：“2月20日至15日放假”的结束日期早于开始日期",
    ]


def test_overlong_text_is_refused():
    (message,) = errors_of("一" * 20_001, year=2027)
    assert "太长" in message


# --- the services --------------------------------------------------------------------------


@pytest.fixture
def at_2026_12_06(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 6, 10, 0, tzinfo=SH), tick=False)


@pytest.mark.django_db
def test_save_writes_the_year_and_the_engine_counts_across_2027_spring_festival(
    world, at_2026_12_06
):
    start = dt.datetime(2027, 2, 4, 10, 0, tzinfo=SH)  # a Thursday, the day before 除夕
    # Not entered: weekends only (Fri 5, Mon 8, Tue 9).
    assert due_working_days(start, 3, SH) == dt.datetime(2027, 2, 9, 23, 59, 59, tzinfo=SH)
    notice = holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    assert notice.year == 2027 and notice.replaces == 0
    assert len(notice.holidays) == 28 and len(notice.workdays) == 6
    rows = Holiday.objects.filter(estate__isnull=True, date__year=2027)
    assert rows.count() == 34
    # Feb 5–12 off, then Mon 15, Tue 16, Wed 17.
    assert due_working_days(start, 3, SH) == dt.datetime(2027, 2, 17, 23, 59, 59, tzinfo=SH)
    # The make-up working day Sunday 2027-01-31 counts.
    friday = dt.datetime(2027, 1, 29, 18, 0, tzinfo=SH)
    assert due_working_days(friday, 1, SH) == dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=SH)
    status = day_status(dt.date(2027, 2, 8))
    assert (status.working, status.source, status.name) == (False, "table", "春节")
    assert unknown_years([2027]) == []


@pytest.mark.django_db
def test_save_replaces_the_year_and_leaves_other_years_and_estates(world, at_2026_12_06):
    estate = EstateFactory(company=world.company)
    Holiday.objects.create(date=dt.date(2027, 3, 8), kind=HolidayKind.HOLIDAY, name="旧的")
    Holiday.objects.create(date=dt.date(2028, 1, 3), kind=HolidayKind.HOLIDAY, name="下一年")
    local = Holiday.objects.create(
        date=dt.date(2027, 6, 1), kind=HolidayKind.HOLIDAY, name="本项目", estate=estate
    )
    preview = holiday_notice_preview(text=notice_text("2027-example"), by=world.exec.user)
    assert preview.replaces == 1 and not preview.package_knows
    assert Holiday.objects.filter(date__year=2027, estate__isnull=True).count() == 1  # unsaved

    saved = holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    assert saved.replaces == 1
    national = Holiday.objects.filter(estate__isnull=True, date__year=2027)
    assert not national.filter(name="旧的").exists() and national.count() == 34
    assert Holiday.objects.filter(date=dt.date(2028, 1, 3)).exists()
    assert Holiday.objects.filter(pk=local.pk).exists()
    # Saving the same notice again replaces it with the same rows.
    again = holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    assert again.replaces == 34 and national.count() == 34


@pytest.mark.django_db
def test_a_text_with_an_error_saves_nothing(world, at_2026_12_06):
    Holiday.objects.create(date=dt.date(2027, 3, 8), kind=HolidayKind.HOLIDAY, name="旧的")
    broken = notice_text("2027-example").replace("4月3日（周六）", "4月3日（周日）")
    with pytest.raises(ValidationError):
        holiday_notice_save(text=broken, by=world.exec.user)
    assert list(Holiday.objects.values_list("name", flat=True)) == ["旧的"]


@pytest.mark.django_db
def test_only_executives_and_administrators_may_enter_a_year(world, django_user_model):
    for user in (world.agent.user, world.head.user, world.tech.user, world.owner.user):
        with pytest.raises(PermissionDenied):
            holiday_notice_save(text=notice_text("2027-example"), by=user)
        with pytest.raises(PermissionDenied):
            holiday_notice_preview(text=notice_text("2027-example"), by=user)
    assert not Holiday.objects.exists()
    root = django_user_model.objects.create_superuser("root", "root@example.invalid", "x")
    assert holiday_notice_save(text=notice_text("2027-example"), by=root).year == 2027


@pytest.mark.django_db
def test_calendar_built_before_the_save_is_per_request(world, at_2026_12_06):
    # A calendar reads the rows once; a new one (next request, next sweep) sees the new year.
    before = WorkingCalendar()
    assert before.is_working(dt.date(2027, 2, 8))
    holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    assert not WorkingCalendar().is_working(dt.date(2027, 2, 8))


# --- which years to enter ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (dt.date(2026, 10, 31), []),
        (dt.date(2026, 11, 1), [2027]),
        (dt.date(2026, 12, 31), [2027]),
        (dt.date(2027, 1, 1), [2027]),  # this year itself missing: always
        (dt.date(2027, 10, 31), [2027]),
        (dt.date(2027, 11, 1), [2027, 2028]),
        (dt.date(2025, 11, 1), []),  # the package knows 2026
    ],
)
def test_missing_holiday_years_from_1_november(today, missing):
    assert missing_holiday_years(today) == missing


@pytest.mark.django_db
def test_missing_holiday_years_any_unknown_year_once_entered(world):
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    assert missing_holiday_years(dt.date(2026, 11, 1)) == []
    assert missing_holiday_years(dt.date(2027, 11, 1)) == [2028]
    Holiday.objects.create(date=dt.date(2028, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    assert missing_holiday_years(dt.date(2027, 11, 1)) == []
    # An estate's own row does not enter the year for everybody.
    Holiday.objects.create(date=dt.date(2029, 1, 1), kind=HolidayKind.HOLIDAY, estate=world.estate)
    assert missing_holiday_years(dt.date(2028, 11, 1)) == [2029]


@pytest.mark.django_db
def test_holiday_years_overview(world, at_2026_12_06):
    holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    years = {y.year: y for y in holiday_years()}
    assert years[2026].source == "package"
    assert (years[2027].source, years[2027].holidays, years[2027].workdays) == ("entered", 28, 6)
    Holiday.objects.filter(date__year=2027).delete()
    assert {y.year: y.source for y in holiday_years()} == {2026: "package", 2027: "missing"}


@pytest.mark.django_db
def test_a_simultaneous_save_of_the_same_year_is_a_conflict_not_a_500(
    world, at_2026_12_06, monkeypatch, client
):
    from django.db import IntegrityError
    from django.db.models import QuerySet

    from wuye.core.exceptions import Conflict

    Holiday.objects.create(date=dt.date(2027, 3, 8), kind=HolidayKind.HOLIDAY, name="旧的")

    def raced(self, objs, *args, **kwargs):
        raise IntegrityError("holiday_date_national_unique")

    monkeypatch.setattr(QuerySet, "bulk_create", raced)
    with pytest.raises(Conflict):
        holiday_notice_save(text=notice_text("2027-example"), by=world.exec.user)
    client.force_login(world.exec.user)
    response = client.post("/holidays/", {"text": notice_text("2027-example"), "save": "1"})
    assert response.status_code == 200
    assert "刚才有人同时保存了这一年的安排" in response.content.decode()
    assert list(Holiday.objects.values_list("name", flat=True)) == ["旧的"]
