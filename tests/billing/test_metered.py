"""分户水电费: a room meter's usage of a month billed to the room once, by finance, after every
room meter of the estate is read; the page previews and bills."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from tests.billing.test_pages import flashed, html
from wuye.billing import services
from wuye.billing.models import Bill, LedgerEntry, Meter
from wuye.billing.services import metered, meters

D = Decimal
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def room_meters(world):
    water = Meter.objects.create(estate=world.estate, room=world.room, code="R301-W",
                                 name="301 水表", kind="water", unit_price=D("3.5"))  # fmt: skip
    power = Meter.objects.create(estate=world.estate, room=world.room, code="R301-E",
                                 name="301 电表", kind="electricity",
                                 unit_price=D("0.58"))  # fmt: skip
    for meter, start, end in ((water, "100", "112.5"), (power, "2000", "2180")):
        meters.meter_reading_record(meter=meter, period=OCT, reading=start, by=world.tech.user)
        meters.meter_reading_record(meter=meter, period=NOV, reading=end, by=world.tech.user)
    return water, power


def test_room_usage_is_billed_once_per_room_and_item(world, finance, room_meters):
    plan = metered.metered_plan(world.estate, NOV)
    assert plan.total == D("43.75") + D("104.40") and not plan.missing
    made = metered.metered_bill(estate=world.estate, month=NOV, due_date=dt.date(2026, 12, 15),
                                by=finance.user)  # fmt: skip
    assert made == 2
    water = Bill.objects.get(room=world.room, item__name="水费")
    assert water.amount == D("43.75") and "12.50" in water.description
    assert LedgerEntry.objects.get(bill=water).amount == D("43.75")
    assert services.room_balance(world.room.pk) == D("148.15")
    again = metered.metered_bill(estate=world.estate, month=NOV, due_date=dt.date(2026, 12, 15),
                                 by=finance.user)  # fmt: skip
    assert again == 0 and Bill.objects.count() == 2


def test_an_unread_room_meter_blocks_the_month_and_bad_input_is_refused(
    world, finance, room_meters
):
    Meter.objects.create(estate=world.estate, room=world.room2, code="R302-W", name="302 水表",
                         kind="water", unit_price=D("3.5"))  # fmt: skip
    with pytest.raises(ValidationError, match="R302-W"):
        metered.metered_bill(estate=world.estate, month=NOV, due_date=dt.date(2026, 12, 15),
                             by=finance.user)  # fmt: skip
    with pytest.raises(ValidationError):
        metered.metered_bill(estate=world.estate, month=dt.date(2026, 12, 1),
                             due_date=dt.date(2026, 12, 15), by=finance.user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        metered.metered_bill(estate=world.estate, month=NOV, due_date=dt.date(2026, 12, 15),
                             by=world.agent.user)  # fmt: skip
    assert not Bill.objects.exists()


def test_the_page_previews_then_bills(world, login, finance, room_meters):
    client = login("finance")
    url = reverse("billing:metered_bills") + "?month=2026-11"
    page = client.get(url)
    assert page.status_code == 200 and "¥148.15" in html(page) and "生成账单" in html(page)
    done = client.post(reverse("billing:metered_bills"),
                       {"month": "2026-11", "due_date": "2026-12-15"}, follow=True)  # fmt: skip
    assert any("已生成 2 张" in m for m in flashed(done))
    agent = login("agent").get(url)
    assert agent.status_code == 200 and "生成账单" not in html(agent)


def test_prepaid_credit_settles_the_metered_bills(world, finance, room_meters):
    services.payment_record(room=world.room, amount="50.00", channel="cash", by=finance.user)
    metered.metered_bill(estate=world.estate, month=NOV, due_date=dt.date(2026, 12, 15),
                         by=finance.user)  # fmt: skip
    paid = sum(Bill.objects.filter(room=world.room).values_list("paid_amount", flat=True))
    assert paid == D("50.00")  # the credit went onto the new bills
    assert services.room_balance(world.room.pk) == D("148.15") - D("50.00")
