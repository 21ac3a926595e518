"""Complaint analysis in the API (COMPLAINT-14/18): the figures of the analysis page, its .xlsx
and the improvement measures decided for a stored week."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, XLSX, Day, Id, IdParam, Text, file_download
from wuye.complaints.documents.analysis import analysis_xlsx_response
from wuye.complaints.models import WeeklyAnalysis
from wuye.complaints.services.analysis import (
    MEASURES_MAX,
    analysis_chosen,
    analysis_period,
    complaint_analysis,
    weekly_measures_save,
)
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


def _staff_estate(request: HttpRequest, estate_id: int) -> Estate:
    """An estate of the caller's, for staff (the page's scope: anyone else a 404)."""
    actor = actor_for(request.auth)
    return get_or_404(scope_to_estates(Estate.objects.all(), actor, field="pk"), estate_id)


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
    estate_obj = _staff_estate(request, estate)
    start, end = analysis_period(estate=estate_obj, start=start, end=end)
    figures = complaint_analysis(estate=estate_obj, start=start, end=end)
    if start.weekday() == 0 and (end - start).days == 6:
        figures["weekly_analysis"] = WeeklyAnalysis.objects.filter(
            estate=estate_obj, week_start=start
        ).first()
    return figures


# --- The figures as .xlsx, and the week's improvement measures (COMPLAINT-14/18) ----------------


@router.get("/complaints/analysis.xlsx", response=READ_ERRORS, openapi_extra=file_download(XLSX))
def complaint_analysis_xlsx(
    request: HttpRequest,
    estate: IdParam,
    week: Day | None = None,
    start: Day | None = None,
    end: Day | None = None,
) -> HttpResponse:
    """The analysis as the page shows it, as .xlsx (an overview and one sheet per breakdown):
    ``week`` (a Monday): that stored weekly analysis as it was generated, with its measures
    (404 when none was generated); else ``start``/``end``: that range counted now; else the
    newest stored week (the last complete week counted now while none is stored)."""
    estate_obj = _staff_estate(request, estate)
    try:
        shown = analysis_chosen(estate=estate_obj, week=week, start=start, end=end)
    except WeeklyAnalysis.DoesNotExist:
        raise Http404 from None
    return analysis_xlsx_response(estate_obj, shown)


class MeasuresIn(Schema):
    estate: Id = Field(..., examples=[1])
    week: Day = Field(..., description="The Monday of a stored weekly analysis.")
    measures: Text = Field(
        ..., max_length=MEASURES_MAX, examples=["电梯维保频率提高至每10天一次"],
        description="The improvement measures decided; empty clears them.",
    )  # fmt: skip


class MeasuresOut(StoredWeekOut):
    measures_by: int | None = Field(None, alias="measures_by_id")


@router.post("/complaints/analysis/measures", response={200: MeasuresOut, **WRITE_ERRORS})
def complaint_analysis_measures(request: HttpRequest, payload: MeasuresIn) -> WeeklyAnalysis:
    """Record the improvement measures decided from a week's analysis (COMPLAINT-14/18), as the
    page's form does: department heads and executives of the estate (403 otherwise); a week
    with no stored analysis is a 404."""
    estate = _staff_estate(request, payload.estate)
    row = WeeklyAnalysis.objects.filter(estate=estate, week_start=payload.week).first()
    if row is None:
        raise Http404
    return weekly_measures_save(analysis=row, measures=payload.measures, by=request.auth)
