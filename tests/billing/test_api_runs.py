"""Charge items, rates and billing runs through the API (FEE-04/05): the same services as the
run pages, scoped to the caller's estates, in the API's error and list shapes."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.billing.test_api import auth, post
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from wuye.billing import services
from wuye.billing.models import BillingRun, BillingRunStatus, ChargeItem, Rate

D = Decimal


def patch(client, user, path, body):
    return client.patch(path, body, content_type="application/json", **auth(user))


def test_finance_lists_items_with_their_rates_marked__FEE_04(client, world, finance, fee):
    services.rate_set(item=fee, amount="2.80", effective_from=dt.date(2027, 1, 1), by=finance.user)
    r = client.get(f"/api/v1/billing/estates/{world.estate.pk}/charge-items", **auth(finance.user))
    assert r.status_code == 200, r.json()
    [item] = r.json()
    assert item["name"] == "物业服务费" and item["periodic"] and D(item["current_rate"]) == D("2.5")
    assert [(x["effective_from"], x["state"]) for x in item["rates"]] == [
        ("2027-01-01", "pending"), ("2026-01-01", "current")]  # fmt: skip
    # Customer service reads the list too; a resident and another estate's staff do not.
    path = f"/api/v1/billing/estates/{world.estate.pk}/charge-items"
    assert client.get(path, **auth(world.agent.user)).status_code == 200
    assert client.get(path, **auth(world.owner.user)).status_code == 403
    assert client.get(path, **auth(world.outsider.user)).status_code == 404


def test_finance_adds_an_item_then_its_rate__FEE_04(client, world, finance):
    path = f"/api/v1/billing/estates/{world.estate.pk}/charge-items"
    body = {"name": "物业服务费（商铺）", "kind": "property_fee", "basis": "per_m2_month",
            "room_use": "commercial"}  # fmt: skip
    r = post(client, finance.user, path, body)
    assert r.status_code == 201, r.json()
    item = ChargeItem.objects.get(pk=r.json()["id"])
    assert item.room_use == "commercial" and r.json()["rates"] == []
    again = post(client, finance.user, path, body)
    assert again.status_code == 400 and "name" in again.json()["error"]["fields"]
    rate = post(client, finance.user, f"/api/v1/billing/charge-items/{item.pk}/rates",
                {"amount": "5.20", "effective_from": "2027-01-01"})  # fmt: skip
    assert rate.status_code == 201, rate.json()
    assert rate.json()["state"] == "pending"
    assert Rate.objects.get(item=item).amount == D("5.2")


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-1", "effective_from": "2027-01-01"},
        {"amount": "1.00001", "effective_from": "2027-01-01"},
        {"amount": "2", "effective_from": "2027-13-01"},
        {"amount": "2"},
    ],
)
def test_a_bad_rate_is_400_and_writes_nothing(client, world, finance, fee, body):
    r = post(client, finance.user, f"/api/v1/billing/charge-items/{fee.pk}/rates", body)
    assert r.status_code == 400 and r.json()["error"]["fields"]
    assert Rate.objects.filter(item=fee).count() == 1


def test_a_rate_only_for_an_item_billed_per_period_in_use(client, world, finance, fee):
    deposit = ChargeItem.objects.create(estate=world.estate, name="装修押金", kind="deposit",
                                        basis="fixed")  # fmt: skip
    body = {"amount": "2", "effective_from": "2027-01-01"}
    r = post(client, finance.user, f"/api/v1/billing/charge-items/{deposit.pk}/rates", body)
    assert r.status_code == 400 and "item" in r.json()["error"]["fields"]
    assert not Rate.objects.filter(item=deposit).exists()


def test_stopping_and_restarting_an_item(client, world, finance, fee):
    path = f"/api/v1/billing/charge-items/{fee.pk}"
    r = patch(client, finance.user, path, {"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False
    fee.refresh_from_db()
    assert not fee.is_active
    assert patch(client, finance.user, path, {"is_active": True}).json()["is_active"] is True


def test_who_may_change_items__FEE_02(client, world, finance, fee):
    item_path = f"/api/v1/billing/charge-items/{fee.pk}"
    rate_body = {"amount": "9", "effective_from": "2027-01-01"}
    # Customer service reads, but sets no charges: 403; nothing changed.
    assert patch(client, world.agent.user, item_path, {"is_active": False}).status_code == 403
    assert post(client, world.agent.user, f"{item_path}/rates", rate_body).status_code == 403
    new = {"name": "车位管理费", "kind": "parking", "basis": "per_space_month"}
    items = f"/api/v1/billing/estates/{world.estate.pk}/charge-items"
    assert post(client, world.agent.user, items, new).status_code == 403
    # A resident: 403 by role; another estate's staff: the item does not exist for them.
    assert patch(client, world.owner.user, item_path, {"is_active": False}).status_code == 403
    assert patch(client, world.outsider.user, item_path, {"is_active": False}).status_code == 404
    assert post(client, world.outsider.user, f"{item_path}/rates", rate_body).status_code == 404
    other = f"/api/v1/billing/estates/{world.other_estate.pk}/charge-items"
    assert post(client, finance.user, other, new).status_code == 404
    fee.refresh_from_db()
    assert fee.is_active and Rate.objects.filter(item=fee).count() == 1
    assert ChargeItem.objects.count() == 1


def test_the_preview_shows_what_a_run_would_post__FEE_04(client, world, finance, fee):
    path = f"/api/v1/billing/estates/{world.estate.pk}/runs/preview"
    body = {"period_start": "2027-01-01", "period_end": "2027-03-31"}
    r = post(client, finance.user, path, body)
    assert r.status_code == 200, r.json()
    out = r.json()
    assert out["due_date"] == "2027-01-31" and out["bills"] == 1
    assert out["by_item"][0]["item"] == "物业服务费" and out["notice_late"] is False
    assert D(out["amount"]) > 0 and not BillingRun.objects.exists()
    # FEE-05: a due date less than 15 days away is flagged.
    december = {"period_start": "2026-12-01", "period_end": "2026-12-31", "due_date": "2026-12-05"}
    near = post(client, finance.user, path, december)
    assert near.status_code == 200 and near.json()["notice_late"] is True
    bad = post(client, finance.user, path, {"period_start": "2027-01-02",
                                            "period_end": "2027-01-31"})  # fmt: skip
    assert bad.status_code == 400 and "period_start" in bad.json()["error"]["fields"]
    assert post(client, world.agent.user, path, body).status_code == 403
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.owner.user, path, body).status_code == 403


def test_runs_are_listed_with_their_progress(client, world, finance, fee):
    queued = post(client, finance.user, f"/api/v1/billing/estates/{world.estate.pk}/runs",
                  {"period_start": "2027-01-01", "period_end": "2027-01-31",
                   "due_date": "2027-01-31"})  # fmt: skip
    assert queued.status_code == 201, queued.json()
    path = f"/api/v1/billing/estates/{world.estate.pk}/runs"
    listed = client.get(path, **auth(world.agent.user)).json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "queued"
    assert listed["items"][0]["finished"] is False
    assert client.get(f"{path}?status=done", **auth(finance.user)).json()["count"] == 0
    services.billing_run_execute()
    run_id = queued.json()["id"]
    status = client.get(f"/api/v1/billing/runs/{run_id}/status", **auth(finance.user)).json()
    assert status["status"] == BillingRunStatus.DONE and status["percent"] == 100
    assert status["bills_created"] == 1 and status["finished"] is True
    assert client.get(f"/api/v1/billing/runs/{run_id}/status",
                      **auth(world.outsider.user)).status_code == 404  # fmt: skip
    assert client.get(f"/api/v1/billing/runs/{run_id}/status",
                      **auth(world.owner.user)).status_code == 403  # fmt: skip
    assert client.get(path, **auth(world.outsider.user)).status_code == 404
