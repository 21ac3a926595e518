"""The gate's visitor pages (外来人员登记, GUARD-06/13), phone-first: register a visitor in one
screen, today's visitors (in/out, still inside) with filters and the Excel export of the
register, a visitor's leaving, and the estate's visitor settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.selectors import find_rooms
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import VisitReason
from ..documents.visitors import visitor_register_xlsx
from ..selectors import visitors as selectors
from ..services import visitors as services

GATE_KEY = "security_gate"


def remembered_gate(request) -> str:
    return request.session.get(GATE_KEY, "")


def remember_gate(request, gate: str) -> None:
    request.session[GATE_KEY] = (gate or "").strip()[:30]


class RoomField(forms.CharField):
    """A room as the gate types it ("1-2-301"); the view resolves it in the estate."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("房号"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", gettext_lazy("如 1-2-301"))
        super().__init__(**kwargs)


def resolve_room(form: forms.Form, estate, field: str = "room"):
    """The one room the typed text names, else a field error and None."""
    text = (form.cleaned_data.get(field) or "").strip()
    if not text:
        return None
    rooms = list(find_rooms(estate, text)[:2])
    if len(rooms) != 1:
        form.add_error(field, _("找不到这个房号，请按 楼栋-单元-房号 填写，如 1-2-301"))
        return None
    return rooms[0]


class VisitorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=30)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=20,
        help_text=gettext_lazy("请来访人出示身份证，核对后填写"),
    )
    room = RoomField(required=False)
    reason = forms.ChoiceField(
        label=gettext_lazy("来访事由"), choices=VisitReason.choices, widget=forms.RadioSelect
    )
    mobile = forms.CharField(label=gettext_lazy("手机号"), max_length=20, required=False)
    gate = forms.CharField(label=gettext_lazy("门岗"), max_length=30, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


@estate_page
def visitor_register(request, estate):
    """GUARD-06: one screen at the gate — ID card checked, whom they visit, why."""
    form = VisitorForm(
        request.POST or None,
        initial={"reason": VisitReason.GUEST, "gate": remembered_gate(request)},
    )
    if request.method == "POST" and form.is_valid():
        room = resolve_room(form, estate)
        if not form.errors:
            data = {k: v for k, v in form.cleaned_data.items() if k != "room"}
            try:
                visitor = services.visitor_register(
                    estate=estate, room=room, by=request.user, **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                remember_gate(request, data["gate"])
                messages.success(request, _("已登记：%(name)s 进入") % {"name": visitor.name})
                return redirect("security:visitor_register")
    context = {"estate": estate, "form": form}
    return render_local(request, "security/visitors/register.html", context, estate)


class VisitorFilter(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    inside = forms.ChoiceField(
        label=gettext_lazy("是否在园"),
        required=False,
        choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("仍在小区内")),
                 ("0", gettext_lazy("已离开"))],
    )  # fmt: skip
    reason = forms.ChoiceField(
        label=gettext_lazy("来访事由"),
        required=False,
        choices=[("", gettext_lazy("全部")), *VisitReason.choices],
    )
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("姓名或房号")}),
    )


def _filtered(request, estate):
    form = VisitorFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localtime(timezone.now(), estate_tz(estate)).date()
    inside = {"1": True, "0": False}.get(data.get("inside") or "")
    qs = selectors.visitor_list(
        actor=actor_for(request.user),
        estate_id=estate.pk,
        day=data.get("day") or today,
        tz=estate_tz(estate),
        inside=inside,
        reason=data.get("reason") or "",
        search=data.get("q") or "",
    )
    return form, qs, data.get("day") or today


@require_GET
@estate_page
def visitor_list(request, estate):
    """Today's visitors (or a day's): who came in, who left, who is still inside."""
    form, qs, day = _filtered(request, estate)
    page = paginate(request, qs)
    inside_now = selectors.visitor_list(
        actor=actor_for(request.user), estate_id=estate.pk, inside=True
    ).count()
    context = {"estate": estate, "form": form, "page": page, "day": day, "inside_now": inside_now}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "security/visitors/list.html", "security/visitors/results.html", context
        )


@require_GET
@estate_page
def visitor_export(request, estate):
    """《外来人员登记表》 of exactly what is filtered."""
    _form, qs, _day = _filtered(request, estate)
    return visitor_register_xlsx(
        qs[:5000],
        tz=estate_tz(estate),
        estate_name=estate.name,
        full_id=actor_for(request.user).can_see_pii(),
    )


@require_POST
@staff_required
def visitor_leave(request, pk: int):
    visitor = selectors.visitor_get_for_user(request.user, pk)
    try:
        services.visitor_leave(visitor=visitor, by=request.user)
    except (Conflict, PermissionDenied, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    else:
        messages.success(request, _("已登记离开：%(name)s") % {"name": visitor.name})
    return redirect("security:visitor_list")


class SettingsForm(forms.Form):
    couriers_may_enter = forms.BooleanField(
        label=gettext_lazy("快递员可进入小区"),
        required=False,
        help_text=gettext_lazy("不允许时，快递由门岗代收，并通知业主凭取件码领取"),
    )


@estate_page
def visitor_settings(request, estate):
    """GUARD-13: whether couriers may enter; the parcel service is there either way."""
    form = SettingsForm(
        request.POST or None,
        initial={"couriers_may_enter": services.couriers_may_enter(estate)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visitor_settings_update(estate=estate, by=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已保存"))
            return redirect("security:visitor_settings")
    context = {"estate": estate, "form": form}
    return render_local(request, "security/visitors/settings.html", context, estate)


urlpatterns = [
    path("visitors/", visitor_list, name="visitor_list"),
    path("visitors/new/", visitor_register, name="visitor_register"),
    path("visitors/export.xlsx", visitor_export, name="visitor_export"),
    path("visitors/<int:pk>/leave/", visitor_leave, name="visitor_leave"),
    path("visitor-settings/", visitor_settings, name="visitor_settings"),
]
