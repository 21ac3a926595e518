"""Pest treatment pages (病虫害防治记录, GREEN-13/15): the list with its filters and Excel file,
one treatment, and the gardener's phone form to record one in the field."""

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
from wuye.workflow.models import PlannedTask

from ..choices import PestMethod
from ..documents.stock import treatments_xlsx
from ..models import GreenArea, Product
from ..selectors import pests as selectors
from ..services import pests as services

BLANK = [("", gettext_lazy("全部"))]


class TreatmentFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    green_area = forms.ModelChoiceField(
        label=gettext_lazy("绿化区域"), required=False, queryset=GreenArea.objects.none()
    )
    method = forms.ChoiceField(
        label=gettext_lazy("防治方式"), required=False, choices=BLANK + PestMethod.choices
    )
    since = forms.DateField(label=gettext_lazy("从"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label=gettext_lazy("到"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["green_area"].queryset = GreenArea.objects.filter(estate=estate)
        self.fields["green_area"].empty_label = _("全部")


class TreatmentForm(forms.Form):
    green_area = forms.ModelChoiceField(
        label=gettext_lazy("绿化区域"), queryset=GreenArea.objects.none()
    )
    pest = forms.CharField(label=gettext_lazy("病虫害"), max_length=60,
                           help_text=gettext_lazy("如 蚜虫、红蜘蛛、白粉病"))  # fmt: skip
    method = forms.ChoiceField(
        label=gettext_lazy("防治方式"), choices=PestMethod.choices, widget=forms.RadioSelect,
        initial=PestMethod.BIOLOGICAL,
        help_text=gettext_lazy("生物防治为主、化学防治为辅"),
    )  # fmt: skip
    measure = forms.CharField(
        label=gettext_lazy("防治措施"), max_length=200,
        help_text=gettext_lazy("如 释放七星瓢虫、黄板诱杀、人工剪除"),
    )  # fmt: skip
    product = forms.ModelChoiceField(
        label=gettext_lazy("药剂/天敌"), required=False, queryset=Product.objects.none()
    )
    quantity = forms.DecimalField(label=gettext_lazy("出库数量"), required=False, min_value=0,
                                  max_digits=12, decimal_places=3)  # fmt: skip
    dose = forms.CharField(label=gettext_lazy("用量/稀释比例"), max_length=60, required=False,
                           help_text=gettext_lazy("化学防治必填，如 1:1000"))  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("采用化学防治的原因"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("化学防治必填：说明生物防治为什么不足以控制"),
    )  # fmt: skip
    urgent = forms.BooleanField(
        label=gettext_lazy("虫害爆发，来不及先用生物防治"), required=False,
        help_text=gettext_lazy(
            "近 30 天内未对该区域同一病虫害采取生物或物理防治时勾选，并在原因中说明"
        ),
    )  # fmt: skip
    task = forms.ModelChoiceField(
        label=gettext_lazy("完成的计划任务"), required=False, queryset=PlannedTask.objects.none()
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args, actor, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["green_area"].queryset = selectors.visible_green_areas(actor, estate.pk)
        self.fields["product"].queryset = selectors.treatment_products(actor, estate.pk)
        self.fields["task"].queryset = selectors.open_pest_tasks(actor, estate.pk)


def _filtered(request, estate):
    form = TreatmentFilter(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.treatment_list(
        actor=actor_for(request.user), estate_id=estate.pk,
        green_area_id=data["green_area"].pk if data.get("green_area") else None,
        method=data.get("method", ""), since=data.get("since"), until=data.get("until"),
        zone=estate_tz(estate), q=data.get("q", ""),
    )  # fmt: skip
    return form, qs


def _may_record(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.TREATMENT_ROLES


@require_GET
@estate_page
def treatment_list(request, estate):
    form, qs = _filtered(request, estate)
    context = {"estate": estate, "filter_form": form, "page": paginate(request, qs),
               "may_record": _may_record(request)}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(request, "environment/pests/list.html",
                           "environment/pests/rows.html", context)  # fmt: skip


@require_GET
@estate_page
def treatment_export(request, estate):
    _form, qs = _filtered(request, estate)
    return treatments_xlsx(qs, estate.name)


@estate_page
def treatment_record(request, estate):
    """The gardener's phone form (GREEN-13/15)."""
    actor = actor_for(request.user)
    form = TreatmentForm(request.POST or None, actor=actor, estate=estate,
                         initial={"green_area": request.GET.get("area")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            treatment = services.treatment_record(by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已记录 %(area)s 的病虫害防治") % {
                "area": treatment.green_area.name})  # fmt: skip
            return redirect("environment:treatment_detail", pk=treatment.pk)
    context = {"form": form, "estate": estate}
    return render_local(request, "environment/pests/form.html", context, estate)


@require_GET
@staff_required
def treatment_detail(request, pk: int):
    treatment = selectors.treatment_get_for_user(request.user, pk)
    context = {"t": treatment, "estate": treatment.estate,
               "movements": treatment.movements.select_related("product")}  # fmt: skip
    return render_local(request, "environment/pests/detail.html", context, treatment.estate)


urlpatterns = [
    path("pests/", treatment_list, name="treatment_list"),
    path("pests/export.xlsx", treatment_export, name="treatment_export"),
    path("pests/new/", treatment_record, name="treatment_record"),
    path("pests/<int:pk>/", treatment_detail, name="treatment_detail"),
]
