"""Pages of emergency supplies (应急物资, EMERG-03): the estate's stock with its flags (count
overdue, below minimum, expiring), a new item, restock, the estate's count period, the count, the
movements ledger and the Excel files. Every write goes through ``services.supplies``, as the API
does; a refused write shows the page again with the error next to the field and what was typed
kept."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.base.pages import paginate
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, staff_required
from wuye.core.shortcuts import render_local as render_in

from ..choices import SupplyCategory
from ..documents.incidents import movements_xlsx, supplies_xlsx
from ..models.supplies import CHECK_EVERY_DAYS_MAX
from ..selectors import organisation as selectors
from ..services import supplies as services

T = "emergency/supplies/"


def _estate(request):
    estate = current_estate(request)
    if estate is None:
        raise Http404
    return estate


def _int(value):
    return int(value) if str(value or "").strip().isdigit() else value


class SupplyItemForm(forms.Form):
    """登记物资: a new item of the estate's stock, its opening quantity booked as a restock."""

    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=SupplyCategory.choices)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    unit = forms.CharField(label=gettext_lazy("单位"), max_length=10)
    quantity = forms.IntegerField(
        label=gettext_lazy("初始库存"), min_value=0, max_value=services.QTY_MAX, required=False,
        initial=0,
    )  # fmt: skip
    minimum = forms.IntegerField(
        label=gettext_lazy("最低库存"), min_value=0, max_value=services.QTY_MAX, required=False,
        initial=0,
    )  # fmt: skip
    location = forms.CharField(label=gettext_lazy("存放位置"), max_length=60, required=False)
    expires_on = forms.DateField(
        label=gettext_lazy("有效期至"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip


class RestockForm(forms.Form):
    quantity = forms.IntegerField(
        label=gettext_lazy("数量"), min_value=1, max_value=services.QTY_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip


class SupplySettingsForm(forms.Form):
    check_every_days = forms.IntegerField(
        label=gettext_lazy("盘点周期（天）"), min_value=1, max_value=CHECK_EVERY_DAYS_MAX,
        help_text=gettext_lazy("超过这个天数未盘点即提醒后勤保障小组，默认 30 天"),
    )  # fmt: skip


def _list_page(request, estate, *, item_form=None, restock=None, settings_form=None,
               status: int = 200):  # fmt: skip
    """应急物资 with its three forms; ``restock``: (item pk, the sent form) after a refusal."""
    items = selectors.supply_list(actor=request.user, estate_id=estate.pk,
                                  low=request.GET.get("low") == "1")  # fmt: skip
    stock = services.supply_status(estate)
    restock_item, restock_form = restock or (None, None)
    context = {
        "estate": estate, "items": items, "status": stock,
        "can_keep": services.can_keep(actor_for(request.user)),
        "item_form": item_form or SupplyItemForm(auto_id="s-%s"),
        "restock_item": restock_item, "restock_form": restock_form,
        "settings_form": settings_form or SupplySettingsForm(
            initial={"check_every_days": stock.period_days}, auto_id="p-%s"),
    }  # fmt: skip
    return render_in(request, T + "list.html", context, estate, status)


def _refused(form: forms.Form, error: Exception) -> int:
    """The service's refusal on the form; the page's status."""
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
        return 400
    form.add_error(None, str(error))
    return 403


@require_GET
@staff_required
def supply_list(request):
    """应急物资: the estate's stock, what needs attention first."""
    return _list_page(request, _estate(request))


@require_POST
@staff_required
def supply_create(request):
    estate = _estate(request)
    form = SupplyItemForm(request.POST, auto_id="s-%s")
    status = 400
    if form.is_valid():
        values = dict(form.cleaned_data)
        values["quantity"] = values["quantity"] or 0
        values["minimum"] = values["minimum"] or 0
        try:
            services.item_create(estate=estate, by=request.user, **values)
        except (ValidationError, PermissionDenied) as error:
            status = _refused(form, error)
        else:
            messages.success(request, _("已登记"))
            return redirect("emergency:supply_list")
    return _list_page(request, estate, item_form=form, status=status)


@require_POST
@staff_required
def supply_restock(request, pk: int):
    item = selectors.supply_get_for_user(request.user, pk)
    form = RestockForm(request.POST, auto_id=f"r{item.pk}-%s")
    status = 400
    if form.is_valid():
        try:
            services.supply_restock(item=item, by=request.user,
                                    quantity=form.cleaned_data["quantity"],
                                    note=request.POST.get("note", ""))  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            status = _refused(form, error)
        else:
            messages.success(request, _("已入库"))
            return redirect("emergency:supply_list")
    return _list_page(request, item.estate, restock=(item.pk, form), status=status)


@require_POST
@staff_required
def supply_settings(request):
    """The estate's count period (盘点周期)."""
    estate = _estate(request)
    form = SupplySettingsForm(request.POST, auto_id="p-%s")
    status = 400
    if form.is_valid():
        try:
            services.supply_settings_update(estate=estate, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            status = _refused(form, error)
        else:
            messages.success(request, _("盘点周期已保存"))
            return redirect("emergency:supply_list")
    return _list_page(request, estate, settings_form=form, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def supply_check(request):
    """物资盘点: every active item counted; differences booked. A refused count comes back with
    what was entered."""
    estate = _estate(request)
    items = list(selectors.supply_list(actor=request.user, estate_id=estate.pk))
    errors: list[str] = []
    for i in items:
        i.counted, i.usable, i.note = i.quantity, True, ""
    if request.method == "POST":
        for i in items:
            i.counted = request.POST.get(f"counted-{i.pk}", "")
            i.usable = request.POST.get(f"usable-{i.pk}") == "on"
            i.note = request.POST.get(f"note-{i.pk}", "")
        lines = [{"item": i.pk, "counted": _int(i.counted), "usable": i.usable, "note": i.note}
                 for i in items]  # fmt: skip
        try:
            check = services.supply_check_record(estate=estate, by=request.user, lines=lines)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError):
                errors = [m for ms in error.message_dict.values() for m in ms]
            else:
                errors = [str(error)]
        else:
            messages.success(request, _("盘点已记录，问题项 %(n)d 项") % {"n": check.problems})
            return redirect("emergency:supply_list")
    status = 400 if errors else 200
    return render_in(request, T + "check.html",
                     {"estate": estate, "items": items, "errors": errors}, estate,
                     status)  # fmt: skip


def _movements(request, estate):
    return selectors.movement_list(
        actor=request.user, estate_id=estate.pk, kind=request.GET.get("kind", ""),
        zone=estate_tz(estate),
    )  # fmt: skip


@require_GET
@staff_required
def supply_movements(request):
    estate = _estate(request)
    page = paginate(request, _movements(request, estate))
    return render_in(request, T + "movements.html", {"estate": estate, "page": page}, estate)


@require_GET
@staff_required
def supply_export(request):
    estate = _estate(request)
    return supplies_xlsx(selectors.supply_list(actor=request.user, estate_id=estate.pk))


@require_GET
@staff_required
def supply_movement_export(request):
    return movements_xlsx(_movements(request, _estate(request)))


urlpatterns: list = [
    path("supplies/", supply_list, name="supply_list"),
    path("supplies/new/", supply_create, name="supply_create"),
    path("supplies/settings/", supply_settings, name="supply_settings"),
    path("supplies/export.xlsx", supply_export, name="supply_export"),
    path("supplies/check/", supply_check, name="supply_check"),
    path("supplies/movements/", supply_movements, name="supply_movements"),
    path("supplies/movements/export.xlsx", supply_movement_export, name="supply_movement_export"),
    path("supplies/<int:pk>/restock/", supply_restock, name="supply_restock"),
]
