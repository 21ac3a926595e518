"""Invoices (FEE-06): only against money received, once per payment, issued by finance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.billing.test_fees import at, run
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from wuye.billing import invoices, services
from wuye.billing.models import Invoice
from wuye.core.exceptions import Conflict
from wuye.notify.models import Message


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)


@pytest.fixture
def paid(world, finance, fee):
    run(world, finance)
    order = services.gateway_order_create(room=world.room, channel="alipay", by=world.owner.user)
    body, signature = services.gateway_simulate_payment(order)
    order = services.gateway_callback(body, signature)
    return order.payment


def test_the_invoice_comes_after_the_money__FEE_06(world, finance, fee):
    run(world, finance)
    order = services.gateway_order_create(room=world.room, channel="wechat", by=world.owner.user)
    assert order.payment is None  # not paid: there is nothing to invoice yet
    assert not hasattr(order, "invoice")


def test_the_owner_asks_and_finance_issues__FEE_06(world, finance, paid):
    invoice = invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    assert invoice.amount == paid.amount and invoice.status == "requested"
    with pytest.raises(Conflict):  # once per payment
        invoices.invoice_request(payment=paid, title="张伟", by=world.owner.user)
    with pytest.raises(PermissionDenied):
        invoices.invoice_issue(invoice=invoice, number="044001900111", by=world.agent.user)
    with pytest.raises(ValidationError):
        invoices.invoice_issue(invoice=invoice, number="12", by=finance.user)
    invoices.invoice_issue(invoice=invoice, number="044001900111", by=finance.user)
    invoice.refresh_from_db()
    assert invoice.status == "issued" and invoice.number == "044001900111"
    told = Message.objects.get(recipient=world.owner.user, ref=f"invoice:{invoice.pk}")
    assert "044001900111" in told.subject and told.url == "/my/bills/"
    with pytest.raises(Conflict):
        invoices.invoice_issue(invoice=invoice, number="044001900112", by=finance.user)


def test_a_company_title_needs_a_valid_tax_id(world, paid):
    with pytest.raises(ValidationError) as err:
        invoices.invoice_request(payment=paid, title="某某科技有限公司", tax_id="12345",
                                 by=world.owner.user)  # fmt: skip
    assert "tax_id" in err.value.message_dict
    invoice = invoices.invoice_request(payment=paid, title="某某科技有限公司",
                                       tax_id="91330106MA2B0XXX0X".replace("X", "1"),
                                       by=world.owner.user)  # fmt: skip
    assert invoice.tax_id == "91330106MA2B01110" + "1"


def test_only_the_payer_or_finance_may_ask(world, paid):
    with pytest.raises(Http404):
        invoices.invoice_request(payment=paid, title="李四", by=world.neighbour.user)
    with pytest.raises(PermissionDenied):
        invoices.invoice_request(payment=paid, title="李四", by=world.tech.user)
    assert not Invoice.objects.exists()
