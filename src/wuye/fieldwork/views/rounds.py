"""Pages of rounds (巡检/巡更): the scan page a phone opens from a checkpoint's QR label (or the
code typed by hand), 我的巡查, a round checkpoint by checkpoint, the routes with their
checkpoints and labels, and the rounds report. Every write calls ``services.rounds``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.base.pages import paginate
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..documents.rounds import labels_response, report_xlsx, spaced_code
from ..models import Checklist, Route
from ..selectors import rounds as selectors
from ..services import rounds as services

# Route kinds offered on the page (the API takes any lower-case code).
ROUTE_KINDS = [
    ("security_patrol", gettext_lazy("秩序巡更")),
    ("equipment_patrol", gettext_lazy("设备巡检")),
    ("elevator_patrol", gettext_lazy("电梯巡检")),
    ("fire_check", gettext_lazy("消防巡查")),
    ("cleaning_check", gettext_lazy("保洁检查")),
]


def may_write(request: HttpRequest) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.ROUTE_WRITE_ROLES


def _field_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# --- Forms --------------------------------------------------------------------------------------


class RouteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("路线名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=ROUTE_KINDS)
    ordered = forms.BooleanField(label=gettext_lazy("须按顺序巡查"), required=False)
    walking_speed = forms.DecimalField(
        label=gettext_lazy("步行速度上限（米/秒）"),
        initial=Decimal(3),
        min_value=Decimal("0.1"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        help_text=gettext_lazy("两点之间快于此速度的打卡会被标记"),
    )
    min_gap_seconds = forms.IntegerField(
        label=gettext_lazy("两点最短间隔（秒）"),
        initial=20,
        min_value=0,
        max_value=86400,
        help_text=gettext_lazy("巡检点未标定位置时使用"),
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


class CheckpointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("巡检点名称"), max_length=100)
    location = forms.CharField(label=gettext_lazy("位置说明"), max_length=100, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("纬度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("经度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    radius_m = forms.IntegerField(
        label=gettext_lazy("允许偏差（米）"), initial=50, min_value=1, max_value=10000
    )
    checklist = forms.ModelChoiceField(
        label=gettext_lazy("检查表"), required=False, queryset=Checklist.objects.none()
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, route: Route, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.filter(
            Q(estate=route.estate) | Q(estate__isnull=True),
            company_id=route.estate.company_id,
            active=True,
        )


class ReportForm(forms.Form):
    route = forms.ModelChoiceField(
        label=gettext_lazy("路线"), required=False, queryset=Route.objects.none()
    )
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# --- Scanning (phone) ---------------------------------------------------------------------------


def _position(request: HttpRequest) -> dict:
    return {
        key: request.POST.get(key, "").strip() or None
        for key in ("latitude", "longitude", "accuracy")
    }


def _record(request: HttpRequest, *, token: str = "", code: str = ""):
    """Record the scan; the answer page, or (status, message) when refused."""
    try:
        result = services.scan_record(by=request.user, token=token, code=code, **_position(request))
    except Conflict as exc:
        return None, (409, exc.message)
    except ValidationError as exc:
        return None, (400, "；".join(m for ms in exc.message_dict.values() for m in ms))
    task = selectors.round_get_for_user(request.user, result.round.task_id)
    context = {
        "result": result,
        "scan": result.scan,
        "task": task,
        "checkpoint": result.scan.checkpoint,
        "route": result.round.route,
    }
    return render_local(request, "fieldwork/rounds/scan_done.html", context, task.estate), None


@login_required
def round_scan(request: HttpRequest, token: str):
    """扫码打卡: opened by the phone's camera from a checkpoint's label."""
    checkpoint = selectors.checkpoint_by_token(request.user, token)
    error = None
    if request.method == "POST":
        page, error = _record(request, token=token)
        if page is not None:
            return page
    now = timezone.now()
    task = selectors.current_round(checkpoint.route, now)
    context = {
        "checkpoint": checkpoint,
        "route": checkpoint.route,
        "task": task,
        "error": error[1] if error else "",
        "now": now,
    }
    return render_local(
        request,
        "fieldwork/rounds/scan.html",
        context,
        checkpoint.route.estate,
        status=error[0] if error else 200,
    )


@login_required
def round_scan_code(request: HttpRequest):
    """输入编码打卡: when the phone cannot read the label."""
    actor = actor_for(request.user)
    if not (actor.is_superuser or actor.staff is not None or actor.contractor is not None):
        raise PermissionDenied(_("此页面仅供员工使用"))
    error, code = None, ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:20]
        page, error = _record(request, code=code)
        if page is not None:
            return page
    return render(
        request,
        "fieldwork/rounds/scan_code.html",
        {"error": error[1] if error else "", "code": code},
        status=error[0] if error else 200,
    )


@estate_page
def round_mine(request: HttpRequest, estate: Estate):
    """我的巡查: the rounds running now (with progress 3/8) and those of the next 24 hours."""
    now = timezone.now()
    current, upcoming = selectors.my_rounds(
        actor=actor_for(request.user), now=now, estate_id=estate.pk
    )
    return render_local(
        request,
        "fieldwork/rounds/mine.html",
        {"current": current, "upcoming": upcoming, "now": now},
        estate,
    )


@login_required
def round_detail(request: HttpRequest, pk: int):
    """A round: its checkpoints in order with scan time, distance and flags; missed in red."""
    task = selectors.round_get_for_user(request.user, pk)
    context = {
        "task": task,
        "route": task.schedule.spec.route,
        "rows": selectors.round_rows(task),
        "now": timezone.now(),
    }
    return render_local(request, "fieldwork/rounds/detail.html", context, task.estate)


# --- Routes and checkpoints ---------------------------------------------------------------------


@estate_page
def route_list(request: HttpRequest, estate: Estate):
    q = request.GET.get("q", "").strip()[:100]
    routes = selectors.route_list(actor=actor_for(request.user), estate_id=estate.pk, q=q)
    context = {
        "page": paginate(request, routes),
        "q": q,
        "can_write": may_write(request),
        "form": RouteForm() if may_write(request) else None,
    }
    return render_local(request, "fieldwork/rounds/routes.html", context, estate)


@estate_page
def route_create(request: HttpRequest, estate: Estate):
    if not may_write(request):
        raise PermissionDenied(_("只有部门负责人或企业高层可以维护巡查路线"))
    form = RouteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            route = services.route_create(
                estate=estate,
                by=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k != "active"},
            )
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("路线已创建，请添加巡检点"))
            return redirect("fieldwork:route_detail", pk=route.pk)
    return render_local(request, "fieldwork/rounds/route_form.html", {"form": form}, estate)


def _route_page(request, route: Route, route_form=None, checkpoint_form=None, status=200):
    writer = may_write(request)
    context = {
        "route": route,
        "checkpoints": list(route.checkpoints.select_related("checklist").order_by("position")),
        "can_write": writer,
        "route_form": route_form
        or (
            RouteForm(
                initial={
                    "name": route.name,
                    "kind": route.kind,
                    "ordered": route.ordered,
                    "walking_speed": route.walking_speed,
                    "min_gap_seconds": route.min_gap_seconds,
                    "active": route.active,
                }
            )
            if writer
            else None
        ),
        "checkpoint_form": checkpoint_form or (CheckpointForm(route=route) if writer else None),
    }
    for c in context["checkpoints"]:
        c.code_text = spaced_code(c.code)
    return render_local(
        request, "fieldwork/rounds/route.html", context, route.estate, status=status
    )


@staff_required
def route_detail(request: HttpRequest, pk: int):
    """The route editor: its settings, its checkpoints in order, their labels."""
    return _route_page(request, selectors.route_get_for_user(request.user, pk))


@staff_required
@require_POST
def route_edit(request: HttpRequest, pk: int):
    route = selectors.route_get_for_user(request.user, pk)
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            services.route_update(route=route, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("路线已保存"))
            return redirect("fieldwork:route_detail", pk=route.pk)
    return _route_page(request, route, route_form=form, status=400)


@staff_required
@require_POST
def checkpoint_create(request: HttpRequest, pk: int):
    route = selectors.route_get_for_user(request.user, pk)
    form = CheckpointForm(request.POST, route=route)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "active"}
        try:
            services.checkpoint_create(route=route, by=request.user, **data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("巡检点已添加"))
            return redirect("fieldwork:route_detail", pk=route.pk)
    return _route_page(request, route, checkpoint_form=form, status=400)


@staff_required
def checkpoint_edit(request: HttpRequest, pk: int):
    checkpoint = selectors.checkpoint_get_for_user(request.user, pk)
    route = checkpoint.route
    if not may_write(request):
        raise PermissionDenied(_("只有部门负责人或企业高层可以维护巡查路线"))
    initial = {
        f: getattr(checkpoint, f)
        for f in ("name", "location", "latitude", "longitude", "radius_m", "checklist", "active")
    }
    form = CheckpointForm(request.POST or None, route=route, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_update(checkpoint=checkpoint, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("巡检点已保存"))
            return redirect("fieldwork:route_detail", pk=route.pk)
    return render_local(
        request,
        "fieldwork/rounds/checkpoint_form.html",
        {"form": form, "checkpoint": checkpoint, "route": route},
        route.estate,
    )


@staff_required
@require_POST
def checkpoint_move(request: HttpRequest, pk: int):
    """Move a checkpoint one place up or down the route."""
    checkpoint = selectors.checkpoint_get_for_user(request.user, pk)
    order = list(checkpoint.route.checkpoints.order_by("position").values_list("pk", flat=True))
    index = order.index(checkpoint.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        services.checkpoint_reorder(route=checkpoint.route, order=order, by=request.user)
    return redirect("fieldwork:route_detail", pk=checkpoint.route_id)


@staff_required
@require_POST
def checkpoint_regenerate(request: HttpRequest, pk: int):
    checkpoint = selectors.checkpoint_get_for_user(request.user, pk)
    services.checkpoint_regenerate_token(checkpoint=checkpoint, by=request.user)
    messages.success(
        request,
        _("已更换“%(name)s”的二维码，旧标签已作废，请打印新标签") % {"name": checkpoint.name},
    )
    return redirect("fieldwork:route_detail", pk=checkpoint.route_id)


@staff_required
def route_labels(request: HttpRequest, pk: int):
    """The printable A4 sheet of the route's active checkpoint labels."""
    route = selectors.route_get_for_user(request.user, pk)
    return labels_response(request, route, list(route.checkpoints.filter(active=True)))


