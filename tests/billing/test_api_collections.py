"""欠费催缴 through the API (FEE-09/10/11/13): the arrears by age and the debtors (JSON and .xlsx),
one room's collection page and a contact, the reminder and lawyer's-letter PDFs; who may call."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.billing.test_api import auth, post
from tests.billing.test_dunning_pages import debtors, frozen, monthly
from tests.billing.test_fees import fee, finance
from tests.pdf_tools import needs_font
from wuye.billing import services
from wuye.billing.models import CollectionContact, Dunning

__all__ = ["debtors", "fee", "finance", "frozen"]  # fixtures
D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_arrears_by_age_and_the_debtors__FEE_09(client, world, debtors):
    base = f"/api/v1/billing/estates/{world.estate.pk}"
    body = client.get(f"{base}/arrears", **auth(world.agent.user)).json()
    fee_month = monthly(world.room)
    buckets = {b["key"]: b for b in body["buckets"]}
    assert D(buckets["61-90"]["amount"]) == fee_month and buckets["61-90"]["rooms"] == 1
    assert body["debtor_count"] == 2 and "文明" in body["caution"]
    listed = client.get(f"{base}/debtors", **auth(world.agent.user)).json()
    assert listed["count"] == 2
    first = listed["items"][0]
    assert first["room"] == world.room.pk and first["days"] == 66  # most overdue first
    assert D(first["owed"]) == 3 * fee_month and "****" in first["owner_mobile"]
    assert world.owner.mobile not in str(listed)
    only = client.get(f"{base}/debtors?bucket=31-60", **auth(world.agent.user)).json()
    assert [r["room"] for r in only["items"]] == [debtors.pk]
    by_owner = client.get(f"{base}/debtors?q=李欠费&limit=1", **auth(world.agent.user)).json()
    assert [r["room"] for r in by_owner["items"]] == [debtors.pk]
    bad = client.get(f"{base}/debtors?bucket=x", **auth(world.agent.user))
    assert bad.status_code == 400 and "bucket" in bad.json()["error"]["fields"]


def test_the_debtor_export_is_the_filtered_list(client, world, debtors):
    url = f"/api/v1/billing/estates/{world.estate.pk}/debtors.xlsx?bucket=31-60"
    response = client.get(url, **auth(world.agent.user))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [debtors.label]


def test_who_may_read_the_arrears__FEE_02(client, world, debtors):
    base = f"/api/v1/billing/estates/{world.estate.pk}"
    for path in ("arrears", "debtors", "debtors.xlsx"):
        assert client.get(f"{base}/{path}", **auth(world.outsider.user)).status_code == 404
        assert client.get(f"{base}/{path}", **auth(world.tech.user)).status_code == 403
        assert client.get(f"{base}/{path}", **auth(world.owner.user)).status_code == 403
    other = f"/api/v1/billing/estates/{world.other_estate.pk}/debtors"
    assert client.get(other, **auth(world.agent.user)).status_code == 404


def test_the_collection_page_of_a_room_and_a_contact__FEE_09(client, world, debtors):
    services.dunning_sweep()
    base = f"/api/v1/billing/rooms/{world.room.pk}"
    page = client.get(f"{base}/collection", **auth(world.agent.user)).json()
    assert len(page["overdue"]) == 3 and page["days"] == 66 and page["can_chase"]
    assert {d["kind"] for d in page["dunnings"]} == {"reminder", "lawyer_letter"}
    assert (
        page["owners"][0]["mobile"] != world.owner.mobile and "****" in page["owners"][0]["mobile"]
    )
    body = {"method": "phone", "result": "业主承诺下周缴纳", "promised_on": "2027-01-12"}
    r = post(client, world.agent.user, f"{base}/contacts", body)
    assert r.status_code == 201, r.json()
    contact = CollectionContact.objects.get()
    assert contact.by == world.agent.user and str(contact.promised_on) == "2027-01-12"
    again = client.get(f"{base}/collection", **auth(world.agent.user)).json()
    assert again["contacts"][0]["result"] == "业主承诺下周缴纳"


@pytest.mark.parametrize(
    "body",
    [
        {"method": "pigeon", "result": "x"},
        {"method": "phone", "result": ""},
        {"method": "phone", "result": "x" * 201},
        {"method": "phone", "result": "x", "promised_on": "soon"},
        {"result": "x"},
    ],
)
def test_bad_contacts_are_400_and_write_nothing(client, world, debtors, body):
    r = post(client, world.agent.user, f"/api/v1/billing/rooms/{world.room.pk}/contacts", body)
    assert r.status_code == 400 and r.json()["error"]["fields"]
    assert not CollectionContact.objects.exists()


def test_who_may_record_a_contact__FEE_02(client, world, debtors):
    body = {"method": "phone", "result": "未接通"}
    path = f"/api/v1/billing/rooms/{world.room.pk}/contacts"
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.tech.user, path, body).status_code == 403
    assert post(client, world.owner.user, path, body).status_code == 403
    assert post(client, world.neighbour.user, path, body).status_code == 404
    assert not CollectionContact.objects.exists()
    assert client.get(f"/api/v1/billing/rooms/{world.room.pk}/collection",
                      **auth(world.owner.user)).status_code == 403  # fmt: skip


@pytest.fixture
def swept(world, debtors):
    services.dunning_sweep()
    return {d.kind: d for d in Dunning.objects.filter(room=world.room)}


@needs_font
def test_the_reminder_pdfs__FEE_10(client, world, swept):
    url = f"/api/v1/billing/reminders/{swept['reminder'].pk}.pdf"
    response = client.get(url, **auth(world.agent.user))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    month = f"/api/v1/billing/estates/{world.estate.pk}/reminders.pdf?month=2027-01"
    response = client.get(month, **auth(world.agent.user))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    empty = client.get(month.replace("2027-01", "2026-12"), **auth(world.agent.user))
    assert empty.status_code == 404 and "2026-12" in empty.json()["error"]["message"]


def test_the_reminder_pdfs_are_for_fee_readers_of_the_estate(client, world, swept):
    url = f"/api/v1/billing/reminders/{swept['reminder'].pk}.pdf"
    assert client.get(url, **auth(world.outsider.user)).status_code == 404
    assert client.get(url, **auth(world.tech.user)).status_code == 403
    assert client.get(url, **auth(world.owner.user)).status_code == 403
    letter = f"/api/v1/billing/reminders/{swept['lawyer_letter'].pk}.pdf"
    assert client.get(letter, **auth(world.agent.user)).status_code == 404  # not a reminder
    bad = f"/api/v1/billing/estates/{world.estate.pk}/reminders.pdf?month=2027-13"
    assert client.get(bad, **auth(world.agent.user)).status_code == 400


def test_without_a_chinese_font_the_pdf_is_a_clear_503(client, world, swept, settings,
                                                        monkeypatch):  # fmt: skip
    import wuye.base.pdf as pdf

    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    response = client.get(f"/api/v1/billing/reminders/{swept['reminder'].pk}.pdf",
                          **auth(world.agent.user))  # fmt: skip
    assert response.status_code == 503 and response.json()["error"]["code"] == "font_missing"


@needs_font
def test_the_lawyers_letter_pdf_once_approved_with_a_law_firm__FEE_11(
    client, world, finance, swept
):
    letter = swept["lawyer_letter"]
    url = f"/api/v1/billing/lawyer-letters/{letter.pk}.pdf"
    not_yet = client.get(url, **auth(world.head.user))
    assert not_yet.status_code == 400
    services.lawyer_letter_decide(dunning=letter, approve=True, note="多次催收未果",
                                  by=world.head.user)  # fmt: skip
    assert client.get(url, **auth(world.head.user)).status_code == 400  # no law firm yet
    services.billing_settings_update(estate=world.estate, by=finance.user, law_firm="明理律所",
                                     law_firm_address="广州市天河区", lawyer="陈律师",
                                     lawyer_phone="020-38880000")  # fmt: skip
    response = client.get(url, **auth(world.head.user))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(url, **auth(world.outsider.user)).status_code == 404
    assert client.get(url, **auth(world.owner.user)).status_code == 403
    assert client.get(url, **auth(world.tech.user)).status_code == 403
