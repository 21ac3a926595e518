"""The repairs pages' remaining actions through the API: the list's .xlsx with its filters, the
classification suggested at intake (REPAIR-04), the price list written (REPAIR-11) and the
acceptance slip (REPAIR-10), scoped like the pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from tests.pdf_tools import needs_font
from tests.repairs.helpers import SH, report
from wuye.core.services import api_token_issue
from wuye.repairs import services
from wuye.repairs.documents import acceptance as slip
from wuye.repairs.models import PriceItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False)


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **auth(user))


def send(client, user, method, path, body):
    call = getattr(client, method)
    return call(f"/api/v1{path}", body, content_type="application/json", **auth(user))


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


# --- The list as .xlsx ------------------------------------------------------------------------


def test_export_is_what_the_list_shows_with_its_filters(client, world):
    burst = report(world, "卫生间水管爆裂")  # an emergency (REPAIR-04)
    report(world, "客厅插座没电", category="electrical")
    rows = rows_of(get(client, world.agent.user, "/repairs/export.xlsx", estate=world.estate.pk))
    assert rows[0][:4] == ["工单号", "状态", "紧急程度", "类别"] and rows[0][-1] == "满意度"
    assert len(rows) == 3 and rows[1][0] == burst.case.number  # emergencies first
    assert rows[1][7] == "13800138000"  # the desk sees the phone
    only = get(client, world.agent.user, "/repairs/export.xlsx", estate=world.estate.pk,
               category="electrical", sort="new")  # fmt: skip
    assert [r[5] for r in rows_of(only)[1:]] == ["客厅插座没电"]
    waiting = get(client, world.agent.user, "/repairs/export.xlsx", estate=world.estate.pk,
                  tab="dispatch", open_only="true")  # fmt: skip
    assert len(rows_of(waiting)) == 3


def test_export_refuses_bad_filters_and_is_scoped(client, world):
    report(world)
    r = get(client, world.agent.user, "/repairs/export.xlsx", estate=world.estate.pk,
            status="flying")  # fmt: skip
    assert r.status_code == 400 and "status" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, "/repairs/export.xlsx", estate=world.estate.pk,
            building=world.other_room.building_id)  # fmt: skip
    assert r.status_code == 400 and "building" in r.json()["error"]["fields"]
    path = "/repairs/export.xlsx"
    assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
    assert get(client, world.owner.user, path, estate=world.estate.pk).status_code == 403
    assert get(client, world.owner.user, path, estate=world.other_estate.pk).status_code == 404
    assert (
        get(
            client, get_user_model().objects.get(username="lift"), path, estate=world.estate.pk
        ).status_code
        == 403
    )


# --- The suggestion (REPAIR-04) ---------------------------------------------------------------


def test_suggestion_as_the_intake_form_shows_it__REPAIR_04(client, world):
    r = get(client, world.agent.user, "/repairs/suggestions", description="卫生间水管爆裂了")
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "urgency": "emergency", "urgency_label": "紧急报修", "urgency_word": "爆裂",
        "category": "plumbing", "category_label": "给排水", "category_word": "水管",
    }  # fmt: skip
    plain = get(client, world.tech.user, "/repairs/suggestions", description="想问问物业费").json()
    assert (plain["urgency"], plain["urgency_word"]) == ("general", "")
    assert (plain["category"], plain["category_word"]) == ("other", "")


def test_suggestion_refuses_what_the_page_refuses(client, world):
    r = get(client, world.agent.user, "/repairs/suggestions")
    assert r.status_code == 400 and "description" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, "/repairs/suggestions", description="x" * 2001)
    assert r.status_code == 400
    assert get(client, world.owner.user, "/repairs/suggestions", description="漏水"
               ).status_code == 403  # fmt: skip


# --- The price list (REPAIR-11) ---------------------------------------------------------------


def valve(world, **extra) -> dict:
    return {"estate": world.estate.pk, "name": "更换角阀", "category": "plumbing", "unit": "个",
            "price": "35.00", **extra}  # fmt: skip


def test_executives_add_and_change_a_price__REPAIR_11(client, world):
    r = send(client, world.exec.user, "post", "/repairs/prices", valve(world))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["name"], body["price"], body["is_active"]) == ("更换角阀", "35.00", True)
    item = PriceItem.objects.get(pk=body["id"])
    assert (item.estate, item.price) == (world.estate, Decimal("35.00"))
    change = {"name": "更换角阀", "category": "plumbing", "unit": "个", "price": "38.50",
              "is_active": False}  # fmt: skip
    r = send(client, world.exec.user, "put", f"/repairs/prices/{item.pk}", change)
    assert r.status_code == 200, r.json()
    item.refresh_from_db()
    assert (item.price, item.is_active) == (Decimal("38.50"), False)


def test_price_list_refusals_write_nothing(client, world):
    services.price_item_save(estate=world.estate, name="更换角阀", category="plumbing",
                             unit="个", price="35.00", by=world.exec.user)  # fmt: skip
    item = PriceItem.objects.get()
    cases = [
        (world.exec.user, valve(world), 400),  # the same name twice
        (world.exec.user, valve(world, name="疏通下水", price="1.005"), 400),
        (world.exec.user, valve(world, name="疏通下水", category="magic"), 400),
        (world.exec.user, valve(world, name="疏通下水", price="-1"), 400),
        (world.head.user, valve(world, name="疏通下水"), 403),  # not engineering's head
        (world.tech.user, valve(world, name="疏通下水"), 403),
        (world.outsider.user, valve(world, name="疏通下水"), 404),
        (world.owner.user, valve(world, name="疏通下水"), 403),  # staff only, as the page
    ]
    for user, body, status in cases:
        r = send(client, user, "post", "/repairs/prices", body)
        assert r.status_code == status, (body, r.json())
    change = {"name": "更换角阀", "category": "plumbing", "price": "99.00"}
    assert send(client, world.outsider.user, "put", f"/repairs/prices/{item.pk}", change
                ).status_code == 404  # fmt: skip
    assert send(client, world.head.user, "put", f"/repairs/prices/{item.pk}", change
                ).status_code == 403  # fmt: skip
    assert PriceItem.objects.count() == 1
    item.refresh_from_db()
    assert item.price == Decimal("35.00")


# --- The acceptance slip (REPAIR-10) ----------------------------------------------------------


@needs_font
def test_acceptance_slip_for_whoever_may_see_the_order__REPAIR_10(client, world):
    order = report(world)
    path = f"/repairs/{order.pk}/acceptance.pdf"
    for user in (world.owner.user, world.agent.user):
        r = get(client, user, path)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
    assert get(client, world.neighbour.user, path).status_code == 404
    assert get(client, world.outsider.user, path).status_code == 404
    assert get(client, world.owner.user, "/repairs/999999/acceptance.pdf").status_code == 404


def test_acceptance_slip_without_a_cjk_font_is_a_503(client, world, settings, monkeypatch):
    order = report(world)
    monkeypatch.setattr(slip, "FONT_CANDIDATES", (("/nonexistent/font.ttc", None),))
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    r = get(client, world.owner.user, f"/repairs/{order.pk}/acceptance.pdf")
    assert r.status_code == 503 and r.json()["error"]["code"] == "font_missing"
