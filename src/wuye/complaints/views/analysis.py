"""Complaint pages: the analysis (投诉分析, COMPLAINT-14/18) of an estate — a stored week as it was
generated, or any range counted now — with ECharts charts fed through ``json_script``, the
improvement measures decided for a week, and the figures as .xlsx (one sheet per breakdown).

The same figures as ``GET /api/v1/complaints/analysis``; every write goes through
``analysis.weekly_measures_save``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuye.complaints.documents.analysis import analysis_xlsx_response, period_label
from wuye.complaints.services.analysis import (
    MEASURES_MAX,
    AnalysisShown,
    analysis_period,
    analysis_shown,
    last_complete_week,
    may_set_measures,
    weekly_measures_save,
)
from wuye.core.forms import add_service_errors
from wuye.core.middleware import SESSION_KEY
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import staff_required

from ..models import WeeklyAnalysis

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKS_LISTED = 260  # five years of weeks in the picker


class WeekForm(forms.Form):
    week = forms.TypedChoiceField(
        label=gettext_lazy("已生成的周分析"), coerce=dt.date.fromisoformat
    )

    def __init__(self, *args, weeks: list[WeeklyAnalysis], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [(w.week_start.isoformat(), week_label(w)) for w in weeks]
        self.fields["week"].error_messages["invalid_choice"] = _(
            "该周还没有生成分析，请从列表中选择，或用下面的自定义区间统计"
        )


class RangeForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE_WIDGET)
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE_WIDGET)


class MeasuresForm(forms.Form):
    measures = forms.CharField(
        label=gettext_lazy("改进措施"),
        required=False,
        max_length=MEASURES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("根据本周高频问题制定，如“电梯维保频率提高至每10天一次”"),
    )


def week_label(row: WeeklyAnalysis) -> str:
    sunday = row.week_start + dt.timedelta(days=6)
    return _("%(start)s 至 %(end)s") % {
        "start": f"{row.week_start:%Y-%m-%d}",
        "end": f"{sunday:%m-%d}",
    }


def pct(share: float | None) -> str:
    """0.3 → 30%, 1/3 → 33.3%; nothing to divide → —."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


@dataclass
class Shown:
    """What the page (and its export) shows: the figures and where they came from."""

    figures: dict
    start: dt.date
    end: dt.date
    stored: WeeklyAnalysis | None
    week_form: WeekForm
    range_form: RangeForm


def _estate(request, estate_pk: int) -> Estate:
    estate = get_or_404(
        scope_to_estates(Estate.objects.all(), actor_for(request.user), field="pk"), estate_pk
    )
    # Looking at an estate makes it the current one, so the header and the page agree.
    request.session[SESSION_KEY] = estate.pk
    request.estate = estate
    return estate


