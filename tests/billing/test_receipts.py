"""《收款收据》: the printable receipt of a payment (FEE-07) — its Chinese text really there (read
back with pdftotext: the embedded font's ToUnicode map), who may fetch it, the links to it from
the room's ledger and from 我的账单, and the 503 page of a server without a Chinese font."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.billing.test_fees import at, fee, finance, run
from tests.pdf_tools import needs_font
from wuye.base import pdf as pdfkit
from wuye.billing import services
from wuye.billing.models import Bill, Payment

__all__ = ["fee", "finance"]  # fixtures
D = Decimal


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def paid(world, finance, fee, frozen):
    """December's fee (89.50 ㎡ × 2.50 = 223.75) paid in cash at 14:05 with 300.00: 76.25 left
    as credit."""
    run(world, finance)
    frozen.move_to(at("2026-11-26 14:05"), tick=False)
    return services.payment_record(
        room=world.room, amount="300.00", channel="cash", by=finance.user, reference="XJ0001"
    )


def url(payment) -> str:
    return reverse("billing:receipt_pdf", args=[payment.pk])


def text_of(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


@needs_font
def test_the_owner_prints_the_receipt_with_number_room_bills_and_capitals__FEE_07(
    world, login, paid
):
    r = login("owner").get(url(paid))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Cache-Control"] == "private, no-store"
    assert "inline" in r["Content-Disposition"]
    text = text_of(r.content)
    assert "收款收据" in text
    assert paid.receipt_no and paid.receipt_no in text
    assert world.room.label in text
    assert "测试物业" in text and "阳光测试苑" in text
    assert world.owner.name in text  # the payer: the room's owner
    assert "2026-11-26 14:05" in text  # estate time
    assert "现金" in text and "XJ0001" in text and "finance" in text  # channel, reference, cashier
    assert "物业服务费" in text and "2026-12" in text and "¥223.75" in text
    assert "预存" in text and "¥76.25" in text
    assert "¥300.00" in text
    assert "大写" in text and "叁佰元整" in text


@needs_font
def test_an_online_payment_prints_its_channel_and_no_cashier(world, login, finance, fee):
    run(world, finance)
    order = services.gateway_order_create(room=world.room, channel="alipay", by=world.owner.user)
    body, signature = services.gateway_simulate_payment(order)
    payment = services.gateway_callback(body, signature).payment
    text = text_of(login("owner").get(url(payment)).content)
    assert "支付宝" in text and "在线支付" in text
    assert "贰佰贰拾叁元柒角伍分" in text  # 223.75, all of it settling the bill
    assert "预存（" not in text


@needs_font
def test_a_payment_recorded_before_receipt_numbers_gets_the_fallback_number(world, login, paid):
    # A payment as rows written before receipt numbers existed have it (payments are never
    # updated, so it is written that way).
    legacy = Payment.objects.create(
        estate=world.estate, room=world.room, amount="10.00", channel="cash",
        received_at=paid.received_at, receipt_no="",
    )  # fmt: skip
    text = text_of(login("finance").get(url(legacy)).content)
    assert f"SK20261126-{legacy.pk:06d}" in text


@needs_font
def test_finance_and_customer_service_of_the_estate_print_it__FEE_02(world, login, paid):
    assert login("finance").get(url(paid)).status_code == 200
    assert login("agent").get(url(paid)).status_code == 200


def test_nobody_else_gets_the_receipt(world, login, paid, client):
    assert client.get(url(paid)).status_code == 302  # to the login page
    assert login("neighbour").get(url(paid)).status_code == 404  # another room's resident
    assert login("outsider").get(url(paid)).status_code == 404  # another estate's staff
    assert login("tech").get(url(paid)).status_code == 403  # does not read fees
    assert login("lift").get(url(paid)).status_code in (403, 404)  # a contractor
    assert login("owner").get(reverse("billing:receipt_pdf", args=[paid.pk + 99])).status_code \
        == 404  # fmt: skip


def test_without_a_cjk_font_the_server_says_so(world, login, paid, settings, monkeypatch):
    monkeypatch.setattr(pdfkit, "FONT_CANDIDATES", (("/nonexistent/font.ttc", None),))
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    r = login("owner").get(url(paid))
    assert r.status_code == 503
    text = r.content.decode()
    assert "无法生成收据" in text
    assert "服务器未安装中文字体（如 fonts-noto-cjk），无法生成收据" in text


def test_the_pdf_helpers_write_money_as_a_receipt_does():
    """The font lookup and the formatting shared by every PDF live in wuye.base.pdf."""
    assert pdfkit.rmb_upper(D("1012.50")) == "壹仟零壹拾贰元伍角整"
    assert pdfkit.money(D("12.5")) == "¥12.50"


def test_the_generic_font_message_names_no_particular_document(settings, monkeypatch):
    monkeypatch.setattr(pdfkit, "FONT_CANDIDATES", ())
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    with pytest.raises(pdfkit.CJKFontMissing, match="无法生成PDF文件"):
        pdfkit.cjk_font()


# --- The links -----------------------------------------------------------------------------------


def test_the_room_ledger_links_each_payment_to_its_receipt(world, login, paid):
    page = login("finance").get(reverse("billing:room_ledger", args=[world.room.pk]))
    text = page.content.decode()
    assert "打印收据" in text and url(paid) in text
    assert reverse("billing:payment_invoice", args=[paid.pk]) in text  # 代开发票 for finance
    text = login("agent").get(reverse("billing:room_ledger", args=[world.room.pk])).content
    assert url(paid) in text.decode()
    assert reverse("billing:payment_invoice", args=[paid.pk]) not in text.decode()


def test_my_bills_lists_the_payments_with_receipt_and_invoice_links(world, login, paid):
    text = login("owner").get(reverse("billing:my_bills")).content.decode()
    assert "缴费记录" in text and paid.receipt_no in text
    assert url(paid) in text and "收据" in text
    assert reverse("billing:my_invoice", args=[paid.pk]) in text and "申请发票" in text
    # The neighbour's page shows nothing of another room's money.
    text = login("neighbour").get(reverse("billing:my_bills")).content.decode()
    assert url(paid) not in text
    assert Bill.objects.filter(room=world.room).count() == 1
