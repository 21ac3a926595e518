"""Pages of the 《绿化养护计划》 (GREEN-05..10, GREEN-12): the areas × months grid, seeding by
season, a line's timing and gardener, stopping and adding lines, the heat adjustment, the plan's
revisions and its Excel export — thin over ``services.greening``, the same as the API."""

from __future__ import annotations

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
from wuye.core.forms import add_service_errors
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import Season
from ..models import GreenArea
from ..selectors import greening as selectors
from ..selectors.green import green_area_get_for_user
from ..selectors.rectifications import rectification_get_for_user
from ..services import greening as services
from ..services.landscape import landscape_planned

MONTH_LABELS = [f"{m}月" for m in range(1, 13)]


def _errors(exc: ValidationError) -> str:
    return "；".join(m for ms in exc.message_dict.values() for m in ms)


def _rectification(request, area_id: int):
    """CLEAN-15 / GREEN-11: the open rectification of this area the plan change answers
    (``?rectification=`` carried by the forms), or None."""
    value = request.POST.get("rectification") or request.GET.get("rectification") or ""
    if not value.isdigit():
        return None
    rectification = rectification_get_for_user(request.user, int(value))
    if rectification.green_area_id != area_id or rectification.closed_at is not None:
        return None
    return rectification


def _times(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()]


@require_GET
@estate_page
def greening_plan(request, estate):
    context = {
        "estate": estate, "rows": selectors.plan_grid(estate), "months": MONTH_LABELS,
        "landscape_planned": landscape_planned(estate),
    }  # fmt: skip
    return render_local(request, "environment/greening/plan.html", context, estate)


