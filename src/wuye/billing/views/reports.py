"""收费报表 pages for finance, customer-service heads and executives: the estate's collection
rate per month (收缴率, with the year to date and the arrears collection 清欠), income by charge
item and by payment channel, and the company view of every estate side by side. Each table
exports to .xlsx with the same figures; charts are ECharts fed through ``json_script``.

Read-only and thin: the figures come from ``reports`` (grouped queries, exact Decimals); the
filters live in the URL, bad filters are shown by their field and the page keeps its defaults.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.billing.selectors import reports
from wuye.billing.selectors.fees import may_read_fees
from wuye.core.middleware import SESSION_KEY
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.shortcuts import current_estate, render_local, staff_required

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEARS_BACK = 9  # the year picker offers this many earlier years and the next one


def _month_label(month: int) -> str:
    return _("%(m)d月") % {"m": month}


def _months_choices():
    return [(m, _month_label(m)) for m in range(1, 13)]


def _today(tz) -> dt.date:
    return timezone.now().astimezone(tz).date()


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


def _num(value: Decimal | None) -> float | None:
    """For the charts only (the tables and exports keep the exact Decimals)."""
    return None if value is None else float(value)


def _xlsx_rate(value: Decimal | None):
    return "" if value is None else value


# --- 收缴率 -----------------------------------------------------------------------------------


class CollectionForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, required=False, empty_value=None
    )
    month_from = forms.TypedChoiceField(
        label=gettext_lazy("起始月份"), coerce=int, required=False, empty_value=None
    )
    month_to = forms.TypedChoiceField(
        label=gettext_lazy("截止月份"), coerce=int, required=False, empty_value=None
    )
    as_of = forms.DateField(
        label=gettext_lazy("实收截至日期"), required=False, widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-26")},
    )  # fmt: skip

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        years = [
            (y, _("%(y)d年") % {"y": y})
            for y in range(today.year + 1, today.year - YEARS_BACK - 1, -1)
        ]
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = _("请选择列表中的年度")
        for name in ("month_from", "month_to"):
            self.fields[name].choices = _months_choices()
            self.fields[name].error_messages["invalid_choice"] = _("请选择 1–12 月")

    def clean(self):
        data = super().clean()
        if (
            data.get("month_from")
            and data.get("month_to")
            and data["month_from"] > data["month_to"]
        ):
            self.add_error("month_to", _("截止月份不能早于起始月份"))
        return data


def _bound(request, defaults: dict) -> dict | None:
    """The filters asked for over the defaults, so the form shows what the page shows; None
    (an unbound form) when nothing was asked."""
    given = {k: request.GET[k] for k in defaults if request.GET.get(k)}
    if not given:
        return None
    return {**{k: "" if v is None else str(v) for k, v in defaults.items()}, **given}


def _collection_params(request, estate) -> tuple[CollectionForm, dict]:
    today = _today(reports.estate_tz(estate))
    # This year: January to this month; another year: all twelve months.
    year = request.GET.get("year", "")
    month_to = 12 if year.isdigit() and int(year) != today.year else today.month
    params = {"year": today.year, "month_from": 1, "month_to": month_to, "as_of": today}
    form = CollectionForm(_bound(request, params), today=today, initial=params)
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v is not None})
    elif form.is_bound:  # shown by the fields; the page keeps this year's figures
        params["month_to"] = today.month
    return form, params


def _collection_rows(report: reports.CollectionReport) -> list[dict]:
    """The monthly table, then the period's total, the year to date and the arrears row."""
    rows = [
        {"label": _month_label(m.month.month), "due": m.due, "received": m.received,
         "outstanding": m.outstanding, "rate": m.rate, "arrears": m.arrears_received,
         "kind": "month"}
        for m in report.months
    ]  # fmt: skip
    rows.append({
        "label": _("合计（所选月份）"), "due": report.period.due,
        "received": report.period.received, "outstanding": report.period.outstanding,
        "rate": report.period.rate, "arrears": report.arrears_received_period, "kind": "total",
    })  # fmt: skip
    ytd = report.year_to_date
    rows.append({
        "label": _("当年累计（1–%(m)d月）") % {"m": report.month_to}, "due": ytd.due,
        "received": ytd.received, "outstanding": ytd.outstanding, "rate": ytd.rate,
        "arrears": report.arrears_received, "kind": "total",
    })  # fmt: skip
    rows.append({
        "label": _("清欠：年初欠费 / 累计清欠"), "due": report.arrears_open,
        "received": report.arrears_received,
        "outstanding": report.arrears_open - report.arrears_received,
        "rate": report.arrears_rate, "arrears": None, "kind": "arrears",
    })  # fmt: skip
    return rows


