"""Pages of the cleaning zones (清洁区域, CLEAN-01/04): the zone map with today's progress, a
zone's page, its forms, building the standard zones from the estate's layout, the zones' QR
labels, and the department's cleaning settings (环境管理设置, CLEAN-07/08/10) — thin over
``services.zones`` and ``services.cleaning``, the same as the API."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from wuye.base.pages import paginate, render_list
from wuye.core.choices import Role
from wuye.core.forms import add_service_errors
from wuye.core.models import Building, PublicArea
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import ZoneKind
from ..documents.zone_labels import zone_labels_response
from ..models import PlanLine, PlanRevision
from ..processes import ENVIRONMENT_LEADS
from ..selectors import zones as selectors
from ..services import cleaning as plan_services
from ..services import zones as services

# Who reads the zone map: the department's leads and the auditors; who writes: the leads.
READERS = ENVIRONMENT_LEADS | {Role.AUDITOR}


def require_role(request, roles, message: str) -> None:
    actor = actor_for(request.user)
    if not actor.is_superuser and actor.role not in roles:
        raise PermissionDenied(message)


def _read(request) -> None:
    require_role(request, READERS, _("清洁区域由环境管理部查看和管理"))


def _lead(request) -> None:
    require_role(request, ENVIRONMENT_LEADS, _("只有环境管理部负责人或企业高层可以修改清洁区域"))


def _url(name: str, *args) -> str | None:
    """A page of another topic, when it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def zones_filter(qs, *, kind: str = "", cleaner: int | None = None, active: str = "1",
                 q: str = ""):  # fmt: skip
    if kind:
        qs = qs.filter(kind=kind)
    if cleaner is not None:
        qs = qs.filter(cleaners__id=cleaner)
    if active in ("1", "0"):
        qs = qs.filter(active=active == "1")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(note__icontains=q))
    return qs.distinct().order_by("kind", "name", "id")


def _zone_list(request, estate):
    g = request.GET
    cleaner = g.get("cleaner", "")
    return zones_filter(
        selectors.zones_for_user(request.user).filter(estate=estate),
        kind=g.get("kind", ""), cleaner=int(cleaner) if cleaner.isdigit() else None,
        active=g.get("active", "1"), q=g.get("q", "").strip()[:100],
    )  # fmt: skip


