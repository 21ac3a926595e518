"""The finance desk through the API: printing notice letters (FEE-05), adjustments and refunds
asked by one person and decided by another, one-off charges, the daily closing and its .xlsx,
parking rules and the room list with balances; bad input and who may call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.billing.test_adjustments import deposit_item, head
from tests.billing.test_api import auth, post
from tests.billing.test_fees import fee, finance, frozen, run
from wuye.billing import services
from wuye.billing.models import (
    Bill,
    BillAdjustment,
    CashierClosing,
    NoticeLetter,
    ParkingRule,
    Refund,
)

__all__ = ["deposit_item", "fee", "finance", "frozen", "head"]  # fixtures
D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def bill(world, finance, fee):
    run(world, finance)  # December, due 31 December
    return Bill.objects.get(room=world.room)


# --- 缴费通知单 (FEE-05) ------------------------------------------------------------------------


def test_printing_notice_letters_records_them__FEE_05(client, world, bill):
    path = f"/api/v1/billing/estates/{world.estate.pk}/notice-letters/print"
    body = {"due_by": "2026-12-31"}
    r = post(client, world.agent.user, path, body)
    assert r.status_code == 201, r.json()
    letter = r.json()["letters"][0]
    assert letter["room"] == world.room.pk and letter["bills"][0]["id"] == bill.pk
    assert letter["by_letter"] and not letter["pending"] and letter["records"]
    record = NoticeLetter.objects.get(room=world.room)
    assert record.by == world.agent.user and record.method == "printed"
    # printed: nothing is still owed a letter
    again = post(client, world.agent.user, path, body)
    assert again.status_code == 400 and NoticeLetter.objects.count() == 1


def test_who_may_print_notice_letters(client, world, bill):
    path = f"/api/v1/billing/estates/{world.estate.pk}/notice-letters/print"
    body = {"due_by": "2026-12-31"}
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.tech.user, path, body).status_code == 403
    assert post(client, world.owner.user, path, body).status_code == 403
    assert post(client, world.agent.user, path, {"due_by": "soon"}).status_code == 400
    assert not NoticeLetter.objects.exists()


# --- 账单调整 --------------------------------------------------------------------------------


def test_an_adjustment_asked_by_one_and_approved_by_another__FEE_07(
    client, world, finance, head, bill
):
    path = f"/api/v1/billing/bills/{bill.pk}/adjustments"
    r = post(client, finance.user, path, {"kind": "correct", "new_amount": "100.50",
                                          "reason": "按新面积"})  # fmt: skip
    assert r.status_code == 201, r.json()
    adjustment = BillAdjustment.objects.get()
    assert r.json()["id"] == adjustment.pk and adjustment.status == "pending"
    listed = client.get(f"/api/v1/billing/estates/{world.estate.pk}/adjustments",
                        **auth(head.user)).json()  # fmt: skip
    assert listed["count"] == 1 and listed["items"][0]["can_decide"]
    decide = f"/api/v1/billing/adjustments/{adjustment.pk}/decision"
    assert post(client, finance.user, decide, {"approve": True}).status_code == 403  # requester
    done = post(client, head.user, decide, {"approve": True, "note": "已核对"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "approved" and done.json()["replacement"]
    assert services.room_balance(world.room.pk) == D("100.50")
    assert post(client, head.user, decide, {"approve": False, "note": "x"}).status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "correct", "reason": "x"},  # no new amount
        {"kind": "correct", "new_amount": "1.001", "reason": "x"},
        {"kind": "shred", "reason": "x"},
        {"kind": "void", "reason": ""},
        {"kind": "void"},
    ],
)
def test_bad_adjustments_are_400_and_write_nothing(client, world, finance, bill, body):
    r = post(client, finance.user, f"/api/v1/billing/bills/{bill.pk}/adjustments", body)
    assert r.status_code == 400 and r.json()["error"]["fields"]
    assert not BillAdjustment.objects.exists()


def test_who_may_ask_for_an_adjustment(client, world, finance, bill, fee):
    body = {"kind": "void", "reason": "录错"}
    path = f"/api/v1/billing/bills/{bill.pk}/adjustments"
    assert post(client, world.agent.user, path, body).status_code == 403  # reads, not collects
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.owner.user, path, body).status_code == 403
    assert post(client, world.neighbour.user, path, body).status_code == 404
    assert not BillAdjustment.objects.exists()
    listing = f"/api/v1/billing/estates/{world.estate.pk}/adjustments"
    assert client.get(listing, **auth(world.outsider.user)).status_code == 404
    assert client.get(listing, **auth(world.tech.user)).status_code == 403


# --- 退款 -------------------------------------------------------------------------------------


def test_a_refund_of_credit_asked_and_approved(client, world, finance, head, bill):
    payment = services.payment_record(room=world.room, amount=bill.amount + D("50"),
                                      channel="cash", by=finance.user)  # fmt: skip
    base = f"/api/v1/billing/rooms/{world.room.pk}"
    credits = client.get(f"{base}/credits", **auth(finance.user)).json()
    assert [(c["payment"], c["receipt_no"], D(c["refundable"])) for c in credits] == [
        (payment.pk, payment.receipt_no, D("50.00"))
    ]
    too_much = post(client, finance.user, f"{base}/refunds",
                    {"payment": payment.pk, "amount": "60", "reason": "退预存"})  # fmt: skip
    assert too_much.status_code == 400 and not Refund.objects.exists()
    wrong = post(client, finance.user, f"{base}/refunds",
                 {"payment": 999999, "amount": "10", "reason": "退预存"})  # fmt: skip
    assert wrong.status_code == 400 and "payment" in wrong.json()["error"]["fields"]
    assert (
        post(
            client,
            world.agent.user,
            f"{base}/refunds",
            {"payment": payment.pk, "amount": "50", "reason": "退预存"},
        ).status_code
        == 403
    )
    r = post(client, finance.user, f"{base}/refunds",
             {"payment": payment.pk, "amount": "50", "reason": "退预存"})  # fmt: skip
    assert r.status_code == 201, r.json()
    refund = Refund.objects.get()
    listed = client.get(f"/api/v1/billing/estates/{world.estate.pk}/refunds",
                        **auth(head.user)).json()  # fmt: skip
    assert listed["items"][0]["id"] == refund.pk and listed["items"][0]["can_decide"]
    decide = f"/api/v1/billing/refunds/{refund.pk}/decision"
    assert post(client, finance.user, decide, {"approve": True}).status_code == 403
    assert post(client, world.outsider.user, decide, {"approve": True}).status_code == 404
    assert post(client, head.user, decide, {"approve": "maybe"}).status_code == 400
    done = post(client, head.user, decide, {"approve": True})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert services.room_balance(world.room.pk) == 0
    assert post(client, head.user, decide, {"approve": False}).status_code == 409


# --- 临时收费 ---------------------------------------------------------------------------------


def test_a_one_off_charge_at_the_counter(client, world, finance, deposit_item):
    items = client.get(f"/api/v1/billing/estates/{world.estate.pk}/one-off-items",
                       **auth(world.agent.user)).json()  # fmt: skip
    assert [i["id"] for i in items] == [deposit_item.pk]
    path = f"/api/v1/billing/rooms/{world.room.pk}/one-off-bills"
    body = {"item": deposit_item.pk, "amount": "2000", "due_date": "2026-11-30",
            "description": "装修押金（301 装修）"}  # fmt: skip
    assert post(client, world.agent.user, path, body).status_code == 403
    assert post(client, world.outsider.user, path, body).status_code == 404
    for bad in ({**body, "item": 999999}, {**body, "due_date": "2026-11-01"},
                {**body, "amount": "-1"}, {**body, "description": "x" * 201}):  # fmt: skip
        r = post(client, finance.user, path, bad)
        assert r.status_code == 400 and r.json()["error"]["fields"], bad
    assert not Bill.objects.exists()
    r = post(client, finance.user, path, body)
    assert r.status_code == 201, r.json()
    bill = Bill.objects.get()
    assert r.json()["id"] == bill.pk and bill.amount == D("2000.00")
    assert services.room_balance(world.room.pk) == D("2000.00")


# --- 收银日结 ---------------------------------------------------------------------------------


def test_the_cashiers_day_and_its_closing(client, world, finance, bill):
    services.payment_record(room=world.room, amount="300", channel="cash", by=finance.user)
    services.payment_record(room=world.room, amount="20", channel="pos", by=finance.user)
    base = f"/api/v1/billing/estates/{world.estate.pk}"
    day = client.get(f"{base}/closing-day", **auth(finance.user)).json()
    assert day["day"] == "2026-11-26" and day["count"] == 2 and D(day["cash"]) == D("300.00")
    assert day["can_close"] and len(day["payments"]) == 2
    short = post(client, finance.user, f"{base}/closings", {"day": "2026-11-26",
                                                             "cash_counted": "290"})  # fmt: skip
    assert short.status_code == 400 and "note" in short.json()["error"]["fields"]
    future = post(client, finance.user, f"{base}/closings",
                  {"day": "2026-11-27", "cash_counted": "0"})  # fmt: skip
    assert future.status_code == 400
    assert (
        post(
            client,
            world.agent.user,
            f"{base}/closings",
            {"day": "2026-11-26", "cash_counted": "300"},
        ).status_code
        == 403
    )
    assert (
        post(
            client,
            world.outsider.user,
            f"{base}/closings",
            {"day": "2026-11-26", "cash_counted": "300"},
        ).status_code
        == 404
    )
    assert not CashierClosing.objects.exists()
    r = post(client, finance.user, f"{base}/closings",
             {"day": "2026-11-26", "cash_counted": "290", "note": "找零有误"})  # fmt: skip
    assert r.status_code == 201, r.json()
    assert D(r.json()["difference"]) == D("-10.00") and D(r.json()["by_channel"]["pos"]) == 20
    again = post(client, finance.user, f"{base}/closings",
                 {"day": "2026-11-26", "cash_counted": "290", "note": "找零有误"})  # fmt: skip
    assert again.status_code == 409
    listed = client.get(f"{base}/closings", **auth(world.agent.user)).json()
    assert listed["count"] == 1 and listed["items"][0]["cashier"] == finance.user.pk
    xlsx = client.get(f"{base}/closings.xlsx?start=2026-11-01", **auth(world.agent.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert client.get(f"{base}/closings", **auth(world.tech.user)).status_code == 403


# --- 临时停车 ---------------------------------------------------------------------------------


def test_parking_rules_are_set_by_finance(client, world, finance):
    path = f"/api/v1/billing/estates/{world.estate.pk}/parking-rules"
    body = {"free_minutes": 15, "per_hour": "5", "daily_cap": "20",
            "effective_from": "2026-11-01"}  # fmt: skip
    assert post(client, world.agent.user, path, body).status_code == 403
    assert post(client, world.outsider.user, path, body).status_code == 404
    for bad in ({**body, "free_minutes": 2000}, {**body, "daily_cap": "1"},
                {**body, "per_hour": "-1"}, {**body, "effective_from": "x"}):  # fmt: skip
        assert post(client, finance.user, path, bad).status_code == 400, bad
    assert not ParkingRule.objects.exists()
    r = post(client, finance.user, path, body)
    assert r.status_code == 201, r.json()
    assert post(client, finance.user, path, body).status_code == 409
    rules = client.get(path, **auth(world.agent.user)).json()
    assert len(rules) == 1 and rules[0]["current"] and D(rules[0]["per_hour"]) == 5


# --- 收费台账 ---------------------------------------------------------------------------------


def test_the_room_list_with_balances_and_its_export(client, world, finance, fee, frozen):
    run(world, finance, "2026-10-01", "2026-10-31", "2026-10-31")  # overdue by now
    base = f"/api/v1/billing/estates/{world.estate.pk}/rooms"
    rooms = client.get(base, **auth(world.agent.user)).json()
    by_id = {r["id"]: r for r in rooms["items"]}
    owed = Bill.objects.get(room=world.room).amount
    assert D(by_id[world.room.pk]["overdue"]) == owed and world.owner.name in by_id[
        world.room.pk]["owners"]  # fmt: skip
    arrears = client.get(f"{base}?arrears=true", **auth(world.agent.user)).json()
    assert [r["id"] for r in arrears["items"]] == [world.room.pk]
    found = client.get(f"{base}?q=1-2-302", **auth(world.agent.user)).json()
    assert [r["id"] for r in found["items"]] == [world.room2.pk]
    xlsx = client.get(f"{base}.xlsx?arrears=true", **auth(world.agent.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert client.get(base, **auth(world.outsider.user)).status_code == 404
    assert client.get(base, **auth(world.owner.user)).status_code == 403
    assert client.get(f"{base}?limit=0", **auth(world.agent.user)).status_code == 400
