"""Fees pages: receipts and invoices (FEE-06/07).

- 《收款收据》 PDF of a payment, for the fee readers of its estate and for the residents of its
  room (anyone else: 404, a staff member who does not read fees: 403);
- 申请发票: a resident asks for the invoice of a payment of their room; the cashier does it for an
  owner at the counter. An invoice hangs on a Payment, i.e. on money already received (FEE-06);
- 发票管理: finance's desk of requests (filter, search, pages, Excel) with the number to enter
  when the invoice was issued.

Thin: every write through ``invoices.invoice_request`` / ``invoices.invoice_issue``; their
ValidationError goes next to its field, a Conflict becomes a message over the page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wuye.base.pages import paginate, render_list
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.billing.documents.exports import invoices_xlsx
from wuye.billing.documents.receipt import payer_name, receipt_pdf
from wuye.billing.models import Invoice, InvoiceStatus, Payment
from wuye.billing.selectors.fees import receipt_number, tz_of
from wuye.billing.selectors.invoices import (
    STATUS_FILTERS,
    invoice_filter,
    invoice_of,
    may_invoice,
    payments_for,
)
from wuye.billing.services import invoices
from wuye.billing.views.rooms import fees_page, resident_required
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, visible_rooms
from wuye.core.shortcuts import staff_required

STATUS_TONE = {InvoiceStatus.REQUESTED: "badge-warn", InvoiceStatus.ISSUED: "badge-ok"}


# --- 《收款收据》 --------------------------------------------------------------------------------


@require_GET
@login_required
def receipt_pdf_view(request, pk: int) -> HttpResponse:
    payment = get_or_404(payments_for(actor_for(request.user)).select_related("estate"), pk)
    try:
        content = receipt_pdf(payment)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成收据"))
    filename = _("收款收据-%(number)s.pdf") % {"number": receipt_number(payment)}
    return pdf_response(content, filename)


# --- 申请发票 ----------------------------------------------------------------------------------


class InvoiceRequestForm(forms.Form):
    """申请发票 — the service checks everything again (invoices.invoice_request)."""

    title = forms.CharField(
        label=gettext_lazy("发票抬头"),
        max_length=100,
        help_text=gettext_lazy("个人填姓名，单位填单位全称"),
        error_messages={
            "required": gettext_lazy("请填写发票抬头（个人姓名或单位名称）"),
            "max_length": gettext_lazy("发票抬头不能超过 100 字"),
        },
    )
    tax_id = forms.CharField(
        label=gettext_lazy("纳税人识别号"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("单位发票填写 18 位统一社会信用代码；个人可不填"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "max_length": gettext_lazy("纳税人识别号应为 18 位统一社会信用代码（或 15/20 位税号）"),
        },
    )
    email = forms.EmailField(
        label=gettext_lazy("接收邮箱"),
        required=False,
        help_text=gettext_lazy("电子发票开具后发送到这个邮箱"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"invalid": gettext_lazy("请填写正确的邮箱地址，如 name@example.com")},
    )


def _payment_context(payment: Payment) -> dict:
    payment.receipt = receipt_number(payment)
    invoice = invoice_of(payment)
    return {
        "payment": payment,
        "invoice": invoice,
        "tone": STATUS_TONE.get(invoice.status, "badge-muted") if invoice else "",
        "allocations": list(payment.allocations.select_related("bill__item").order_by("id")),
    }


def _invoice_form_page(request, payment: Payment, *, initial_title: str, back_url: str,
                       staff: bool):  # fmt: skip
    """The form (GET and POST) for the resident's and the cashier's pages alike."""
    context = _payment_context(payment)
    if context["invoice"] is not None and request.method != "POST":
        form = None
    elif request.method == "POST":
        form = InvoiceRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invoices.invoice_request(
                    payment=payment, title=data["title"], tax_id=data["tax_id"],
                    email=data["email"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as error:
                # FEE-06: one invoice per payment; someone asked meanwhile.
                messages.error(request, error.message)
                return redirect(request.path)
            else:
                messages.success(
                    request,
                    _("已提交开票申请（收据号 %(receipt)s），财务开具后可在此查看发票号码。")
                    % {"receipt": receipt_number(payment)},
                )
                return redirect(back_url)
    else:
        form = InvoiceRequestForm(initial={"title": initial_title})
    context.update({"form": form, "back_url": back_url, "staff": staff})
    with timezone.override(tz_of(payment.estate)):
        return render(request, "billing/documents/invoice_request.html", context)


@resident_required
def my_invoice(request, pk: int):
    """申请发票 for a payment of one of the resident's rooms (FEE-06)."""
    actor = actor_for(request.user)
    payments = Payment.objects.filter(room__in=visible_rooms(actor))
    payment = get_or_404(payments.select_related("estate", "room__building", "room__unit"), pk)
    return _invoice_form_page(request, payment, initial_title=actor.resident.name,
                              back_url=reverse("billing:my_bills"), staff=False)  # fmt: skip


