"""Receipts and invoices through the API (FEE-06/07): the 《收款收据》 PDF of a payment, the
invoice of a payment (asked for by the resident who paid, or by finance at the counter), and
finance's 发票管理 (the list, its spreadsheet, issuing). The same services and builders as
``document_pages``: ``documents.receipt_pdf``, ``invoices.invoice_request``,
``invoices.invoice_issue``, ``document_pages.invoice_filter`` / ``invoices_xlsx``.

Who may call: a payment's receipt and invoice, the residents of its room and the fee readers of
its estate (a staff member who does not read fees: 403); asking for or issuing an invoice for
someone else, finance (403 otherwise). Anything outside the caller's rooms or estates is a 404.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    ErrorOut,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.billing.api.rooms import FEE_READ_ERRORS
from wuye.billing.api.rooms import _estate as _fees_estate
from wuye.billing.documents.exports import invoices_xlsx
from wuye.billing.documents.receipt import payer_name, receipt_pdf
from wuye.billing.models import Invoice, Payment
from wuye.billing.selectors.fees import receipt_number
from wuye.billing.selectors.invoices import (
    invoice_filter,
    invoice_of,
    may_invoice,
    payments_for,
    resident_only,
)
from wuye.billing.services import invoices
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

router = Router(tags=["billing"])

PDF_ERRORS = {**FEE_READ_ERRORS, 503: ErrorOut}


def _payment(request: HttpRequest, payment_id: int) -> tuple[Actor, Payment]:
    """A payment of the caller's rooms (a resident) or estates (a fee reader)."""
    actor = actor_for(request.auth)
    payments = payments_for(actor).select_related("estate", "room__building", "room__unit")
    return actor, get_or_404(payments, payment_id)


# --- 《收款收据》 --------------------------------------------------------------------------------


@router.get(
    "/billing/payments/{int:payment_id}/receipt.pdf",
    response=PDF_ERRORS,
    openapi_extra=file_download(PDF),
)
def receipt(request: HttpRequest, payment_id: IdParam):
    """《收款收据》 of a payment as a PDF (FEE-06/07), for the residents of its room and the fee
    readers of its estate. A server without a Chinese font answers 503 ``font_missing``."""
    _actor, payment = _payment(request, payment_id)
    try:
        content = receipt_pdf(payment)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    filename = _("收款收据-%(number)s.pdf") % {"number": receipt_number(payment)}
    return pdf_response(content, filename)


# --- 发票 --------------------------------------------------------------------------------------


class InvoiceOut(Schema):
    id: int
    payment: int = Field(..., alias="payment_id")
    receipt_no: str = Field(..., examples=["SK-20261126-0001"])
    room: int
    room_label: str = Field(..., examples=["1栋2单元301室"])
    title: str = Field(..., examples=["张三"])
    tax_id: str
    email: str
    amount: Decimal
    status: str = Field(..., examples=["requested"], description="requested / issued")
    number: str = Field(..., description="发票号码（开具后）")
    requested_at: dt.datetime
    requested_by: int | None = Field(None, alias="requested_by_id")
    issued_at: dt.datetime | None
    issued_by: int | None = Field(None, alias="issued_by_id")

    @staticmethod
    def resolve_receipt_no(obj) -> str:
        return receipt_number(obj.payment)

    @staticmethod
    def resolve_room(obj) -> int:
        return obj.payment.room_id

    @staticmethod
    def resolve_room_label(obj) -> str:
        return obj.payment.room.label


class PaymentInvoiceOut(Schema):
    payment: int
    receipt_no: str
    room: int
    amount: Decimal
    received_at: dt.datetime
    suggested_title: str = Field(..., description="页面预填的发票抬头：住户本人或付款业主")
    invoice: InvoiceOut | None = Field(None, description="已申请的发票；未申请为空")


def _invoice_payment(request: HttpRequest, payment_id: int) -> tuple[Actor, Payment]:
    """As the pages: a resident asks for their own room's payment; staff must be finance."""
    actor, payment = _payment(request, payment_id)
    if not resident_only(actor) and not may_invoice(actor):
        raise PermissionDenied(_("只有付款业主或财务人员可以申请发票"))
    return actor, payment


