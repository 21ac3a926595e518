"""Meter pages: the current estate's meters (表计), the month's reading entry on a phone (抄表),
the .xlsx import of a month's readings, the staff page of the monthly shared-cost disclosure
(draft, recompute, publish) and the residents' read-only 公摊公示 in the portal (FEE-08).

Thin: every write goes through ``meters`` (the rules and the permissions live there); the
pages only show or hide what a user may do.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.base.pages import paginate, render_list
from wuye.base.xlsx import file_response
from wuye.billing.models import (
    Meter,
    MeterKind,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.selectors.meters import reading_rows
from wuye.billing.services import meters
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Estate, Room
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.selectors import room_search_q
from wuye.core.shortcuts import estate_page, render_local

# --- Access ------------------------------------------------------------------------------------


def meter_page(view):
    """A staff page of the current estate's meters and shared costs."""

    @wraps(view)
    def wrapper(request, *args, estate: Estate, **kwargs):
        if not meters.may_read_meters(actor_for(request.user)):
            raise PermissionDenied(_("此页面仅供工程设备部、财务部门、客服中心和管理层使用"))
        return view(request, *args, estate=estate, **kwargs)

    return estate_page(wrapper)


def error_text(error) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("没有权限")


def _month_from(request, estate: Estate, name: str = "month") -> dt.date:
    month = meters.parse_month(request.GET.get(name) or request.POST.get(name))
    now = meters.current_month(estate)
    return month if month is not None and month <= now else now


# --- Meters ------------------------------------------------------------------------------------


class MeterForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("表号"), max_length=30)
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=60,
        help_text=gettext_lazy("如 1栋公共照明电表、小区总水表"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=MeterKind.choices)
    building = forms.ModelChoiceField(
        label=gettext_lazy("分摊范围"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=gettext_lazy("全项目（所有房屋分摊）"),
        help_text=gettext_lazy("楼栋表只由该楼栋的房屋分摊"),
    )
    room = forms.CharField(
        label=gettext_lazy("房屋（户表才填）"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("如 1-2-301；公共表留空"),
    )
    multiplier = forms.DecimalField(
        label=gettext_lazy("倍率"),
        max_digits=10,
        decimal_places=2,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("单价（元/吨或元/度）"),
        max_digits=12,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("在用"), required=False, initial=True)

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate)

    def clean_room(self) -> Room | None:
        text = self.cleaned_data["room"].strip()
        if not text:
            return None
        found = list(Room.objects.filter(estate=self.estate).filter(room_search_q(text))[:2])
        if len(found) != 1:
            raise ValidationError(_("找不到唯一的房屋，请按“楼栋-单元-房号”填写，如 1-2-301"))
        return found[0]


@meter_page
def meter_list(request, estate: Estate):
    """表计: the estate's meters, filtered in the URL."""
    actor = actor_for(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    scope = request.GET.get("scope", "")
    active = request.GET.get("active", "1")
    items = Meter.objects.filter(estate=estate).select_related(
        "building", "room__building", "room__unit"
    )
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if kind in MeterKind.values:
        items = items.filter(kind=kind)
    if scope == "common":
        items = items.filter(room__isnull=True)
    elif scope == "room":
        items = items.filter(room__isnull=False)
    if active in ("1", "0"):
        items = items.filter(is_active=active == "1")
    page = paginate(request, items.order_by("room_id", "building__sort", "kind", "code"))
    for meter in page.object_list:
        meter.scope = meter_reads.meter_scope_label(meter)
    context = {
        "estate": estate,
        "page": page,
        "q": q,
        "kind": kind,
        "scope": scope,
        "active": active,
        "kinds": MeterKind.choices,
        "can_edit": meters.may_edit_meters(actor),
        "can_read": meters.may_record_readings(actor),
        "filtered": bool(q or kind or scope or active != "1"),
    }
    return render_list(
        request, "billing/meters/meters.html", "billing/meters/partials/meter_results.html", context
    )


def _meter_form_page(request, estate: Estate, meter: Meter | None):
    actor = actor_for(request.user)
    can_edit = meters.may_edit_meters(actor)
    if meter is None and not can_edit:
        raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
    initial = {}
    if meter is not None:
        initial = {
            "code": meter.code,
            "name": meter.name,
            "kind": meter.kind,
            "building": meter.building_id,
            "multiplier": meter.multiplier,
            "unit_price": meter.unit_price,
            "is_active": meter.is_active,
            "room": (
                f"{meter.room.building.name}-{meter.room.unit.name}-{meter.room.number}"
                if meter.room and meter.room.unit_id
                else (f"{meter.room.building.name}-{meter.room.number}" if meter.room else "")
            ),
        }
    form = MeterForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有财务人员、工程设备部负责人或企业高层可以设置表计"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = meters.meter_save(estate=estate, by=request.user, meter=meter, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("表计 %(code)s 已保存") % {"code": saved.code})
                return redirect("billing:meters")
    readings = list(meter.readings.select_related("by", "confirmed_by")[:12]) if meter else []
    context = {
        "estate": estate,
        "form": form,
        "meter": meter,
        "readings": readings,
        "can_edit": can_edit,
    }
    return render_local(request, "billing/meters/meter_form.html", context, estate)


@meter_page
def meter_new(request, estate: Estate):
    return _meter_form_page(request, estate, None)


@meter_page
def meter_edit(request, estate: Estate, pk: int):
    meter = get_or_404(
        Meter.objects.filter(estate=estate).select_related("room__building", "room__unit"), pk
    )
    return _meter_form_page(request, estate, meter)


# --- Monthly readings (phone) ------------------------------------------------------------------


@meter_page
def meter_readings(request, estate: Estate):
    """抄表: one input per meter for a month, with last month's reading and usage beside it."""
    actor = actor_for(request.user)
    month = _month_from(request, estate)
    building = request.GET.get("building", "") or request.POST.get("building", "")
    kind = request.GET.get("kind", "") or request.POST.get("kind", "")
    rows = reading_rows(estate, month, building, kind)
    can_record = meters.may_record_readings(actor)
    saved = 0
    problems = 0
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("只有工程设备部、财务人员或企业高层可以抄表"))
        for meter in rows:
            value = request.POST.get(f"r_{meter.pk}", "").strip()
            start = request.POST.get(f"s_{meter.pk}", "").strip()
            confirm = request.POST.get(f"c_{meter.pk}") == "1"
            note = request.POST.get(f"n_{meter.pk}", "").strip()
            meter.value, meter.start_value, meter.note_value = value, start, note
            if not value:
                continue
            if _unchanged(meter, value) and not start and not confirm:
                continue  # the month's saved reading, shown in its input
            try:
                meters.meter_reading_record(
                    meter=meter,
                    period=month,
                    reading=value,
                    by=request.user,
                    confirm=confirm,
                    note=note,
                    start=start or None,
                )
            except meters.Implausible as error:
                meter.error, meter.flagged = " ".join(error.messages), True
                problems += 1
            except (ValidationError, Conflict, PermissionDenied) as error:
                meter.error = error_text(error)
                problems += 1
            else:
                saved += 1
        if not problems:
            if saved:
                messages.success(request, _("已保存 %(n)d 个读数") % {"n": saved})
            else:
                messages.info(request, _("没有新的读数需要保存"))
            query = f"?month={month:%Y-%m}&building={building}&kind={kind}"
            return redirect(reverse("billing:meter_readings") + query)
        messages.error(
            request,
            _("已保存 %(saved)d 个读数；%(n)d 个读数需要处理，见标红的表")
            % {"saved": saved, "n": problems},
        )
        rows = _merge_after_post(estate, month, building, kind, rows)
    context = {
        "estate": estate,
        "month": month,
        "rows": rows,
        "building": building,
        "kind": kind,
        "buildings": Building.objects.filter(estate=estate),
        "kinds": MeterKind.choices,
        "can_record": can_record,
        "this_month": meters.current_month(estate),
        "done": sum(1 for m in rows if m.current is not None),
    }
    return render_local(request, "billing/meters/readings.html", context, estate)


def _unchanged(meter: Meter, value: str) -> bool:
    if meter.current is None:
        return False
    try:
        return meters.parse_decimal(value, "reading", "0.01", "") == meter.current.reading
    except ValidationError:
        return False


def _merge_after_post(estate, month, building, kind, posted: list[Meter]) -> list[Meter]:
    """The fresh rows (what was saved shows as saved) with the failed rows' input and errors."""
    fresh = reading_rows(estate, month, building, kind)
    by_pk = {m.pk: m for m in posted}
    for meter in fresh:
        old = by_pk.get(meter.pk)
        if old is not None and old.error:
            meter.error, meter.flagged, meter.value = old.error, old.flagged, old.value
            meter.start_value, meter.note_value = old.start_value, old.note_value
    return fresh


# --- .xlsx import ------------------------------------------------------------------------------


@meter_page
def meter_reading_template(request, estate: Estate):
    """The month's import sheet, pre-filled with the meters and their previous readings."""
    month = _month_from(request, estate)
    content = meters.reading_template(estate, month)
    return file_response(content, f"{estate.name}-抄表-{month:%Y-%m}.xlsx")


class ImportForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("月份"), widget=forms.TextInput(attrs={"type": "month"})
    )
    file = forms.FileField(
        label=gettext_lazy("读数文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("我已核实标出的异常读数（如换表、漏水），确认导入"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("异常说明"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("确认异常读数时必填；某行的备注栏有内容时以该行为准"),
    )

    def clean_month(self) -> dt.date:
        month = meters.parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("请选择月份"))
        return month


