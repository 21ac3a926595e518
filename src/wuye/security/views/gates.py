"""The gate's pages, phone-first (VEHICLE-03/04/05/06/11): the gate console — free temporary
spaces, manual entry and exit, the fee to collect, cars inside, recent events — and the
《临时停车卡》 list with the stays to resolve."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import GateDirection, PayChannel, StayStatus
from ..models import GateLane
from ..selectors import gates as selectors
from ..selectors.vehicles import parking_guidance
from ..services import gates as services
from ..services import stays as stay_services

BLANK = [("", gettext_lazy("全部"))]
RECENT = 15


class ManualForm(forms.Form):
    plate = forms.CharField(
        label=gettext_lazy("车牌号"), max_length=20,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如 京A12345"),
                                      "autocapitalize": "characters", "autocomplete": "off",
                                      "class": "gate-plate"}),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


class PayForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("缴费方式"), choices=PayChannel.choices)
    reference = forms.CharField(label=gettext_lazy("支付流水号"), max_length=64, required=False)


class StayFilter(forms.Form):
    plate = forms.CharField(label=gettext_lazy("车牌号"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "search"}))  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False,
                               choices=BLANK + StayStatus.choices)  # fmt: skip
    unresolved = forms.BooleanField(label=gettext_lazy("只看待处理"), required=False)
    date_from = forms.DateField(label=gettext_lazy("从"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=gettext_lazy("至"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


def _console_context(request, estate, result=None, form=None) -> dict:
    actor = actor_for(request.user)
    now = timezone.now()
    inside = list(selectors.cars_inside(estate.pk)[:50])
    for stay in inside:
        try:
            stay.fee_now, stay.due_now = services.stay_due(stay, now)
        except ValidationError:
            stay.fee_now = stay.due_now = None
    return {
        "estate": estate,
        "form": form or ManualForm(),
        "result": result,
        "guidance": parking_guidance(estate.pk),
        "inside": inside,
        "events": selectors.gate_event_list(actor=actor, estate_id=estate.pk)[:RECENT],
        "unresolved": selectors.stay_list(actor=actor, now=now, estate_id=estate.pk,
                                          unresolved=True).count(),
        "pay_form": PayForm(),
        "now": now,
    }  # fmt: skip


@estate_page
def gate_console(request, estate):
    """门岗: type a plate, press 入场 or 出场; the answer says whether to lift the barrier."""
    result, form = None, ManualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        direction = request.POST.get("direction", "")
        lane = GateLane.objects.filter(estate=estate, pk=request.POST.get("lane") or 0).first()
        try:
            result = services.gate_event_manual(
                estate=estate, direction=direction, plate=form.cleaned_data["plate"], lane=lane,
                note=form.cleaned_data["note"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ManualForm()
    context = _console_context(request, estate, result, form)
    context["directions"] = GateDirection
    return render_local(request, "security/gates/console.html", context, estate)


@require_GET
@estate_page
def stay_list(request, estate):
    form = StayFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    qs = selectors.stay_list(
        actor=actor_for(request.user), now=now, estate_id=estate.pk,
        status=data.get("status", ""), plate=data.get("plate", ""),
        unresolved=bool(data.get("unresolved")), date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )  # fmt: skip
    context = {"estate": estate, "filter_form": form, "page": paginate(request, qs),
               "now": now, "stale_before": now - selectors.STAY_STALE_AFTER}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(request, "security/gates/stays.html",
                           "security/gates/stay_results.html", context)  # fmt: skip


@staff_required
def stay_detail(request, pk: int):
    stay = stay_services.stay_get_for_user(request.user, pk)
    now = timezone.now()
    try:
        fee, due = stay_services.stay_amount_now(stay=stay, at=now)
    except ValidationError:
        fee = due = None
    context = {"stay": stay, "estate": stay.estate, "fee": fee, "due": due,
               "pay_form": PayForm(), "events": stay.events.select_related("lane"),
               "needs_resolution": stay_services.stay_needs_resolution(stay, now)}  # fmt: skip
    return render_local(request, "security/gates/stay_detail.html", context, stay.estate)


def _back(request, stay):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("security:stay_detail", pk=stay.pk)


@require_POST
@staff_required
def stay_pay(request, pk: int):
    stay = stay_services.stay_get_for_user(request.user, pk)
    form = PayForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        stay = stay_services.stay_pay(stay=stay, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已收费 ¥%(amount)s，%(plate)s 可在 15 分钟内出场")
                         % {"amount": stay.paid_amount, "plate": stay.plate})  # fmt: skip
    return _back(request, stay)


@require_POST
@staff_required
def stay_resolve(request, pk: int):
    stay = stay_services.stay_get_for_user(request.user, pk)
    try:
        stay_services.stay_resolve(stay=stay, reason=request.POST.get("reason", ""),
                                   by=request.user)  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已处理停车记录 %(no)s") % {"no": stay.card_no})
    return _back(request, stay)


urlpatterns = [
    path("gate/", gate_console, name="gate_console"),
    path("parking-stays/", stay_list, name="stay_list"),
    path("parking-stays/<int:pk>/", stay_detail, name="stay_detail"),
    path("parking-stays/<int:pk>/pay/", stay_pay, name="stay_pay"),
    path("parking-stays/<int:pk>/resolve/", stay_resolve, name="stay_resolve"),
]
