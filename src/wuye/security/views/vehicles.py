"""《车辆管理台账》 pages (VEHICLE-02/05/08/09): the ledger with filters, paging and its Excel
export; register, edit, a vehicle with its monthly passes; the parking areas."""

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
from wuye.core.models import ParkingSpace, Resident, Room
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import ParkingAreaKind, PlateKind
from ..documents.vehicles import vehicle_ledger_xlsx
from ..models import ParkingArea
from ..selectors import vehicles as selectors
from ..services import vehicles as services

BLANK = [("", gettext_lazy("全部"))]


class VehicleFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search",
                                      "placeholder": gettext_lazy("车牌、车主、房号、车位号")}),
    )  # fmt: skip
    plate_kind = forms.ChoiceField(label=gettext_lazy("车牌类型"), required=False,
                                   choices=BLANK + PlateKind.choices)  # fmt: skip
    has_pass = forms.BooleanField(label=gettext_lazy("包月有效"), required=False)
    inactive = forms.BooleanField(label=gettext_lazy("含已注销"), required=False)


class VehicleForm(forms.Form):
    plate = forms.CharField(label=gettext_lazy("车牌号"), max_length=20,
                            help_text=gettext_lazy("如 京A12345，新能源 京AD12345"))  # fmt: skip
    owner = forms.ModelChoiceField(label=gettext_lazy("车主"), required=False,
                                   queryset=Resident.objects.none())  # fmt: skip
    room = forms.ModelChoiceField(label=gettext_lazy("房屋"), required=False,
                                  queryset=Room.objects.none())  # fmt: skip
    parking_space = forms.ModelChoiceField(label=gettext_lazy("车位"), required=False,
                                           queryset=ParkingSpace.objects.none())  # fmt: skip
    description = forms.CharField(label=gettext_lazy("品牌颜色"), max_length=40, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    active = forms.BooleanField(label=gettext_lazy("在册"), required=False, initial=True)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Resident.objects.filter(
            occupancies__room__estate=estate).distinct().order_by("name")  # fmt: skip
        self.fields["room"].queryset = Room.objects.filter(estate=estate).select_related(
            "building", "unit")  # fmt: skip
        self.fields["parking_space"].queryset = ParkingSpace.objects.filter(estate=estate)


class PassForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("开始日期"),
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    months = forms.IntegerField(label=gettext_lazy("月数"), min_value=1,
                                max_value=services.PASS_MAX_MONTHS, initial=1)  # fmt: skip


class AreaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("区域名称"), max_length=40)
    kind = forms.ChoiceField(label=gettext_lazy("区域类型"), choices=ParkingAreaKind.choices)
    capacity = forms.IntegerField(label=gettext_lazy("车位数"), min_value=0, max_value=100000)
    location = forms.CharField(label=gettext_lazy("位置说明"), max_length=100, required=False)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