@meter_page
def meter_reading_import(request, estate: Estate):
    """导入读数: upload the filled-in sheet; every row is checked, all are saved or none."""
    actor = actor_for(request.user)
    if not meters.may_record_readings(actor):
        raise PermissionDenied(_("只有工程设备部、财务人员或企业高层可以抄表"))
    month = _month_from(request, estate)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"month": f"{month:%Y-%m}"}
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"].size > 5 * 1024 * 1024:
                raise ValidationError({"file": [_("文件不能超过 5 MB")]})
            rows = meters.reading_rows_from_xlsx(data["file"].read())
            result = meters.meter_reading_import(
                estate=estate,
                period=data["month"],
                rows=rows,
                by=request.user,
                confirm=data["confirm"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except meters.ImportRefused as error:
            refused = error
            if error.message:
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已导入 %(n)d 个读数（其中确认异常 %(c)d 个，空白跳过 %(s)d 个）")
                % {"n": result.recorded, "c": result.confirmed, "s": result.skipped},
            )
            return redirect(reverse("billing:meter_readings") + f"?month={data['month']:%Y-%m}")
    context = {"estate": estate, "form": form, "month": month, "refused": refused}
    return render_local(request, "billing/meters/import.html", context, estate)


urlpatterns = [
    path("billing/meters/", meter_list, name="meters"),
    path("billing/meters/new/", meter_new, name="meter_new"),
    path("billing/meters/<int:pk>/", meter_edit, name="meter_edit"),
    path("billing/meters/readings/", meter_readings, name="meter_readings"),
    path(
        "billing/meters/readings/template/", meter_reading_template, name="meter_reading_template"
    ),
    path("billing/meters/readings/import/", meter_reading_import, name="meter_reading_import"),
]
