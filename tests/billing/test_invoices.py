"""Invoices (FEE-06): only against money received, once per payment, issued by finance."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.billing.test_fees import at, run
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from wuye.billing import services
from wuye.billing.models import Invoice
from wuye.billing.services import invoices
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


def test_money_that_did_not_arrive_or_was_given_back_is_not_invoiced__FEE_06(
    world, finance, fee, login
):
    """Tries to invoice unpaid money three ways; each is refused and nothing is recorded."""
    from django.urls import reverse

    from tests.factories import make_staff
    from wuye.billing.models import Payment
    from wuye.core.choices import DepartmentKind, Role

    run(world, finance)  # December: ¥223.75 owed
    # 1. a payment finance never recorded (the money has not arrived)
    unconfirmed = Payment(estate=world.estate, room=world.room, amount="223.75",
                          channel="wechat", received_at=at("2026-11-26 10:00"))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        invoices.invoice_request(payment=unconfirmed, title="张伟", by=finance.user)
    assert "已到账" in str(refused.value)
    # 2. ¥500 arrived, ¥223.75 settled the bill, the ¥276.25 credit was refunded: only the
    #    money that stayed is invoiced
    paid = services.payment_record(room=world.room, amount="500.00", channel="cash",
                                   by=finance.user)  # fmt: skip
    head = make_staff(world.company, "fhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip
    refund = services.refund_request(payment=paid, amount="276.25", reason="多缴退回",
                                     by=finance.user)  # fmt: skip
    services.refund_approve(refund=refund, by=head.user)
    invoice = invoices.invoice_request(payment=paid, title="张伟", by=finance.user)
    assert invoice.amount == D("223.75")  # not the ¥500.00 received
    # 3. a prepayment given back in full: nothing to invoice, through the service and the page
    credit = services.payment_record(room=world.room, amount="100.00", channel="cash",
                                     by=finance.user)  # fmt: skip
    back = services.refund_request(payment=credit, amount="100.00", reason="退预存",
                                   by=finance.user)  # fmt: skip
    services.refund_approve(refund=back, by=head.user)
    with pytest.raises(ValidationError) as refused:
        invoices.invoice_request(payment=credit, title="张伟", by=world.owner.user)
    assert "已全部退款" in str(refused.value)
    page = login("owner").post(reverse("billing:my_invoice", args=[credit.pk]), {"title": "张伟"})
    assert page.status_code == 200 and "已全部退款" in page.content.decode()
    assert Invoice.objects.count() == 1 and not Invoice.objects.filter(payment=credit).exists()


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
