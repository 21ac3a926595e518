"""Fees pages: the room ledger with the cashier's 收款 form and the room list that leads to it
(finance collects, customer service reads: FEE-02/07), and the resident's 我的账单 with online
payment through the simulated gateway (FEE-05/12).

Thin: reads here, every write through ``services`` (``payment_record``,
``gateway_order_create``, ``gateway_callback``); a service's ValidationError goes next to its
field, a Conflict or PermissionDenied becomes a message over the page as it is now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Prefetch,
    prefetch_related_objects,
)
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate, render_list
from wuye.billing import services
from wuye.billing.documents.exports import rooms_xlsx
from wuye.billing.models import (
    ZERO,
    Allocation,
    Bill,
    BillStatus,
    GatewayOrder,
    GatewayOrderStatus,
    LedgerEntry,
    Payment,
    PaymentChannel,
)
from wuye.billing.selectors.fees import (
    OPEN,
    estate_arrears,
    fee_room_owners,
    fee_rooms,
    may_collect,
    may_read_fees,
    receipt_number,
    tz_of,
)
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate, Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.core.shortcuts import estate_page, staff_required

STATUS_TONE = {
    BillStatus.PAID: "badge-ok",
    BillStatus.PARTIAL: "badge-warn",
    BillStatus.UNPAID: "badge-breach",
    BillStatus.VOID: "badge-muted",
}
# The cashier's channels, in the order the counter uses them.
COUNTER_CHANNELS = [
    PaymentChannel.CASH,
    PaymentChannel.POS,
    PaymentChannel.WECHAT,
    PaymentChannel.ALIPAY,
    PaymentChannel.BANK,
]
ONLINE_CHANNELS = [PaymentChannel.WECHAT, PaymentChannel.ALIPAY]
LEDGER_ROWS = 100


def _require_reader(request) -> Actor:
    actor = actor_for(request.user)
    if not may_read_fees(actor):
        raise PermissionDenied(_("此页面仅供财务部门、客服中心和管理层使用"))
    return actor


def fees_page(view):
    """A staff page of the current estate's fees."""

    @wraps(view)
    def wrapper(request, *args, estate: Estate, **kwargs):
        _require_reader(request)
        return view(request, *args, estate=estate, **kwargs)

    return estate_page(wrapper)


def _decorate_bills(bills, estate: Estate, today: dt.date) -> list[Bill]:
    """Each bill's status colour and its notice (FEE-05: at least 15 days before the due date)."""
    tz = tz_of(estate)
    for bill in bills:
        bill.tone = STATUS_TONE.get(bill.status, "badge-muted")
        # "物业服务费 2026-12" says no more than the item and the period; a repair's charge does.
        bill.detail = "" if bill.description.startswith(bill.item.name) else bill.description
        notice_by = bill.due_date - dt.timedelta(days=services.NOTICE_DAYS)
        if bill.notified_at is not None:
            bill.notice_late = timezone.localtime(bill.notified_at, tz).date() > notice_by
        else:
            bill.notice_late = False
        bill.notice_missing = (
            bill.notified_at is None and bill.status in OPEN and today >= notice_by
        )
        bill.overdue = bill.status in OPEN and bill.due_date < today
        # 欠费 means overdue: an open bill not yet due is 待缴 (amber), never red arrears.
        if bill.status in OPEN:
            bill.tone = "badge-breach" if bill.overdue else "badge-warn"
            bill.status_label = _("欠费") if bill.overdue else (
                _("待缴") if bill.status == BillStatus.UNPAID else bill.get_status_display()
            )  # fmt: skip
        else:
            bill.status_label = bill.get_status_display()
    return bills


# --- The room list -----------------------------------------------------------------------------


@fees_page
def room_list(request, estate: Estate):
    """收费台账: the estate's rooms and their balance; typing "1-2-301" finds a room."""
    q = request.GET.get("q", "").strip()
    arrears = request.GET.get("arrears") == "1"
    today = services.estate_today(estate, timezone.now())
    rooms = fee_rooms(estate, today, q=q, arrears=arrears)
    if request.GET.get("export") == "xlsx":
        return rooms_xlsx(estate, rooms)
    page = paginate(request, rooms)
    prefetch_related_objects(page.object_list, fee_room_owners())
    for room in page.object_list:
        room.credit = -room.balance
        room.owner_names = "、".join(o.resident.name for o in room.owners)
    context = {
        "estate": estate,
        "page": page,
        "q": q,
        "arrears": arrears,
        "filtered": bool(q or arrears),
        "estate_arrears": estate_arrears(estate, today),
    }
    return render_list(request, "billing/rooms.html", "billing/partials/room_results.html", context)


# --- The room's ledger and the 收款 form -------------------------------------------------------


