"""Invoices through the pages (FEE-06: the invoice comes only after the money arrived, so the
request hangs on a Payment): the resident's 申请发票, the cashier asking for an owner at the
counter, and finance's 发票管理 desk (filter, search, pages, Excel, the number entered)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from tests.billing.test_fees import at, fee, finance, run
from wuye.billing import services
from wuye.billing.models import GatewayOrder, Invoice, Payment
from wuye.billing.services import invoices

__all__ = ["fee", "finance"]  # fixtures
D = Decimal
NUMBER = "044001900111"
TAX_ID = "91330106MA2B011101"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def paid(world, finance, fee):
    """The owner paid December's fee online: the money has arrived (a Payment)."""
    run(world, finance)
    order = services.gateway_order_create(room=world.room, channel="alipay", by=world.owner.user)
    body, signature = services.gateway_simulate_payment(order)
    return services.gateway_callback(body, signature).payment


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def my_url(payment) -> str:
    return reverse("billing:my_invoice", args=[payment.pk])


def counter_url(payment) -> str:
    return reverse("billing:payment_invoice", args=[payment.pk])


DESK = reverse("billing:invoices")


# --- The resident -------------------------------------------------------------------------------


def test_the_resident_requests_the_invoice_of_money_received__FEE_06(world, login, paid):
    client = login("owner")
    page = html(client.get(my_url(paid)))
    assert "申请发票" in page and paid.receipt_no in page
    assert f'value="{world.owner.name}"' in page  # the title starts as the resident's name
    r = client.post(my_url(paid), {"title": "某某科技有限公司", "tax_id": TAX_ID.lower(),
                                   "email": "cw@example.com"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == reverse("billing:my_bills")
    assert any("已提交开票申请" in m for m in flashed(r))
    invoice = Invoice.objects.get(payment=paid)
    assert (invoice.title, invoice.tax_id, invoice.email) == ("某某科技有限公司", TAX_ID,
                                                              "cw@example.com")  # fmt: skip
    assert invoice.amount == paid.amount and invoice.requested_by == world.owner.user
    text = html(client.get(reverse("billing:my_bills")))
    assert "待开票" in text and "申请发票" not in text


def test_bad_fields_are_shown_next_to_them_and_nothing_is_saved__FEE_06(world, login, paid):
    client = login("owner")
    r = client.post(my_url(paid), {"title": "  ", "tax_id": "12345", "email": "nope"})
    assert r.status_code == 200
    page = html(r)
    assert "请填写发票抬头（个人姓名或单位名称）" in page
    assert "请填写正确的邮箱地址" in page
    assert page.count('class="field-error"') >= 2
    # The form passes; the service's own check of the tax number lands next to its field.
    r = client.post(my_url(paid), {"title": "某某科技有限公司", "tax_id": "12345"})
    assert r.status_code == 200
    page = html(r)
    assert "纳税人识别号应为 18 位统一社会信用代码" in page and "has-error" in page
    assert not Invoice.objects.exists()


def test_a_second_request_is_refused_with_a_clear_message__FEE_06(world, login, paid):
    client = login("owner")
    client.post(my_url(paid), {"title": "张伟"})
    page = html(client.get(my_url(paid)))
    assert "待开票" in page and 'name="title"' not in page  # the status, no second form
    r = client.post(my_url(paid), {"title": "李四"})  # a stale tab
    assert r.status_code == 302
    assert "这笔收款已申请过发票" in flashed(r)
    assert Invoice.objects.get().title == "张伟"


def test_nothing_to_invoice_before_the_money_arrives__FEE_06(world, login, finance, fee):
    """An invoice hangs on a Payment: an order not paid yet has none, so no request is possible."""
    run(world, finance)
    services.gateway_order_create(room=world.room, channel="wechat", by=world.owner.user)
    assert GatewayOrder.objects.get().payment is None and not Payment.objects.exists()
    client = login("owner")
    page = html(client.get(reverse("billing:my_bills")))
    assert "申请发票" not in page and "还没有缴费记录" in page
    r = client.post(reverse("billing:my_invoice", args=[1]), {"title": "张伟"})
    assert r.status_code == 404
    assert not Invoice.objects.exists()


def test_another_resident_cannot_ask_for_this_payments_invoice__FEE_06(world, login, paid):
    client = login("neighbour")
    assert client.get(my_url(paid)).status_code == 404
    assert client.post(my_url(paid), {"title": "李四"}).status_code == 404
    assert login("agent").get(my_url(paid)).status_code == 404  # staff use the counter page
    assert not Invoice.objects.exists()


# --- The cashier at the counter ------------------------------------------------------------------


def test_the_cashier_asks_for_the_owners_invoice_at_the_counter__FEE_06(world, login, finance,
                                                                       fee):  # fmt: skip
    run(world, finance)
    payment = services.payment_record(room=world.room, amount="223.75", channel="cash",
                                      by=finance.user)  # fmt: skip
    client = login("finance")
    ledger = reverse("billing:room_ledger", args=[world.room.pk])
    assert "代开发票" in html(client.get(ledger))
    page = html(client.get(counter_url(payment)))
    assert "代业主申请发票" in page and f'value="{world.owner.name}"' in page
    r = client.post(counter_url(payment), {"title": world.owner.name})
    assert r.status_code == 302 and r["Location"] == ledger
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.requested_by == finance.user and invoice.amount == D("223.75")
    text = html(client.get(ledger))
    assert "待开票" in text and "代开发票" not in text


def test_customer_service_reads_but_neither_requests_nor_issues__FEE_06(world, login, paid):
    invoice = invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    client = login("agent")
    assert client.get(counter_url(paid)).status_code == 403
    page = html(client.get(DESK))
    assert "张伟" in page and 'name="number"' not in page
    assert client.post(DESK, {"invoice": invoice.pk, "number": NUMBER}).status_code == 403
    assert login("tech").get(DESK).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == "requested" and invoice.number == ""


# --- Finance's desk ------------------------------------------------------------------------------


def test_finance_issues_it_and_the_resident_sees_the_number__FEE_06(world, login, paid):
    owner = login("owner")
    owner.post(my_url(paid), {"title": "张伟", "email": "zw@example.com"})
    invoice = Invoice.objects.get()
    client = login("finance")
    page = html(client.get(DESK))
    assert "张伟" in page and world.room.label in page and "zw@example.com" in page
    assert 'name="number"' in page and "1 张待开票" in page
    r = client.post(f"{DESK}?status=requested", {"invoice": invoice.pk, "number": NUMBER})
    assert r.status_code == 302 and r["Location"] == f"{DESK}?status=requested"
    assert any(NUMBER in m for m in flashed(r))
    invoice.refresh_from_db()
    assert invoice.status == "issued" and invoice.number == NUMBER
    assert invoice.issued_by.username == "finance"
    owner = login("owner")
    assert NUMBER in html(owner.get(reverse("billing:my_bills")))
    page = html(owner.get(my_url(paid)))
    assert "已开票" in page and NUMBER in page and "2026-11-26 10:00" in page


def test_a_bad_number_is_shown_on_its_row_and_nothing_changes__FEE_06(world, login, paid):
    invoice = invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    r = login("finance").post(DESK, {"invoice": invoice.pk, "number": "12"})
    assert r.status_code == 400
    page = html(r)
    assert "请填写开具的发票号码（8～40 位数字或字母）" in page
    assert 'value="12"' in page and 'aria-invalid="true"' in page
    invoice.refresh_from_db()
    assert invoice.status == "requested"


def test_issuing_twice_or_a_used_number_is_refused(world, login, finance, paid):
    first = invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    second_payment = services.payment_record(room=world.room, amount="10.00", channel="cash",
                                             by=finance.user)  # fmt: skip
    second = invoices.invoice_request(payment=second_payment, title="张伟", by=finance.user)
    client = login("finance")
    client.post(DESK, {"invoice": first.pk, "number": NUMBER})
    r = client.post(DESK, {"invoice": first.pk, "number": "044001900112"})
    assert "该发票已开具" in flashed(r)
    r = client.post(DESK, {"invoice": second.pk, "number": NUMBER})
    assert r.status_code == 400 and "该发票号码已被使用" in html(r)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.number == NUMBER and second.status == "requested"


def test_another_estates_invoice_is_neither_shown_nor_issued_here(world, login, paid):
    payment = services.payment_record(room=world.other_room, amount="50.00", channel="cash",
                                      by=world.exec.user)  # fmt: skip
    theirs = invoices.invoice_request(payment=payment, title="翠湖业主", by=world.exec.user)
    invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    assert "张伟" not in html(login("outsider").get(DESK))
    client = login("finance")
    page = html(client.get(DESK))
    assert "张伟" in page and "翠湖业主" not in page
    assert client.post(DESK, {"invoice": theirs.pk, "number": NUMBER}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "requested"


@pytest.fixture
def several(world, finance, fee, paid, settings):
    """Four requests: three for world.room (one issued), one for the neighbour's room."""
    settings.WUYE = {**settings.WUYE, "PAGE_SIZE": 2}
    made = [invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)]
    for amount, title, room in (
        ("10.00", "某某科技有限公司", world.room),
        ("20.00", "李娜", world.room),
        ("30.00", "王芳", world.room2),
    ):
        payment = services.payment_record(room=room, amount=amount, channel="cash",
                                          by=finance.user)  # fmt: skip
        made.append(invoices.invoice_request(payment=payment, title=title, by=finance.user))
    invoices.invoice_issue(invoice=made[1], number=NUMBER, by=finance.user)
    return made


def test_the_desk_filters_searches_and_pages(world, login, several):
    client = login("finance")
    page = html(client.get(DESK))  # default: waiting ones, the oldest first, two a page
    assert "共 3 张" in page and "张伟" in page and "某某科技有限公司" not in page
    assert "第 1 / 2 页" in page
    assert "王芳" in html(client.get(DESK, {"page": 2}))
    page = html(client.get(DESK, {"status": "issued"}))
    assert "共 1 张" in page and "某某科技有限公司" in page and NUMBER in page
    page = html(client.get(DESK, {"status": "all", "q": "1-2-302"}))
    assert "共 1 张" in page and "王芳" in page
    page = html(client.get(DESK, {"status": "all", "q": "李娜"}))
    assert "共 1 张" in page and "李娜" in page
    page = html(client.get(DESK, {"status": "all", "q": "没有这个人"}))
    assert "没有符合条件的发票申请" in page


def test_the_desk_exports_what_it_shows_to_excel(world, login, several):
    r = login("finance").get(reverse("billing:invoices_export"), {"status": "all"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("申请时间", "房屋", "收据号", "金额（元）", "发票抬头")
    assert len(rows) == 5
    issued = [row for row in rows[1:] if row[8] == NUMBER]
    assert len(issued) == 1 and issued[0][4] == "某某科技有限公司" and issued[0][7] == "已开票"
    r = login("finance").get(reverse("billing:invoices_export"), {"q": "王芳"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == world.room2.label
