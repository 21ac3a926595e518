"""Repairs pages: KPIs (报修统计) of an estate over a period, the same figures as
``GET /api/v1/repairs/kpis``, with ECharts charts fed through ``json_script``."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.middleware import SESSION_KEY
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import staff_required
from wuye.repairs.selectors.kpis import estate_tz, kpi_period, repair_kpis

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False, widget=DATE_WIDGET)


def _duration(minutes: float | None) -> str:
    """A median for a card: minutes below an hour, hours below two days, then days."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return _("%(n)s 分钟") % {"n": f"{minutes:.1f}".removesuffix(".0")}
    if minutes < 48 * 60:
        return _("%(n)s 小时") % {"n": f"{minutes / 60:.1f}".removesuffix(".0")}
    return _("%(n)s 天") % {"n": f"{minutes / 1440:.1f}".removesuffix(".0")}


def _quick_periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    return [
        (_("本月"), month_start, today),
        (_("上月"), last_month_end.replace(day=1), last_month_end),
        (_("近30天"), today - dt.timedelta(days=29), today),
    ]


def _charts(k: dict) -> dict:
    return {
        "category": {
            "labels": [row["label"] for row in k["by_category"]],
            "values": [row["count"] for row in k["by_category"]],
            "name": _("报修单数"),
        },
        "daily": {
            "dates": [f"{row['date']:%m-%d}" for row in k["daily"]],
            "reported": [row["reported"] for row in k["daily"]],
            "completed": [row["completed"] for row in k["daily"]],
            "names": [_("报修"), _("完成")],
        },
        "clocks": {
            "labels": [f"{c['rule']}\n{c['name']}" for c in k["clocks"]],
            "values": [
                None if c["share_met"] is None else round(c["share_met"] * 100, 1)
                for c in k["clocks"]
            ],
            "name": _("按时率"),
        },
    }


@staff_required
def kpis(request, estate_pk: int):
    estate = get_or_404(
        scope_to_estates(Estate.objects.all(), actor_for(request.user), field="pk"), estate_pk
    )
    # Looking at an estate makes it the current one, so the header and the page agree.
    request.session[SESSION_KEY] = estate.pk
    request.estate = estate
    today = timezone.now().astimezone(estate_tz(estate)).date()
    start, end = kpi_period(estate=estate, end=today)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        try:
            start, end = kpi_period(estate=estate, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field, messages)
    k = repair_kpis(estate=estate, start=start, end=end)
    context = {
        "estate": estate,
        "form": form,
        "k": k,
        "medians": {key: _duration(m) for key, m in k["median_minutes"].items()},
        "techs": [{**t, "median": _duration(t["median_completion_minutes"])}
                  for t in k["technicians"]],
        "quick": [
            {"label": label, "start": s, "end": e, "active": (s, e) == (start, end)}
            for label, s, e in _quick_periods(today)
        ],
        "charts": _charts(k),
    }  # fmt: skip
    return render(request, "repairs/kpis.html", context)


urlpatterns: list = [path("repairs/kpis/<int:estate_pk>/", kpis, name="kpis")]
