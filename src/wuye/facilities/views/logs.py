"""Operation log pages (《设施设备运行记录表》, EQUIP-OPS-05/06/07): the operator's phone form for
one piece of equipment and one hour, the day grid of the hourly-logged equipment (missing hours in
red), the printed sheet of a day, and the parameter table the heads keep."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..api.logs import sheet_response
from ..choices import EquipmentCategory, ParameterKind, RunState
from ..selectors import equipment as equipment_selectors
from ..selectors import logs as selectors
from ..services import logs as services


def _day(request, estate) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localtime(timezone.now(), estate_tz(estate)).date()


class EntryForm(forms.Form):
    """One field per parameter of the equipment's category, then a note."""

    def __init__(self, *args, parameters, **kwargs):
        super().__init__(*args, **kwargs)
        for p in parameters:
            label = f"{p.name}（{p.unit}）" if p.unit else p.name
            if p.kind == ParameterKind.STATE:
                self.fields[p.code] = forms.ChoiceField(
                    label=label,
                    choices=RunState.choices,
                    widget=forms.RadioSelect,
                    initial=RunState.NORMAL,
                )
            else:
                self.fields[p.code] = forms.CharField(
                    label=label,
                    max_length=20,
                    help_text=_("正常范围 %(range)s") % {"range": p.range_text}
                    if p.range_text
                    else "",
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
        self.fields["note"] = forms.CharField(
            label=gettext_lazy("备注"),
            max_length=200,
            required=False,
            help_text=gettext_lazy("更正本时段已填的记录时，请说明原因"),
        )


@staff_required
def log_form(request, pk: int):
    """The operator's phone form: this hour's values of one piece of equipment (EQUIP-OPS-05)."""
    equipment = equipment_selectors.equipment_get_for_user(request.user, pk)
    parameters = selectors.parameters_for(equipment.estate, equipment.category)
    form = EntryForm(request.POST or None, parameters=parameters)
    now = timezone.now()
    hour = selectors.local_hour(now, equipment.estate)
    if request.method == "POST" and form.is_valid():
        values = {p.code: form.cleaned_data[p.code] for p in parameters}
        try:
            entry = services.log_entry_record(
                equipment=equipment, values=values, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您不能填写运行记录"))
        else:
            if entry.anomaly_id:
                messages.warning(
                    request,
                    _("已记录。数值异常，已上报工程部：%(number)s")
                    % {"number": entry.anomaly.case.number},
                )
                return redirect("facilities:anomaly_detail", pk=entry.anomaly_id)
            messages.success(
                request,
                _("已记录 %(hour)s 的运行参数")
                % {
                    "hour": timezone.localtime(entry.hour, estate_tz(equipment.estate)).strftime(
                        "%H:00"
                    )
                },
            )
            return redirect("facilities:log_form", pk=equipment.pk)
    day = timezone.localtime(now, estate_tz(equipment.estate)).date()
    entries = [e for e in selectors.entries_of_day(equipment, day) if e.hour == hour]
    for e in entries:
        e.readings = selectors.readings_text(e.values, parameters)
    context = {
        "equipment": equipment,
        "form": form,
        "hour": hour,
        "entries": entries,
        "estate": equipment.estate,
    }
    return render_local(request, "facilities/logs/form.html", context, equipment.estate)


@require_GET
@estate_page
def log_day(request, estate):
    """The day grid: every hourly-logged piece of equipment × 24 hours, missing ones in red."""
    day = _day(request, estate)
    now = timezone.now()
    category = request.GET.get("category", "")
    if category not in EquipmentCategory.values:
        category = ""
    rows = [
        (e, grid, sum(c.state == "missing" for c in grid))
        for e in selectors.equipment_of_sheet(request.user, estate, day, category)
        for grid in [selectors.day_grid(e, day, now)]
    ]
    context = {
        "estate": estate,
        "day": day,
        "rows": rows,
        "category": category,
        "categories": EquipmentCategory.choices,
        "hours": range(24),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render_local(request, "facilities/logs/day.html", context, estate)


@require_GET
@estate_page
def log_sheet(request, estate):
    category = request.GET.get("category", "")
    return sheet_response(
        request.user,
        estate,
        _day(request, estate),
        category if category in EquipmentCategory.values else "",
    )


class ParameterForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("设备类别"), choices=EquipmentCategory.choices)
    code = forms.SlugField(
        label=gettext_lazy("参数代码"),
        max_length=30,
        help_text=gettext_lazy("字母、数字和下划线，如 voltage"),
    )
    name = forms.CharField(label=gettext_lazy("参数名称"), max_length=40)
    kind = forms.ChoiceField(label=gettext_lazy("参数类型"), choices=ParameterKind.choices)
    unit = forms.CharField(label=gettext_lazy("单位"), max_length=16, required=False)
    low = forms.DecimalField(
        label=gettext_lazy("正常下限"), required=False, max_digits=12, decimal_places=3
    )
    high = forms.DecimalField(
        label=gettext_lazy("正常上限"), required=False, max_digits=12, decimal_places=3
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


@estate_page
def parameter_list(request, estate):
    """The estate's parameters and normal ranges; the heads change them here."""
    actor = actor_for(request.user)
    may_edit = actor.is_superuser or actor.role in services.PARAMETER_ROLES
    form = ParameterForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("只有部门负责人和企业高层可以修改运行参数"))
        if form.is_valid():
            try:
                services.operation_parameter_save(
                    estate=estate, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存运行参数"))
                return redirect("facilities:parameter_list")
    table = selectors.parameter_table(estate)
    if not table:
        table = [
            p for c in EquipmentCategory.values for p in selectors.default_parameters(estate, c)
        ]
    context = {"estate": estate, "table": table, "form": form, "may_edit": may_edit}
    return render_local(request, "facilities/logs/parameters.html", context, estate)


urlpatterns = [
    path("equipment/<int:pk>/log/", log_form, name="log_form"),
    path("logs/", log_day, name="log_day"),
    path("logs/sheet.pdf", log_sheet, name="log_sheet"),
    path("parameters/", parameter_list, name="parameter_list"),
]
