"""Pages of the 《清洁卫生计划》 (CLEAN-05..10, CLEAN-15): the plan per zone, seeding it with the
manual's frequencies, a line's timing and cleaner, stopping and adding lines (each with a
reason, optionally linked to a rectification), the plan's revisions and its Excel export —
thin over ``services.cleaning``, the same as the API."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required

from ..choices import WorkKind
from ..documents.cleaning_plan import change_texts, cleaning_plan_xlsx, line_rows
from ..models import CleaningZone, PlanLine, Rectification
from ..selectors import cleaning as selectors
from ..selectors.rectifications import rectification_get_for_user
from ..selectors.zones import zone_get_for_user
from ..services import cleaning as services
from ..services.zones import check_lead, profile_get


def _errors(exc: ValidationError) -> str:
    return "；".join(m for ms in exc.message_dict.values() for m in ms)


def _times(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()]


def _is_lead(user, estate_id: int) -> bool:
    try:
        check_lead(actor_for(user), estate_id)
    except (PermissionDenied, Http404):
        return False
    return True


def _rectification(user, raw, zone: CleaningZone) -> Rectification | None:
    """CLEAN-15: the open rectification of the same zone the change answers, or None when none
    was given; a ValidationError when it is not one."""
    raw = str(raw or "").strip()
    if not raw:
        return None
    try:
        rectification = rectification_get_for_user(user, int(raw)) if raw.isdigit() else None
    except Http404:
        rectification = None
    if (
        rectification is None
        or rectification.estate_id != zone.estate_id
        or rectification.zone_id != zone.pk
    ):
        raise ValidationError({"rectification": [_("关联的整改不是该区域的整改")]})
    if rectification.closed_at is not None:
        raise ValidationError({"rectification": [_("关联的整改已关闭")]})
    return rectification


def _banner(user, raw, zone: CleaningZone | None) -> Rectification | None:
    """The rectification a page carries, for its banner (None when it is not a valid one)."""
    if zone is None:
        return None
    try:
        return _rectification(user, raw, zone)
    except ValidationError:
        return None


# --- The plan ----------------------------------------------------------------------------------


@require_GET
@estate_page
def cleaning_plan(request, estate):
    zones = CleaningZone.objects.filter(estate=estate, active=True).order_by("kind", "name")
    zone_raw = request.GET.get("zone", "")
    zone = None
    if zone_raw:
        zone = zone_get_for_user(request.user, int(zone_raw)) if zone_raw.isdigit() else None
        if zone is None or zone.estate_id != estate.pk:
            raise Http404
        zones = zones.filter(pk=zone.pk)
    stopped = request.GET.get("stopped") == "1"
    lines = selectors.lines_for_user(request.user).filter(estate=estate)
    if not stopped:
        lines = lines.filter(active=True)
    profile = profile_get(estate)
    by_zone: dict[int, list] = {}
    for row in line_rows(lines, profile):
        by_zone.setdefault(row.line.zone_id, []).append(row)
    groups: list[dict] = []
    for z in zones.prefetch_related("cleaners"):
        if not groups or groups[-1]["kind"] != z.kind:
            groups.append({"kind": z.kind, "label": z.get_kind_display(), "zones": []})
        groups[-1]["zones"].append({"zone": z, "rows": by_zone.get(z.pk, []),
                                    "cleaners": [c.name for c in z.cleaners.all()]})  # fmt: skip
    rect_raw = request.GET.get("rectification", "")
    context = {
        "estate": estate, "groups": groups, "zone": zone, "stopped": stopped,
        "is_lead": _is_lead(request.user, estate.pk), "profile": profile,
        "rectification": _banner(request.user, rect_raw, zone),
        "seed_reason": _("按服务手册默认频率制定清洁计划"),
    }  # fmt: skip
    if context["rectification"]:
        context["rect_query"] = f"?rectification={context['rectification'].pk}"
    return render_local(request, "environment/cleaning/plan.html", context, estate)


@require_POST
@estate_page
def cleaning_plan_seed(request, estate):
    try:
        made = services.cleaning_plan_seed(
            estate=estate, by=request.user, reason=request.POST.get("reason", "").strip()[:500]
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if made:
            messages.success(request, _("已生成 %(n)d 个计划项") % {"n": len(made)})
        else:
            messages.info(request, _("各区域已有标准作业，或还没有指定责任人的区域"))
    return redirect("environment:cleaning_plan")


@require_GET
@estate_page
def cleaning_plan_export(request, estate):
    lines = selectors.lines_for_user(request.user).filter(estate=estate, active=True)
    return cleaning_plan_xlsx(estate, lines)


# --- Line forms --------------------------------------------------------------------------------


class TimingForm(forms.Form):
    times = forms.CharField(
        label=gettext_lazy("作业时间"), max_length=200, required=False,
        help_text=gettext_lazy("多个时间用逗号分隔，如 07:00,14:00"),
    )  # fmt: skip
    every_hours = forms.IntegerField(
        label=gettext_lazy("开放时间内每隔几小时"), min_value=1, max_value=12, required=False,
        help_text=gettext_lazy("用于公共卫生间：从开放时间起每隔几小时一次，到关闭时间为止；"
                               "填写则不用填作业时间"),
    )  # fmt: skip
    every_days = forms.IntegerField(label=gettext_lazy("每隔几天"), min_value=1,
                                    max_value=services.EVERY_DAYS_MAX, initial=1)  # fmt: skip
    due_hours = forms.IntegerField(label=gettext_lazy("完成时限（小时）"), min_value=1,
                                   max_value=services.DUE_HOURS_MAX, initial=2)  # fmt: skip
    assignee = forms.ModelChoiceField(label=gettext_lazy("执行人"), queryset=None)
    photos = forms.IntegerField(label=gettext_lazy("需拍照片数"), min_value=0, max_value=20,
                                initial=1)  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("调整原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    rectification = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, zone: CleaningZone, rain: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = zone.cleaners.filter(is_active=True).order_by("name")
        self.fields["assignee"].label_from_instance = lambda staff: staff.name
        if rain:  # CLEAN-07: a rain sweep has no times of its own, only its time limit
            for name in ("times", "every_hours", "every_days"):
                del self.fields[name]

    def timing(self) -> dict:
        data = self.cleaned_data
        values = {"assignee": data["assignee"], "photos": data["photos"],
                  "due_hours": data["due_hours"]}  # fmt: skip
        if "times" in self.fields:
            values["every_days"] = data["every_days"]
            if data["every_hours"]:
                values["every_hours"] = data["every_hours"]
            else:
                values["times"] = _times(data["times"])
        return values


class CreateForm(TimingForm):
    work = forms.ChoiceField(label=gettext_lazy("作业内容"), choices=())
    field_order = ["work"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"].choices = [(w.value, w.label) for w in services.LINE_WORK]
        self.order_fields(["work"])
        self.fields["reason"].label = _("新增原因")

    def timing(self) -> dict:
        values = super().timing()
        if self.cleaned_data["work"] == WorkKind.RAIN_SWEEP:
            for name in ("times", "every_hours", "every_days"):
                values.pop(name, None)
        return values


class StopForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("停用原因"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    rectification = forms.CharField(required=False, widget=forms.HiddenInput)


def _initial(line: PlanLine, rect: str) -> dict:
    s = line.schedule
    spec = getattr(s, "spec", None)
    step = services.window_step(list(s.times or []), profile_get(line.estate))
    initial = {
        "times": ",".join(s.times or []), "every_days": s.interval, "due_hours": s.due_amount,
        "assignee": getattr(s.assignee, "staff", None), "photos": spec.photos if spec else 0,
        "rectification": rect,
    }  # fmt: skip
    if step and line.work == WorkKind.CLEAN:
        initial |= {"every_hours": step, "times": ""}
    return initial


def _form_page(request, form, *, title, zone, line=None):
    rect = _banner(request.user, form["rectification"].value(), zone)
    context = {"estate": zone.estate, "form": form, "title": title, "zone": zone, "line": line,
               "rectification": rect,
               "cancel": reverse("environment:cleaning_plan") + f"?zone={zone.pk}"}  # fmt: skip
    return render_local(request, "environment/cleaning/form.html", context, zone.estate)


def _done(zone: CleaningZone):
    return redirect(reverse("environment:cleaning_plan") + f"?zone={zone.pk}")


@require_http_methods(["GET", "POST"])
@staff_required
def cleaning_line_edit(request, pk: int):
    line = selectors.line_get_for_user(request.user, pk)
    check_lead(actor_for(request.user), line.estate_id)  # CLEAN-02: 403 for the others
    rect = request.GET.get("rectification", "")
    rain = line.work == WorkKind.RAIN_SWEEP
    form = TimingForm(request.POST or None, zone=line.zone, rain=rain,
                      initial=_initial(line, rect))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            rectification = _rectification(request.user, form.cleaned_data["rectification"],
                                            line.zone)  # fmt: skip
            services.line_update(line=line, by=request.user, reason=form.cleaned_data["reason"],
                                 rectification=rectification, **form.timing())  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("计划项已调整"))
            return _done(line.zone)
    title = _("调整作业：%(zone)s %(work)s") % {"zone": line.zone.name,
                                                "work": line.get_work_display()}  # fmt: skip
    return _form_page(request, form, title=title, zone=line.zone, line=line)


@require_http_methods(["GET", "POST"])
@staff_required
def cleaning_line_stop(request, pk: int):
    line = selectors.line_get_for_user(request.user, pk)
    check_lead(actor_for(request.user), line.estate_id)
    form = StopForm(request.POST or None,
                    initial={"rectification": request.GET.get("rectification", "")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            rectification = _rectification(request.user, form.cleaned_data["rectification"],
                                            line.zone)  # fmt: skip
            services.line_stop(line=line, by=request.user, reason=form.cleaned_data["reason"],
                               rectification=rectification)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("计划项已停用"))
            return _done(line.zone)
    title = _("停用作业：%(zone)s %(work)s") % {"zone": line.zone.name,
                                                "work": line.get_work_display()}  # fmt: skip
    return _form_page(request, form, title=title, zone=line.zone, line=line)


@require_http_methods(["GET", "POST"])
@staff_required
def cleaning_line_create(request):
    raw = request.GET.get("zone", "")
    if not raw.isdigit():
        raise Http404
    zone = zone_get_for_user(request.user, int(raw))
    check_lead(actor_for(request.user), zone.estate_id)
    initial = {"rectification": request.GET.get("rectification", ""), "every_days": 1,
               "due_hours": 2, "photos": 1}  # fmt: skip
    rain = request.POST.get("work") == WorkKind.RAIN_SWEEP
    form = CreateForm(request.POST or None, zone=zone, initial=initial)
    if rain:
        for name in ("times", "every_hours", "every_days"):
            form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rectification = _rectification(request.user, data["rectification"], zone)
            services.line_create(zone=zone, work=data["work"], by=request.user,
                                 reason=data["reason"], rectification=rectification,
                                 **form.timing())  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("作业已新增"))
            return _done(zone)
    title = _("新增作业：%(zone)s") % {"zone": zone.name}
    return _form_page(request, form, title=title, zone=zone)


# --- Revisions ---------------------------------------------------------------------------------


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@require_GET
@estate_page
def cleaning_revisions(request, estate):
    qs = selectors.revisions_for_user(request.user).filter(estate=estate)
    qs = qs.select_related("rectification__case", "by__staff").order_by("-at", "-id")
    zone = request.GET.get("zone", "")
    if zone.isdigit():
        qs = qs.filter(zone_id=int(zone))
    tz = estate_tz(estate)
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    if start:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min,
                                                  tzinfo=tz))  # fmt: skip
    page = paginate(request, qs)
    for revision in page.object_list:
        revision.texts = change_texts(revision.changes)
    zones = CleaningZone.objects.filter(estate=estate).order_by("kind", "name")
    context = {"estate": estate, "page": page, "zone": zone, "zones": zones,
               "start": start.isoformat() if start else "",
               "end": end.isoformat() if end else ""}  # fmt: skip
    with timezone.override(tz):
        return render_list(
            request, "environment/cleaning/revisions.html",
            "environment/cleaning/revision_rows.html", context,
        )  # fmt: skip


urlpatterns = [
    path("cleaning/plan/", cleaning_plan, name="cleaning_plan"),
    path("cleaning/plan/seed/", cleaning_plan_seed, name="cleaning_plan_seed"),
    path("cleaning/plan/export.xlsx", cleaning_plan_export, name="cleaning_plan_export"),
    path("cleaning/revisions/", cleaning_revisions, name="cleaning_revisions"),
    path("cleaning/lines/new/", cleaning_line_create, name="cleaning_line_create"),
    path("cleaning/lines/<int:pk>/edit/", cleaning_line_edit, name="cleaning_line_edit"),
    path("cleaning/lines/<int:pk>/stop/", cleaning_line_stop, name="cleaning_line_stop"),
]
