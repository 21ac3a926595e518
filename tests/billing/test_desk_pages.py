"""The finance desk pages through the test client: bill adjustments asked for and approved by
two people, a one-off deposit charge, the cashier's daily closing and its .xlsx history, and the
temporary parking rules with the gate's fee calculator."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from tests.billing.test_adjustments import bill as bill
from tests.billing.test_adjustments import head as head
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from tests.billing.test_fees import run
from tests.billing.test_pages import flashed, html
from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import (
    Bill,
    BillAdjustment,
    CashierClosing,
    ChargeBasis,
    ChargeItem,
    LedgerEntry,
    ParkingRule,
)
from wuye.core.choices import DepartmentKind, Role

D = Decimal


def test_a_void_is_requested_from_the_bill_and_approved_by_the_head__FEE_07(
    world, login, bill, head
):
    client = login("finance")
    url = reverse("billing:adjustment_new", args=[bill.pk])
    page = client.get(url)
    assert page.status_code == 200 and "作废账单" in html(page) and "更正金额" in html(page)
    bad = client.post(url, {"kind": "correct", "reason": "面积录错"})
    assert bad.status_code == 400 and "请填写更正后的金额" in html(bad)
    assert not BillAdjustment.objects.exists()
    done = client.post(url, {"kind": "void", "reason": "面积录错"}, follow=True)
    assert any("待财务负责人审批" in m for m in flashed(done))
    # The requester sees it pending, without the decision form.
    listing = client.get(reverse("billing:adjustments"))
    assert "面积录错" in html(listing) and 'name="approve"' not in html(listing)
    client = login("finhead")
    listing = client.get(reverse("billing:adjustments"))
    assert 'name="approve"' in html(listing)
    adjustment = BillAdjustment.objects.get()
    decide = reverse("billing:adjustment_decide", args=[adjustment.pk])
    refused = client.post(decide, {"approve": "0"}, follow=True)  # a rejection needs a note
    assert any("驳回时请填写意见" in m for m in flashed(refused))
    client.post(decide, {"approve": "1", "note": "同意"}, follow=True)
    bill.refresh_from_db()
    assert bill.status == "void"
    assert services.room_balance(world.room.pk) == 0
    approved = client.get(reverse("billing:adjustments") + "?status=approved")
    assert "同意" in html(approved) and "已批准" in html(approved)


def test_a_correction_through_the_page_bills_the_new_amount(world, login, bill, head):
    login("finance").post(reverse("billing:adjustment_new", args=[bill.pk]),
                          {"kind": "correct", "new_amount": "99.00", "reason": "面积"})  # fmt: skip
    adjustment = BillAdjustment.objects.get()
    login("finhead").post(reverse("billing:adjustment_decide", args=[adjustment.pk]),
                          {"approve": "1"})  # fmt: skip
    assert services.room_balance(world.room.pk) == D("99.00")
    ledger = login("finance").get(reverse("billing:room_ledger", args=[world.room.pk]))
    assert "（更正）" in html(ledger)


def test_customer_service_cannot_ask_nor_decide(world, login, bill, head):
    assert login("agent").get(reverse("billing:adjustment_new", args=[bill.pk])).status_code == 403
    assert login("lift").get(reverse("billing:adjustments")).status_code in (302, 403, 404)


def test_a_deposit_is_billed_at_the_counter(world, login, finance):
    item = ChargeItem.objects.create(estate=world.estate, name="装修押金", kind="deposit",
                                     basis=ChargeBasis.FIXED)  # fmt: skip
    client = login("finance")
    url = reverse("billing:one_off_new", args=[world.room.pk])
    assert "装修押金" in html(client.get(url))
    bad = client.post(url, {"item": item.pk, "amount": "abc", "due_date": "2026-11-30"})
    assert bad.status_code == 400 and "请填写正确的金额" in html(bad)
    late = client.post(url, {"item": item.pk, "amount": "2000", "due_date": "2026-11-01"})
    assert late.status_code == 400 and "不能早于今天" in html(late)
    assert not Bill.objects.exists()
    client.post(url, {"item": item.pk, "amount": "2000", "due_date": "2026-11-30",
                      "description": "301 装修押金"})  # fmt: skip
    deposit = Bill.objects.get()
    assert deposit.amount == D("2000.00") and deposit.description == "301 装修押金"
    assert LedgerEntry.objects.get(bill=deposit).amount == D("2000.00")
    assert login("agent").get(url).status_code == 403


def test_the_cashier_closes_the_day_and_the_head_exports_it(world, login, finance):
    services.payment_record(room=world.room, amount="100.00", channel="cash", by=finance.user)
    services.payment_record(room=world.room, amount="35.50", channel="wechat", by=finance.user)
    client = login("finance")
    page = client.get(reverse("billing:closing"))
    assert page.status_code == 200
    text = html(page)
    assert "¥135.50" in text and "¥100.00" in text and "确认日结" in text
    short = client.post(reverse("billing:closing"), {"day": "2026-11-26", "cash_counted": "90"})
    assert short.status_code == 400 and "长短款说明" in html(short)
    done = client.post(reverse("billing:closing"),
                       {"day": "2026-11-26", "cash_counted": "100.00"}, follow=True)  # fmt: skip
    assert any("已日结" in m for m in flashed(done))
    closing = CashierClosing.objects.get()
    assert closing.amount == D("135.50") and closing.difference == 0
    assert "确认日结" not in html(done)
    # No more money for this cashier today, through the ledger page too.
    refused = client.post(reverse("billing:room_ledger", args=[world.room.pk]),
                          {"amount": "5", "channel": "cash"}, follow=True)  # fmt: skip
    assert any("已日结" in m for m in flashed(refused))
    export = login("exec").get(
        reverse("billing:closings") + "?start=2026-11-01&end=2026-11-26&export=xlsx"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "收银员", "笔数")
    assert rows[1][2] == 2 and D(str(rows[1][rows[0].index("合计")])) == D("135.50")
    assert D(str(rows[1][rows[0].index("现金")])) == D("100.00")


def test_customer_service_sees_the_closing_page_without_the_form(world, login, finance):
    page = login("agent").get(reverse("billing:closing"))
    assert page.status_code == 200 and "确认日结" not in html(page)
    assert login("agent").post(reverse("billing:closing"), {"cash_counted": "0"}).status_code == 403


def test_parking_rules_and_the_gate_calculator(world, login, finance):
    client = login("finance")
    url = reverse("billing:parking")
    bad = client.post(url, {"free_minutes": "15", "per_hour": "5", "daily_cap": "3",
                            "effective_from": "2026-11-26"})  # fmt: skip
    assert bad.status_code == 400 and "封顶金额不能低于每小时收费" in html(bad)
    assert not ParkingRule.objects.exists()
    client.post(url, {"free_minutes": "15", "per_hour": "2.00", "daily_cap": "20",
                      "effective_from": "2026-11-01"})  # fmt: skip
    page = client.get(url, {"entered_at": "2026-11-26T08:00", "left_at": "2026-11-26T10:30"})
    assert "¥6.00" in html(page) and "2 小时 30 分钟" in html(page)
    wrong = client.get(url, {"entered_at": "2026-11-26T10:00", "left_at": "2026-11-26T08:00"})
    assert "离场时间不能早于入场时间" in html(wrong)
    agent = login("agent").get(url)
    assert agent.status_code == 200 and "新收费规则" not in html(agent)
    assert dt.date(2026, 11, 1) == ParkingRule.objects.get().effective_from


# --- 缴费通知单 (FEE-05) --------------------------------------------------------------------------


def test_notice_letters_list_the_bills_due_within_15_days_and_printing_records_them__FEE_05(
    world, login, finance, fee
):
    run(world, finance, "2026-12-01", "2026-12-31", "2026-12-10")  # due in 14 days
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")  # due later: not yet
    client = login("agent")  # FEE-02: customer service sends the notices
    page = client.get(reverse("billing:notice_letters"))
    text = html(page)
    assert page.status_code == 200 and world.room.label in text and "未书面通知" in text
    bill = Bill.objects.get(room=world.room, period_start=dt.date(2026, 12, 1))
    later = Bill.objects.get(room=world.room, period_start=dt.date(2027, 1, 1))
    printed = client.post(reverse("billing:notice_letters"), {"rooms": [world.room.pk]})
    letter = html(printed)
    assert printed.status_code == 200 and "缴费通知单" in letter
    assert world.room.label in letter and f"¥{bill.amount:,.2f}" in letter and "微信支付" in letter
    assert "2027-01" not in letter  # the January bill is not due within the window
    bill.refresh_from_db()
    later.refresh_from_db()
    assert bill.notified_at is not None and "letter" in bill.notified_via
    assert later.notified_at is None
    again = html(client.get(reverse("billing:notice_letters")))
    assert world.room.label not in again  # printed: off the list of letters still owed
    assert "已书面通知" in html(client.get(reverse("billing:notice_letters") + "?show=all"))


def test_printing_letters_keeps_the_first_notice_time(world, login, finance, fee, frozen):
    run(world, finance, "2026-12-01", "2026-12-31", "2026-12-10")
    services.bill_notify_due()  # the SMS and in-app message went out first
    bill = Bill.objects.get(room=world.room)
    first = bill.notified_at
    frozen.shift(dt.timedelta(hours=3))
    login("agent").post(reverse("billing:notice_letters"), {"show": "all"})  # 全部 tab
    bill.refresh_from_db()
    assert bill.notified_at == first and bill.notified_via == "sms,inbox,letter"


def test_an_auditor_reads_the_letters_list_but_cannot_print(world, login, finance, fee):
    make_staff(world.company, "auditor", Role.AUDITOR, DepartmentKind.FINANCE, [world.estate])
    run(world, finance, "2026-12-01", "2026-12-31", "2026-12-10")
    client = login("auditor")
    assert "打印缴费通知单" not in html(client.get(reverse("billing:notice_letters")))
    client.post(reverse("billing:notice_letters"), {})
    assert Bill.objects.get(room=world.room).notified_at is None


# --- Refunds of prepaid credit -----------------------------------------------------------------


def test_a_refund_of_credit_is_asked_at_the_ledger_and_approved_by_the_head(
    world, login, finance, head
):
    services.payment_record(room=world.room, amount="500.00", channel="bank", by=finance.user,
                            reference="B1")  # fmt: skip
    client = login("finance")
    url = reverse("billing:refund_new", args=[world.room.pk])
    page = client.get(url)
    assert "可退 ¥500.00" in html(page)
    payment = services.unallocated_payments(world.room.pk)[0][0]
    too_much = client.post(url, {"payment": payment.pk, "amount": "600", "reason": "多缴"})
    assert too_much.status_code == 400 and "可退金额为 ¥500.00" in html(too_much)
    client.post(url, {"payment": payment.pk, "amount": "200", "reason": "多缴"})
    listing = login("finhead").get(reverse("billing:adjustments"))
    assert "待审批退款" in html(listing) and "批准退款" in html(listing)
    refund = payment.refunds.get()
    login("finhead").post(reverse("billing:refund_decide", args=[refund.pk]), {"approve": "1"})
    assert services.room_balance(world.room.pk) == D("-300.00")
    assert LedgerEntry.objects.get(kind="refund").amount == D("200.00")


def test_a_refund_can_be_turned_down_and_nothing_is_written(world, login, finance, head):
    payment = services.payment_record(room=world.room, amount="50.00", channel="cash",
                                      by=finance.user)  # fmt: skip
    refund = services.refund_request(payment=payment, amount="50", reason="x", by=finance.user)
    assert login("finance").post(reverse("billing:refund_decide", args=[refund.pk]),
                                 {"approve": "1"}).status_code == 302  # fmt: skip
    refund.refresh_from_db()
    assert refund.status == "pending"  # the requester cannot approve
    login("finhead").post(reverse("billing:refund_decide", args=[refund.pk]), {"approve": "0"})
    refund.refresh_from_db()
    assert refund.status == "rejected" and not LedgerEntry.objects.filter(kind="refund").exists()


def test_the_ledger_leads_finance_to_adjust_charge_and_refund(world, login, bill):
    services.payment_record(room=world.room2, amount="10", channel="cash", by=None,
                            reference="X1")  # fmt: skip
    page = html(login("finance").get(reverse("billing:room_ledger", args=[world.room.pk])))
    assert reverse("billing:adjustment_new", args=[bill.pk]) in page
    assert reverse("billing:one_off_new", args=[world.room.pk]) in page
    assert reverse("billing:refund_new", args=[world.room.pk]) not in page  # no credit here
    credit = html(login("finance").get(reverse("billing:room_ledger", args=[world.room2.pk])))
    assert reverse("billing:refund_new", args=[world.room2.pk]) in credit
    agent = html(login("agent").get(reverse("billing:room_ledger", args=[world.room.pk])))
    assert reverse("billing:adjustment_new", args=[bill.pk]) not in agent
    assert reverse("billing:collection_room", args=[world.room.pk]) in agent