def _day_bounds(estate, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = estate_tz(estate)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def _today(estate) -> dt.date:
    return timezone.now().astimezone(estate_tz(estate)).date()


def _annotate(zones: list, estate) -> None:
    """Each zone's plan lines with their frequency in words, and today's tasks done / planned."""
    ids = [z.pk for z in zones]
    profile = services.profile_get(estate)
    lines: dict[int, list] = {}
    for line in (
        PlanLine.objects.filter(zone_id__in=ids, active=True)
        .select_related("schedule", "estate")
        .order_by("work", "id")
    ):
        line.frequency = plan_services.frequency_text(line, profile)
        lines.setdefault(line.zone_id, []).append(line)
    start, end = _day_bounds(estate, _today(estate))
    tasks = (
        PlannedTask.objects.filter(
            schedule__environment_line__zone_id__in=ids, scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        .exclude(status=PlannedTaskStatus.CANCELLED)
        .values_list("schedule__environment_line__zone_id", "status")
    )  # fmt: skip
    planned, done = Counter(), Counter()
    for zone_id, status in tasks:
        planned[zone_id] += 1
        done[zone_id] += status == PlannedTaskStatus.DONE
    for zone in zones:
        zone.lines = lines.get(zone.pk, [])
        zone.planned_today = planned[zone.pk]
        zone.done_today = done[zone.pk]


@require_GET
@estate_page
def zone_list(request, estate):
    """CLEAN-01/04: the zone map."""
    _read(request)
    page = paginate(request, _zone_list(request, estate))
    _annotate(list(page.object_list), estate)
    actor = actor_for(request.user)
    context = {
        "estate": estate, "page": page, "kinds": ZoneKind.choices,
        "cleaners": services.estate_cleaners(estate),
        "kind": request.GET.get("kind", ""), "q": request.GET.get("q", ""),
        "active": request.GET.get("active", "1"), "cleaner": request.GET.get("cleaner", ""),
        "query": request.GET.urlencode(), "today": _today(estate),
        "may_write": actor.is_superuser or actor.role in ENVIRONMENT_LEADS,
        "plan_url": _url("environment:cleaning_plan"),
    }  # fmt: skip
    return render_list(
        request, "environment/zones/list.html", "environment/zones/results.html", context
    )


@require_GET
@estate_page
def zone_labels(request, estate):
    """The QR labels of the zones on the map (all or the filtered ones)."""
    _read(request)
    zones = list(_zone_list(request, estate).select_related("estate"))
    return zone_labels_response(request, zones, estate.name)


@require_GET
@staff_required
def zone_detail(request, pk: int):
    zone = selectors.zone_get_for_user(request.user, pk)
    _read(request)
    estate = zone.estate
    _annotate([zone], estate)
    all_lines = list(
        PlanLine.objects.filter(zone=zone, active=False).select_related("schedule", "estate")
    )
    start, _end = _day_bounds(estate, _today(estate) - dt.timedelta(days=6))
    now = timezone.now()
    tasks = (
        PlannedTask.objects.filter(
            schedule__environment_line__zone=zone, scheduled_for__gte=start,
            scheduled_for__lte=now,
        )
        .select_related("schedule__environment_line", "schedule__assignee__staff")
        .order_by("-scheduled_for")[:50]
    )  # fmt: skip
    plan_url = _url("environment:cleaning_plan")
    actor = actor_for(request.user)
    context = {
        "estate": estate, "zone": zone, "stopped_lines": all_lines,
        "revisions": PlanRevision.objects.filter(zone=zone).select_related("by", "line")[:30],
        "tasks": tasks,
        "inspections": zone.inspections.order_by("-at")[:20],
        "rectifications": _open_rectifications(zone),
        "plan_url": f"{plan_url}?zone={zone.pk}" if plan_url else None,
        "may_write": actor.is_superuser or actor.role in ENVIRONMENT_LEADS,
    }  # fmt: skip
    return render_local(request, "environment/zones/detail.html", context, estate)


def _open_rectifications(zone):
    """The zone's rectifications not yet re-checked as passed."""
    return zone.rectifications.filter(closed_at__isnull=True).select_related("assignee")[:20]


class ZoneForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("区域名称"), max_length=services.NAME_MAX,
                           help_text=gettext_lazy("如 1栋楼道及楼梯间、小区主干道"))  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("区域类型"), choices=ZoneKind.choices)
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False
    )
    public_area = forms.ModelChoiceField(
        label=gettext_lazy("公共区域"), queryset=PublicArea.objects.none(), required=False
    )
    cleaners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("责任人"), queryset=services.Staff.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("每个区域须落实到人；第一位责任人接收计划任务"),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("说明"), max_length=services.NOTE_MAX,
                           required=False)  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("调整原因"), max_length=500, required=False,
        help_text=gettext_lazy("更换责任人时，计划任务转给新的责任人，并记入计划调整"),
    )  # fmt: skip

    def __init__(self, *args, estate, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["public_area"].queryset = PublicArea.objects.filter(estate=estate)
        self.fields["cleaners"].queryset = services.estate_cleaners(estate)
        self.fields["cleaners"].label_from_instance = lambda staff: staff.name
        if zone is None:
            del self.fields["reason"]
        else:
            self.fields["kind"].disabled = True


def _zone_form(request, estate, zone=None):
    _lead(request)
    initial = {}
    if zone is not None:
        initial = {"name": zone.name, "kind": zone.kind, "building": zone.building,
                   "public_area": zone.public_area, "note": zone.note,
                   "cleaners": list(zone.cleaners.order_by("name", "id"))}  # fmt: skip
    form = ZoneForm(request.POST or None, estate=estate, zone=zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["cleaners"] = list(values["cleaners"])
        try:
            if zone is None:
                zone = services.zone_create(estate=estate, by=request.user, **values)
            else:
                values.pop("kind")
                reason = values.pop("reason", "")
                zone = services.zone_update(zone=zone, by=request.user, reason=reason, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("清洁区域已保存"))
            return redirect("environment:zone_detail", pk=zone.pk)
    context = {"estate": estate, "form": form, "zone": zone}
    return render_local(request, "environment/zones/form.html", context, estate)


@require_http_methods(["GET", "POST"])
@estate_page
def zone_create(request, estate):
    return _zone_form(request, estate)


@require_http_methods(["GET", "POST"])
@staff_required
def zone_edit(request, pk: int):
    zone = selectors.zone_get_for_user(request.user, pk)
    return _zone_form(request, zone.estate, zone)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("停用原因"), max_length=500)


@require_http_methods(["GET", "POST"])
@staff_required
def zone_deactivate(request, pk: int):
    zone = selectors.zone_get_for_user(request.user, pk)
    _lead(request)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.zone_deactivate(zone=zone, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("清洁区域已停用，其清洁计划已停止"))
            return redirect("environment:zone_detail", pk=zone.pk)
    lines = zone.plan_lines.filter(active=True).count()
    context = {"estate": zone.estate, "zone": zone, "form": form, "active_lines": lines}
    return render_local(request, "environment/zones/deactivate.html", context, zone.estate)


class BuildForm(forms.Form):
    cleaners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("默认责任人"), queryset=services.Staff.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("新区域都由这些人负责，之后可逐个区域调整"),
    )  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cleaners"].queryset = services.estate_cleaners(estate)
        self.fields["cleaners"].label_from_instance = lambda staff: staff.name


