"""Complaint analysis in the API (COMPLAINT-14: the figures of the analysis page)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, Day, IdParam
from wuye.complaints.models import WeeklyAnalysis
from wuye.complaints.services.analysis import analysis_period, complaint_analysis
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

router = Router(tags=["complaints"])

Share = float | None


class ComplaintCountOut(Schema):
    code: str
    label: str
    count: int
    share: Share = Field(..., ge=0, le=1, description="count / total; null if no complaint.")


class OtherOut(Schema):
    label: str = Field(..., description="What 其他 was, as written at intake.")
    count: int
    share: Share = Field(..., ge=0, le=1)


class TypeCountOut(ComplaintCountOut):
    others: list[OtherOut] = Field(..., description="For 其他: its free texts grouped.")


class TopTypeOut(Schema):
    code: str
    detail: str = Field(..., description="For 其他: the free text; empty otherwise.")
    label: str
    count: int
    share: Share = Field(..., ge=0, le=1)


class SubjectOut(Schema):
    code: str = Field(..., examples=["elevator"])
    label: str = Field(..., examples=["电梯"])
    words: list[str] = Field(..., description="The words that name the subject in a complaint.")
    count: int = Field(..., description="Complaints that mention it (each counts once).")
    share: Share = Field(..., ge=0, le=1, description="count / complaints read.")


class HandlingOut(Schema):
    with_clock: int = Field(..., description="Complaints with a handling deadline (not cancelled).")
    overdue: int = Field(..., description="Of those, breached or running past due.")
    overdue_rate: Share = Field(..., ge=0, le=1)


class SatisfactionOut(Schema):
    rated: int
    average: float | None = Field(..., ge=1, le=5)


class WeekOut(Schema):
    week_start: dt.date
    week_end: dt.date
    count: int


class StoredWeekOut(Schema):
    id: int
    week_start: dt.date
    generated_at: dt.datetime
    measures: str = Field(..., description="The improvement measures decided (COMPLAINT-18).")


class ComplaintAnalysisOut(Schema):
    estate_id: int
    start: dt.date
    end: dt.date
    days: int
    time_zone: str
    total: int
    cancelled: int
    major: int
    reopened: int = Field(..., description="Complaints handled again after an unhappy reply.")
    by_type: list[TypeCountOut]
    by_department: list[ComplaintCountOut] = Field(
        ..., description="`unassigned`: not yet assigned."
    )
    by_channel: list[ComplaintCountOut]
    by_urgency: list[ComplaintCountOut]
    top_types: list[TopTypeOut] = Field(..., description="Top 10 types, 其他 split by its text.")
    top_subjects: list[SubjectOut] = Field(..., description="Top 10 subjects of the contents.")
    keywords_scanned: int
    handling: HandlingOut
    satisfaction: SatisfactionOut
    trend: list[WeekOut] = Field(..., description="8 Monday-start weeks ending with `end`'s.")
    weekly_analysis: StoredWeekOut | None = Field(
        None, description="The stored weekly analysis when the range is exactly its week."
    )


@router.get("/complaints/analysis", response={200: ComplaintAnalysisOut, **READ_ERRORS})
def complaint_analysis_get(
    request: HttpRequest,
    estate: IdParam,
    start: Day | None = None,
    end: Day | None = None,
) -> dict:
    """Complaint analysis of an estate for the complaints received from ``start`` to ``end``
    (dates in the estate's time zone, both included; default: the last complete Monday–Sunday
    week; at most 366 days), counted now. Staff of the estate only."""
    actor = actor_for(request.auth)
    estate_obj = get_or_404(scope_to_estates(Estate.objects.all(), actor, field="pk"), estate)
    start, end = analysis_period(estate=estate_obj, start=start, end=end)
    figures = complaint_analysis(estate=estate_obj, start=start, end=end)
    if start.weekday() == 0 and (end - start).days == 6:
        figures["weekly_analysis"] = WeeklyAnalysis.objects.filter(
            estate=estate_obj, week_start=start
        ).first()
    return figures
