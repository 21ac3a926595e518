"""Repairs KPIs in the API (the figures of the KPIs page)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, Day, IdParam
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.repairs.selectors.kpis import kpi_period, repair_kpis

router = Router(tags=["repairs"])

Share = float | None


class RepairCountOut(Schema):
    code: str
    label: str
    count: int


class ClockKpiOut(Schema):
    key: str = Field(..., examples=["dispatch_general"])
    rule: str = Field(..., examples=["REPAIR-08"])
    name: str
    met: int
    breached: int
    running: int = Field(..., description="Still counting (running or paused).")
    share_met: Share = Field(..., ge=0, le=1, description="met / (met + breached); null if none.")


class MediansOut(Schema):
    dispatch: float | None = Field(..., description="Minutes from the report to dispatch.")
    arrival: float | None = Field(..., description="Minutes from the report to arrival.")
    completion: float | None = Field(..., description="Minutes from the report to completion.")


class RatingsOut(Schema):
    rated: int
    satisfaction: float | None
    quality: float | None
    attitude: float | None


class DayOut(Schema):
    date: dt.date
    reported: int
    completed: int = Field(..., description="Orders completed that day (reported any time).")


class TechnicianOut(Schema):
    user_id: int
    name: str
    completed: int
    median_completion_minutes: float | None
    rated: int
    satisfaction: float | None


class RepairKpisOut(Schema):
    estate_id: int
    start: dt.date
    end: dt.date
    time_zone: str
    total: int
    completed: int
    cancelled: int
    open_now: int = Field(..., description="Of the period's orders, open at this moment.")
    overdue_now: int = Field(..., description="Open with a clock past due or breached.")
    by_category: list[RepairCountOut]
    by_urgency: list[RepairCountOut]
    clocks: list[ClockKpiOut]
    median_minutes: MediansOut
    repeats: int = Field(..., description="Repeats within 30 days, excused causes left out.")
    repeat_rate: Share = Field(..., ge=0, description="repeats / completed; null if none.")
    ratings: RatingsOut
    daily: list[DayOut]
    technicians: list[TechnicianOut]


@router.get("/repairs/kpis", response={200: RepairKpisOut, **READ_ERRORS})
def repair_kpis_get(
    request: HttpRequest,
    estate: IdParam,
    start: Day | None = None,
    end: Day | None = None,
) -> dict:
    """Repair KPIs of an estate for the orders reported from ``start`` to ``end`` (dates in the
    estate's time zone, both included; default: the last 30 days ending today; at most 366
    days). Staff of the estate only."""
    actor = actor_for(request.auth)
    estate_obj = get_or_404(scope_to_estates(Estate.objects.all(), actor, field="pk"), estate)
    start, end = kpi_period(estate=estate_obj, start=start, end=end)
    return repair_kpis(estate=estate_obj, start=start, end=end)
