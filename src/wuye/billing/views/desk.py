"""The finance desk's other pages: bill adjustments (void, corrected amount, deposit return) asked
for and approved by two people, one-off charges (deposits…), the cashier's daily closing and its
history by channel, and the temporary parking rules with a fee calculator for the gate.

Thin: reads here, every write through ``adjustments``, ``closing`` and ``parking``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate
from wuye.billing import services
from wuye.billing.documents.exports import closings_xlsx
from wuye.billing.models import (
    AdjustmentKind,
    ApprovalStatus,
    Bill,
    BillAdjustment,
    BillStatus,
    CashierClosing,
    ChargeKind,
    ParkingRule,
    Refund,
)
from wuye.billing.selectors.fees import CHANNELS, closing_rows, may_collect, receipt_number, tz_of
from wuye.billing.services import adjustments, closing, parking
from wuye.billing.views.rooms import _require_reader, fees_page, room_for_fees
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, visible_rooms
from wuye.core.shortcuts import staff_required

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_ERRORS = {
    "invalid": gettext_lazy("请填写正确的金额，如 35.00"),
    "max_decimal_places": gettext_lazy("金额最多两位小数"),
}


def _money_field(label, required=True, min_value=Decimal("0.01"), help_text=""):
    errors = dict(MONEY_ERRORS)
    errors["required"] = gettext_lazy("请填写金额")
    errors["min_value"] = (
        gettext_lazy("金额须大于 0") if min_value > 0 else gettext_lazy("金额不能为负")
    )
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=2, min_value=min_value,
        help_text=help_text, error_messages=errors,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )  # fmt: skip


def _error_text(error) -> str:
    return getattr(error, "message", None) or str(error)


def _submit(form, call):
    """Run a service call for a bound form: its ValidationError goes next to the fields, a
    Conflict or PermissionDenied over the form (nothing was changed). The call's result, or
    None when it was refused."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
    except (Conflict, PermissionDenied) as error:
        form.add_error(None, _error_text(error))
    return None


# --- Adjustments -------------------------------------------------------------------------------


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("调整类型"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择调整类型")},
    )
    new_amount = _money_field(
        gettext_lazy("更正后金额（元）"), required=False,
        help_text=gettext_lazy("仅“更正金额”需要填写：原账单作废，按此金额重新出账单"),
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("原因"), max_length=200,
        error_messages={"required": gettext_lazy("请填写调整原因")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, bill: Bill, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = (
            [AdjustmentKind.DEPOSIT_RETURN]
            if bill.item.kind == ChargeKind.DEPOSIT and bill.status == BillStatus.PAID
            else [AdjustmentKind.VOID, AdjustmentKind.CORRECT]
        )
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0].value


def _bill_for_fees(request, pk: int) -> Bill:
    actor = _require_reader(request)
    return get_or_404(
        Bill.objects.filter(room__in=visible_rooms(actor)).select_related(
            "item", "room__building", "room__unit", "estate"
        ),
        pk,
    )


@staff_required
def adjustment_new(request, bill_pk: int):
    """申请调整账单 from the room ledger."""
    bill = _bill_for_fees(request, bill_pk)
    if not may_collect(actor_for(request.user)):
        raise PermissionDenied(_("只有财务人员可以申请调整账单"))
    form = AdjustmentForm(request.POST or None, bill=bill)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _submit(
            form,
            lambda: adjustments.adjustment_request(
                bill=bill,
                kind=data["kind"],
                reason=data["reason"],
                by=request.user,
                new_amount=data["new_amount"],
            ),
        )
        if done is not None:
            messages.success(request, _("调整申请已提交，待财务负责人审批"))
            return redirect("billing:room_ledger", room_pk=bill.room_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/desk/adjustment_new.html",
                  {"bill": bill, "room": bill.room, "form": form}, status=status)  # fmt: skip


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("批准")), ("0", gettext_lazy("驳回"))],
        coerce=lambda v: v == "1", widget=forms.RadioSelect, label=gettext_lazy("审批"),
        error_messages={"required": gettext_lazy("请选择批准或驳回")},
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("审批意见"), max_length=200, required=False)


