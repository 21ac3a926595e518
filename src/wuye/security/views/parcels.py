"""代收快递 pages (GUARD-13), phone-first at the gate: receive a parcel in one screen (the
residents get the pick-up code), the parcels waiting, and the hand-over screen that checks the
6-digit code."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wuye.base.pages import paginate, render_list
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import ParcelStatus
from ..selectors import parcels as selectors
from ..services import parcels as services
from ..services.visitors import couriers_may_enter
from .visitors import RoomField, resolve_room

COURIERS = ("顺丰速运", "中通快递", "圆通速递", "韵达快递", "申通快递", "京东物流", "邮政EMS")


class ParcelForm(forms.Form):
    room = RoomField()
    courier_company = forms.CharField(
        label=gettext_lazy("快递公司"),
        max_length=30,
        widget=forms.TextInput(attrs={"list": "couriers"}),
    )
    tracking_no = forms.CharField(label=gettext_lazy("快递单号"), max_length=40)
    recipient_name = forms.CharField(label=gettext_lazy("收件人"), max_length=30, required=False)


@estate_page
def parcel_receive(request, estate):
    """GUARD-13: one screen — room, courier, tracking number; the residents are told."""
    form = ParcelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = resolve_room(form, estate)
        if not form.errors:
            data = {k: v for k, v in form.cleaned_data.items() if k != "room"}
            try:
                parcel, _code = services.parcel_receive(
                    estate=estate, room=room, by=request.user, **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已代收 %(room)s 的快递，已通知业主取件") % {"room": parcel.room.label},
                )
                return redirect("security:parcel_receive")
    context = {
        "estate": estate,
        "form": form,
        "couriers": COURIERS,
        "couriers_may_enter": couriers_may_enter(estate),
    }
    return render_local(request, "security/parcels/receive.html", context, estate)


class ParcelFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[(ParcelStatus.WAITING, ParcelStatus.WAITING.label),
                 (ParcelStatus.PICKED_UP, ParcelStatus.PICKED_UP.label),
                 ("all", gettext_lazy("全部"))],
    )  # fmt: skip
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("单号或房号")}),
    )


@require_GET
@estate_page
def parcel_list(request, estate):
    """The parcels waiting at the gate, the oldest first."""
    form = ParcelFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ParcelStatus.WAITING
    qs = selectors.parcel_list(
        actor=actor_for(request.user),
        estate_id=estate.pk,
        status="" if status == "all" else status,
        search=data.get("q") or "",
    )
    context = {"estate": estate, "form": form, "page": paginate(request, qs)}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/parcels/list.html", "security/parcels/results.html", context
        )


class PickUpForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("取件码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}"}
        ),
        help_text=gettext_lazy("请业主出示短信中的 6 位取件码"),
    )


@staff_required
def parcel_pick_up(request, pk: int):
    """GUARD-13: hand the parcel over to the right code, once."""
    parcel = selectors.parcel_get_for_user(request.user, pk)
    form = PickUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.parcel_pick_up(parcel=parcel, code=form.cleaned_data["code"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已交付：%(room)s") % {"room": parcel.room.label})
            return redirect("security:parcel_list")
    context = {"estate": parcel.estate, "parcel": parcel, "form": form}
    return render_local(request, "security/parcels/pick_up.html", context, parcel.estate)


urlpatterns = [
    path("parcels/", parcel_list, name="parcel_list"),
    path("parcels/new/", parcel_receive, name="parcel_receive"),
    path("parcels/<int:pk>/pick-up/", parcel_pick_up, name="parcel_pick_up"),
]