@router.get(
    "/billing/payments/{int:payment_id}/invoice",
    response={200: PaymentInvoiceOut, **FEE_READ_ERRORS},
)
def payment_invoice(request: HttpRequest, payment_id: IdParam):
    """The invoice of a payment, if one was asked for (申请发票's page): for the residents of
    its room and finance."""
    actor, payment = _invoice_payment(request, payment_id)
    invoice = invoice_of(payment)
    title = actor.resident.name if resident_only(actor) else payer_name(payment)
    return {
        "payment": payment.pk,
        "receipt_no": receipt_number(payment),
        "room": payment.room_id,
        "amount": payment.amount,
        "received_at": payment.received_at,
        "suggested_title": title,
        "invoice": invoice,
    }


class InvoiceIn(Schema):
    title: Text = Field(
        ..., max_length=100, examples=["张三"], description="发票抬头：个人填姓名，单位填单位全称"
    )
    tax_id: Text = Field(
        "",
        max_length=20,
        examples=["91310000MA1K0000X1"],
        description="纳税人识别号：单位发票填写 18 位统一社会信用代码",
    )
    email: Text = Field(
        "",
        max_length=254,
        examples=["owner@example.com"],
        description="接收邮箱：电子发票开具后发送到这个邮箱",
    )


@router.post(
    "/billing/payments/{int:payment_id}/invoice", response={201: InvoiceOut, **WRITE_ERRORS}
)
def invoice_request(request: HttpRequest, payment_id: IdParam, payload: InvoiceIn):
    """申请发票 (FEE-06) for a payment: the resident who paid, for their room, or finance for
    an owner at the counter. One invoice per payment (409 ``invoice_exists``); the amount is
    what was received less what was refunded."""
    _actor, payment = _invoice_payment(request, payment_id)
    email = payload.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": [_("请填写正确的邮箱地址，如 name@example.com")]}
            ) from None
    invoice = invoices.invoice_request(
        payment=payment, title=payload.title, tax_id=payload.tax_id, email=email, by=request.auth
    )
    return Status(201, _loaded(invoice))


def _loaded(invoice: Invoice) -> Invoice:
    """The invoice with what InvoiceOut reads (its payment's room and estate)."""
    related = ("payment__room__building", "payment__room__unit", "payment__estate")
    return Invoice.objects.select_related(*related).get(pk=invoice.pk)


# --- 发票管理 (finance) ------------------------------------------------------------------------


@router.get(
    "/billing/estates/{int:estate_id}/invoices", response={200: list[InvoiceOut], **FEE_READ_ERRORS}
)
@paginated
def invoice_list(
    request: HttpRequest, estate_id: IdParam, status: Term = "requested", q: Term = ""
):
    """发票管理 (FEE-06): the estate's invoice requests. ``status``: requested (the default,
    waiting the longest first) / issued / all (latest first); ``q``: a room (1-2-301), a title,
    an invoice or receipt number, a tax id."""
    _actor, estate = _fees_estate(request, estate_id)
    invoices_, _status, _q = invoice_filter(estate, status, q)
    return invoices_


@router.get(
    "/billing/estates/{int:estate_id}/invoices.xlsx",
    response=FEE_READ_ERRORS,
    openapi_extra=file_download(XLSX),
)
def invoice_export(
    request: HttpRequest, estate_id: IdParam, status: Term = "requested", q: Term = ""
):
    """The invoice list (same filters) as the page's spreadsheet."""
    _actor, estate = _fees_estate(request, estate_id)
    invoices_, _status, _q = invoice_filter(estate, status, q)
    return invoices_xlsx(estate, invoices_)


class InvoiceIssueIn(Schema):
    number: Text = Field(
        "",
        max_length=40,
        examples=["24310000000012345678"],
        description="发票号码（8～40 位数字或字母）；接入电子发票平台时可不填",
    )


@router.post("/billing/invoices/{int:invoice_id}/issue", response={200: InvoiceOut, **WRITE_ERRORS})
def invoice_issue(request: HttpRequest, invoice_id: IdParam, payload: InvoiceIssueIn):
    """开具 (finance, FEE-06): the number of the invoice issued in the tax system (or the
    e-invoice provider's); the person who asked is told in their inbox. Issued already: 409."""
    actor = actor_for(request.auth)
    found = Invoice.objects.filter(payment__estate__in=visible_estates(actor))
    invoice = get_or_404(found.select_related("payment"), invoice_id)
    _fees_estate(request, invoice.payment.estate_id)
    if not may_invoice(actor):
        raise PermissionDenied(_("只有财务人员可以开具发票"))
    invoice = invoices.invoice_issue(invoice=invoice, number=payload.number, by=request.auth)
    return _loaded(invoice)
