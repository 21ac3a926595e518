"""The printed payment notices (缴费通知单, FEE-05) and the room-meter bills (分户水电费) pages."""

from __future__ import annotations

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

from wuye.billing import services
from wuye.billing.models import (
    LetterMethod,
    PaymentChannel,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.selectors.fees import may_collect, tz_of
from wuye.billing.services import metered, meters, notices
from wuye.billing.views.desk import DATE_INPUT, _error_text, _parse_day, _submit
from wuye.billing.views.rooms import fees_page
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, visible_rooms


class LetterDeliveryForm(forms.Form):
    """登记送达 — a written notice delivered otherwise than printed here (FEE-05)."""

    room = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=gettext_lazy("送达方式"), choices=LetterMethod.choices, initial=LetterMethod.HAND,
        error_messages={"required": gettext_lazy("请选择送达方式"),
                        "invalid_choice": gettext_lazy("请选择送达方式")},
    )  # fmt: skip
    delivered_at = forms.DateTimeField(
        label=gettext_lazy("送达时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": gettext_lazy("请填写送达时间"),
                        "invalid": gettext_lazy("请填写正确的时间")},
    )  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：交业主家人签收")}),
        error_messages={"max_length": gettext_lazy("不能超过 200 字")},
    )  # fmt: skip


def _letters_page(request, estate: Estate, *, delivery_form=None, status=200):
    actor = actor_for(request.user)
    today = services.estate_today(estate, timezone.now())
    due_by = _parse_day(request.GET.get("due_by"), notices.default_due_by(estate))
    building = request.GET.get("building") or ""
    building_id = int(building) if building.isdigit() else None
    show_all = request.GET.get("show") == "all"
    letters = notices.letters_due(estate, due_by=due_by, building_id=building_id)
    pending = [letter for letter in letters if letter.pending]
    shown = letters if show_all else pending
    context = {
        "estate": estate, "letters": shown, "due_by": due_by, "today": today,
        "building": building_id, "buildings": estate.buildings.order_by("sort", "name"),
        "can_send": notices.may_send_notices(actor), "show_all": show_all,
        "pending_count": len(pending), "all_count": len(letters),
        "total": sum((letter.total for letter in shown), Decimal("0")),
        "delivery_form": delivery_form or LetterDeliveryForm(
            initial={"delivered_at": timezone.localtime(timezone.now(), tz_of(estate))}),
    }  # fmt: skip
    with timezone.override(tz_of(estate)):
        return render(request, "billing/desk/notice_letters.html", context, status=status)


@fees_page
def notice_letters(request, estate: Estate):
    """The rooms whose bills fall due within 15 days (FEE-05) and the printed 《缴费通知单》:
    by default the rooms still owed a written notice (no SMS/app notice, no letter recorded);
    printing (POST) records the letter (who, when) and shows one A4 letter per room."""
    today = services.estate_today(estate, timezone.now())
    if request.method != "POST":
        return _letters_page(request, estate)
    due_by = _parse_day(request.POST.get("due_by"), notices.default_due_by(estate))
    building = request.POST.get("building") or ""
    building_id = int(building) if building.isdigit() else None
    chosen = [int(r) for r in request.POST.getlist("rooms") if r.isdigit()]
    letters = notices.letters_due(estate, due_by=due_by, building_id=building_id,
                                  rooms=chosen or None)  # fmt: skip
    if not chosen and request.POST.get("show") != "all":
        letters = [letter for letter in letters if letter.pending]  # what the list showed
    if not letters:
        messages.error(request, _("没有需要打印的缴费通知单"))
        return redirect("billing:notice_letters")
    try:
        notices.letters_record(estate=estate, letters=letters, by=request.user)
    except PermissionDenied as error:
        messages.error(request, _error_text(error))
        return redirect("billing:notice_letters")
    context = {"estate": estate, "letters": letters, "today": today,
               "company": estate.company, "channels": list(PaymentChannel)}  # fmt: skip
    return render(request, "billing/desk/notice_letters_print.html", context)


@require_POST
@fees_page
def notice_letter_delivered(request, estate: Estate):
    """登记送达: a letter handed over, put on the door or posted (FEE-05), for one room."""
    if not notices.may_send_notices(actor_for(request.user)):
        raise PermissionDenied(_("缴费通知由客服中心发送"))
    form = LetterDeliveryForm(request.POST)
    if not form.is_valid():
        return _letters_page(request, estate, delivery_form=form, status=400)
    room = get_or_404(visible_rooms(actor_for(request.user)).filter(estate=estate),
                      form.cleaned_data["room"])  # fmt: skip
    data = form.cleaned_data
    done = _submit(form, lambda: notices.letter_delivery_record(
        room=room, method=data["method"], delivered_at=data["delivered_at"],
        note=data["note"], by=request.user))  # fmt: skip
    if done is None:
        return _letters_page(request, estate, delivery_form=form, status=400)
    messages.success(request, _("已登记书面通知送达：%(room)s（%(method)s）") % {
        "room": room.label, "method": done.get_method_display()})  # fmt: skip
    return redirect("billing:notice_letters")


class MeteredForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("账单月份"), widget=forms.TextInput(
        attrs={"type": "month"}))  # fmt: skip
    due_date = forms.DateField(
        label=gettext_lazy("缴费截止日"),
        widget=DATE_INPUT,
        error_messages={"required": gettext_lazy("请选择缴费截止日"),
                        "invalid": gettext_lazy("请填写正确的日期")},
    )  # fmt: skip

    def clean_month(self):
        month = meters.parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("请选择月份"))
        return month


@fees_page
def metered_bills(request, estate: Estate):
    """分户水电费: the month's room-meter usage billed per room, previewed first."""
    actor = actor_for(request.user)
    last = meter_reads.month_shift(meters.current_month(estate), -1)
    month = meters.parse_month(request.GET.get("month") or request.POST.get("month")) or last
    form = MeteredForm(
        request.POST or None,
        initial={"month": f"{month:%Y-%m}", "due_date": meter_reads.month_end(month)},
    )
    if request.method == "POST":
        if not may_collect(actor):
            raise PermissionDenied(_("只有财务人员可以出账单"))
        if form.is_valid():
            made = _submit(form, lambda: metered.metered_bill(
                estate=estate, month=form.cleaned_data["month"],
                due_date=form.cleaned_data["due_date"], by=request.user))  # fmt: skip
            if made is not None:
                messages.success(request, _("已生成 %(n)s 张分户水电费账单") % {"n": made})
                return redirect(f"{request.path}?month={month:%Y-%m}")
    context = {
        "estate": estate, "month": month, "plan": metered.metered_plan(estate, month),
        "form": form, "can_bill": may_collect(actor),
    }  # fmt: skip
    return render(request, "billing/desk/metered.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


urlpatterns = [
    path("billing/metered/", metered_bills, name="metered_bills"),
    path("billing/notices/", notice_letters, name="notice_letters"),
    path("billing/notices/delivered/", notice_letter_delivered, name="notice_letter_delivered"),
]