def _preview(estate, user) -> list[dict]:
    """What ``zones_build`` would create now: run it and roll it back."""
    rows = []
    with transaction.atomic():
        for zone in services.zones_build(estate=estate, by=user):
            rows.append({"name": zone.name, "kind": zone.get_kind_display(),
                         "place": zone.building or zone.public_area or ""})  # fmt: skip
        transaction.set_rollback(True)
    return rows


@require_http_methods(["GET", "POST"])
@estate_page
def zones_build(request, estate):
    """CLEAN-01: the standard zones of the estate's layout, after confirming the list."""
    _lead(request)
    form = BuildForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.zones_build(
                estate=estate, by=request.user, cleaners=list(form.cleaned_data["cleaners"])
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if made:
                messages.success(request, _("已生成 %(n)d 个清洁区域") % {"n": len(made)})
            else:
                messages.info(request, _("本项目的标准区域都已划分，没有新生成区域"))
            return redirect("environment:zone_list")
    context = {"estate": estate, "form": form, "proposals": _preview(estate, request.user)}
    return render_local(request, "environment/zones/build.html", context, estate)


# --- Settings (环境管理设置) ---------------------------------------------------------------------


class SettingsForm(forms.Form):
    toilets_open = forms.TimeField(
        label=gettext_lazy("公共卫生间开放时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    toilets_close = forms.TimeField(
        label=gettext_lazy("公共卫生间关闭时间"), widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("开放期间每 2 小时清洁一次"),
    )  # fmt: skip
    bucket_litres = forms.DecimalField(
        label=gettext_lazy("消毒桶容量（升）"), min_value=0.5, max_value=100, max_digits=5,
        decimal_places=1, help_text=gettext_lazy("84 消毒液按 1:100 稀释，保存后显示配比用量"),
    )  # fmt: skip
    rain_sweep_hours = forms.IntegerField(
        label=gettext_lazy("雨后清扫时限（小时）"), min_value=1, max_value=24,
        help_text=gettext_lazy("登记下雨后，主干道清扫须在此时限内完成"),
    )  # fmt: skip
    heat_threshold = forms.DecimalField(
        label=gettext_lazy("高温加浇温度（℃）"), min_value=25, max_value=45, max_digits=4,
        decimal_places=1,
        help_text=gettext_lazy("登记的气温达到此温度时，当天为浇水区域增加一次浇水"),
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("调整原因"), max_length=500,
        help_text=gettext_lazy("修改会调整清洁计划的时间或作业标准，须说明原因"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@estate_page
def environment_settings(request, estate):
    """The cleaning settings of the estate (CLEAN-07/08/10); greening's are read-only here."""
    require_role(request, ENVIRONMENT_LEADS,
                 _("只有环境管理部负责人或企业高层可以修改环境管理设置"))  # fmt: skip
    profile = services.profile_get(estate)
    initial = {"toilets_open": profile.toilets_open, "toilets_close": profile.toilets_close,
               "bucket_litres": profile.bucket_litres,
               "rain_sweep_hours": profile.rain_sweep_hours,
               "heat_threshold": profile.heat_threshold}  # fmt: skip
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.profile_update(estate=estate, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("环境管理设置已保存"))
            return redirect("environment:settings")
    disinfectant, water = plan_services.dilution(profile.bucket_litres)
    context = {
        "estate": estate, "form": form, "profile": profile, "disinfectant_ml": disinfectant,
        "water_ml": water, "landscape_url": _url("environment:green_landscape"),
    }  # fmt: skip
    return render_local(request, "environment/zones/settings.html", context, estate)


urlpatterns = [
    path("zones/", zone_list, name="zone_list"),
    path("zones/labels.pdf", zone_labels, name="zone_labels"),
    path("zones/new/", zone_create, name="zone_create"),
    path("zones/build/", zones_build, name="zones_build"),
    path("zones/<int:pk>/", zone_detail, name="zone_detail"),
    path("zones/<int:pk>/edit/", zone_edit, name="zone_edit"),
    path("zones/<int:pk>/deactivate/", zone_deactivate, name="zone_deactivate"),
    path("settings/", environment_settings, name="settings"),
]
