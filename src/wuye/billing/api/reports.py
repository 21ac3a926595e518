"""收费报表 through the API: the estate's collection rate per month (收缴率, with the year to date
and the arrears collected, 清欠), income by charge item and by payment channel, and the company
view of every estate side by side — the figures as JSON (exact Decimals) and the pages' .xlsx.
The same ``reports`` functions and the same filters as ``report_pages``; a bad filter, which the
page shows by its field, is a 400 here.

Who may call: staff who read fees (FEE-02: finance, customer service, executives, auditors);
residents and other roles get a 403, another company's estate a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wuye.base.api import XLSX, Day, IdParam, file_download
from wuye.billing import forms
from wuye.billing.api.collections import require_fee_reader
from wuye.billing.api.rooms import FEE_READ_ERRORS, _estate
from wuye.billing.documents import reports as report_files
from wuye.billing.selectors import reports
from wuye.core.scoping import actor_for, visible_estates

router = Router(tags=["billing"])


def _refuse_bad(form) -> None:
    """The page shows a bad filter by its field and keeps its defaults; the API says so."""
    if form.is_bound and not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})


# --- 收缴率 -----------------------------------------------------------------------------------


class CollectionIn(Schema):
    year: int | None = Field(None, ge=1900, le=2100, description="默认今年", examples=[2026])
    month_from: int | None = Field(None, ge=1, le=12, description="默认1月", examples=[1])
    month_to: int | None = Field(None, ge=1, le=12, description="默认本月（往年为12月）",
                                 examples=[11])  # fmt: skip
    as_of: Day | None = Field(None, description="实收截至日期，默认今天", examples=["2026-11-26"])


class CollectionRowOut(Schema):
    label: str
    kind: str = Field(..., description="month 月份 / total 合计 / arrears 清欠")
    due: Decimal = Field(..., description="应收（清欠行：年初欠费）")
    received: Decimal = Field(..., description="实收（清欠行：累计清欠）")
    outstanding: Decimal
    rate: Decimal | None = Field(..., description="收缴率（%），无应收时为 null")
    arrears: Decimal | None = Field(..., description="本月清欠：收回的往年欠费")


class CollectionReportOut(Schema):
    estate: int
    year: int
    month_from: int
    month_to: int
    as_of: dt.date
    rows: list[CollectionRowOut]


def _collection(request: HttpRequest, estate_id: int):
    _actor, estate = _estate(request, estate_id)
    form, params = forms.collection_params(request, estate)  # the page's filters and defaults
    _refuse_bad(form)
    return estate, reports.collection_report(estate=estate, **params)


@router.get("/billing/estates/{int:estate_id}/reports/collection",
            response={200: CollectionReportOut, **FEE_READ_ERRORS})  # fmt: skip
def collection_report(request: HttpRequest, estate_id: IdParam, filters: Query[CollectionIn]):
    """收缴率: the estate's bills of each month (应收), the money against them up to ``as_of``
    (实收), the rate, then the period's total, the year to date and 清欠 (arrears of earlier years
    collected this year) — the rows of the page's table."""
    estate, report = _collection(request, estate_id)
    return {"estate": estate.pk, "year": report.year, "month_from": report.month_from,
            "month_to": report.month_to, "as_of": report.as_of,
            "rows": report_files.collection_rows(report)}  # fmt: skip