@fees_page
def adjustment_list(request, estate: Estate):
    """账单调整: requests waiting for approval first; the approver decides here."""
    actor = actor_for(request.user)
    status = request.GET.get("status", ApprovalStatus.PENDING)
    rows = BillAdjustment.objects.filter(bill__estate=estate).select_related(
        "bill__item", "bill__room__building", "bill__room__unit", "requested_by",
        "decided_by", "replacement",
    )  # fmt: skip
    if status in ApprovalStatus.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows.order_by("-requested_at", "-pk"))
    approver = adjustments.may_approve(actor, estate.pk)
    for row in page.object_list:
        row.can_decide = (
            approver
            and row.status == ApprovalStatus.PENDING
            and row.requested_by_id != actor.user.pk
        )
    refunds = list(
        Refund.objects.filter(payment__estate=estate, status="pending")
        .select_related("payment__room__building", "payment__room__unit", "payment__estate",
                        "requested_by")
        .order_by("requested_at")
    )  # fmt: skip
    for refund in refunds:
        refund.can_decide = approver and refund.requested_by_id != actor.user.pk
        refund.receipt = receipt_number(refund.payment)
    context = {
        "estate": estate, "page": page, "status": status, "statuses": ApprovalStatus.choices,
        "approver": approver, "refunds": refunds,
    }  # fmt: skip
    return render(request, "billing/desk/adjustments.html", context)


