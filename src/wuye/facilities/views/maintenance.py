"""Maintenance plan pages (维护保养计划): the plan list, the plan form (desktop), the plan page
with its approval actions and history, engineering's verification of a completed service (a
phone page) and the monthly effectiveness review — the same services as the API."""

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Contractor
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.models import Frequency, RecurrenceBasis

from ..choices import EquipmentCategory
from ..models import Equipment, PlanStatus
from ..selectors import maintenance as selectors
from ..services import maintenance as services

RECENT = 20  # the plan page's latest records, each with its verification
FREQUENCIES = [
    (Frequency.INTERVAL_DAYS, gettext_lazy("每隔N天")),
    (Frequency.MONTHLY, gettext_lazy("每月")),
    (Frequency.QUARTERLY, gettext_lazy("每季度")),
]
ACTIONS = {
    "submit": (services.plan_submit, gettext_lazy("已提交审批")),
    "approve": (services.plan_approve, gettext_lazy("已批准，保养任务将按计划生成")),
    "return": (services.plan_return, gettext_lazy("已退回")),
    "retire": (services.plan_retire, gettext_lazy("计划已停用")),
}
EVENT_LABELS = {
    "draft": gettext_lazy("编制"), "edit": gettext_lazy("修改"), "revise": gettext_lazy("修订"),
    "submit": gettext_lazy("提交审批"), "approve": gettext_lazy("批准"),
    "return": gettext_lazy("退回"), "retire": gettext_lazy("停用"),
    "superseded": gettext_lazy("被新版本取代"),
}  # fmt: skip


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=100)
    template = forms.ChoiceField(label=gettext_lazy("标准模板"), required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("设备类别"), choices=EquipmentCategory.choices, required=False
    )
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("设备"), queryset=Equipment.objects.none(), required=False,
        help_text=gettext_lazy("不选则适用于该类别的全部在用设备"),
    )  # fmt: skip
    frequency = forms.ChoiceField(label=gettext_lazy("频次"), choices=FREQUENCIES)
    interval = forms.IntegerField(label=gettext_lazy("间隔（天）"), min_value=1, max_value=366,
                                  initial=1)  # fmt: skip
    basis = forms.ChoiceField(label=gettext_lazy("计算方式"), choices=RecurrenceBasis.choices)
    anchor = forms.DateField(
        label=gettext_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("完成期限（天）"), min_value=0, max_value=60, initial=3
    )
    contractor = forms.ModelChoiceField(
        label=gettext_lazy("维保单位"), queryset=Contractor.objects.none(), required=False
    )
    standard = forms.CharField(
        label=gettext_lazy("执行标准"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    items = forms.CharField(
        label=gettext_lazy("保养内容（每行一项）"), required=False, max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("留空则按所选标准模板填入"),
    )  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [
            (key, t["label"]) for key, t in services.TEMPLATES.items()
        ]
        self.fields["equipment"].queryset = Equipment.objects.filter(estate=estate)
        self.fields["contractor"].queryset = Contractor.objects.filter(estates=estate)

    def values(self) -> tuple[dict, list[dict] | None]:
        data = dict(self.cleaned_data)
        lines = [line.strip() for line in data.pop("items", "").splitlines() if line.strip()]
        items = [{"label": line, "kind": "check"} for line in lines] or None
        return data, items


@require_GET
@estate_page
def maintenance_plan_list(request, estate):
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    qs = selectors.plans_for_user(request.user).filter(estate=estate)
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    if category in EquipmentCategory.values:
        qs = qs.filter(category=category)
    context = {
        "estate": estate, "page": paginate(request, qs), "status": status,
        "category": category, "statuses": PlanStatus.choices,
        "categories": EquipmentCategory.choices,
    }  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "facilities/maintenance/list.html", "facilities/maintenance/results.html",
            context,
        )  # fmt: skip


def _form_page(request, estate, plan=None):
    initial = {}
    if plan is not None:
        initial = {
            "name": plan.name, "template": plan.template, "category": plan.category,
            "equipment": plan.equipment, "frequency": plan.frequency, "interval": plan.interval,
            "basis": plan.basis, "anchor": plan.anchor, "due_days": plan.due_days,
            "contractor": plan.contractor, "standard": plan.standard,
            "items": "\n".join(i.label for i in plan.checklist.items.order_by("position")),
        }  # fmt: skip
    form = PlanForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        values, items = form.values()
        try:
            if plan is None:
                plan = services.plan_draft(estate=estate, by=request.user, items=items, **values)
            else:
                values.pop("template", None)
                plan = services.plan_revise(plan=plan, by=request.user, items=items, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message if hasattr(exc, "message") else exc))
        else:
            messages.success(request, _("计划已保存为草稿"))
            return redirect("facilities:maintenance_plan_detail", pk=plan.pk)
    context = {"estate": estate, "form": form, "plan": plan}
    return render_local(request, "facilities/maintenance/form.html", context, estate)


@require_http_methods(["GET", "POST"])
@estate_page
def maintenance_plan_new(request, estate):
    return _form_page(request, estate)


