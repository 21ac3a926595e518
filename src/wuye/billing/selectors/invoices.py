"""Reads of invoices (FEE-06): whose payments a user may see, who may request and issue an
invoice, the finance list's filter."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.billing.models import Invoice, Payment
from wuye.billing.selectors.fees import may_read_fees
from wuye.core.choices import Role
from wuye.core.models import Estate, Room
from wuye.core.scoping import Actor, visible_rooms
from wuye.core.selectors import room_search_q

# Mirrors invoices.invoice_request / invoice_issue (FEE-06), only to show or hide the forms.
INVOICE_ROLES = frozenset({Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})


def resident_only(actor: Actor) -> bool:
    return actor.resident is not None and actor.staff is None and not actor.is_superuser


def may_invoice(actor: Actor) -> bool:
    """Finance (and executives) may request an invoice for an owner and issue it."""
    return may_read_fees(actor) and (actor.is_superuser or actor.role in INVOICE_ROLES)


def payments_for(actor: Actor) -> QuerySet[Payment]:
    """The payments this user may see: a resident's own rooms (visible_rooms, as 我的账单), a fee
    reader's estates; a staff member who does not read fees is refused (403)."""
    if not resident_only(actor) and not may_read_fees(actor):
        raise PermissionDenied(_("此页面仅供财务部门、客服中心和管理层使用"))
    return Payment.objects.filter(room__in=visible_rooms(actor))


def invoice_of(payment: Payment) -> Invoice | None:
    try:
        return payment.invoice
    except Invoice.DoesNotExist:
        return None


def invoice_filter(estate: Estate, status: str, q: str) -> tuple[QuerySet[Invoice], str, str]:
    """发票管理's list (the page's and the API's): ``status`` requested (the default) / issued /
    all, ``q`` a room, a title, a number, a receipt number or a tax id."""
    if status not in dict(STATUS_FILTERS):
        status = "requested"
    q = q.strip()
    invoices_ = Invoice.objects.filter(payment__estate=estate).select_related(
        "payment__room__building", "payment__room__unit", "payment__estate", "requested_by",
        "issued_by",
    )  # fmt: skip
    if status != "all":
        invoices_ = invoices_.filter(status=status)
    if q:
        rooms = Room.objects.filter(estate=estate).filter(room_search_q(q))
        invoices_ = invoices_.filter(
            Q(payment__room__in=rooms) | Q(title__icontains=q) | Q(number__icontains=q)
            | Q(payment__receipt_no__icontains=q) | Q(tax_id__icontains=q)
        )  # fmt: skip
    # Waiting the longest first; issued ones latest first.
    order = ("requested_at", "id") if status == "requested" else ("-requested_at", "-id")
    return invoices_.order_by(*order), status, q


STATUS_FILTERS = (
    ("requested", gettext_lazy("待开票")),
    ("issued", gettext_lazy("已开票")),
    ("all", gettext_lazy("全部")),
)
