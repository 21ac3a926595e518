"""收费报表 pages for finance, customer-service heads and executives: the estate's collection
rate per month (收缴率, with the year to date and the arrears collection 清欠), income by charge
item and by payment channel, and the company view of every estate side by side. Each table
exports to .xlsx with the same figures; charts are ECharts fed through ``json_script``.

Read-only and thin: the figures come from ``reports`` (grouped queries, exact Decimals); the
filters live in the URL, bad filters are shown by their field and the page keeps its defaults.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from wuye.billing.documents.reports import (
    chart_number,
    collection_rows,
    collection_xlsx,
    company_period_label,
    company_xlsx,
    income_xlsx,
)
from wuye.billing.forms import (
    collection_params,
    company_params,
    income_period,
    month_label,
    today_in_zone,
)
from wuye.billing.selectors import reports
from wuye.billing.selectors.fees import may_read_fees
from wuye.core.middleware import SESSION_KEY
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import current_estate, render_local, staff_required


def _require_reader(request) -> Actor:
    """FEE-02: finance keeps the ledgers, customer service chases payment; both read the
    figures, as do executives and auditors (``pages.may_read_fees``)."""
    actor = actor_for(request.user)
    if not may_read_fees(actor):
        raise PermissionDenied(_("此页面仅供财务部门、客服中心和管理层使用"))
    return actor


def report_page(view):
    """A fee report of one estate: the current one, or ``?estate=<pk>`` (from the company view),
    which becomes the current one so the header and the page agree."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = _require_reader(request)
        if request.GET.get("estate"):
            estate = get_or_404(visible_estates(actor), request.GET["estate"])
            request.session[SESSION_KEY] = estate.pk
            request.estate = estate
        else:
            estate = current_estate(request)
        if estate is None:
            return render(request, "web/no_estate.html")
        return view(request, *args, estate=estate, **kwargs)

    return staff_required(wrapper)


# --- 收缴率 -----------------------------------------------------------------------------------


@report_page
def collection(request, estate):
    """收缴率: the estate's bills of each month of a year, the money against them as of a date,
    the year to date and the arrears of earlier years collected this year."""
    form, params = collection_params(request, estate)
    report = reports.collection_report(estate=estate, **params)
    rows = collection_rows(report)
    if request.GET.get("export") == "months":
        return collection_xlsx(estate, report)
    today = today_in_zone(reports.estate_tz(estate))
    last_month = today.month - 1 or 12
    last_month_year = today.year if today.month > 1 else today.year - 1
    quick = [
        (_("本年至今"), {"year": today.year, "month_from": 1, "month_to": today.month}),
        (_("本月"), {"year": today.year, "month_from": today.month, "month_to": today.month}),
        (_("上月"), {"year": last_month_year, "month_from": last_month, "month_to": last_month}),
        (_("上年"), {"year": today.year - 1, "month_from": 1, "month_to": 12}),
    ]
    charts = {
        "months": {
            "labels": [month_label(m.month.month) for m in report.months],
            "rate": [chart_number(m.rate) for m in report.months],
            "due": [chart_number(m.due) for m in report.months],
            "received": [chart_number(m.received) for m in report.months],
            "names": [_("应收"), _("实收"), _("收缴率")],
        }
    }
    context = {
        "estate": estate,
        "form": form,
        "report": report,
        "rows": rows,
        "quick": [
            {"label": label, "query": q, "active": all(params[k] == v for k, v in q.items())}
            for label, q in quick
        ],
        "charts": charts,
        "has_figures": any(r["due"] or r["received"] or r["arrears"] for r in rows),
        "tab": "collection",
    }
    return render_local(request, "billing/reports/collection.html", context, estate)


# --- 收入构成 (by item and channel) ------------------------------------------------------------


@report_page
def income(request, estate):
    """收入构成: money received in a date range by payment channel, and by the charge item it
    settled with the unallocated rest as 预存."""
    form, start, end, today = income_period(request, estate)
    report = reports.income_report(estate=estate, start=start, end=end)
    export = request.GET.get("export")
    if export in ("items", "channels"):
        return income_xlsx(estate, report, start, end, by=export)
    month_start = today.replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    quick = [
        (_("本月"), month_start, today),
        (_("上月"), last_month_end.replace(day=1), last_month_end),
        (_("本年"), today.replace(month=1, day=1), today),
    ]
    bars = list(report.items)
    if report.prepaid:
        bars.append(reports.IncomeLine(key="prepaid", label=_("预存"), amount=report.prepaid))
    charts = {
        "channels": {
            "name": _("缴费渠道"),
            "data": [
                {"name": line.label, "value": chart_number(line.amount)}
                for line in report.channels
                if line.amount
            ],
        },
        "items": {
            "name": _("金额（元）"),
            "labels": [line.label for line in bars],
            "values": [chart_number(line.amount) for line in bars],
        },
    }
    context = {
        "estate": estate,
        "form": form,
        "report": report,
        "quick": [
            {"label": label, "start": s, "end": e, "active": (s, e) == (start, end)}
            for label, s, e in quick
        ],
        "charts": charts,
        "tab": "income",
    }
    return render_local(request, "billing/reports/income.html", context, estate)


# --- 各项目对比 (company view) ----------------------------------------------------------------


@staff_required
def company(request):
    """各项目收缴对比: every estate the user may see, side by side, for a month or a year."""
    actor = _require_reader(request)
    form, params = company_params(request)
    month = params["month"]
    estates = list(visible_estates(actor).order_by("name", "pk"))
    rows = reports.collection_reports(
        estates=estates, year=params["year"], month_from=month or 1, month_to=month or 12,
        as_of=params["as_of"],
    )  # fmt: skip
    totals = reports.company_totals(rows)
    period_label = company_period_label(params["year"], month)
    if request.GET.get("export") == "estates":
        return company_xlsx(rows, totals, period_label)
    charts = {
        "estates": {
            "labels": [r.estate.name for r in rows],
            "rate": [chart_number(r.period.rate) for r in rows],
            "ytd": [chart_number(r.year_to_date.rate) for r in rows],
            "names": [_("收缴率"), _("当年收缴率")],
        }
    }
    context = {
        "form": form,
        "rows": rows,
        "totals": totals,
        "params": params,
        "month_to": month or 12,
        "period_label": period_label,
        "charts": charts,
        "estate": current_estate(request),
        "tab": "company",
    }
    return render(request, "billing/reports/company.html", context)


urlpatterns = [
    path("billing/reports/", collection, name="fee_report"),
    path("billing/reports/income/", income, name="fee_income"),
    path("billing/reports/company/", company, name="fee_company"),
]