@staff_required
def payment_invoice(request, pk: int):
    """代业主申请发票 at the counter (finance, FEE-06)."""
    actor = actor_for(request.user)
    payments = payments_for(actor).select_related("estate", "room__building", "room__unit")
    payment = get_or_404(payments, pk)
    if not may_invoice(actor):
        raise PermissionDenied(_("只有付款业主或财务人员可以申请发票"))
    back = reverse("billing:room_ledger", args=[payment.room_id])
    return _invoice_form_page(request, payment, initial_title=payer_name(payment),
                              back_url=back, staff=True)  # fmt: skip


# --- 发票管理 (finance) ------------------------------------------------------------------------


def _invoice_filter(request, estate: Estate) -> tuple[QuerySet[Invoice], str, str]:
    return invoice_filter(estate, request.GET.get("status", ""), request.GET.get("q", ""))


@fees_page
def invoice_desk(request, estate: Estate):
    """发票管理: the requests of this estate; finance enters the number of the issued invoice."""
    actor = actor_for(request.user)
    errors: dict[int, list[str]] = {}
    values: dict[int, str] = {}
    if request.method == "POST":
        if not may_invoice(actor):
            raise PermissionDenied(_("只有财务人员可以开具发票"))
        invoice = get_or_404(Invoice.objects.filter(payment__estate=estate),
                             request.POST.get("invoice"))  # fmt: skip
        number = request.POST.get("number", "")
        try:
            issued = invoices.invoice_issue(invoice=invoice, number=number, by=request.user)
        except ValidationError as error:
            errors[invoice.pk] = error.messages
            values[invoice.pk] = number
        except Conflict as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())
        else:
            messages.success(
                request,
                _("已开具发票 %(number)s（%(title)s，¥%(amount)s）")
                % {"number": issued.number, "title": issued.title,
                   "amount": f"{issued.amount:,.2f}"},
            )  # fmt: skip
            return redirect(request.get_full_path())
    invoices_, status, q = _invoice_filter(request, estate)
    page = paginate(request, invoices_)
    for invoice in page.object_list:
        invoice.tone = STATUS_TONE.get(invoice.status, "badge-muted")
        invoice.receipt = receipt_number(invoice.payment)
        invoice.error = errors.get(invoice.pk, [])
        invoice.entered = values.get(invoice.pk, "")
    context = {
        "estate": estate,
        "page": page,
        "status": status,
        "q": q,
        "statuses": STATUS_FILTERS,
        "can_issue": may_invoice(actor),
        "waiting": Invoice.objects.filter(
            payment__estate=estate, status=InvoiceStatus.REQUESTED
        ).count(),
        "filtered": bool(q) or status != "requested",
    }
    with timezone.override(tz_of(estate)):
        response = render_list(
            request, "billing/documents/invoices.html",
            "billing/documents/invoice_results.html", context,
        )  # fmt: skip
    if errors:
        response.status_code = 400
    return response


@require_GET
@fees_page
def invoice_export(request, estate: Estate):
    invoices_, _status, _q = _invoice_filter(request, estate)
    return invoices_xlsx(estate, invoices_)


urlpatterns = [
    path("billing/payments/<int:pk>/receipt.pdf", receipt_pdf_view, name="receipt_pdf"),
    path("billing/payments/<int:pk>/invoice/", payment_invoice, name="payment_invoice"),
    path("my/payments/<int:pk>/invoice/", my_invoice, name="my_invoice"),
    path("billing/invoices/", invoice_desk, name="invoices"),
    path("billing/invoices/export/", invoice_export, name="invoices_export"),
]
