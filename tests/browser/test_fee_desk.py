"""The finance desk in chromium: a cashier closes the day on a phone, the head approves a bill's
void, and the gate's parking calculator. Screenshots under the test's tmp dir or
$WUYE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.billing.test_fees import fee, finance, run
from tests.browser.helpers import _log_in, _shot
from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import Bill, CashierClosing
from wuye.billing.services import adjustments, parking
from wuye.core.choices import DepartmentKind, Role

__all__ = ["fee", "finance"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cashier_closes_the_day_on_a_phone(phone, live_server, world, finance, tmp_path):
    services.payment_record(room=world.room, amount="120.00", channel="cash", by=finance.user)
    services.payment_record(room=world.room, amount="80.00", channel="wechat", by=finance.user)
    _log_in(phone, live_server, "finance", world.password)
    phone.goto(live_server.url + reverse("billing:closing"))
    phone.wait_for_selector("text=确认日结")
    _shot(phone, tmp_path, "fees-closing")
    phone.fill("input[name=cash_counted]", "110")
    phone.click("button:has-text('确认日结')")
    phone.wait_for_selector("text=请填写长短款说明")
    phone.fill("input[name=cash_counted]", "110")
    phone.fill("input[name=note]", "找零差错10元")
    phone.click("button:has-text('确认日结')")
    phone.wait_for_selector("text=已日结")
    _shot(phone, tmp_path, "fees-closed")
    closing = CashierClosing.objects.get()
    assert str(closing.difference) == "-10.00" and str(closing.amount) == "200.00"


def test_the_head_approves_a_void_and_the_gate_computes_a_fee(
    page, live_server, world, finance, fee, tmp_path
):
    make_staff(world.company, "finhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
               [world.estate])  # fmt: skip
    run(world, finance)
    bill = Bill.objects.get(room=world.room)
    adjustments.adjustment_request(bill=bill, kind="void", reason="房屋未交付，不应计费",
                                   by=finance.user)  # fmt: skip
    parking.parking_rule_set(estate=world.estate, free_minutes=15, per_hour="2", daily_cap="20",
                             effective_from=bill.period_start.replace(year=2020),
                             by=finance.user)  # fmt: skip
    _log_in(page, live_server, "finhead", world.password)
    page.goto(live_server.url + reverse("billing:adjustments"))
    page.wait_for_selector("text=房屋未交付")
    _shot(page, tmp_path, "fees-adjustments")
    page.click("label.choice:has-text('批准')")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=已批准")
    bill.refresh_from_db()
    assert bill.status == "void"
    page.goto(live_server.url + reverse("billing:parking"))
    page.fill("input[name=entered_at]", "2026-11-26T08:00")
    page.fill("input[name=left_at]", "2026-11-26T11:20")
    page.click("button:has-text('计算')")
    page.wait_for_selector("[data-fee]")
    assert page.inner_text("[data-fee]") == "¥8.00"
    _shot(page, tmp_path, "fees-parking")


def test_customer_service_prints_the_payment_notices(page, live_server, world, finance, fee,
                                                     tmp_path):  # fmt: skip
    run(world, finance, "2026-12-01", "2026-12-31", "2026-12-10")
    _log_in(page, live_server, "agent", world.password)
    page.goto(live_server.url + reverse("billing:notice_letters"))
    page.wait_for_selector("text=未书面通知")
    _shot(page, tmp_path, "fees-notice-letters")
    with page.expect_popup() as popup:
        page.click("button:has-text('打印缴费通知单')")
    letter = popup.value
    letter.wait_for_selector("h1:has-text('缴费通知单')")
    _shot(letter, tmp_path, "fees-notice-letter")
    assert "letter" in Bill.objects.get(room=world.room).notified_via
