"""Invoices (发票, FEE-06): requested against a confirmed payment, issued by finance.

Issuing goes through an e-invoice provider (settings ``WUYE_EINVOICE_PROVIDER``, a dotted path
to a class with ``issue(invoice) -> str | None``). The default records the request and lets
finance enter the number of the invoice it issued in the tax system (no provider is called);
a real provider (百望云, 航信…) returns the number itself.
"""

from __future__ import annotations

import importlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import Invoice, InvoiceStatus, Payment, Refund
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for, visible_rooms

# 统一社会信用代码 (18 characters) or an older 15/20-character taxpayer number.
TAX_ID_RE = re.compile(
    r"^([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9A-Z]{15}|[0-9A-Z]{20})$"
)


class RecordingProvider:
    """The default: nothing is sent anywhere; finance enters the number it issued."""

    def issue(self, invoice: Invoice) -> str | None:
        return None


def provider():
    path = getattr(settings, "WUYE_EINVOICE_PROVIDER", "") or (
        "wuye.billing.services.invoices.RecordingProvider"
    )
    module, _dot, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)()


@transaction.atomic
def invoice_request(*, payment: Payment, title: str, by, tax_id: str = "", email: str = ""):
    """Ask for the invoice of a payment (the payer for their own room, or finance)."""
    actor = actor_for(by)
    if actor.role == Role.RESIDENT:
        if not visible_rooms(actor).filter(pk=payment.room_id).exists():
            raise Http404
    elif not actor.is_superuser and (
        payment.estate_id not in actor.estate_ids
        or actor.role not in (Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)
    ):
        raise PermissionDenied(_("只有付款业主或财务人员可以申请发票"))
    # FEE-06: only money that has arrived and stayed is invoiced: a payment finance recorded,
    # less what was refunded of it.
    if payment.pk is None or not Payment.objects.filter(pk=payment.pk).exists():
        raise ValidationError({"payment": [_("只能为已到账的收款开具发票")]})
    refunded = Refund.objects.filter(payment=payment, status="approved").aggregate(
        s=Sum("amount"))["s"] or 0  # fmt: skip
    amount = payment.amount - refunded
    if amount <= 0:
        raise ValidationError({"payment": [_("这笔收款已全部退款，没有可开票的金额")]})
    errors = {}
    title = title.strip()
    tax_id = tax_id.strip().upper()
    if not title:
        errors["title"] = [_("请填写发票抬头（个人姓名或单位名称）")]
    elif len(title) > 100:
        errors["title"] = [_("发票抬头不能超过 100 字")]
    if tax_id and not TAX_ID_RE.match(tax_id):
        errors["tax_id"] = [_("纳税人识别号应为 18 位统一社会信用代码（或 15/20 位税号）")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Invoice.objects.create(
                payment=payment, title=title, tax_id=tax_id, email=email.strip(),
                amount=amount, requested_by=actor.user, requested_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("这笔收款已申请过发票"), code="invoice_exists") from None


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by, number: str = "") -> Invoice:
    """Finance issues the invoice (FEE-06): the provider's number, or the one entered."""
    actor = actor_for(by)
    invoice = Invoice.objects.select_for_update().select_related("payment").get(pk=invoice.pk)
    if not actor.is_superuser and (
        invoice.payment.estate_id not in actor.estate_ids
        or actor.role not in (Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)
    ):
        raise PermissionDenied(_("只有财务人员可以开具发票"))
    if invoice.status == InvoiceStatus.ISSUED:
        raise Conflict(_("该发票已开具"))
    number = (provider().issue(invoice) or number).strip()
    if not re.fullmatch(r"[0-9A-Za-z-]{8,40}", number):
        raise ValidationError({"number": [_("请填写开具的发票号码（8～40 位数字或字母）")]})
    invoice.number, invoice.status = number, InvoiceStatus.ISSUED
    invoice.issued_by, invoice.issued_at = actor.user, timezone.now()
    try:
        with transaction.atomic():
            invoice.save(update_fields=["number", "status", "issued_by", "issued_at"])
    except IntegrityError:
        raise ValidationError({"number": [_("该发票号码已被使用")]}) from None
    from wuye.notify.choices import Channel
    from wuye.notify.services import message_enqueue

    resident = getattr(invoice.requested_by, "resident", None) is not None
    url = (reverse("billing:my_bills") if resident
           else reverse("billing:room_ledger", args=[invoice.payment.room_id]))  # fmt: skip
    message_enqueue(
        recipient=invoice.requested_by, template="invoice_issued", channels=[Channel.INBOX],
        estate=invoice.payment.estate, ref=f"invoice:{invoice.pk}", url=url,
        context={"title": invoice.title, "amount": invoice.amount, "number": invoice.number},
    )  # fmt: skip
    return invoice
