"""The fee reports as the pages' tables and as .xlsx (the page's export and the API's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.base.xlsx import dated_filename, xlsx_response
from wuye.billing.forms import month_label
from wuye.billing.selectors import reports


def chart_number(value: Decimal | None) -> float | None:
    """For the charts only (the tables and exports keep the exact Decimals)."""
    return None if value is None else float(value)


def xlsx_rate(value: Decimal | None):
    return "" if value is None else value


def collection_rows(report: reports.CollectionReport) -> list[dict]:
    """The monthly table, then the period's total, the year to date and the arrears row."""
    rows = [
        {"label": month_label(m.month.month), "due": m.due, "received": m.received,
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
    rows = collection_rows(report)
    period = f"{report.year}-{report.month_from:02d}-{report.month_to:02d}"
    return xlsx_response(
        filename=dated_filename(estate.name, _("收缴率"), period),
        title=_("收缴率"),
        headers=COLLECTION_HEADERS,
        rows=[[r["label"], r["due"], r["received"], r["outstanding"], xlsx_rate(r["rate"]),
               "" if r["arrears"] is None else r["arrears"]] for r in rows],
        widths=[24, 14, 14, 14, 12, 14],
    )  # fmt: skip


def income_xlsx(estate, report: reports.IncomeReport, start: dt.date, end: dt.date, *, by: str):
    """收入构成 as .xlsx (the page's export and the API's), ``by`` "items" or "channels"."""
    span = f"{start:%Y%m%d}-{end:%Y%m%d}"
    if by == "items":
        rows = [[line.label, line.kind, line.amount, xlsx_rate(line.share)]
                for line in report.items]  # fmt: skip
        rows.append([_("预存（未核销）"), "", report.prepaid, xlsx_rate(report.prepaid_share)])
        rows.append(
            [_("合计"), "", report.total, xlsx_rate(reports.rate(report.total, report.total))]
        )
        return xlsx_response(
            filename=dated_filename(estate.name, _("收入按收费项目"), span),
            title=_("按收费项目"),
            headers=[_("收费项目"), _("类别"), _("金额（元）"), _("占比（%）")],
            rows=rows, widths=[24, 14, 14, 10],
        )  # fmt: skip
    rows = [[line.label, line.count, line.amount, xlsx_rate(line.share)]
            for line in report.channels]  # fmt: skip
    rows.append([_("合计"), report.count, report.total,
                 xlsx_rate(reports.rate(report.total, report.total))])  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("收入按缴费渠道"), span),
        title=_("按缴费渠道"),
        headers=[_("缴费渠道"), _("笔数"), _("金额（元）"), _("占比（%）")],
        rows=rows, widths=[16, 8, 14, 10],
    )  # fmt: skip


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


def company_row(label: str, r) -> list:
    return [
        label, r.period.due, r.period.received, r.period.outstanding, xlsx_rate(r.period.rate),
        r.year_to_date.due, r.year_to_date.received, xlsx_rate(r.year_to_date.rate),
        r.arrears_open, r.arrears_received, xlsx_rate(r.arrears_rate), r.income,
    ]  # fmt: skip


def company_xlsx(rows, totals, period_label: str):
    """各项目收缴率 as .xlsx (the page's export and the API's)."""
    return xlsx_response(
        filename=dated_filename(_("各项目收缴率"), period_label),
        title=_("各项目收缴率"),
        headers=COMPANY_HEADERS,
        rows=[*[company_row(r.estate.name, r) for r in rows], company_row(_("合计"), totals)],
        widths=[20, *([14] * 11)],
    )


def company_period_label(year: int, month: int | None) -> str:
    if month:
        return _("%(y)d年%(m)d月") % {"y": year, "m": month}
    return _("%(y)d年全年") % {"y": year}