@staff_required
def checkpoint_label(request: HttpRequest, pk: int):
    checkpoint = selectors.checkpoint_get_for_user(request.user, pk)
    return labels_response(request, checkpoint.route, [checkpoint])


# --- Report -------------------------------------------------------------------------------------


def report_filters(request: HttpRequest, estate: Estate) -> tuple[ReportForm, dict]:
    """The report's filters (default: the last 30 days up to today, local)."""
    form = ReportForm(request.GET or None)
    form.fields["route"].queryset = Route.objects.filter(estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    date_from, date_to = selectors.report_dates(estate, data.get("date_from"), data.get("date_to"))
    route = data.get("route")
    return form, {
        "date_from": date_from,
        "date_to": date_to,
        "route_id": route.pk if route else None,
    }


@estate_page
def round_report(request: HttpRequest, estate: Estate):
    """巡查统计: by route and date range, rounds done and missed, checkpoints missed, flagged
    scans; the rounds behind the figures below."""
    actor = actor_for(request.user)
    form, filters = report_filters(request, estate)
    rows = selectors.round_report(actor=actor, estate=estate, **filters)
    rounds = selectors.round_list(
        actor=actor, estate_id=estate.pk, zone=estate_tz(estate), **filters
    )
    context = {
        "form": form,
        "rows": rows,
        "page": paginate(request, rounds),
        **filters,
        "query": request.GET.urlencode(),
    }
    return render_local(request, "fieldwork/rounds/report.html", context, estate)


@estate_page
def round_report_export(request: HttpRequest, estate: Estate):
    _form, filters = report_filters(request, estate)
    rows = selectors.round_report(actor=actor_for(request.user), estate=estate, **filters)
    return report_xlsx(estate, rows, filters["date_from"], filters["date_to"])


urlpatterns = [
    path("fieldwork/rounds/scan/", round_scan_code, name="round_scan_code"),
    path("fieldwork/rounds/scan/<str:token>/", round_scan, name="round_scan"),
    path("fieldwork/rounds/mine/", round_mine, name="round_mine"),
    path("fieldwork/rounds/report/", round_report, name="round_report"),
    path("fieldwork/rounds/report.xlsx", round_report_export, name="round_report_export"),
    path("fieldwork/rounds/<int:pk>/", round_detail, name="round_detail"),
    path("fieldwork/routes/", route_list, name="route_list"),
    path("fieldwork/routes/new/", route_create, name="route_create"),
    path("fieldwork/routes/<int:pk>/", route_detail, name="route_detail"),
    path("fieldwork/routes/<int:pk>/edit/", route_edit, name="route_edit"),
    path("fieldwork/routes/<int:pk>/checkpoints/", checkpoint_create, name="checkpoint_create"),
    path("fieldwork/routes/<int:pk>/labels.pdf", route_labels, name="route_labels"),
    path("fieldwork/checkpoints/<int:pk>/edit/", checkpoint_edit, name="checkpoint_edit"),
    path("fieldwork/checkpoints/<int:pk>/move/", checkpoint_move, name="checkpoint_move"),
    path(
        "fieldwork/checkpoints/<int:pk>/regenerate/",
        checkpoint_regenerate,
        name="checkpoint_regenerate",
    ),
    path("fieldwork/checkpoints/<int:pk>/label.pdf", checkpoint_label, name="checkpoint_label"),
]