@require_http_methods(["GET", "POST"])
@staff_required
def maintenance_plan_edit(request, pk: int):
    plan = selectors.plan_get_for_user(request.user, pk)
    return _form_page(request, plan.estate, plan)


@require_GET
@staff_required
def maintenance_plan_detail(request, pk: int):
    plan = selectors.plan_get_for_user(request.user, pk)
    events = list(plan.events.select_related("by"))
    for e in events:
        e.label = EVENT_LABELS.get(e.action, e.action)
    context = {
        "estate": plan.estate, "plan": plan, "events": events,
        "items": plan.checklist.items.order_by("position"),
        "links": plan.schedules.select_related("equipment", "schedule"),
        "next_version": getattr(plan, "next_version", None),
        "records": selectors.maintenance_records_for_user(request.user)
        .filter(task__schedule__maintenance_plan_link__plan=plan)
        .order_by("-done_at")[:RECENT],
    }  # fmt: skip
    return render_local(request, "facilities/maintenance/detail.html", context, plan.estate)


@require_POST
@staff_required
def maintenance_plan_act(request, pk: int, action: str):
    plan = selectors.plan_get_for_user(request.user, pk)
    if action not in ACTIONS:
        messages.error(request, _("没有这个操作"))
        return redirect("facilities:maintenance_plan_detail", pk=plan.pk)
    service, done = ACTIONS[action]
    note = request.POST.get("note", "")
    kwargs = {"reason": note} if action == "return" else (
        {} if action == "submit" else {"note": note})  # fmt: skip
    try:
        service(plan=plan, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, done)
    return redirect("facilities:maintenance_plan_detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def maintenance_verify(request, pk: int):
    """Engineering's phone page: each item of the contractor's record confirmed or not."""
    record = selectors.record_get_for_user(request.user, pk)
    answers = list(record.answers.order_by("position"))
    verification = getattr(record, "maintenance_verification", None)
    errors: list[str] = []
    if request.method == "POST" and verification is None:
        checks = []
        for a in answers:
            choice = request.POST.get(f"ok_{a.pk}", "")
            checks.append({
                "answer": a.pk,
                "confirmed": True if choice == "yes" else False if choice == "no" else None,
                "note": request.POST.get(f"note_{a.pk}", ""),
            })  # fmt: skip
        try:
            services.maintenance_verify(
                record=record, by=request.user, checks=checks, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            by_index = {f"checks.{i}.": a.label for i, a in enumerate(answers, 1)}
            for field, ms in exc.message_dict.items():
                label = next((v for k, v in by_index.items() if field.startswith(k)), "")
                errors.extend(f"{label}：{m}" if label else m for m in ms)
        except (Conflict, PermissionDenied) as exc:
            errors.append(getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已核对"))
            return redirect("facilities:maintenance_verify", pk=record.pk)
    checks = {}
    if verification is not None:
        checks = {c.answer_id: c for c in verification.checks.select_related("case")}
    rows = [{"answer": a, "check": checks.get(a.pk)} for a in answers]
    context = {"estate": record.estate, "record": record, "rows": rows,
               "verification": verification, "errors": errors}  # fmt: skip
    return render_local(request, "facilities/maintenance/verify.html", context, record.estate)


class ReviewForm(forms.Form):
    conclusion = forms.CharField(
        label=gettext_lazy("评估结论"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    adjustment = forms.CharField(
        label=gettext_lazy("计划调整"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


def _month(text: str, estate) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        return timezone.now().astimezone(estate_tz(estate)).date().replace(day=1)


@require_http_methods(["GET", "POST"])
@estate_page
def maintenance_review(request, estate):
    category = request.GET.get("category", EquipmentCategory.ELEVATOR)
    if category not in EquipmentCategory.values:
        category = EquipmentCategory.ELEVATOR
    month = _month(request.GET.get("month", ""), estate)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                estate=estate, category=category, month=month, by=request.user,
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("评估已保存"))
            return redirect(f"{request.path}?category={category}&month={month:%Y-%m}")
    data = selectors.review_months(estate=estate, category=category, month=month)
    if data["review"] is not None and request.method == "GET":
        form = ReviewForm(initial={"conclusion": data["review"].conclusion,
                                   "adjustment": data["review"].adjustment})  # fmt: skip
    context = {"estate": estate, "data": data, "form": form, "category": category,
               "month": month, "categories": EquipmentCategory.choices}  # fmt: skip
    return render_local(request, "facilities/maintenance/review.html", context, estate)


urlpatterns = [
    path("maintenance/", maintenance_plan_list, name="maintenance_plan_list"),
    path("maintenance/new/", maintenance_plan_new, name="maintenance_plan_new"),
    path("maintenance/<int:pk>/", maintenance_plan_detail, name="maintenance_plan_detail"),
    path("maintenance/<int:pk>/edit/", maintenance_plan_edit, name="maintenance_plan_edit"),
    path("maintenance/<int:pk>/<slug:action>/", maintenance_plan_act, name="maintenance_plan_act"),
    path("maintenance/records/<int:pk>/verify/", maintenance_verify, name="maintenance_verify"),
    path("maintenance/review/", maintenance_review, name="maintenance_review"),
]
