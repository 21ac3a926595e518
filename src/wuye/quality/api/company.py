"""The company view (公司总览) in the API: every estate of the executive's company side by side —
breaches today and overdue now, the month's share kept of each key clock, the collection rate,
open major complaints and incidents — and the company's last twelve months, read through the
same selector as the page."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, ErrorOut
from wuye.core.scoping import actor_for
from wuye.quality.selectors import CompanyRow, CompanyView, Share, company_view

router = Router(tags=["quality"])


class KeyClockShareOut(Schema):
    code: str = Field(..., description="The key clock.", examples=["repair_dispatch"])
    label: str = Field(..., examples=["报修派单"])
    decided: int = Field(..., description="Clocks due this month that were met or broken.")
    kept: int = Field(..., description="Of those, stopped on or before their due time.")
    breached: int
    share: float | None = Field(..., ge=0, le=1, description="kept / decided; null if none.")


class CompanyViewEstateOut(Schema):
    estate_id: int | None = Field(..., description="null: the company's total.")
    name: str
    breached_today: int = Field(..., description="Clocks that became breached today (local).")
    overdue: int = Field(..., description="Clocks breached or past due and still not done.")
    clocks: list[KeyClockShareOut]
    collection_rate: Decimal | None = Field(
        ..., description="收缴率 of the month in per cent (the billing reports' figure)."
    )
    major_complaints: int = Field(..., description="Open complaints marked 重大投诉.")
    incidents: int = Field(..., description="Real incidents still being handled or followed up.")


class CompanyViewMonthOut(Schema):
    month: str = Field(..., examples=["2026-11"])
    decided: int
    kept: int
    breached: int
    share: float | None = Field(..., ge=0, le=1)


class CompanyViewOut(Schema):
    month: str = Field(..., description="The month of the shares and the collection rate.")
    counted_at: dt.datetime
    estates: list[CompanyViewEstateOut]
    total: CompanyViewEstateOut
    trend: list[CompanyViewMonthOut] = Field(..., description="Twelve months, oldest first.")


def _shares(view: CompanyView, shares: tuple[Share, ...]) -> list[dict]:
    return [
        {"code": c.code, "label": str(c.label), "decided": s.decided, "kept": s.kept,
         "breached": s.breached, "share": s.share}
        for c, s in zip(view.key_clocks, shares, strict=True)
    ]  # fmt: skip


def _row(view: CompanyView, row: CompanyRow, name: str) -> dict:
    return {
        "estate_id": row.estate.pk if row.estate else None,
        "name": name,
        "breached_today": row.breached_today,
        "overdue": row.overdue,
        "clocks": _shares(view, row.shares),
        "collection_rate": row.collection_rate,
        "major_complaints": row.major_complaints,
        "incidents": row.incidents,
    }


def company_out(view: CompanyView) -> dict:
    return {
        "month": view.month_text,
        "counted_at": view.now,
        "estates": [_row(view, r, r.estate.name) for r in view.rows],
        "total": _row(view, view.total, _("合计")),
        "trend": [
            {"month": m.month_text, "decided": m.decided, "kept": m.kept,
             "breached": m.breached, "share": m.share}
            for m in view.trend
        ],
    }  # fmt: skip


@router.get("/quality/company", response={200: CompanyViewOut, **READ_ERRORS, 403: ErrorOut})
def company_get(request: HttpRequest) -> dict:
    """公司总览 for the executives (others: 403): every estate of the company, this month."""
    return company_out(company_view(actor=actor_for(request.auth), now=timezone.now()))
