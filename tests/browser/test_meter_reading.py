"""Meter readings in chromium on a phone (390×844): a technician enters the month's readings,
confirms a jump with a note; a resident reads the published shared-cost disclosure (FEE-08).
Screenshots under the test's tmp dir or $WUYE_SCREENSHOTS."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.billing.test_fees import finance
from tests.browser.helpers import _log_in, _shot
from tests.factories import make_staff
from wuye.billing.models import MeterReading
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.services import meters
from wuye.core.choices import DepartmentKind, Role

__all__ = ["finance"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meter(world, finance):
    """A 1栋 water meter read for the three months before this one (100 吨 a month)."""
    meter = meters.meter_save(
        estate=world.estate, by=finance.user, code="W-1", name="1栋公共用水", kind="water",
        multiplier="1", unit_price="3.70", building=world.room.building,
    )  # fmt: skip
    this_month = meters.current_month(world.estate)
    for n, value in ((-3, "1000"), (-2, "1100"), (-1, "1200")):
        meters.meter_reading_record(meter=meter, period=meter_reads.month_shift(this_month, n),
                                    reading=value, by=world.tech.user)  # fmt: skip
    return meter


def test_a_technician_reads_meters_on_a_phone_and_confirms_a_jump__FEE_08(
    phone, live_server, world, meter, tmp_path
):
    _log_in(phone, live_server, "tech", world.password)
    phone.goto(live_server.url + reverse("billing:meter_readings"))
    phone.wait_for_selector(f"#r_{meter.pk}")
    assert "1200.00" in phone.inner_text(f"#meter-{meter.pk}")  # last month's reading
    _shot(phone, tmp_path, "meters-reading-phone")

    phone.fill(f"#r_{meter.pk}", "1650")
    phone.click("button:has-text('保存读数')")
    phone.wait_for_selector("text=远高于近三个月平均")
    assert not MeterReading.objects.filter(reading=Decimal("1650")).exists()
    phone.check(f"input[name=c_{meter.pk}]")
    phone.fill(f"#n_{meter.pk}", "绿化浇灌，已核实")
    _shot(phone, tmp_path, "meters-reading-confirm")
    phone.click("button:has-text('保存读数')")
    phone.wait_for_selector("text=已保存 1 个读数")
    _shot(phone, tmp_path, "meters-reading-saved")
    saved = MeterReading.objects.get(reading=Decimal("1650"))
    assert saved.implausible and saved.usage == Decimal("450.00")
    assert saved.note == "绿化浇灌，已核实" and saved.confirmed_by == world.tech.user


def test_a_resident_reads_the_published_disclosure_on_a_phone__FEE_08(
    phone, live_server, world, meter, finance, tmp_path
):
    head = make_staff(world.company, "fhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip
    month = meter_reads.month_shift(meters.current_month(world.estate), -1)
    d = meters.disclosure_prepare(estate=world.estate, month=month, by=finance.user)
    meters.disclosure_line_add(disclosure=d, by=finance.user, kind="elevator", name="电梯费",
                               amount="200.00")  # fmt: skip
    meters.disclosure_publish(
        disclosure=d,
        by=head.user,
        due_date=meter_reads.month_end(meters.current_month(world.estate)),
    )
    _log_in(phone, live_server, "owner", world.password)
    phone.goto(live_server.url + reverse("billing:my_disclosures"))
    phone.click("a:has-text('查看明细')")
    phone.wait_for_selector("text=我家分摊")
    text = phone.inner_text("main")
    assert "1栋公共用水" in text and "电梯费" in text and "¥570.00" in text  # 370 + 200
    assert phone.inner_text("[data-my-share]") == "¥570.00"  # the only owned room
    _shot(phone, tmp_path, "meters-disclosure-portal")
