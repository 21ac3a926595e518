"""Pages of greening's ground work: the landscape plan (GREEN-03/04), green areas (GREEN-01/02)
with their Excel export, and the gardeners' skills and trainings (GREEN-14) — thin over
``services.landscape``, ``services.green`` and ``services.skills``, the same as the API."""

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
from wuye.core.models import PublicArea
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import GreenKind, PlantingLayer, Positioning
from ..selectors import green as selectors
from ..selectors.greening import line_timing
from ..services import green as services
from ..services import landscape, skills
from ..services.landscape import LAYER_SUGGESTIONS

SKILL_KINDS = skills.SKILL_KINDS


class LandscapeForm(forms.Form):
    positioning = forms.ChoiceField(label=gettext_lazy("小区定位"), choices=Positioning.choices)
    layers = forms.MultipleChoiceField(
        label=gettext_lazy("种植层次"), choices=PlantingLayer.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选则按小区定位的建议层次，如高端住宅为乔木+灌木+花卉"),
    )  # fmt: skip
    landscape_plan = forms.CharField(
        label=gettext_lazy("绿化景观规划"), max_length=landscape.LANDSCAPE_PLAN_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@estate_page
def green_landscape(request, estate):
    profile = selectors.landscape_profile(estate)
    initial = {}
    if profile is not None:
        initial = {"positioning": profile.positioning, "layers": profile.layers,
                   "landscape_plan": profile.landscape_plan}  # fmt: skip
    form = LandscapeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            landscape.landscape_plan_record(
                estate=estate, by=request.user, positioning=data["positioning"],
                layers=data["layers"] or None, landscape_plan=data["landscape_plan"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("绿化景观规划已保存"))
            return redirect("environment:green_landscape")
    suggestions = {
        key: " + ".join(str(PlantingLayer(x).label) for x in layers)
        for key, layers in LAYER_SUGGESTIONS.items()
    }
    pairs = [(Positioning(k).label, v) for k, v in suggestions.items()]
    context = {"estate": estate, "form": form, "profile": profile, "suggestions": pairs}
    return render_local(request, "environment/green/landscape.html", context, estate)


class GreenAreaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("区域名称"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("绿化类型"), choices=GreenKind.choices)
    planting = forms.CharField(label=gettext_lazy("主要植物"), max_length=200, required=False,
                               help_text=gettext_lazy("如 香樟、红叶石楠、月季"))  # fmt: skip
    area_m2 = forms.DecimalField(label=gettext_lazy("面积（㎡）"), required=False, min_value=0.1,
                                 max_digits=9, decimal_places=1)  # fmt: skip
    public_area = forms.ModelChoiceField(
        label=gettext_lazy("公共区域"), queryset=PublicArea.objects.none(), required=False
    )
    gardeners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("养护人"), queryset=services.Staff.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("没有养护人的区域不能制定养护计划"),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_area"].queryset = PublicArea.objects.filter(estate=estate)
        self.fields["gardeners"].queryset = services.estate_gardeners(estate)
        self.fields["gardeners"].label_from_instance = lambda staff: staff.name


def _area_list(request, estate):
    g = request.GET
    gardener = g.get("gardener", "")
    qs = selectors.green_areas_filter(
        selectors.green_areas_for_user(request.user).filter(estate=estate),
        kind=g.get("kind", ""), q=g.get("q", "").strip()[:100], active=g.get("active", "1"),
        gardener=int(gardener) if gardener.isdigit() else None,
    )  # fmt: skip
    return qs


@require_GET
@estate_page
def green_area_list(request, estate):
    context = {
        "estate": estate, "page": paginate(request, _area_list(request, estate)),
        "kinds": GreenKind.choices, "gardeners": services.estate_gardeners(estate),
        "kind": request.GET.get("kind", ""), "q": request.GET.get("q", ""),
        "active": request.GET.get("active", "1"), "gardener": request.GET.get("gardener", ""),
        "query": request.GET.urlencode(),
    }  # fmt: skip
    return render_list(
        request, "environment/green/list.html", "environment/green/results.html", context
    )


@require_GET
@estate_page
def green_area_export(request, estate):
    return selectors.area_export(estate, _area_list(request, estate))


def _area_form(request, estate, area=None):
    initial = {}
    if area is not None:
        initial = {"name": area.name, "kind": area.kind, "planting": area.planting,
                   "area_m2": area.area_m2, "public_area": area.public_area,
                   "gardeners": list(area.gardeners.all()), "note": area.note}  # fmt: skip
    form = GreenAreaForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["gardeners"] = list(values["gardeners"])
        try:
            if area is None:
                area = services.green_area_create(estate=estate, by=request.user, **values)
            else:
                area = services.green_area_update(area=area, by=request.user, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("绿化区域已保存"))
            return redirect("environment:green_area_detail", pk=area.pk)
    context = {"estate": estate, "form": form, "area": area}
    return render_local(request, "environment/green/form.html", context, estate)


@require_http_methods(["GET", "POST"])
@estate_page
def green_area_new(request, estate):
    return _area_form(request, estate)


@require_http_methods(["GET", "POST"])
@staff_required
def green_area_edit(request, pk: int):
    area = selectors.green_area_get_for_user(request.user, pk)
    return _area_form(request, area.estate, area)


@require_GET
@staff_required
def green_area_detail(request, pk: int):
    area = selectors.green_area_get_for_user(request.user, pk)
    lines = list(selectors.area_lines(area))
    for line in lines:
        line.timing = line_timing(line)
    context = {
        "estate": area.estate, "area": area, "lines": lines,
        "revisions": selectors.area_revisions(area),
        "treatments": area.treatments.select_related("by").order_by("-at")[:20],
        "inspections": area.inspections.order_by("-at")[:20],
        # CLEAN-15 / GREEN-11: opened from a rectification whose cause recurs — the plan
        # change made from here answers it.
        "rectification": area.rectifications.filter(
            pk=request.GET.get("rectification") or 0, closed_at__isnull=True
        ).select_related("case").first()
        if str(request.GET.get("rectification", "")).isdigit()
        else None,
    }  # fmt: skip
    return render_local(request, "environment/green/detail.html", context, area.estate)


@require_POST
@staff_required
def green_area_deactivate(request, pk: int):
    area = selectors.green_area_get_for_user(request.user, pk)
    try:
        services.green_area_deactivate(
            area=area, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("绿化区域已停用，其养护计划项已停止"))
    return redirect("environment:green_area_detail", pk=area.pk)


# --- Skills (GREEN-14) ---------------------------------------------------------------------------


class TrainingForm(forms.Form):
    topic = forms.CharField(label=gettext_lazy("培训主题"), max_length=skills.TOPIC_MAX,
                            help_text=gettext_lazy("如 常见病虫害识别、修剪技术"))  # fmt: skip
    held_on = forms.DateField(
        label=gettext_lazy("培训日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    trainer = forms.CharField(label=gettext_lazy("讲师"), max_length=skills.TRAINER_MAX)
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加人员"), queryset=services.Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = services.estate_gardeners(estate)
        self.fields["attendees"].label_from_instance = lambda staff: staff.name


@require_GET
@estate_page
def green_skills(request, estate):
    today = timezone.now().astimezone(estate_tz(estate)).date()
    context = {
        "estate": estate, "kinds": [str(k.label) for k in SKILL_KINDS],
        "rows": selectors.skills_table(estate, today, SKILL_KINDS),
        "trainings": selectors.trainings(estate),
    }  # fmt: skip
    return render_local(request, "environment/green/skills.html", context, estate)


@require_http_methods(["GET", "POST"])
@estate_page
def green_training_new(request, estate):
    form = TrainingForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training = skills.training_record(
                estate=estate, by=request.user, topic=data["topic"], held_on=data["held_on"],
                trainer=data["trainer"], attendees=list(data["attendees"]),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("培训已登记，编号 %(number)s") % {"number": training.number}
            )
            return redirect("environment:green_skills")
    context = {"estate": estate, "form": form}
    return render_local(request, "environment/green/training_form.html", context, estate)


urlpatterns = [
    path("green/landscape/", green_landscape, name="green_landscape"),
    path("green/areas/", green_area_list, name="green_area_list"),
    path("green/areas/export.xlsx", green_area_export, name="green_area_export"),
    path("green/areas/new/", green_area_new, name="green_area_new"),
    path("green/areas/<int:pk>/", green_area_detail, name="green_area_detail"),
    path("green/areas/<int:pk>/edit/", green_area_edit, name="green_area_edit"),
    path("green/areas/<int:pk>/deactivate/", green_area_deactivate, name="green_area_deactivate"),
    path("green/skills/", green_skills, name="green_skills"),
    path("green/skills/trainings/new/", green_training_new, name="green_training_new"),
]
