"""Meters and monthly readings: who may set meters up and read them, usage from the previous
reading, the plausibility checks (a reading below the previous one, a jump) and their
confirmation, corrections, the phone entry page, and the all-or-nothing .xlsx import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.billing.test_fees import at, finance
from tests.billing.test_pages import flashed, html
from tests.factories import BuildingFactory, make_staff
from wuye.billing.models import Meter, MeterReading
from wuye.billing.services import meters
from wuye.core.choices import DepartmentKind, Role

__all__ = ["finance"]  # fixtures
D = Decimal
AUG, SEP, OCT, NOV = (dt.date(2026, m, 1) for m in (8, 9, 10, 11))


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def meter(world, finance):
    """1栋 common water meter, ×1, 3.70 元/吨."""
    building = world.room.building
    return meters.meter_save(
        estate=world.estate, by=finance.user, code="W-1", name="1栋公共用水",
        kind="water", multiplier="1", unit_price="3.70", building=building,
    )  # fmt: skip


def record(meter, period, reading, by, **kwargs) -> MeterReading:
    return meters.meter_reading_record(meter=meter, period=period, reading=reading, by=by,
                                       **kwargs)  # fmt: skip


@pytest.fixture
def history(world, meter):
    """Aug baseline 1000, then 100 a month: Sep 1100, Oct 1200 (the usual usage is 100)."""
    for period, value in ((AUG, "1000"), (SEP, "1100"), (OCT, "1200")):
        record(meter, period, value, world.tech.user)
    return meter


# --- Meters ------------------------------------------------------------------------------------


def test_finance_and_the_engineering_head_set_up_meters_technicians_do_not(world, finance):
    eng_head = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD,
                          DepartmentKind.ENGINEERING, [world.estate])  # fmt: skip
    for user, code in ((finance.user, "E-1"), (eng_head.user, "E-2"), (world.exec.user, "E-3")):
        meters.meter_save(estate=world.estate, by=user, code=code, name="总电表",
                          kind="electricity", multiplier="50", unit_price="0.62")  # fmt: skip
    for user in (world.tech.user, world.agent.user, world.head.user):
        with pytest.raises(PermissionDenied):
            meters.meter_save(estate=world.estate, by=user, code="X", name="x", kind="water",
                              multiplier="1", unit_price="1")  # fmt: skip
    with pytest.raises(Exception) as err:  # another estate's staff: it does not exist for them
        meters.meter_save(estate=world.estate, by=world.outsider.user, code="X", name="x",
                          kind="water", multiplier="1", unit_price="1")  # fmt: skip
    assert err.type.__name__ == "Http404"
    assert Meter.objects.count() == 3


def test_a_meter_is_checked_field_by_field(world, finance, meter):
    other_building = BuildingFactory(estate=world.other_estate, name="9栋")
    with pytest.raises(ValidationError) as err:
        meters.meter_save(estate=world.estate, by=finance.user, code="W-1", name="",
                          kind="gas", multiplier="0", unit_price="-1",
                          building=other_building)  # fmt: skip
    assert set(err.value.message_dict) == {"code", "name", "kind", "multiplier", "unit_price",
                                           "building"}  # fmt: skip
    assert "本项目已有这个表号" in err.value.message_dict["code"]


# --- Readings ----------------------------------------------------------------------------------


def test_the_first_reading_is_the_baseline_and_later_usage_is_the_difference(world, meter):
    first = record(meter, SEP, "1000.50", world.tech.user)
    assert first.previous is None and first.usage == 0 and not first.implausible
    second = record(meter, OCT, "1090.75", world.tech.user)
    assert second.previous == D("1000.50") and second.usage == D("90.25")


def test_the_usage_is_multiplied_by_the_meter_multiplier(world, finance):
    big = meters.meter_save(estate=world.estate, by=finance.user, code="E-1", name="总电表",
                            kind="electricity", multiplier="40", unit_price="0.62")  # fmt: skip
    record(big, SEP, "250.5", world.tech.user)
    assert record(big, OCT, "260.25", world.tech.user).usage == D("390.00")  # 9.75 × 40


def test_a_new_meter_may_start_from_an_explicit_start_reading(world, meter):
    reading = record(meter, OCT, "35", world.tech.user, start="0")
    assert reading.previous == 0 and reading.usage == D("35.00")
    with pytest.raises(ValidationError) as err:  # only the first reading has a start
        record(meter, NOV, "70", world.tech.user, start="10")
    assert "start" in err.value.message_dict


def test_a_reading_below_the_previous_is_refused_until_confirmed_with_a_note(world, history):
    with pytest.raises(meters.Implausible) as err:
        record(history, NOV, "150", world.tech.user)
    assert "小于上期读数" in err.value.message_dict["reading"][0]
    assert not MeterReading.objects.filter(period=NOV).exists()
    with pytest.raises(ValidationError) as err:  # confirmed without saying why
        record(history, NOV, "150", world.tech.user, confirm=True)
    assert "note" in err.value.message_dict
    kept = record(history, NOV, "150", world.tech.user, confirm=True, note="已换新表")
    assert kept.implausible and kept.confirmed_by == world.tech.user and kept.note == "已换新表"
    assert kept.usage == D("150.00")  # a replaced meter counts from zero


def test_a_jump_over_twice_the_usual_usage_needs_a_confirmation(world, history):
    with pytest.raises(meters.Implausible) as err:
        record(history, NOV, "1450", world.tech.user)  # 250 against the usual 100
    assert "远高于近三个月平均 100.00" in err.value.message_dict["reading"][0]
    ok = record(history, NOV, "1450", world.tech.user, confirm=True, note="管道漏水已报修")
    assert ok.implausible and ok.usage == D("250.00")


def test_a_normal_rise_and_a_tiny_usage_jump_pass_without_confirmation(world, meter):
    for period, value in ((AUG, "0"), (SEP, "2"), (OCT, "4")):  # 2 吨 a month
        record(meter, period, value, world.tech.user)
    # 15 吨 is 7× the usual 2 but under the floor of 20 above it: no alarm for tiny usages.
    assert not record(meter, NOV, "19", world.tech.user).implausible


def test_re_entering_a_month_corrects_it_and_the_next_month_follows(world, history):
    corrected = record(history, SEP, "1110", world.tech.user)
    assert corrected.usage == D("110.00")
    assert MeterReading.objects.filter(period=SEP).count() == 1
    october = MeterReading.objects.get(meter=history, period=OCT)
    assert october.previous == D("1110") and october.usage == D("90.00")


def test_readings_are_for_this_month_or_earlier_and_numbers(world, meter):
    with pytest.raises(ValidationError) as err:
        record(meter, dt.date(2026, 12, 1), "10", world.tech.user)
    assert "period" in err.value.message_dict
    for bad in ("abc", "-5", "1.234"):
        with pytest.raises(ValidationError) as err:
            record(meter, NOV, bad, world.tech.user)
        assert "reading" in err.value.message_dict


def test_who_may_read_meters(world, meter, finance):
    record(meter, SEP, "10", world.tech.user)  # engineering
    record(meter, OCT, "20", finance.user)  # finance
    for user in (world.agent.user, world.head.user, world.owner.user):
        with pytest.raises(PermissionDenied):
            record(meter, NOV, "30", user)
    assert MeterReading.objects.count() == 2


# --- The phone entry page ----------------------------------------------------------------------


def readings_url(month="2026-11") -> str:
    return reverse("billing:meter_readings") + f"?month={month}"


def test_the_phone_page_lists_each_meter_with_previous_reading_and_usage(
    world, login, history, django_assert_max_num_queries
):
    client = login("tech")
    with django_assert_max_num_queries(14):
        text = html(client.get(readings_url()))
    assert "W-1" in text and "1栋公共用水" in text
    assert "1200.00" in text and "用量 100.00" in text  # October's reading and usage
    assert f'name="r_{history.pk}"' in text and 'inputmode="decimal"' in text


def test_the_phone_page_saves_readings_and_asks_to_confirm_a_jump(world, login, history):
    client = login("tech")
    response = client.post(readings_url(), {"month": "2026-11", f"r_{history.pk}": "1600"})
    assert response.status_code == 200
    text = html(response)
    assert "远高于近三个月平均" in text and f'name="c_{history.pk}"' in text
    assert 'value="1600"' in text  # the input is kept
    assert not MeterReading.objects.filter(period=NOV).exists()
    response = client.post(readings_url(), {
        "month": "2026-11", f"r_{history.pk}": "1600", f"c_{history.pk}": "1",
        f"n_{history.pk}": "核实无误，绿化浇灌",
    })  # fmt: skip
    assert response.status_code == 302 and "已保存 1 个读数" in flashed(response)
    saved = MeterReading.objects.get(period=NOV)
    assert saved.implausible and saved.usage == D("400.00") and saved.source == "phone"


def test_the_desk_reads_the_page_but_cannot_save(world, login, history):
    client = login("agent")
    assert client.get(readings_url()).status_code == 200
    assert client.post(readings_url(), {f"r_{history.pk}": "1300"}).status_code == 403
    assert login("owner").get(readings_url()).status_code == 403
    assert not MeterReading.objects.filter(period=NOV).exists()


def test_the_meter_list_and_form(world, login, meter):
    client = login("finance")
    text = html(client.get(reverse("billing:meters")))
    assert "W-1" in text and "1栋" in text and "添加表计" in text
    response = client.post(reverse("billing:meter_new"), {
        "code": "E-9", "name": "地库照明", "kind": "electricity", "building": "",
        "room": "", "multiplier": "20", "unit_price": "0.65", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    created = Meter.objects.get(code="E-9")
    assert created.building is None and created.multiplier == 20
    bad = client.post(reverse("billing:meter_new"), {
        "code": "E-9", "name": "x", "kind": "water", "multiplier": "1", "unit_price": "1",
        "room": "9-9-999",
    })  # fmt: skip
    assert bad.status_code == 200 and "找不到唯一的房屋" in html(bad)
    assert login("outsider").get(reverse("billing:meter_edit", args=[meter.pk])).status_code == 404
    assert "添加表计" not in html(login("tech").get(reverse("billing:meters")))
    assert login("tech").get(reverse("billing:meter_new")).status_code == 403


# --- .xlsx import ------------------------------------------------------------------------------


def sheet(rows, headers=tuple(meters.IMPORT_HEADERS)) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "readings.xlsx"
    return buffer


def import_url() -> str:
    return reverse("billing:meter_reading_import")


def test_the_template_lists_meters_with_previous_readings_and_imports_back(world, login, history):
    client = login("tech")
    response = client.get(reverse("billing:meter_reading_template") + "?month=2026-11")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == list(meters.IMPORT_HEADERS)  # the Chinese column names
    assert rows[1][0] == "W-1" and rows[1][4] == "2026-11" and D(str(rows[1][5])) == 1200
    # Fill in the reading and upload the same workbook: the round trip.
    book.active.cell(row=2, column=7, value=1290.5)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    response = client.post(import_url(), {"month": "2026-11", "file": buffer})
    assert response.status_code == 302, html(response)
    saved = MeterReading.objects.get(period=NOV)
    assert saved.reading == D("1290.50") and saved.usage == D("90.50") and saved.source == "xlsx"


def test_an_import_with_one_bad_row_saves_nothing_and_lists_every_problem(
    world, login, history, finance
):
    other = meters.meter_save(estate=world.estate, by=finance.user, code="E-1", name="总电表",
                              kind="electricity", multiplier="1", unit_price="0.6")  # fmt: skip
    upload = sheet([
        ["E-1", "总电表", "", "", "2026-11", None, 500, ""],
        ["W-1", "1栋公共用水", "", "", "2026-11", 1200, "abc", ""],
        ["NOPE", "", "", "", "2026-11", None, 10, ""],
        ["E-1", "总电表", "", "", "2026-11", None, 510, ""],
    ])  # fmt: skip
    response = login("tech").post(import_url(), {"month": "2026-11", "file": upload})
    assert response.status_code == 200
    text = html(response)
    assert "未导入" in text
    assert "第 3 行" in text and "读数须为数字" in text
    assert "第 4 行" in text and "本项目没有这个表号" in text
    assert "第 5 行" in text and "表号重复出现" in text
    assert not MeterReading.objects.filter(period=NOV).exists()  # E-1's good row too
    assert not other.readings.exists()


def test_flagged_rows_need_the_confirmation_checkbox_and_a_note(world, login, history):
    client = login("tech")
    rows = [["W-1", "", "", "", "2026-11", 1200, 900, ""]]  # below the previous reading
    response = client.post(import_url(), {"month": "2026-11", "file": sheet(rows)})
    text = html(response)
    assert "需要确认的异常读数" in text and "第 2 行" in text and "小于上期读数" in text
    assert not MeterReading.objects.filter(period=NOV).exists()
    response = client.post(import_url(), {"month": "2026-11", "file": sheet(rows),
                                          "confirm": "on"})  # fmt: skip
    assert "确认异常读数时请填写说明" in html(response)
    assert not MeterReading.objects.filter(period=NOV).exists()
    response = client.post(import_url(), {"month": "2026-11", "file": sheet(rows),
                                          "confirm": "on", "note": "表计已更换"})  # fmt: skip
    assert response.status_code == 302
    saved = MeterReading.objects.get(period=NOV)
    assert saved.implausible and saved.confirmed_by == world.tech.user
    assert saved.note == "表计已更换"


def test_an_import_for_another_month_or_a_broken_file_is_refused(world, login, history):
    client = login("tech")
    rows = [["W-1", "", "", "", "2026-10", 1200, 1300, ""]]
    text = html(client.post(import_url(), {"month": "2026-11", "file": sheet(rows)}))
    assert "与所选月份 2026-11 不符" in text
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    text = html(client.post(import_url(), {"month": "2026-11", "file": junk}))
    assert "无法读取该文件" in text
    text = html(client.post(import_url(), {"month": "2026-11", "file": sheet([], ["a", "b"])}))
    assert "表头须包含" in text
    assert not MeterReading.objects.filter(period=NOV).exists()
    assert login("agent").post(import_url(), {"month": "2026-11"}).status_code == 403


def test_an_english_reader_gets_english_columns_and_either_language_imports(world, history):
    from django.utils import translation

    with translation.override("en"):
        content = meters.reading_template(world.estate, dt.date(2026, 11, 1))
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0][0] == "Meter no." and "Current reading" in rows[0]
        english = meters.reading_rows_from_xlsx(content)
    chinese = meters.reading_rows_from_xlsx(sheet([["W-1", "", "", "", "2026-11", 1200, 1290]])
                                            .getvalue())  # fmt: skip
    assert [r["code"] for r in english] and chinese[0]["code"] == "W-1"
