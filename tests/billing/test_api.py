"""Fees through the API: a resident's bills, ledger and online order; a cashier's payment with
its receipt number; the gate's parking fee; who may call what and how mistakes are answered."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from tests.billing.test_fees import run
from wuye.billing import services
from wuye.billing.models import Bill, GatewayOrder, Payment
from wuye.billing.services import parking
from wuye.core.services import api_token_issue

D = Decimal


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **auth(user))


@pytest.fixture
def billed(world, finance, fee):
    run(world, finance)
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    return list(Bill.objects.filter(room=world.room).order_by("period_start"))


def test_the_owner_reads_bills_and_ledger_and_opens_an_order__FEE_07(client, world, billed):
    base = f"/api/v1/billing/rooms/{world.room.pk}"
    bills = client.get(f"{base}/bills?open=true", **auth(world.owner.user)).json()
    assert bills["count"] == 2 and bills["items"][0]["item"] == "物业服务费"
    assert D(bills["items"][0]["outstanding"]) == billed[0].amount
    ledger = client.get(f"{base}/ledger", **auth(world.owner.user)).json()
    assert D(ledger["balance"]) == billed[0].amount + billed[1].amount
    assert [e["kind"] for e in ledger["entries"]] == ["charge", "charge"]
    order = post(client, world.owner.user, f"{base}/orders",
                 {"channel": "wechat", "bills": [billed[0].pk]})  # fmt: skip
    assert order.status_code == 201, order.json()
    body = order.json()
    assert D(body["amount"]) == billed[0].amount and body["pay_url"].endswith("/")
    assert GatewayOrder.objects.get().out_trade_no == body["out_trade_no"]


def test_a_cashier_takes_a_payment_with_a_receipt_number__FEE_06(client, world, finance, billed):
    path = f"/api/v1/billing/rooms/{world.room.pk}/payments"
    r = post(client, finance.user, path, {"amount": "300.00", "channel": "cash"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["receipt_no"] == "SK-20261126-0001"
    assert body["allocations"][0]["bill"] == billed[0].pk
    assert D(body["balance"]) == billed[0].amount + billed[1].amount - D("300.00")


def test_paying_chosen_bills_already_settled_is_a_409(client, world, finance, billed):
    path = f"/api/v1/billing/rooms/{world.room.pk}/payments"
    body = {"amount": str(billed[0].amount), "channel": "pos", "bills": [billed[0].pk]}
    assert post(client, finance.user, path, body).status_code == 201
    again = post(client, finance.user, path, body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "amount_mismatch"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"amount": "0", "channel": "cash"}, 400),
        ({"amount": "1.001", "channel": "cash"}, 400),
        ({"amount": "abc", "channel": "cash"}, 400),
        ({"amount": "10", "channel": "bitcoin"}, 400),
        ({"channel": "cash"}, 400),
    ],
)
def test_bad_payments_are_400_and_change_nothing(client, world, finance, billed, body, status):
    r = post(client, finance.user, f"/api/v1/billing/rooms/{world.room.pk}/payments", body)
    assert r.status_code == status and "error" in r.json()
    assert not Payment.objects.exists()


def test_who_may_call__FEE_02(client, world, finance, billed):
    base = f"/api/v1/billing/rooms/{world.room.pk}"
    # A neighbour cannot see another home; customer service reads but cannot take money.
    assert client.get(f"{base}/bills", **auth(world.neighbour.user)).status_code == 404
    assert client.get(f"{base}/bills", **auth(world.agent.user)).status_code == 200
    r = post(client, world.agent.user, f"{base}/payments", {"amount": "1", "channel": "cash"})
    assert r.status_code == 403
    r = post(client, world.owner.user, f"{base}/payments", {"amount": "1", "channel": "cash"})
    assert r.status_code == 403
    other = f"/api/v1/billing/rooms/{world.other_room.pk}/bills"
    assert client.get(other, **auth(finance.user)).status_code == 404
    assert client.get(f"{base}/bills").status_code == 401


def test_the_gate_asks_the_parking_fee(client, world, finance):
    parking.parking_rule_set(estate=world.estate, free_minutes=15, per_hour="2", daily_cap="20",
                             effective_from=dt.date(2026, 1, 1), by=finance.user)  # fmt: skip
    path = (f"/api/v1/billing/parking/fee?estate={world.estate.pk}"
            "&entered_at=2026-11-26T08:00:00&left_at=2026-11-26T10:30:00")  # fmt: skip
    r = client.get(path, **auth(world.agent.user))
    assert r.status_code == 200, r.json()
    assert D(r.json()["fee"]) == D("6.00") and r.json()["minutes"] == 150
    backwards = (f"/api/v1/billing/parking/fee?estate={world.estate.pk}"
                 "&entered_at=2026-11-26T10:00:00&left_at=2026-11-26T08:00:00")  # fmt: skip
    assert client.get(backwards, **auth(world.agent.user)).status_code == 400
    assert client.get(path, **auth(world.owner.user)).status_code == 403
    assert services.room_balance(world.room.pk) == 0
