"""Fees in chromium: a resident pays the bills online on a phone through the simulated gateway,
and a cashier takes a cash payment on a room's ledger at the desk. Screenshots under the test's
tmp dir or $WUYE_SCREENSHOTS."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.billing.test_fees import fee, finance, run
from tests.browser.helpers import _log_in, _shot
from wuye.billing import services
from wuye.billing.models import Bill, GatewayOrder, Payment

__all__ = ["fee", "finance"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bills(world, finance, fee):
    run(world, finance)
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    return list(Bill.objects.filter(room=world.room).order_by("period_start"))


def test_a_resident_pays_the_bills_online_on_a_phone(phone, live_server, world, bills, tmp_path):
    total = sum((b.amount for b in bills), Decimal(0))
    _log_in(phone, live_server, "owner", world.password)
    phone.goto(live_server.url + reverse("billing:my_bills"))
    phone.wait_for_selector("[data-total]")
    assert phone.inner_text("[data-total]") == f"¥{total:,.2f}"
    _shot(phone, tmp_path, "fees-my-bills")

    phone.click("label.choice:has-text('微信支付')")
    phone.click("button:has-text('在线缴费')")
    phone.wait_for_selector("text=模拟支付（演示）")
    assert phone.inner_text("[data-amount]") == f"¥{total:,.2f}"
    _shot(phone, tmp_path, "fees-simulated-gateway")

    phone.click("button:has-text('确认支付')")
    phone.wait_for_selector("text=支付成功")
    assert phone.inner_text("[data-total]") == "已全部缴清"
    _shot(phone, tmp_path, "fees-paid")
    order = GatewayOrder.objects.get()
    assert order.status == "paid" and order.channel == "wechat"
    assert Payment.objects.count() == 1
    assert all(b.status == "paid" for b in Bill.objects.filter(room=world.room))
    assert services.room_balance(world.room.pk) == 0


def test_a_cashier_takes_cash_on_the_room_ledger(page, live_server, world, bills, tmp_path):
    dec, jan = bills
    _log_in(page, live_server, "finance", world.password)
    # Bills not yet due are 待缴, not arrears: the room is on the plain list.
    page.goto(live_server.url + reverse("billing:rooms"))
    page.wait_for_selector(f"text={world.room.label}")
    _shot(page, tmp_path, "fees-rooms")
    page.click(f"a:has-text('{world.room.label}')")
    page.wait_for_selector("text=确认收款")

    page.fill("input[name=amount]", "abc")
    page.click("button:has-text('确认收款')")
    page.wait_for_selector(".field-error")
    _shot(page, tmp_path, "fees-ledger-error")
    assert not Payment.objects.exists()

    page.check(f"input[name=bills][value='{dec.pk}']")
    assert page.input_value("input[name=amount]") == f"{dec.amount:.2f}"  # filled in
    page.click("label.choice:has-text('现金')")
    page.fill("input[name=note]", "前台现金")
    page.click("button:has-text('确认收款')")
    page.wait_for_selector("text=收据号")
    payment = Payment.objects.get()
    assert payment.channel == "cash" and payment.amount == dec.amount
    dec.refresh_from_db()
    jan.refresh_from_db()
    assert dec.status == "paid" and jan.status == "unpaid"
    assert page.inner_text("[data-balance]") == f"¥{jan.amount:,.2f}"
    _shot(page, tmp_path, "fees-ledger-paid")
