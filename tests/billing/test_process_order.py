"""The fee process end to end in the manual's order (FEE-03), through every channel the
manual names (FEE-12)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.billing.test_fees import at, run
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from wuye.billing import services
from wuye.billing.models import Bill, Dunning, LedgerEntry, PaymentChannel
from wuye.notify.models import Message

D = Decimal


def test_calculation_notice_payment_ledger_then_collection_in_order__FEE_03(
    world, finance, fee, time_machine
):
    time_machine.move_to(at("2026-11-20 10:00"), tick=False)
    # 1 calculation: December's bills (due 12-31) and January's (due 01-31).
    run(world, finance)
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    dec, jan = Bill.objects.filter(room=world.room).order_by("period_start")
    # 2 notice: nothing before 15 days ahead; December's on 12-16.
    assert services.bill_notify_due(now=at("2026-12-15 10:00")) == 0
    services.bill_notify_due(now=at("2026-12-16 10:00"))
    dec.refresh_from_db()
    assert dec.notified_at is not None
    assert Message.objects.filter(recipient=world.owner.user, template="bill_notice").exists()
    # 3 payment of December, 4 the ledger shows it paid.
    time_machine.move_to(at("2026-12-20 10:00"), tick=False)
    services.payment_record(room=world.room, amount=dec.amount, channel="wechat", by=finance.user,
                            bills=[dec.pk], exact=True)  # fmt: skip
    dec.refresh_from_db()
    assert dec.status == "paid" and dec.get_status_display() == "已缴纳"
    assert LedgerEntry.objects.filter(room=world.room, kind="payment").count() == 1
    # 5 collection: only the overdue unpaid January bill, and only 30 days after its due date.
    assert services.dunning_sweep(now=at("2027-02-20 10:00"))["reminder"] == 0
    services.dunning_sweep(now=at("2027-03-03 10:00"))
    reminder = Dunning.objects.get(room=world.room, kind="reminder")
    assert reminder.bills == [jan.pk]


@pytest.mark.parametrize("channel", [c.value for c in PaymentChannel])
def test_every_channel_of_the_manual_is_taken__FEE_12(world, finance, fee, channel):
    run(world, finance)
    bill = Bill.objects.get(room=world.room)
    services.payment_record(room=world.room, amount=bill.amount, channel=channel,
                            by=finance.user, reference=f"{channel}-1")  # fmt: skip
    bill.refresh_from_db()
    assert bill.status == "paid"


def test_owners_pay_online_by_wechat_or_alipay__FEE_12(world, finance, fee):
    run(world, finance)
    for channel in ("wechat", "alipay"):
        order = services.gateway_order_create(room=world.room, channel=channel,
                                              by=world.owner.user)  # fmt: skip
        assert order.amount == Bill.objects.get(room=world.room).amount
    assert dt.date(2026, 12, 1) == Bill.objects.get(room=world.room).period_start