@require_POST
@estate_page
def greening_plan_seed(request, estate):
    try:
        result = services.greening_plan_seed(estate=estate, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已生成 %(n)d 个计划项") % {"n": len(result.created)})
        for text in result.skipped:
            messages.warning(request, text)
    return redirect("environment:greening_plan")


@require_GET
@estate_page
def greening_plan_export(request, estate):
    return selectors.plan_export(estate)


class LineForm(forms.Form):
    times = forms.CharField(
        label=gettext_lazy("作业时间"), max_length=60,
        help_text=gettext_lazy("多个时间用逗号分隔，如 07:00,17:00"),
    )  # fmt: skip
    every = forms.IntegerField(label=gettext_lazy("每隔几天"), min_value=1, max_value=92,
                               required=False)  # fmt: skip
    day_of_month = forms.IntegerField(
        label=gettext_lazy("每月几号"), min_value=1, max_value=31, required=False,
        help_text=gettext_lazy("填写则按月在该日作业，否则按间隔天数"),
    )  # fmt: skip
    due_days = forms.IntegerField(label=gettext_lazy("完成期限（天）"), min_value=0, max_value=30)
    assignee = forms.ModelChoiceField(label=gettext_lazy("养护人"), queryset=None)
    reason = forms.CharField(label=gettext_lazy("调整原因"), max_length=500)

    def __init__(self, *args, area: GreenArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = area.gardeners.filter(is_active=True).order_by("name")
        self.fields["assignee"].label_from_instance = lambda staff: staff.name


@require_http_methods(["GET", "POST"])
@staff_required
def greening_line_edit(request, pk: int):
    line = selectors.line_get_for_user(request.user, pk)
    s = line.schedule
    initial = {
        "times": ",".join(s.times), "every": s.interval, "day_of_month": s.day_of_month,
        "due_days": s.due_amount, "assignee": getattr(s.assignee, "staff", None),
    }  # fmt: skip
    form = LineForm(request.POST or None, area=line.green_area, initial=initial)
    rectification = _rectification(request, line.green_area_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {"times": _times(data["times"]), "due_days": data["due_days"],
                   "assignee": data["assignee"]}  # fmt: skip
        if data["day_of_month"]:
            changes["day_of_month"] = data["day_of_month"]
        elif data["every"]:
            changes["interval"] = data["every"]
        try:
            services.plan_line_update(
                line=line, by=request.user, reason=data["reason"], rectification=rectification,
                **changes,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("计划项已调整"))
            return redirect("environment:green_area_detail", pk=line.green_area_id)
    context = {"estate": line.estate, "form": form, "line": line,
               "title": _("调整计划项：%(name)s") % {"name": s.name},
               "cancel": line.green_area_id, "rectification": rectification}  # fmt: skip
    return render_local(request, "environment/greening/form.html", context, line.estate)


@require_POST
@staff_required
def greening_line_stop(request, pk: int):
    line = selectors.line_get_for_user(request.user, pk)
    try:
        services.plan_line_stop(
            line=line, by=request.user, reason=request.POST.get("reason", ""),
            rectification=_rectification(request, line.green_area_id),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("计划项已停止"))
    return redirect("environment:green_area_detail", pk=line.green_area_id)


class AddLineForm(forms.Form):
    work = forms.ChoiceField(
        label=gettext_lazy("作业内容"),
        choices=[(w.value, w.label) for w in services.GREEN_WORK],
    )
    season = forms.ChoiceField(label=gettext_lazy("季节"), choices=Season.choices)
    reason = forms.CharField(label=gettext_lazy("调整原因"), max_length=500)


@require_http_methods(["GET", "POST"])
@staff_required
def greening_line_add(request, pk: int):
    area = green_area_get_for_user(request.user, pk)
    form = AddLineForm(request.POST or None)
    rectification = _rectification(request, area.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_line_add(
                area=area, by=request.user, rectification=rectification, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("计划项已添加"))
            return redirect("environment:green_area_detail", pk=area.pk)
    context = {"estate": area.estate, "form": form, "cancel": area.pk,
               "title": _("添加计划项：%(name)s") % {"name": area.name},
               "rectification": rectification}  # fmt: skip
    return render_local(request, "environment/greening/form.html", context, area.estate)


class AdjustForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("开始日期"),
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    end = forms.DateField(label=gettext_lazy("结束日期"),
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    times = forms.CharField(label=gettext_lazy("加浇时间"), max_length=60, initial="17:00",
                            help_text=gettext_lazy("在每天原有浇水之外增加，如 17:00"))  # fmt: skip
    areas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("绿化区域"), queryset=GreenArea.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("不选则为所有有浇水计划的区域"),
    )  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("调整原因"), max_length=500,
                             help_text=gettext_lazy("如 连续高温38℃，增加傍晚浇水"))  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = GreenArea.objects.filter(estate=estate, active=True)


@require_http_methods(["GET", "POST"])
@estate_page
def greening_adjust(request, estate):
    form = AdjustForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lines = services.greening_heat_adjust(
                estate=estate, by=request.user, start=data["start"], end=data["end"],
                times=_times(data["times"]), reason=data["reason"],
                areas=list(data["areas"]) or None,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已为 %(n)d 个区域增加浇水") % {"n": len(lines)})
            return redirect("environment:greening_plan")
    context = {"estate": estate, "form": form, "title": _("高温调整：增加浇水")}
    return render_local(request, "environment/greening/form.html", context, estate)


@require_GET
@estate_page
def greening_revisions(request, estate):
    qs = selectors.revisions_for_user(request.user).filter(estate=estate)
    area = request.GET.get("area", "")
    if area.isdigit():
        qs = qs.filter(green_area_id=int(area))
    context = {"estate": estate, "page": paginate(request, qs), "area": area,
               "areas": GreenArea.objects.filter(estate=estate)}  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "environment/greening/revisions.html",
            "environment/greening/revision_rows.html", context,
        )  # fmt: skip


urlpatterns = [
    path("greening/plan/", greening_plan, name="greening_plan"),
    path("greening/plan/seed/", greening_plan_seed, name="greening_plan_seed"),
    path("greening/plan/export.xlsx", greening_plan_export, name="greening_plan_export"),
    path("greening/plan/adjust/", greening_adjust, name="greening_adjust"),
    path("greening/plan/revisions/", greening_revisions, name="greening_revisions"),
    path("greening/lines/<int:pk>/edit/", greening_line_edit, name="greening_line_edit"),
    path("greening/lines/<int:pk>/stop/", greening_line_stop, name="greening_line_stop"),
    path("greening/areas/<int:pk>/lines/new/", greening_line_add, name="greening_line_add"),
]
