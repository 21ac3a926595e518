"""Inspection pages (CLEAN-12..14, GREEN-11): the list with filters and its Excel export, one
record with its photos, the scoring form (phone-friendly), the head's rounds — today's patrol,
the week's spot-check sample, the week's greening inspection — and setting them up."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.attachments import attachment_store
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import InspectionKind
from ..documents.inspection_record import inspection_record_xlsx
from ..models import CleaningZone, GreenArea, SpotSample
from ..processes import GREEN_CHECK_KIND, PATROL_KIND, SPOT_CHECK_KIND
from ..selectors import inspections as selectors
from ..services import inspections as services
from ..services import sampling

ROUND_KINDS = {
    "patrol": (PATROL_KIND, InspectionKind.PATROL),
    "spot": (SPOT_CHECK_KIND, InspectionKind.SPOT_CHECK),
    "green": (GREEN_CHECK_KIND, InspectionKind.GREEN_WEEKLY),
}


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("检查类型"), required=False,
        choices=[("", gettext_lazy("全部")), *InspectionKind.choices],
    )  # fmt: skip
    zone = forms.ModelChoiceField(
        label=gettext_lazy("清洁区域"), required=False, queryset=CleaningZone.objects.none()
    )
    green_area = forms.ModelChoiceField(
        label=gettext_lazy("绿化区域"), required=False, queryset=GreenArea.objects.none()
    )
    passed = forms.ChoiceField(
        label=gettext_lazy("结果"), required=False,
        choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("合格")),
                 ("0", gettext_lazy("不合格"))],
    )  # fmt: skip
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    def __init__(self, *args, estate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = CleaningZone.objects.filter(estate=estate)
        self.fields["green_area"].queryset = GreenArea.objects.filter(estate=estate)


def _filtered(request, estate):
    form = FilterForm(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    passed = data.get("passed")
    qs = selectors.inspection_list(
        actor=actor_for(request.user), estate_id=estate.pk, kind=data.get("kind") or "",
        zone_id=getattr(data.get("zone"), "pk", None),
        green_area_id=getattr(data.get("green_area"), "pk", None),
        passed=None if not passed else passed == "1", date_from=data.get("date_from"),
        date_to=data.get("date_to"), tz=estate_tz(estate),
    )  # fmt: skip
    return form, qs


@require_GET
@estate_page
def inspection_list(request, estate):
    form, qs = _filtered(request, estate)
    context = {"estate": estate, "form": form, "page": paginate(request, qs)}
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "environment/inspections/list.html",
            "environment/inspections/results.html", context,
        )  # fmt: skip


@require_GET
@estate_page
def inspection_export(request, estate):
    """《清洁卫生检查记录表》 of exactly what is filtered."""
    _form, qs = _filtered(request, estate)
    return inspection_record_xlsx(
        qs.prefetch_related("items")[:5000], tz=estate_tz(estate), estate_name=estate.name
    )


@staff_required
def inspection_detail(request, pk: int):
    record = selectors.inspection_get_for_user(request.user, pk)
    context = {"record": record, "estate": record.estate, "items": record.items.all()}
    return render_local(request, "environment/inspections/detail.html", context, record.estate)


def answers_from_post(request, form) -> list[dict]:
    """The scoring form's answers: ``score_<item>``, ``note_<item>`` and a ``photo_<item>``
    file each, the photos stored first (a bad photo refuses the whole form)."""
    rows = []
    for item in form.items.order_by("position"):
        row = {"item": item.pk, "score": request.POST.get(f"score_{item.pk}", "").strip(),
               "note": request.POST.get(f"note_{item.pk}", "")[:500]}  # fmt: skip
        upload = request.FILES.get(f"photo_{item.pk}")
        if upload is not None:
            row["photo"] = attachment_store(upload=upload, by=request.user).pk
        rows.append(row)
    return rows


def _deadline(request) -> int | None:
    raw = request.POST.get("deadline_hours", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({"deadline_hours": [_("整改期限应为整数小时")]}) from None


def _subject(request, estate):
    zone = request.GET.get("zone") or request.POST.get("zone")
    area = request.GET.get("area") or request.POST.get("area")
    if zone:
        return get_or_404(CleaningZone.objects.filter(estate=estate), zone), None
    if area:
        return None, get_or_404(GreenArea.objects.filter(estate=estate), area)
    raise ValidationError({"zone": [_("请选择一个清洁区域或绿化区域")]})


@estate_page
def inspection_new(request, estate):
    """The scoring form of one zone or area (``?zone=`` / ``?area=``, ``kind``; a spot check
    ``sample``)."""
    services.check_lead(actor_for(request.user), estate.pk)
    zone, area = _subject(request, estate)
    kind = request.GET.get("kind") or request.POST.get("kind") or (
        InspectionKind.PATROL if zone else InspectionKind.GREEN_WEEKLY
    )  # fmt: skip
    if kind not in InspectionKind.values or kind == InspectionKind.RECHECK:
        kind = InspectionKind.PATROL if zone else InspectionKind.GREEN_WEEKLY
    sample = None
    if kind == InspectionKind.SPOT_CHECK:
        sample_id = request.GET.get("sample") or request.POST.get("sample")
        sample = get_or_404(SpotSample.objects.filter(estate=estate), sample_id or 0)
    form = services.inspection_form(estate, services.CLEAN_KIND if zone else services.GREEN_KIND)
    errors: dict = {}
    if request.method == "POST" and form is not None:
        try:
            task_id = sampling.pick_task(sample=sample, zone_id=zone.pk) if sample else None
            record = services.inspection_record(
                kind=kind, zone=zone, green_area=area, by=request.user,
                answers=answers_from_post(request, form), note=request.POST.get("note", ""),
                sample=sample, task=PlannedTask.objects.filter(pk=task_id).first(),
                deadline_hours=_deadline(request),
            )  # fmt: skip
        except ValidationError as exc:
            errors = getattr(exc, "message_dict", {"__all__": exc.messages})
        else:
            if record.passed:
                messages.success(request, _("已记录：合格"))
            else:
                messages.warning(request, _("已记录：不合格，已下达整改"))
            return redirect("environment:inspection_detail", pk=record.pk)
    context = {
        "estate": estate, "zone": zone, "area": area, "kind": kind, "sample": sample,
        "kind_label": InspectionKind(kind).label, "form": form, "errors": errors,
        "items": list(form.items.order_by("position")) if form else [], "post": request.POST,
    }  # fmt: skip
    return render_local(request, "environment/inspections/form.html", context, estate,
                        status=400 if errors else 200)  # fmt: skip


def _current_task(estate, schedule_kind: str):
    now = timezone.now()
    return (
        PlannedTask.objects.filter(
            estate=estate, schedule__kind=schedule_kind, schedule__active=True,
            scheduled_for__lte=now, due_at__gte=now,
        ).select_related("schedule", "estate").order_by("scheduled_for").first()
    )  # fmt: skip


def _week_start(request, estate) -> dt.date:
    today = timezone.now().astimezone(estate_tz(estate)).date()
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


@require_GET
@estate_page
def inspection_round(request, estate, which: str):
    """Today's patrol, the week's spot check or the week's greening inspection: what to check,
    what is in, the scoring form one tap away."""
    if which not in ROUND_KINDS:
        raise Http404
    schedule_kind, kind = ROUND_KINDS[which]
    task = _current_task(estate, schedule_kind)
    sample = week = None
    if which == "spot":
        week = _week_start(request, estate)
        sample = selectors.spot_sample_get_for_user(request.user, estate, week)
        done = task is not None and services.round_progress(task)["done"]
        progress = {"rows": _sample_rows(sample) if sample else [], "done": done}
    elif task is not None:
        progress = services.round_progress(task)
    else:
        progress = {"rows": _subjects_today(estate, which), "done": False}
    context = {
        "estate": estate, "which": which, "kind": kind, "kind_label": InspectionKind(kind).label,
        "task": task, "progress": progress, "sample": sample, "week": week,
        "is_lead": _is_lead(request.user, estate),
    }  # fmt: skip
    return render_local(request, "environment/inspections/round.html", context, estate)


def _sample_rows(sample: SpotSample) -> list[dict]:
    zones = CleaningZone.objects.in_bulk([p["zone"] for p in sample.picks])
    done = {i.zone_id: i for i in sample.inspections.order_by("at", "id")}
    return [
        {"subject": zones[p["zone"]], "result": done.get(p["zone"])}
        for p in sample.picks
        if p["zone"] in zones
    ]


def _subjects_today(estate, which: str) -> list[dict]:
    """Without a planned round: the active zones (areas) with today's (this week's) result."""
    from ..models import Inspection

    tz = estate_tz(estate)
    today = timezone.now().astimezone(tz).date()
    if which == "green":
        start = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(0), tz)
        subjects = list(GreenArea.objects.filter(estate=estate, active=True))
        kind, key = InspectionKind.GREEN_WEEKLY, "green_area_id"
    else:
        start = dt.datetime.combine(today, dt.time(0), tz)
        subjects = list(CleaningZone.objects.filter(estate=estate, active=True))
        kind, key = InspectionKind.PATROL, "zone_id"
    latest = {
        getattr(i, key): i
        for i in Inspection.objects.filter(estate=estate, kind=kind, at__gte=start).order_by("at")
    }
    return [{"subject": s, "result": latest.get(s.pk)} for s in subjects]


def _is_lead(user, estate) -> bool:
    try:
        services.check_lead(actor_for(user), estate.pk)
    except (PermissionDenied, Http404):
        return False
    return True


@require_POST
@estate_page
def inspection_round_close(request, estate, which: str):
    if which not in ROUND_KINDS:
        raise Http404
    schedule_kind, _kind = ROUND_KINDS[which]
    task = get_or_404(
        PlannedTask.objects.filter(estate=estate, schedule__kind=schedule_kind,
                                   status__in=(PlannedTaskStatus.PLANNED,
                                               PlannedTaskStatus.MISSED)),
        request.POST.get("task") or 0,
    )  # fmt: skip
    try:
        services.round_close(task=task, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("已结束本次检查"))
    return redirect("environment:inspection_round", which=which)


@require_POST
@estate_page
def spot_sample_draw(request, estate):
    """CLEAN-13: draw the week's sample (once; a second draw shows the one drawn)."""
    try:
        week = dt.date.fromisoformat(request.POST.get("week", ""))
    except ValueError:
        week = _week_start(request, estate)
    try:
        sampling.spot_sample_draw(estate=estate, week_start=week, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(
        f"{redirect('environment:inspection_round', which='spot').url}?week={week.isoformat()}"
    )


@require_POST
@estate_page
def inspection_setup(request, estate):
    """The record forms and the head's three planned rounds, where missing."""
    try:
        services.inspection_plans_setup(estate=estate, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("检查记录表和检查计划已就绪"))
    return redirect("environment:inspection_round", which="patrol")


urlpatterns = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/export.xlsx", inspection_export, name="inspection_export"),
    path("inspections/new/", inspection_new, name="inspection_new"),
    path("inspections/setup/", inspection_setup, name="inspection_setup"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/spot-sample/draw/", spot_sample_draw, name="spot_sample_draw"),
    path("inspections/<slug:which>/", inspection_round, name="inspection_round"),
    path("inspections/<slug:which>/close/", inspection_round_close, name="inspection_round_close"),
]