def _may_write(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.LEDGER_ROLES


def _filtered(request, estate):
    form = VehicleFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate(timezone=estate_tz(estate))
    qs = selectors.vehicle_list(
        actor=actor_for(request.user), estate_id=estate.pk, q=data.get("q", ""),
        plate_kind=data.get("plate_kind", ""), active=None if data.get("inactive") else True,
        has_pass_on=today if data.get("has_pass") else None,
    )  # fmt: skip
    return form, qs, today


@require_GET
@estate_page
def vehicle_list(request, estate):
    form, qs, today = _filtered(request, estate)
    page = paginate(request, qs)
    for vehicle in page.object_list:
        vehicle.current_pass = next(
            (p for p in vehicle.pass_list if p.start <= today <= p.end), None
        )
    context = {"estate": estate, "filter_form": form, "page": page,
               "may_write": _may_write(request)}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(request, "security/vehicles/list.html",
                           "security/vehicles/results.html", context)  # fmt: skip


@require_GET
@estate_page
def vehicle_export(request, estate):
    _form, qs, today = _filtered(request, estate)
    return vehicle_ledger_xlsx(qs, today, estate_tz(estate), estate.name)


def _save(request, estate, vehicle=None):
    if not _may_write(request):
        raise PermissionDenied(_("车辆信息由客户服务中心登记"))
    initial = {"active": True}
    if vehicle is not None:
        initial = {f: getattr(vehicle, f) for f in VehicleForm.base_fields}
    form = VehicleForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {"plate": data["plate"], "owner_id": data["owner"] and data["owner"].pk,
                  "room_id": data["room"] and data["room"].pk,
                  "parking_space_id": data["parking_space"] and data["parking_space"].pk,
                  "description": data["description"], "note": data["note"]}  # fmt: skip
        try:
            if vehicle is None:
                vehicle = services.vehicle_register(estate=estate, by=request.user, **values)
            else:
                vehicle = services.vehicle_update(vehicle=vehicle, active=data["active"],
                                                  by=request.user, **values)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存车辆 %(plate)s") % {"plate": vehicle.plate})
            return redirect("security:vehicle_detail", pk=vehicle.pk)
    context = {"form": form, "vehicle": vehicle, "estate": estate}
    return render_local(request, "security/vehicles/form.html", context, estate)


@estate_page
def vehicle_create(request, estate):
    return _save(request, estate)


@staff_required
def vehicle_edit(request, pk: int):
    vehicle = services.vehicle_get_for_user(request.user, pk)
    return _save(request, vehicle.estate, vehicle)


@require_GET
@staff_required
def vehicle_detail(request, pk: int):
    vehicle = services.vehicle_get_for_user(request.user, pk)
    today = timezone.localdate(timezone=estate_tz(vehicle.estate))
    context = {"vehicle": vehicle, "estate": vehicle.estate, "today": today,
               "passes": vehicle.passes.select_related("bill").order_by("-start"),
               "pass_form": PassForm(initial={"start": today}),
               "may_write": _may_write(request)}  # fmt: skip
    return render_local(request, "security/vehicles/detail.html", context, vehicle.estate)


@require_POST
@staff_required
def vehicle_pass_create(request, pk: int):
    vehicle = services.vehicle_get_for_user(request.user, pk)
    form = PassForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        monthly = services.monthly_pass_create(vehicle=vehicle, by=request.user,
                                               **form.cleaned_data)  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(
            m if isinstance(m, str) else m.get("message", "")
            for ms in exc.message_dict.values() for m in ms))  # fmt: skip
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已办理包月 %(start)s～%(end)s，¥%(amount)s 已计入房屋账单")
                         % {"start": monthly.start, "end": monthly.end,
                            "amount": monthly.amount})  # fmt: skip
    return redirect("security:vehicle_detail", pk=vehicle.pk)


# --- Parking areas (VEHICLE-05) ------------------------------------------------------------------


@estate_page
def parking_areas(request, estate):
    """The designated areas with their capacity, and a form to add or change one."""
    actor = actor_for(request.user)
    may_write = actor.is_superuser or actor.role in services.AREA_ROLES
    area = None
    if request.GET.get("edit"):
        area = get_or_404(ParkingArea.objects.filter(estate=estate), request.GET["edit"])
    initial = {"active": True}
    if area is not None:
        initial = {f: getattr(area, f) for f in AreaForm.base_fields}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("只有部门负责人和企业高层可以设置停车区域"))
        if form.is_valid():
            try:
                saved = services.parking_area_save(estate=estate, area=area, by=request.user,
                                                   **form.cleaned_data)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存停车区域 %(name)s") % {"name": saved.name})
                return redirect("security:parking_areas")
    context = {"estate": estate, "form": form, "area": area, "may_write": may_write,
               "areas": selectors.parking_area_list(actor=actor, estate_id=estate.pk),
               "guidance": selectors.parking_guidance(estate.pk)}  # fmt: skip
    return render_local(request, "security/vehicles/areas.html", context, estate)


urlpatterns = [
    path("vehicles/", vehicle_list, name="vehicle_list"),
    path("vehicles/export.xlsx", vehicle_export, name="vehicle_export"),
    path("vehicles/new/", vehicle_create, name="vehicle_create"),
    path("vehicles/<int:pk>/", vehicle_detail, name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", vehicle_edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/passes/", vehicle_pass_create, name="vehicle_pass_create"),
    path("parking-areas/", parking_areas, name="parking_areas"),
]
