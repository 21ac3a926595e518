"""API of the 《绿化养护计划》 (GREEN-05..10, GREEN-12, GREEN-14): seeding by season, the lines
with their timing, a line's change, stop and addition, the heat adjustment, revisions and the
Excel export — the pages' services."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Estate, Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..models import GreenArea, Rectification
from ..selectors import greening as selectors
from ..selectors.green import green_area_get_for_user
from ..services import greening as services

router = Router(tags=["environment"])

Time = Text


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


class PlanLineOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    green_area: int = Field(..., alias="green_area_id")
    work: str
    season: str
    schedule: int = Field(..., alias="schedule_id")
    active: bool
    timing: str
    months: list[int]
    times: list[str]
    interval: int
    day_of_month: int | None
    due_days: int
    start: dt.date
    end: dt.date | None
    assignee: int | None
    assignee_name: str
    certificate: str

    @staticmethod
    def resolve_timing(obj) -> str:
        return selectors.line_timing(obj)

    @staticmethod
    def resolve_months(obj) -> list[int]:
        return selectors.line_months(obj)

    @staticmethod
    def resolve_times(obj) -> list[str]:
        return list(obj.schedule.times)

    @staticmethod
    def resolve_interval(obj) -> int:
        return obj.schedule.interval

    @staticmethod
    def resolve_day_of_month(obj) -> int | None:
        return obj.schedule.day_of_month

    @staticmethod
    def resolve_due_days(obj) -> int:
        return obj.schedule.due_amount

    @staticmethod
    def resolve_start(obj) -> dt.date:
        return obj.schedule.anchor

    @staticmethod
    def resolve_end(obj) -> dt.date | None:
        return obj.schedule.end

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        staff = getattr(obj.schedule.assignee, "staff", None)
        return staff.pk if staff else None

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        staff = getattr(obj.schedule.assignee, "staff", None)
        return staff.name if staff else ""

    @staticmethod
    def resolve_certificate(obj) -> str:
        spec = getattr(obj.schedule, "spec", None)
        return spec.certificate if spec else ""


class GreeningSeedIn(Schema):
    estate: Id
    anchor: Day | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    areas: list[Id] | None = Field(None, max_length=500)


class SeedOut(Schema):
    created: list[PlanLineOut]
    skipped: list[str]


class GreeningLineChangeIn(Schema):
    reason: Note = Field(..., min_length=1)
    times: list[Time] | None = Field(None, min_length=1, max_length=4)
    interval: int | None = Field(None, ge=1, le=92)
    day_of_month: int | None = Field(None, ge=1, le=31)
    due_days: int | None = Field(None, ge=0, le=30)
    assignee: Id | None = Field(None, description="the gardener's staff id")
    rectification: Id | None = Field(None, description="the rectification this change answers")


class LineAddIn(Schema):
    green_area: Id
    work: Text = Field(..., max_length=20)
    season: Text = Field(..., max_length=10)
    reason: Note = Field(..., min_length=1)
    assignee: Id | None = None
    interval: int | None = Field(None, ge=1, le=92)
    day_of_month: int | None = Field(None, ge=1, le=31)
    times: list[Time] | None = Field(None, min_length=1, max_length=4)
    due_days: int | None = Field(None, ge=0, le=30)
    rectification: Id | None = Field(None, description="the rectification this change answers")


class GreeningReasonIn(Schema):
    reason: Note = Field(..., min_length=1)
    rectification: Id | None = Field(None, description="the rectification this change answers")


def _rectification(request: HttpRequest, estate_id: int, pk: int | None):
    """CLEAN-15: the rectification a plan change answers (scoped; 404 when not visible)."""
    if pk is None:
        return None
    return get_or_404(Rectification.objects.filter(estate_id=estate_id), pk)


class GreeningAdjustIn(Schema):
    estate: Id
    start: Day
    end: Day
    times: list[Time] = Field(..., min_length=1, max_length=4)
    reason: Note = Field(..., min_length=1)
    areas: list[Id] | None = Field(None, max_length=500)


class GreeningRevisionOut(Schema):
    id: int
    green_area: int | None = Field(None, alias="green_area_id")
    line: int | None = Field(None, alias="line_id")
    changes: dict
    reason: str
    by: int | None = Field(None, alias="by_id")
    at: dt.datetime


def _staff(estate: Estate, pk: int | None) -> Staff | None:
    if pk is None:
        return None
    return Staff.objects.filter(pk=pk, company_id=estate.company_id).first() or Staff(pk=pk)


def _areas(estate: Estate, ids: list[int] | None) -> list[GreenArea] | None:
    if ids is None:
        return None
    return list(GreenArea.objects.filter(estate=estate, pk__in=ids))


def _line(request: HttpRequest, pk: int):
    return selectors.line_get_for_user(request.auth, pk)


@router.post("/environment/greening-plan/seed", response={201: SeedOut, **WRITE_ERRORS})
def greening_plan_seed(request: HttpRequest, payload: GreeningSeedIn):
    """Draw up the seasonal plan for the estate's areas (GREEN-05..10); refused before the
    landscape plan (GREEN-03). Seeding again only fills gaps."""
    estate = _estate(request, payload.estate)
    result = services.greening_plan_seed(
        estate=estate, by=request.auth, anchor=payload.anchor, year=payload.year,
        areas=_areas(estate, payload.areas),
    )  # fmt: skip
    created = [selectors.line_get_for_user(request.auth, line.pk) for line in result.created]
    return Status(201, {"created": created, "skipped": result.skipped})


@router.get("/environment/greening-plan/lines", response={200: list[PlanLineOut], **READ_ERRORS})
@paginated
def greening_line_list(
    request: HttpRequest, estate: IdParam | None = None, green_area: IdParam | None = None,
    season: Term = "", work: Term = "", active: Term = "1",
):  # fmt: skip
    qs = selectors.lines_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if green_area is not None:
        qs = qs.filter(green_area_id=green_area)
    if season:
        qs = qs.filter(season=season)
    if work:
        qs = qs.filter(work=work)
    if active in ("0", "1"):
        qs = qs.filter(active=active == "1")
    return qs.order_by("green_area__name", "season", "work", "pk")


@router.get(
    "/environment/greening-plan/lines/{int:line_id}", response={200: PlanLineOut, **READ_ERRORS}
)
def greening_line_detail(request: HttpRequest, line_id: IdParam):
    return _line(request, line_id)


@router.post("/environment/greening-plan/lines", response={201: PlanLineOut, **WRITE_ERRORS})
def greening_line_add(request: HttpRequest, payload: LineAddIn):
    """Add a line by hand, with the reason (a plan revision)."""
    area = green_area_get_for_user(request.auth, payload.green_area)
    values = payload.dict(exclude={"green_area", "assignee", "rectification"})
    line = services.plan_line_add(
        area=area, by=request.auth, assignee=_staff(area.estate, payload.assignee),
        rectification=_rectification(request, area.estate_id, payload.rectification), **values,
    )  # fmt: skip
    return Status(201, _line(request, line.pk))


@router.patch(
    "/environment/greening-plan/lines/{int:line_id}", response={200: PlanLineOut, **WRITE_ERRORS}
)
def greening_line_update(request: HttpRequest, line_id: IdParam, payload: GreeningLineChangeIn):
    """Change a line's timing or gardener, with the reason (a plan revision)."""
    line = _line(request, line_id)
    changes = payload.dict(exclude_unset=True, exclude={"reason", "assignee", "rectification"})
    if "assignee" in payload.model_fields_set:
        changes["assignee"] = _staff(line.estate, payload.assignee)
    services.plan_line_update(
        line=line, by=request.auth, reason=payload.reason,
        rectification=_rectification(request, line.estate_id, payload.rectification), **changes,
    )  # fmt: skip
    return _line(request, line.pk)


