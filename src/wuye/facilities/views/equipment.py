"""Equipment register pages (EQUIP-OPS-01): the list with filters, paging, the inspection flag and
missing log hours, its Excel export and QR label sheet; register and edit; the equipment page with
its history and its status changes; the QR label's address."""

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
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, Contractor
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..api.equipment import labels_response
from ..choices import EquipmentCategory, EquipmentStatus
from ..documents.exports import equipment_xlsx
from ..selectors import equipment as selectors
from ..selectors.logs import WithMissingHours, day_grid
from ..services import equipment as services
from ..services.equipment import EQUIPMENT_WRITE_ROLES

BLANK = [("", gettext_lazy("全部"))]


class EquipmentFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("编号、名称、位置")}
        ),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False, choices=BLANK + EquipmentCategory.choices
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"),
        required=False,
        queryset=Building.objects.none(),
        empty_label=_("全部"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("设备状态"), required=False, choices=BLANK + EquipmentStatus.choices
    )
    contractor = forms.ModelChoiceField(
        label=gettext_lazy("维保单位"),
        required=False,
        queryset=Contractor.objects.none(),
        empty_label=_("全部"),
    )
    inspection_due = forms.BooleanField(
        label=gettext_lazy("年检30天内到期或已逾期"), required=False
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["contractor"].queryset = Contractor.objects.filter(estates=estate)
        self.fields["building"].empty_label = _("全部")
        self.fields["contractor"].empty_label = _("全部")


class EquipmentForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("设备编号"), max_length=40)
    name = forms.CharField(label=gettext_lazy("设备名称"), max_length=80)
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=EquipmentCategory.choices)
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), required=False, queryset=Building.objects.none()
    )
    location = forms.CharField(label=gettext_lazy("安装位置"), max_length=100, required=False)
    status = forms.ChoiceField(label=gettext_lazy("设备状态"), choices=EquipmentStatus.choices)
    contractor = forms.ModelChoiceField(
        label=gettext_lazy("维保单位"), required=False, queryset=Contractor.objects.none()
    )
    commissioned_on = forms.DateField(
        label=gettext_lazy("启用日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    logs_hourly = forms.BooleanField(label=gettext_lazy("每小时记录运行参数"), required=False)
    inspection_name = forms.CharField(
        label=gettext_lazy("法定检验项目"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("如 电梯年检"),
    )
    inspected_on = forms.DateField(
        label=gettext_lazy("上次检验日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    inspection_due_on = forms.DateField(
        label=gettext_lazy("下次检验到期日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    inspection_certificate_no = forms.CharField(
        label=gettext_lazy("检验合格证编号"), max_length=60, required=False
    )
    manufacturer = forms.CharField(label=gettext_lazy("生产厂家"), max_length=100, required=False)
    model_no = forms.CharField(label=gettext_lazy("型号"), max_length=60, required=False)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["contractor"].queryset = Contractor.objects.filter(estates=estate)


def _filtered(request, estate):
    form = EquipmentFilter(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.equipment_list(
        actor=actor_for(request.user),
        estate_id=estate.pk,
        category=data.get("category", ""),
        building_id=data["building"].pk if data.get("building") else None,
        status=data.get("status", ""),
        contractor_id=data["contractor"].pk if data.get("contractor") else None,
        inspection_due=bool(data.get("inspection_due")),
        today=timezone.localdate(timezone=estate_tz(estate)),
        q=data.get("q", ""),
    )
    return form, qs


def _may_write(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in EQUIPMENT_WRITE_ROLES


@require_GET
@estate_page
def equipment_list(request, estate):
    form, qs = _filtered(request, estate)
    page = paginate(request, WithMissingHours(qs))
    today = timezone.localdate(timezone=estate_tz(estate))
    for item in page.object_list:
        item.inspection_flag = selectors.inspection_state(item, today)
    context = {
        "estate": estate,
        "filter_form": form,
        "page": page,
        "may_write": _may_write(request),
    }
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "facilities/equipment/list.html", "facilities/equipment/results.html", context
        )


@require_GET
@estate_page
def equipment_export(request, estate):
    _form, qs = _filtered(request, estate)
    return equipment_xlsx(qs, estate.name)


@require_GET
@estate_page
def equipment_labels(request, estate):
    _form, qs = _filtered(request, estate)
    return labels_response(request, list(qs), estate.name)


def _save(request, estate, equipment=None):
    if not _may_write(request):
        raise PermissionDenied(_("只有工程部人员和管理层可以登记设备"))
    initial = {}
    if equipment is not None:
        initial = {f: getattr(equipment, f) for f in EquipmentForm.base_fields}
    form = EquipmentForm(
        request.POST or None, estate=estate, initial=initial or {"status": EquipmentStatus.IN_USE}
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            if equipment is None:
                equipment = services.equipment_create(estate=estate, by=request.user, **values)
            else:
                equipment = services.equipment_update(
                    equipment=equipment, by=request.user, **values
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存设备 %(code)s") % {"code": equipment.code})
            return redirect("facilities:equipment_detail", pk=equipment.pk)
    context = {"form": form, "equipment": equipment, "estate": estate}
    return render_local(request, "facilities/equipment/form.html", context, estate)


@estate_page
def equipment_create(request, estate):
    return _save(request, estate)


@staff_required
def equipment_edit(request, pk: int):
    equipment = selectors.equipment_get_for_user(request.user, pk)
    return _save(request, equipment.estate, equipment)


@require_GET
@staff_required
def equipment_detail(request, pk: int):
    equipment = selectors.equipment_get_for_user(request.user, pk)
    now = timezone.now()
    today = timezone.localtime(now, estate_tz(equipment.estate)).date()
    grid = day_grid(equipment, today, now) if equipment.logs_hourly else []
    context = {
        "equipment": equipment,
        "estate": equipment.estate,
        "history": selectors.history(equipment),
        "status_changes": selectors.status_changes(equipment),
        "grid": grid,
        "missing": sum(c.state == "missing" for c in grid),
        "today": today,
        "inspection_flag": selectors.inspection_state(equipment, today),
        "may_write": _may_write(request),
    }
    return render_local(request, "facilities/equipment/detail.html", context, equipment.estate)


@require_GET
@staff_required
def equipment_qr(request, token: str):
    """A scanned label: the equipment's page (a 404 for an old or foreign label)."""
    equipment = selectors.equipment_by_qr(request.user, token)
    return redirect("facilities:equipment_detail", pk=equipment.pk)


@require_POST
@staff_required
def equipment_qr_regenerate(request, pk: int):
    equipment = selectors.equipment_get_for_user(request.user, pk)
    services.equipment_qr_regenerate(equipment=equipment, by=request.user)
    messages.success(request, _("已生成新的二维码，请重新打印标签；旧标签已失效"))
    return redirect("facilities:equipment_detail", pk=equipment.pk)


urlpatterns = [
    path("equipment/", equipment_list, name="equipment_list"),
    path("equipment/export.xlsx", equipment_export, name="equipment_export"),
    path("equipment/labels.pdf", equipment_labels, name="equipment_labels"),
    path("equipment/new/", equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/", equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/edit/", equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/qr/", equipment_qr_regenerate, name="equipment_qr_regenerate"),
    path("q/<str:token>/", equipment_qr, name="equipment_qr"),
]