@router.get("/billing/estates/{int:estate_id}/reports/collection.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def collection_export(request: HttpRequest, estate_id: IdParam, filters: Query[CollectionIn]):
    """收缴率 with these filters as .xlsx (the page's export)."""
    estate, report = _collection(request, estate_id)
    return report_files.collection_xlsx(estate, report)


# --- 收入构成 ---------------------------------------------------------------------------------


class IncomeIn(Schema):
    start: Day | None = Field(None, description="默认本月1日", examples=["2026-11-01"])
    end: Day | None = Field(None, description="默认今天；区间最长三年", examples=["2026-11-30"])


class IncomeLineOut(Schema):
    key: str
    label: str
    amount: Decimal
    count: int | None = Field(None, description="笔数（缴费渠道）")
    kind: str = Field("", description="类别（收费项目）")
    share: Decimal | None = Field(None, description="占比（%）")


class IncomeOut(Schema):
    estate: int
    start: dt.date
    end: dt.date
    total: Decimal = Field(..., description="收款合计")
    count: int = Field(..., description="收款笔数")
    prepaid: Decimal = Field(..., description="预存：期末仍未核销的部分")
    prepaid_share: Decimal | None
    channels: list[IncomeLineOut]
    items: list[IncomeLineOut]


def _income(request: HttpRequest, estate_id: int):
    _actor, estate = _estate(request, estate_id)
    form, start, end, _today = forms.income_period(request, estate)
    _refuse_bad(form)
    return estate, reports.income_report(estate=estate, start=start, end=end)


@router.get("/billing/estates/{int:estate_id}/reports/income",
            response={200: IncomeOut, **FEE_READ_ERRORS})  # fmt: skip
def income_report(request: HttpRequest, estate_id: IdParam, filters: Query[IncomeIn]):
    """收入构成: money received between ``start`` and ``end`` (this month by default) by payment
    channel, and by the charge item it settled, the unallocated rest as 预存."""
    estate, report = _income(request, estate_id)
    return {"estate": estate.pk, "start": report.start, "end": report.end, "total": report.total,
            "count": report.count, "prepaid": report.prepaid,
            "prepaid_share": report.prepaid_share, "channels": report.channels,
            "items": report.items}  # fmt: skip


class IncomeExportIn(IncomeIn):
    by: Literal["items", "channels"] = Field(
        "items", description="items 按收费项目 / channels 按缴费渠道", examples=["channels"]
    )


@router.get("/billing/estates/{int:estate_id}/reports/income.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def income_export(request: HttpRequest, estate_id: IdParam, filters: Query[IncomeExportIn]):
    """收入构成 as .xlsx, by charge item or by payment channel (the page's two exports)."""
    estate, report = _income(request, estate_id)
    return report_files.income_xlsx(estate, report, report.start, report.end, by=filters.by)


# --- 各项目对比 (company view) ----------------------------------------------------------------


class CompanyIn(Schema):
    year: int | None = Field(None, ge=1900, le=2100, description="默认今年", examples=[2026])
    month: int | None = Field(None, ge=1, le=12, description="不填为全年", examples=[11])
    as_of: Day | None = Field(None, description="实收截至日期，默认今天", examples=["2026-11-26"])


class FiguresOut(Schema):
    due: Decimal
    received: Decimal
    outstanding: Decimal
    rate: Decimal | None


class EstateFiguresOut(Schema):
    estate: int | None = Field(..., description="项目 id；合计行为 null")
    name: str
    period: FiguresOut = Field(..., description="所选期间")
    year_to_date: FiguresOut = Field(..., description="当年累计")
    arrears_open: Decimal = Field(..., description="年初欠费")
    arrears_received: Decimal = Field(..., description="累计清欠")
    arrears_rate: Decimal | None
    income: Decimal = Field(..., description="收款合计")


class CompanyOut(Schema):
    year: int
    month: int | None
    as_of: dt.date
    period_label: str
    estates: list[EstateFiguresOut]
    total: EstateFiguresOut


def _figures(estate, name: str, r) -> dict:
    return {"estate": estate, "name": name, "period": r.period, "year_to_date": r.year_to_date,
            "arrears_open": r.arrears_open, "arrears_received": r.arrears_received,
            "arrears_rate": r.arrears_rate, "income": r.income}  # fmt: skip


def _company(request: HttpRequest):
    actor = actor_for(request.auth)
    require_fee_reader(actor)
    form, params = forms.company_params(request)  # the page's filters and defaults
    _refuse_bad(form)
    month = params["month"]
    rows = reports.collection_reports(
        estates=list(visible_estates(actor).order_by("name", "pk")), year=params["year"],
        month_from=month or 1, month_to=month or 12, as_of=params["as_of"],
    )  # fmt: skip
    return params, rows, reports.company_totals(rows)


@router.get("/billing/reports/company", response={200: CompanyOut, **FEE_READ_ERRORS})
def company_report(request: HttpRequest, filters: Query[CompanyIn]):
    """各项目收缴对比: every estate the caller may see side by side for a month or a year — the
    period's rate, the year to date, 清欠 and the income — and the company's total."""
    params, rows, totals = _company(request)
    return {
        "year": params["year"], "month": params["month"], "as_of": params["as_of"],
        "period_label": report_files.company_period_label(params["year"], params["month"]),
        "estates": [_figures(r.estate.pk, r.estate.name, r) for r in rows],
        "total": _figures(None, _("合计"), totals),
    }  # fmt: skip


@router.get("/billing/reports/company.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def company_export(request: HttpRequest, filters: Query[CompanyIn]):
    """各项目收缴率 with these filters as .xlsx (the page's export)."""
    params, rows, totals = _company(request)
    label = report_files.company_period_label(params["year"], params["month"])
    return report_files.company_xlsx(rows, totals, label)