COLLECTION_HEADERS = [
    gettext_lazy("月份"),
    gettext_lazy("应收（元）"),
    gettext_lazy("实收（元）"),
    gettext_lazy("未收（元）"),
    gettext_lazy("收缴率（%）"),
    gettext_lazy("清欠（元）"),
]


def collection_xlsx(estate, report: reports.CollectionReport):
    """收缴率 as .xlsx (the page's export and the API's): the rows of the page's table."""
    rows = _collection_rows(report)
    period = f"{report.year}-{report.month_from:02d}-{report.month_to:02d}"
    return xlsx_response(
        filename=dated_filename(estate.name, _("收缴率"), period),
        title=_("收缴率"),
        headers=COLLECTION_HEADERS,
        rows=[[r["label"], r["due"], r["received"], r["outstanding"], _xlsx_rate(r["rate"]),
               "" if r["arrears"] is None else r["arrears"]] for r in rows],
        widths=[24, 14, 14, 14, 12, 14],
    )  # fmt: skip


@report_page
def collection(request, estate):
    """收缴率: the estate's bills of each month of a year, the money against them as of a date,
    the year to date and the arrears of earlier years collected this year."""
    form, params = _collection_params(request, estate)
    report = reports.collection_report(estate=estate, **params)
    rows = _collection_rows(report)
    if request.GET.get("export") == "months":
        return collection_xlsx(estate, report)
    today = _today(reports.estate_tz(estate))
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
            "labels": [_month_label(m.month.month) for m in report.months],
            "rate": [_num(m.rate) for m in report.months],
            "due": [_num(m.due) for m in report.months],
            "received": [_num(m.received) for m in report.months],
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


class IncomeForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("开始日期"), widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-01")},
    )  # fmt: skip
    end = forms.DateField(
        label=gettext_lazy("结束日期"), widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-30")},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif start and end and (end - start).days > 366 * 3:
            self.add_error("end", _("统计区间最长三年"))
        return data


def _income_period(request, estate) -> tuple[IncomeForm, dt.date, dt.date, dt.date]:
    today = _today(reports.estate_tz(estate))
    start, end = today.replace(day=1), today
    defaults = {"start": start, "end": end}
    form = IncomeForm(_bound(request, defaults), initial=defaults)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end, today


def income_xlsx(estate, report: reports.IncomeReport, start: dt.date, end: dt.date, *, by: str):
    """收入构成 as .xlsx (the page's export and the API's), ``by`` "items" or "channels"."""
    span = f"{start:%Y%m%d}-{end:%Y%m%d}"
    if by == "items":
        rows = [[line.label, line.kind, line.amount, _xlsx_rate(line.share)]
                for line in report.items]  # fmt: skip
        rows.append([_("预存（未核销）"), "", report.prepaid, _xlsx_rate(report.prepaid_share)])
        rows.append(
            [_("合计"), "", report.total, _xlsx_rate(reports.rate(report.total, report.total))]
        )
        return xlsx_response(
            filename=dated_filename(estate.name, _("收入按收费项目"), span),
            title=_("按收费项目"),
            headers=[_("收费项目"), _("类别"), _("金额（元）"), _("占比（%）")],
            rows=rows, widths=[24, 14, 14, 10],
        )  # fmt: skip
    rows = [[line.label, line.count, line.amount, _xlsx_rate(line.share)]
            for line in report.channels]  # fmt: skip
    rows.append([_("合计"), report.count, report.total,
                 _xlsx_rate(reports.rate(report.total, report.total))])  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("收入按缴费渠道"), span),
        title=_("按缴费渠道"),
        headers=[_("缴费渠道"), _("笔数"), _("金额（元）"), _("占比（%）")],
        rows=rows, widths=[16, 8, 14, 10],
    )  # fmt: skip


