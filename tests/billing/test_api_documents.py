"""Receipts and invoices through the API (FEE-06/07): the receipt PDF, the invoice asked for by
the resident who paid or by finance at the counter, and finance's invoice desk with its
spreadsheet — the same services as the document pages, scoped the same way."""

import io

import pytest
from openpyxl import load_workbook

from tests.billing.test_api import auth, post
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import run
from tests.billing.test_invoice_pages import NUMBER, TAX_ID
from tests.billing.test_receipts import frozen as frozen
from tests.billing.test_receipts import paid as paid
from tests.pdf_tools import needs_font
from wuye.base import pdf as pdfkit
from wuye.base.api import XLSX
from wuye.billing import services
from wuye.billing.models import Invoice
from wuye.billing.services import invoices
from wuye.notify.models import Message


@needs_font
def test_the_owner_and_finance_download_the_receipt__FEE_07(client, world, finance, paid):
    path = f"/api/v1/billing/payments/{paid.pk}/receipt.pdf"
    for user in (world.owner.user, finance.user, world.agent.user):
        r = client.get(path, **auth(user))
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")


def test_the_receipt_is_scoped(client, world, paid):
    path = f"/api/v1/billing/payments/{paid.pk}/receipt.pdf"
    assert client.get(path, **auth(world.neighbour.user)).status_code == 404
    assert client.get(path, **auth(world.outsider.user)).status_code == 404
    assert client.get(path, **auth(world.tech.user)).status_code == 403  # reads no fees
    assert client.get(path).status_code == 401


def test_without_a_cjk_font_the_receipt_is_a_503(client, world, paid, settings, monkeypatch):
    monkeypatch.setattr(pdfkit, "FONT_CANDIDATES", (("/nonexistent/font.ttc", None),))
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    r = client.get(f"/api/v1/billing/payments/{paid.pk}/receipt.pdf", **auth(world.owner.user))
    assert r.status_code == 503 and r.json()["error"]["code"] == "font_missing"


def test_the_owner_asks_for_the_invoice_of_their_payment__FEE_06(client, world, paid):
    path = f"/api/v1/billing/payments/{paid.pk}/invoice"
    before = client.get(path, **auth(world.owner.user)).json()
    assert before["invoice"] is None and before["suggested_title"] == world.owner.name
    body = {"title": "杭州某某科技有限公司", "tax_id": TAX_ID.lower(), "email": "a@example.com"}
    r = post(client, world.owner.user, path, body)
    assert r.status_code == 201, r.json()
    invoice = Invoice.objects.get(payment=paid)
    assert invoice.tax_id == TAX_ID and invoice.amount == paid.amount
    assert r.json()["status"] == "requested" and r.json()["receipt_no"] == paid.receipt_no
    again = post(client, world.owner.user, path, body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "invoice_exists"
    assert client.get(path, **auth(world.owner.user)).json()["invoice"]["id"] == invoice.pk


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "张三", "tax_id": "123"},
        {"title": "张三", "email": "not-an-email"},
        {"title": "张" * 101},
        {},
    ],
)
def test_a_bad_invoice_request_is_400_and_writes_nothing(client, world, paid, body):
    r = post(client, world.owner.user, f"/api/v1/billing/payments/{paid.pk}/invoice", body)
    assert r.status_code == 400 and r.json()["error"]["fields"], r.json()
    assert not Invoice.objects.exists()


def test_who_may_ask_for_an_invoice(client, world, finance, paid):
    path = f"/api/v1/billing/payments/{paid.pk}/invoice"
    body = {"title": "张三"}
    assert post(client, world.neighbour.user, path, body).status_code == 404
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.agent.user, path, body).status_code == 403  # reads, not finance
    assert client.get(path, **auth(world.agent.user)).status_code == 403
    assert not Invoice.objects.exists()
    r = post(client, finance.user, path, body)  # at the counter, for the owner
    assert r.status_code == 201 and Invoice.objects.get().requested_by == finance.user


def test_finance_lists_exports_and_issues_invoices__FEE_06(client, world, finance, paid):
    invoice = invoices.invoice_request(payment=paid, title="张三", by=world.owner.user)
    base = f"/api/v1/billing/estates/{world.estate.pk}/invoices"
    listed = client.get(base, **auth(world.agent.user)).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == invoice.pk
    assert client.get(f"{base}?status=issued", **auth(finance.user)).json()["count"] == 0
    assert client.get(f"{base}?q=1-2-301", **auth(finance.user)).json()["count"] == 1
    assert client.get(f"{base}?q=李四", **auth(finance.user)).json()["count"] == 0
    xlsx = client.get(f"{base}.xlsx", **auth(finance.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "张三" in rows[1]
    issue = f"/api/v1/billing/invoices/{invoice.pk}/issue"
    assert post(client, finance.user, issue, {"number": "x"}).status_code == 400
    assert post(client, world.agent.user, issue, {"number": NUMBER}).status_code == 403
    assert post(client, world.outsider.user, issue, {"number": NUMBER}).status_code == 404
    assert post(client, world.owner.user, issue, {"number": NUMBER}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == "requested" and invoice.number == ""
    r = post(client, finance.user, issue, {"number": NUMBER})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "issued" and r.json()["number"] == NUMBER
    assert Message.objects.filter(recipient=world.owner.user, template="invoice_issued").exists()
    assert post(client, finance.user, issue, {"number": NUMBER}).status_code == 409
    # Another estate's staff and the residents see no invoice desk.
    assert client.get(base, **auth(world.outsider.user)).status_code == 404
    assert client.get(base, **auth(world.owner.user)).status_code == 403
    assert client.get(f"{base}.xlsx", **auth(world.outsider.user)).status_code == 404


def test_an_invoice_of_another_estate_is_not_found(client, world, finance, fee):
    """The other estate's payment, asked for by its finance clerk: not ours to see or issue."""
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    run(world, finance)
    other_finance = make_staff(
        world.company, "finance2", Role.FINANCE_CLERK, DepartmentKind.FINANCE, [world.other_estate]
    )
    other = services.payment_record(
        room=world.other_room, amount="10.00", channel="cash", by=other_finance.user
    )
    invoice = invoices.invoice_request(payment=other, title="王五", by=other_finance.user)
    assert (
        post(
            client, finance.user, f"/api/v1/billing/invoices/{invoice.pk}/issue", {"number": NUMBER}
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/billing/payments/{other.pk}/receipt.pdf", **auth(finance.user)
        ).status_code
        == 404
    )