@router.post(
    "/environment/greening-plan/lines/{int:line_id}/stop",
    response={200: PlanLineOut, **WRITE_ERRORS},
)
def greening_line_stop(request: HttpRequest, line_id: IdParam, payload: GreeningReasonIn):
    line = _line(request, line_id)
    line = services.plan_line_stop(
        line=line, by=request.auth, reason=payload.reason,
        rectification=_rectification(request, line.estate_id, payload.rectification),
    )  # fmt: skip
    return _line(request, line.pk)


@router.post(
    "/environment/greening-plan/adjustments", response={201: list[PlanLineOut], **WRITE_ERRORS}
)
def greening_adjust(request: HttpRequest, payload: GreeningAdjustIn):
    """GREEN-12: extra waterings from ``start`` to ``end`` at ``times`` (temporary lines)."""
    estate = _estate(request, payload.estate)
    lines = services.greening_heat_adjust(
        estate=estate, by=request.auth, start=payload.start, end=payload.end,
        times=payload.times, reason=payload.reason, areas=_areas(estate, payload.areas),
    )  # fmt: skip
    return Status(201, [_line(request, line.pk) for line in lines])


@router.get(
    "/environment/greening-plan/revisions", response={200: list[GreeningRevisionOut], **READ_ERRORS}
)
@paginated
def greening_revisions(
    request: HttpRequest, estate: IdParam | None = None, green_area: IdParam | None = None
):
    qs = selectors.revisions_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if green_area is not None:
        qs = qs.filter(green_area_id=green_area)
    return qs


@router.get(
    "/environment/greening-plan/export.xlsx", response=READ_ERRORS,
    openapi_extra=file_download(XLSX),
)  # fmt: skip
def greening_plan_export(request: HttpRequest, estate: IdParam):
    """The plan as an Excel file: each line with its timing, gardener and months."""
    return selectors.plan_export(_estate(request, estate))