@report_page
def income(request, estate):
    """收入构成: money received in a date range by payment channel, and by the charge item it
    settled with the unallocated rest as 预存."""
    form, start, end, today = _income_period(request, estate)
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
                {"name": line.label, "value": _num(line.amount)}
                for line in report.channels
                if line.amount
            ],
        },
        "items": {
            "name": _("金额（元）"),
            "labels": [line.label for line in bars],
            "values": [_num(line.amount) for line in bars],
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


class CompanyForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, required=False, empty_value=None
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"), coerce=int, required=False, empty_value=None
    )
    as_of = forms.DateField(
        label=gettext_lazy("实收截至日期"), required=False, widget=DATE_WIDGET,
        error_messages={"invalid": gettext_lazy("请填写正确的日期，如 2026-11-26")},
    )  # fmt: skip

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (y, _("%(y)d年") % {"y": y})
            for y in range(today.year + 1, today.year - YEARS_BACK - 1, -1)
        ]
        self.fields["year"].error_messages["invalid_choice"] = _("请选择列表中的年度")
        self.fields["month"].choices = [("", _("全年")), *_months_choices()]
        self.fields["month"].error_messages["invalid_choice"] = _("请选择 1–12 月或全年")


COMPANY_HEADERS = [
    gettext_lazy("项目"),
    gettext_lazy("应收（元）"),
    gettext_lazy("实收（元）"),
    gettext_lazy("未收（元）"),
    gettext_lazy("收缴率（%）"),
    gettext_lazy("当年应收（元）"),
    gettext_lazy("当年实收（元）"),
    gettext_lazy("当年收缴率（%）"),
    gettext_lazy("年初欠费（元）"),
    gettext_lazy("累计清欠（元）"),
    gettext_lazy("清欠率（%）"),
    gettext_lazy("收款合计（元）"),
]


def _company_row(label: str, r) -> list:
    return [
        label, r.period.due, r.period.received, r.period.outstanding, _xlsx_rate(r.period.rate),
        r.year_to_date.due, r.year_to_date.received, _xlsx_rate(r.year_to_date.rate),
        r.arrears_open, r.arrears_received, _xlsx_rate(r.arrears_rate), r.income,
    ]  # fmt: skip


def company_params(request) -> tuple[CompanyForm, dict]:
    """The company view's filters (``year``, ``month``, ``as_of``) over this year's defaults;
    a bad filter is shown by its field (the API answers it as a 400)."""
    today = timezone.localdate()
    params = {"year": today.year, "month": None, "as_of": today}
    form = CompanyForm(_bound(request, params), today=today, initial=params)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        params.update({"year": data["year"] or today.year, "month": data["month"],
                       "as_of": data["as_of"] or today})  # fmt: skip
    return form, params


def company_xlsx(rows, totals, period_label: str):
    """各项目收缴率 as .xlsx (the page's export and the API's)."""
    return xlsx_response(
        filename=dated_filename(_("各项目收缴率"), period_label),
        title=_("各项目收缴率"),
        headers=COMPANY_HEADERS,
        rows=[*[_company_row(r.estate.name, r) for r in rows], _company_row(_("合计"), totals)],
        widths=[20, *([14] * 11)],
    )


def company_period_label(year: int, month: int | None) -> str:
    if month:
        return _("%(y)d年%(m)d月") % {"y": year, "m": month}
    return _("%(y)d年全年") % {"y": year}


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
            "rate": [_num(r.period.rate) for r in rows],
            "ytd": [_num(r.year_to_date.rate) for r in rows],
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