def _shown(request, estate: Estate, week: WeeklyAnalysis | None = None) -> Shown:
    """A stored week (``?week=``), a range counted now (``?start=&end=``), or by default the
    newest stored week (the last complete week counted now while none is stored yet).
    ``week``: that stored week, whatever the query says (the measures form sent back)."""
    weeks = list(
        WeeklyAnalysis.objects.filter(estate=estate)
        .order_by("-week_start")
        .defer("figures")[:WEEKS_LISTED]
    )
    week_form = WeekForm(
        request.GET if "week" in request.GET else None,
        weeks=weeks,
        initial={"week": weeks[0].week_start.isoformat() if weeks else None},
    )
    default_start, default_end = last_complete_week(estate)
    asked_range = "start" in request.GET or "end" in request.GET
    range_form = RangeForm(
        request.GET if asked_range else None,
        initial={"start": default_start, "end": default_end},
    )
    stored = week or (weeks[0] if weeks else None)
    live: tuple[dt.date, dt.date] | None = None
    if week is not None:
        pass
    elif week_form.is_bound and week_form.is_valid():
        monday = week_form.cleaned_data["week"]
        stored = next(w for w in weeks if w.week_start == monday)
    elif asked_range and range_form.is_valid():
        try:
            live = analysis_period(estate=estate, **range_form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                range_form.add_error(field, errors)
    shown = analysis_shown(estate=estate, stored=stored, period=live)
    return Shown(shown.figures, shown.start, shown.end, shown.stored, week_form, range_form)


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _with_pct(rows: list[dict]) -> list[dict]:
    return [{**row, "pct": pct(row.get("share"))} for row in rows]


def _charts(f: dict) -> dict:
    types = sorted((row for row in f["by_type"] if row["count"]), key=lambda row: -row["count"])
    return {
        "types": {
            "items": [
                {"name": row["label"], "value": row["count"], "pct": pct(row["share"])}
                for row in types
            ],
            "name": _("投诉类型"),
        },
        "trend": {
            "labels": [
                _("%(date)s 当周") % {"date": f"{_date(w['week_start']):%m-%d}"} for w in f["trend"]
            ],
            "values": [w["count"] for w in f["trend"]],
            "name": _("投诉件数"),
        },
        "subjects": {
            "labels": [s["label"] for s in f["top_subjects"]],
            "values": [s["count"] for s in f["top_subjects"]],
            "pcts": [pct(s["share"]) for s in f["top_subjects"]],
            "name": _("涉及件数"),
        },
        "departments": {
            "labels": [d["label"] for d in f["by_department"]],
            "values": [d["count"] for d in f["by_department"]],
            "pcts": [pct(d["share"]) for d in f["by_department"]],
            "name": _("投诉件数"),
        },
    }


def _render(request, estate: Estate, shown: Shown, measures_form: MeasuresForm | None = None):
    f = shown.figures
    actor = actor_for(request.user)
    can_edit = shown.stored is not None and may_set_measures(actor, estate)
    if can_edit and measures_form is None:
        measures_form = MeasuresForm(initial={"measures": shown.stored.measures})
    query = (
        {"week": shown.start.isoformat()}
        if shown.stored
        else {"start": shown.start.isoformat(), "end": shown.end.isoformat()}
    )
    received = {"received_from": shown.start.isoformat(), "received_to": shown.end.isoformat()}
    context = {
        "estate": estate,
        "f": f,
        "shown": shown,
        "stored": shown.stored,
        "week_form": shown.week_form,
        "range_form": shown.range_form,
        "measures_form": measures_form if can_edit else None,
        "period_label": period_label(shown.start, shown.end),
        "by_type": [
            {**row, "pct": pct(row["share"]), "others": _with_pct(row.get("others", []))}
            for row in f["by_type"]
        ],
        "by_department": _with_pct(f["by_department"]),
        "by_channel": _with_pct(f["by_channel"]),
        "by_urgency": _with_pct(f["by_urgency"]),
        "top_types": _with_pct(f["top_types"]),
        "top_subjects": _with_pct(f["top_subjects"]),
        "top": _with_pct(f["top_subjects"][:1])[0] if f["top_subjects"] else None,
        "overdue_pct": pct(f["handling"]["overdue_rate"]),
        "trend": [
            {
                **w,
                "label": period_label(_date(w["week_start"]), _date(w["week_end"])),
            }
            for w in f["trend"]
        ],
        "export_url": reverse("complaints:analysis_export", args=[estate.pk])
        + "?"
        + urlencode(query),
        "charts": _charts(f),
        # Every count clicks through to the desk's list behind it (UX.md: managers).
        "list_url": reverse("complaints:list") + "?" + urlencode(received),
    }
    return render(request, "complaints/analysis/page.html", context)


@staff_required
def analysis(request, estate_pk: int):
    estate = _estate(request, estate_pk)
    return _render(request, estate, _shown(request, estate))


@require_POST
@staff_required
def analysis_measures(request, estate_pk: int, pk: int):
    """COMPLAINT-14/18: department heads and executives record the week's improvement measures."""
    estate = _estate(request, estate_pk)
    row = get_or_404(WeeklyAnalysis.objects.filter(estate=estate), pk)
    form = MeasuresForm(request.POST)
    back = reverse("complaints:analysis", args=[estate.pk]) + "?" + urlencode(
        {"week": row.week_start.isoformat()}
    )  # fmt: skip
    if form.is_valid():
        try:
            weekly_measures_save(
                analysis=row, measures=form.cleaned_data["measures"], by=request.user
            )
        except PermissionDenied as error:
            messages.error(request, str(error) or _("您没有权限进行此操作"))
            return redirect(back)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("改进措施已保存"))
            return redirect(back)
    return _render(request, estate, _shown(request, estate, week=row), measures_form=form)


# --- Export -------------------------------------------------------------------------------------


@staff_required
def analysis_export(request, estate_pk: int):
    """The figures on the page as .xlsx: an overview and one sheet per breakdown."""
    estate = _estate(request, estate_pk)
    shown = _shown(request, estate)
    return analysis_xlsx_response(estate, AnalysisShown(shown.figures, shown.start, shown.end,
                                                        shown.stored))  # fmt: skip


urlpatterns: list = [
    path("complaints/analysis/<int:estate_pk>/", analysis, name="analysis"),
    path("complaints/analysis/<int:estate_pk>/export/", analysis_export, name="analysis_export"),
    path(
        "complaints/analysis/<int:estate_pk>/weeks/<int:pk>/measures/",
        analysis_measures,
        name="analysis_measures",
    ),
]