@staff_required
@require_POST
def adjustment_decide(request, pk: int):
    actor = _require_reader(request)
    adjustment = get_or_404(BillAdjustment.objects.filter(bill__room__in=visible_rooms(actor)), pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回"))
        return redirect("billing:adjustments")
    try:
        done = adjustments.adjustment_decide(
            adjustment=adjustment, approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"], by=request.user,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    except (Conflict, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("已批准") if done.status == ApprovalStatus.APPROVED
                         else _("已驳回"))  # fmt: skip
    return redirect("billing:adjustments")


# --- Refunds of prepaid credit -----------------------------------------------------------------


class RefundForm(forms.Form):
    payment = forms.ChoiceField(
        label=gettext_lazy("退自哪笔收款"),
        error_messages={"required": gettext_lazy("请选择收款"),
                        "invalid_choice": gettext_lazy("请选择收款")},
    )  # fmt: skip
    amount = _money_field(gettext_lazy("退款金额（元）"))
    reason = forms.CharField(
        label=gettext_lazy("退款原因"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写退款原因")},
    )

    def __init__(self, *args, credits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [
            (str(p.pk), f"{receipt_number(p)} · {p.get_channel_display()} · "
                        + _("可退 ¥%(left)s") % {"left": f"{left:,.2f}"})
            for p, left in credits
        ]  # fmt: skip


@staff_required
def refund_new(request, room_pk: int):
    """退款: prepaid credit given back, asked here, approved on the adjustments page."""
    room = room_for_fees(request, room_pk)
    if not may_collect(actor_for(request.user)):
        raise PermissionDenied(_("只有财务人员可以申请退款"))
    credits = services.unallocated_payments(room.pk)
    form = RefundForm(request.POST or None, credits=credits)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payment = next(p for p, _left in credits if str(p.pk) == data["payment"])
        done = _submit(
            form,
            lambda: services.refund_request(
                payment=payment, amount=data["amount"], reason=data["reason"], by=request.user
            ),
        )
        if done is not None:
            messages.success(request, _("退款申请已提交，待财务负责人审批"))
            return redirect("billing:room_ledger", room_pk=room.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/desk/refund_new.html",
                  {"room": room, "form": form, "credits": credits}, status=status)  # fmt: skip


@staff_required
@require_POST
def refund_decide(request, pk: int):
    actor = _require_reader(request)
    refund = get_or_404(Refund.objects.filter(payment__room__in=visible_rooms(actor)), pk)
    try:
        if request.POST.get("approve") == "1":
            services.refund_approve(refund=refund, by=request.user)
            messages.success(request, _("退款已批准，台账已记退款"))
        elif request.POST.get("approve") == "0":
            adjustments.refund_reject(refund=refund, by=request.user)
            messages.success(request, _("已驳回"))
        else:
            messages.error(request, _("请选择批准或驳回"))
    except (Conflict, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect("billing:adjustments")


# --- One-off charges ---------------------------------------------------------------------------


class OneOffForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("收费项目"), queryset=None,
        error_messages={"required": gettext_lazy("请选择收费项目"),
                        "invalid_choice": gettext_lazy("请选择收费项目")},
    )  # fmt: skip
    amount = _money_field(gettext_lazy("金额（元）"))
    due_date = forms.DateField(
        label=gettext_lazy("缴费截止日"), widget=DATE_INPUT,
        error_messages={"required": gettext_lazy("请选择缴费截止日"),
                        "invalid": gettext_lazy("请填写正确的日期")},
    )  # fmt: skip
    description = forms.CharField(
        label=gettext_lazy("摘要"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如：装修押金（2号楼301 装修）"),
    )

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = adjustments.one_off_items(estate.pk)


@staff_required
def one_off_new(request, room_pk: int):
    """临时收费: a deposit or one-off item billed at the counter."""
    room = room_for_fees(request, room_pk)
    if not may_collect(actor_for(request.user)):
        raise PermissionDenied(_("只有财务人员或企业高层可以办理收费"))
    today = services.estate_today(room.estate, timezone.now())
    form = OneOffForm(request.POST or None, estate=room.estate, initial={"due_date": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bill = _submit(
            form,
            lambda: adjustments.bill_one_off(
                room=room,
                item=data["item"],
                amount=data["amount"],
                due_date=data["due_date"],
                description=data["description"],
                by=request.user,
            ),
        )
        if bill is not None:
            messages.success(request, _("已出账单：%(bill)s ¥%(amount)s") % {
                "bill": bill.description, "amount": f"{bill.amount:,.2f}"})  # fmt: skip
            return redirect("billing:room_ledger", room_pk=room.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/desk/one_off_new.html",
                  {"room": room, "form": form, "estate": room.estate}, status=status)  # fmt: skip


# --- Cashier's daily closing -------------------------------------------------------------------


class ClosingForm(forms.Form):
    cash_counted = _money_field(gettext_lazy("实点现金（元）"), min_value=Decimal("0"))
    note = forms.CharField(label=gettext_lazy("长短款说明"), max_length=200, required=False)


def _parse_day(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


@fees_page
def closing_day(request, estate: Estate):
    """收银日结: my money of the day by channel, and the closing form."""
    actor = actor_for(request.user)
    can_close = may_collect(actor)
    today = services.estate_today(estate, timezone.now())
    day = min(_parse_day(request.GET.get("day") or request.POST.get("day"), today), today)
    form = ClosingForm(request.POST or None)
    if request.method == "POST":
        if not can_close:
            raise PermissionDenied(_("只有财务人员可以日结"))
        if form.is_valid():
            done = _submit(
                form,
                lambda: closing.cashier_close(
                    estate=estate,
                    day=day,
                    cash_counted=form.cleaned_data["cash_counted"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                ),
            )
            if done is not None:
                messages.success(request, _("%(day)s 已日结：%(count)s 笔，合计 ¥%(amount)s") % {
                    "day": done.day.isoformat(), "count": done.count,
                    "amount": f"{done.amount:,.2f}"})  # fmt: skip
                return redirect(f"{request.path}?day={day.isoformat()}")
    totals = closing.day_totals(estate, day, request.user)
    payments = list(
        closing.day_payments(estate, day, request.user)
        .select_related("room__building", "room__unit", "estate")
        .order_by("received_at", "pk")
    )
    for payment in payments:
        payment.receipt = receipt_number(payment)
    done = CashierClosing.objects.filter(estate=estate, cashier=request.user, day=day).first()
    history = CashierClosing.objects.filter(estate=estate, cashier=request.user)[:10]
    context = {
        "estate": estate, "day": day, "today": today, "totals": totals, "payments": payments,
        "done": done, "form": form, "can_close": can_close and done is None,
        "history": history, "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < today else None,
    }  # fmt: skip
    return render(request, "billing/desk/closing.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@fees_page
def closing_list(request, estate: Estate):
    """日结记录: every cashier's closings of a period, by channel; .xlsx for the accounts."""
    today = services.estate_today(estate, timezone.now())
    end = _parse_day(request.GET.get("end"), today)
    start = _parse_day(request.GET.get("start"), end - dt.timedelta(days=30))
    if start > end:
        start, end = end, start
    rows = closing_rows(estate, start, end)
    if request.GET.get("export") == "xlsx":
        return closings_xlsx(estate, rows)
    sums = [sum((r.channel_amounts[i] for r in rows), Decimal("0")) for i in range(len(CHANNELS))]
    context = {
        "estate": estate, "rows": rows, "start": start, "end": end, "channels": CHANNELS,
        "channel_sums": sums, "total": sum(sums, Decimal("0")),
        "difference": sum((r.difference for r in rows), Decimal("0")),
    }  # fmt: skip
    return render(request, "billing/desk/closings.html", context)


# --- Temporary parking -------------------------------------------------------------------------


class ParkingRuleForm(forms.Form):
    free_minutes = forms.IntegerField(
        label=gettext_lazy("免费时长（分钟）"), min_value=0, max_value=1440, initial=15,
        error_messages={"required": gettext_lazy("请填写免费分钟数"),
                        "invalid": gettext_lazy("请填写整数分钟"),
                        "min_value": gettext_lazy("免费时长须在 0–1440 分钟之间"),
                        "max_value": gettext_lazy("免费时长须在 0–1440 分钟之间")},
    )  # fmt: skip
    per_hour = _money_field(gettext_lazy("每小时收费（元）"), min_value=Decimal("0"),
                            help_text=gettext_lazy("不足1小时按1小时计"))  # fmt: skip
    daily_cap = _money_field(
        gettext_lazy("24小时封顶（元）"),
        required=False,
        min_value=Decimal("0"),
        help_text=gettext_lazy("不封顶请留空"),
    )
    effective_from = forms.DateField(
        label=gettext_lazy("生效日期"), widget=DATE_INPUT,
        error_messages={"required": gettext_lazy("请选择生效日期"),
                        "invalid": gettext_lazy("请填写正确的日期")},
    )  # fmt: skip


class ParkingCalcForm(forms.Form):
    entered_at = forms.DateTimeField(
        label=gettext_lazy("入场时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": gettext_lazy("请填写入场时间"),
                        "invalid": gettext_lazy("请填写正确的时间")},
    )  # fmt: skip
    left_at = forms.DateTimeField(
        label=gettext_lazy("离场时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": gettext_lazy("请填写离场时间"),
                        "invalid": gettext_lazy("请填写正确的时间")},
    )  # fmt: skip


@fees_page
def parking_rules(request, estate: Estate):
    """临时停车收费规则 and the fee calculator (GET with entered_at/left_at)."""
    actor = actor_for(request.user)
    can_edit = may_collect(actor)
    today = services.estate_today(estate, timezone.now())
    form = ParkingRuleForm(request.POST or None, initial={"effective_from": today})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有财务人员可以设置收费规则"))
        if form.is_valid():
            data = form.cleaned_data
            done = _submit(
                form,
                lambda: parking.parking_rule_set(estate=estate, by=request.user, **data),
            )
            if done is not None:
                messages.success(request, _("收费规则已保存，自 %(day)s 起执行") % {
                    "day": data["effective_from"].isoformat()})  # fmt: skip
                return redirect("billing:parking")
    calc = ParkingCalcForm(request.GET if "entered_at" in request.GET else None)
    fee = None
    if calc.is_bound and calc.is_valid():
        zone = tz_of(estate)
        entered = calc.cleaned_data["entered_at"].replace(tzinfo=None).replace(tzinfo=zone)
        left = calc.cleaned_data["left_at"].replace(tzinfo=None).replace(tzinfo=zone)
        try:
            fee = parking.parking_fee(estate=estate, entered_at=entered, left_at=left)
            minutes = int((left - entered).total_seconds() // 60)
            calc.duration = _("%(h)s 小时 %(m)s 分钟") % {"h": minutes // 60, "m": minutes % 60}
        except ValidationError as error:
            add_service_errors(calc, error)
    rules = list(ParkingRule.objects.filter(estate=estate).order_by("-effective_from"))
    current = parking.parking_rule_at(estate, today)
    context = {
        "estate": estate, "rules": rules, "current": current, "form": form,
        "can_edit": can_edit, "calc": calc, "fee": fee, "today": today,
    }  # fmt: skip
    return render(request, "billing/desk/parking.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


# --- 缴费通知单 (FEE-05, printed letters) -------------------------------------------------------


# --- 分户水电费 (room meters) ---------------------------------------------------------------------


urlpatterns = [
    path("billing/bills/<int:bill_pk>/adjust/", adjustment_new, name="adjustment_new"),
    path("billing/adjustments/", adjustment_list, name="adjustments"),
    path("billing/adjustments/<int:pk>/decide/", adjustment_decide, name="adjustment_decide"),
    path("billing/rooms/<int:room_pk>/charge/", one_off_new, name="one_off_new"),
    path("billing/rooms/<int:room_pk>/refund/", refund_new, name="refund_new"),
    path("billing/refunds/<int:pk>/decide/", refund_decide, name="refund_decide"),
    path("billing/closing/", closing_day, name="closing"),
    path("billing/closings/", closing_list, name="closings"),
    path("billing/parking/", parking_rules, name="parking"),
]
