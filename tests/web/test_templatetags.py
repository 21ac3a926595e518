"""The display formats of UX.md: dates, money, areas, masked numbers, expiry colours."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.template import Context, Template

from wuye.core.templatetags import wuye


def test_money():
    assert wuye.money(Decimal("1234.5")) == "¥1,234.50"
    assert wuye.money("0") == "¥0.00"
    assert wuye.money(Decimal("-88.005")) == "-¥88.01"
    assert wuye.money(None) == ""


def test_area():
    assert wuye.area(Decimal("89.5")) == "89.50 m²"
    assert wuye.area("1200") == "1,200.00 m²"


def test_datetime_in_local_time():
    utc = dt.datetime(2026, 11, 26, 6, 5, tzinfo=dt.UTC)
    assert wuye.datetime_(utc) == "2026-11-26 14:05"
    assert wuye.day(utc) == "2026-11-26"
    assert wuye.day(dt.date(2026, 1, 2)) == "2026-01-02"
    late = dt.datetime(2026, 11, 26, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert wuye.weekday(late) == "周四"


def test_masks():
    assert wuye.mobile_masked("13812341234") == "138****1234"
    assert wuye.id_masked("11010519491231002X") == "1101**********002X"


def test_percent():
    assert wuye.percent(0.8563) == "85.6%"
    assert wuye.percent(0) == "0.0%"


def test_expiry_state_colours():
    today = dt.date(2026, 11, 26)
    assert wuye.expiry_state(dt.date(2026, 11, 25), today) == "breach"
    assert wuye.expiry_state(today, today) == "warn"
    assert wuye.expiry_state(dt.date(2026, 12, 26), today) == "warn"
    assert wuye.expiry_state(dt.date(2026, 12, 27), today) == "ok"


def test_filters_load_in_templates():
    html = Template("{% load wuye %}{{ a|area }} {{ m|money }}").render(
        Context({"a": Decimal("89.5"), "m": 1234.5})
    )
    assert html == "89.50 m² ¥1,234.50"