class PaymentForm(forms.Form):
    """收款 — money taken at the counter or by transfer (payment_record)."""

    amount = forms.DecimalField(
        label=gettext_lazy("收款金额（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("请填写收款金额"),
            "invalid": gettext_lazy("请填写正确的金额，如 35.00"),
            "min_value": gettext_lazy("金额须大于 0"),
            "max_decimal_places": gettext_lazy("金额最多两位小数"),
            "max_digits": gettext_lazy("金额过大"),
            "max_whole_digits": gettext_lazy("金额过大"),
        },
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("缴费渠道"),
        choices=[(c.value, c.label) for c in COUNTER_CHANNELS],
        widget=forms.RadioSelect,
        initial=PaymentChannel.CASH,
        error_messages={"required": gettext_lazy("请选择缴费渠道")},
    )
    bills = forms.MultipleChoiceField(
        label=gettext_lazy("缴哪些账单"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选则从最早的欠费账单依次抵扣，多出的金额作为预存"),
    )
    reference = forms.CharField(
        label=gettext_lazy("交易流水号"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("POS、转账等的流水号，现金可不填"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args, bills: list[Bill], **kwargs):
        super().__init__(*args, **kwargs)
        # Any bill of the room: one settled meanwhile by another cashier is the service's
        # Conflict (a clear message), not an "invalid choice".
        self.fields["bills"].choices = [(str(b.pk), b.description) for b in bills]


def room_for_fees(request, pk: int) -> Room:
    """The room if this staff member may read its fees; another estate's room is a 404."""
    actor = _require_reader(request)
    return get_or_404(visible_rooms(actor).select_related("estate", "building", "unit"), pk)


def _ledger_rows(room: Room) -> list[LedgerEntry]:
    """The room's entries with the balance after each (arrears positive), the latest last."""
    entries = list(
        LedgerEntry.objects.filter(room=room).select_related("bill").order_by("at", "id")
    )
    running = ZERO
    for entry in entries:
        running += entry.amount
        entry.running = running
    return entries[-LEDGER_ROWS:]


def _ledger(request, room: Room, form: PaymentForm | None = None, status: int = 200):
    actor = actor_for(request.user)
    estate = room.estate
    tz = tz_of(estate)
    today = timezone.localtime(timezone.now(), tz).date()
    bills = _decorate_bills(
        list(Bill.objects.filter(room=room).select_related("item").order_by("-due_date", "-id")),
        estate,
        today,
    )
    open_bills = sorted((b for b in bills if b.status in OPEN), key=lambda b: (b.due_date, b.pk))
    can_collect = may_collect(actor)
    if can_collect and form is None:
        form = PaymentForm(bills=open_bills)
    payments = list(
        Payment.objects.filter(room=room)
        .select_related("received_by__staff", "estate", "invoice")
        .prefetch_related(Prefetch("allocations", Allocation.objects.select_related("bill")))
        .order_by("-received_at", "-id")[:50]
    )
    for payment in payments:
        payment.receipt = receipt_number(payment)
    balance = services.room_balance(room.pk)
    context = {
        "room": room,
        "estate": estate,
        "bills": bills,
        "open_bills": open_bills,
        # 欠费 is only what is overdue; the rest of the open money is 待缴.
        "overdue_total": sum((b.outstanding for b in open_bills if b.overdue), ZERO),
        "outstanding": sum((b.outstanding for b in open_bills), ZERO),
        "entries": _ledger_rows(room),
        "payments": payments,
        "balance": balance,
        "credit": -balance if balance < 0 else ZERO,
        "form": form,
        "can_collect": can_collect,
        "chosen": set(form["bills"].value() or []) if form is not None else set(),
    }
    with timezone.override(tz):
        return render(request, "billing/room_ledger.html", context, status=status)


@staff_required
def room_ledger(request, room_pk: int):
    """业主缴费台账 (FEE-07) of one room; finance takes a payment here (FEE-06)."""
    room = room_for_fees(request, room_pk)
    if request.method != "POST":
        return _ledger(request, room)
    actor = actor_for(request.user)
    if not may_collect(actor):
        raise PermissionDenied(_("只有财务人员或企业高层可以办理收费"))
    bills = list(
        Bill.objects.filter(room=room).exclude(status=BillStatus.VOID).only("pk", "description")
    )
    form = PaymentForm(request.POST, bills=bills)
    if not form.is_valid():
        return _ledger(request, room, form)
    data = form.cleaned_data
    chosen = [int(b) for b in data["bills"]] or None
    try:
        payment = services.payment_record(
            room=room, amount=data["amount"], channel=data["channel"], by=request.user,
            bills=chosen, reference=data["reference"].strip(), note=data["note"].strip(),
            exact=chosen is not None,
        )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return _ledger(request, room, form)
    except (Conflict, PermissionDenied) as error:
        # Someone else collected meanwhile (or the reference was used): the fresh ledger.
        messages.error(request, getattr(error, "message", None) or str(error))
        return redirect("billing:room_ledger", room_pk=room.pk)
    messages.success(
        request,
        _("已收款 ¥%(amount)s（%(channel)s），收据号 %(receipt)s")
        % {
            "amount": f"{payment.amount:,.2f}",
            "channel": payment.get_channel_display(),
            "receipt": receipt_number(payment),
        },
    )
    return redirect("billing:room_ledger", room_pk=room.pk)


# --- 我的账单 (residents, phone first) ----------------------------------------------------------


def resident_required(view):
    """Login, then residents only: for anyone else these pages do not exist (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if actor_for(request.user).resident is None:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@resident_required
def my_bills(request):
    actor = actor_for(request.user)
    rooms = list(visible_rooms(actor).select_related("estate", "building", "unit"))
    open_bills = Bill.objects.filter(room__in=rooms, status__in=OPEN).select_related("item")
    by_room: dict[int, list[Bill]] = {}
    for bill in open_bills.order_by("due_date", "id"):
        by_room.setdefault(bill.room_id, []).append(bill)
    today = timezone.localdate()
    cards = []
    for room in rooms:
        bills = _decorate_bills(by_room.get(room.pk, []), room.estate, today)
        cards.append({
            "room": room,
            "bills": bills,
            "total": sum((b.outstanding for b in bills), ZERO),
        })  # fmt: skip
    payments = list(
        Payment.objects.filter(room__in=rooms)
        .select_related("room__building", "room__unit", "estate", "invoice")
        .prefetch_related(Prefetch("allocations", Allocation.objects.select_related("bill")))
        .order_by("-received_at", "-id")[:20]
    )
    for payment in payments:
        payment.receipt = receipt_number(payment)
    context = {
        "cards": cards,
        "total": sum((c["total"] for c in cards), ZERO),
        "any_overdue": any(b.overdue for c in cards for b in c["bills"]),
        "payments": payments,
        "channels": [(c.value, c.label) for c in ONLINE_CHANNELS],
        "online_payment": services.online_payment_enabled(),
    }
    return render(request, "billing/my_bills.html", context)


@require_POST
@resident_required
def my_pay(request, room_pk: int):
    """在线缴费: an order for the room's unpaid bills, then the gateway's payment page."""
    room = get_or_404(visible_rooms(actor_for(request.user)).select_related("estate"), room_pk)
    try:
        order = services.gateway_order_create(
            room=room, channel=request.POST.get("channel", ""), by=request.user
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("billing:my_bills")
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("billing:my_bills")
    return redirect(services.gateway_pay_url(order))


# --- The simulated gateway (demo) --------------------------------------------------------------


def _order_for(request, out_trade_no: str) -> GatewayOrder:
    """The payer's own order (who created it); anyone else's is a 404."""
    order = (
        GatewayOrder.objects.select_related("room__building", "room__unit", "estate")
        .filter(out_trade_no=out_trade_no, created_by=request.user)
        .first()
    )
    if order is None:
        raise Http404
    return order


def _back(request, order: GatewayOrder):
    if actor_for(request.user).resident is not None:
        return redirect("billing:my_bills")
    return redirect("billing:room_ledger", room_pk=order.room_id)


@login_required
def simulate_pay(request, out_trade_no: str):
    """模拟支付（演示）: stands in for the WeChat Pay / Alipay page. 确认支付 makes the gateway's
    signed callback and hands it to the same service the real callback URL calls."""
    if services.payment_gateway() != "simulated":
        raise Http404  # production, or a real gateway: this page does not exist
    order = _order_for(request, out_trade_no)
    if request.method == "POST" and order.status == GatewayOrderStatus.CREATED:
        body, signature = services.gateway_simulate_payment(order)
        try:
            services.gateway_callback(body, signature)
        except services.CallbackRefused as error:
            messages.error(request, _("支付未成功：%(reason)s") % {"reason": error.reason})
            return redirect("billing:simulate_pay", out_trade_no=order.out_trade_no)
        messages.success(
            request,
            _("支付成功 ¥%(amount)s，账单已缴纳。") % {"amount": f"{order.amount:,.2f}"},
        )
        return _back(request, order)
    if request.method == "POST":
        return _back(request, order)
    bills = list(Bill.objects.filter(pk__in=order.bills, room=order.room).order_by("due_date"))
    return render(
        request,
        "billing/simulate_pay.html",
        {"order": order, "bills": bills, "paid": order.status != GatewayOrderStatus.CREATED,
         "resident": actor_for(request.user).resident is not None},
    )  # fmt: skip


urlpatterns = [
    path("billing/rooms/", room_list, name="rooms"),
    path("billing/rooms/<int:room_pk>/", room_ledger, name="room_ledger"),
    path("my/bills/", my_bills, name="my_bills"),
    path("my/bills/<int:room_pk>/pay/", my_pay, name="my_pay"),
    path("billing/pay/<str:out_trade_no>/", simulate_pay, name="simulate_pay"),
]
