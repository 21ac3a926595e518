"""API: the cleaning plan (《清洁卫生计划》, CLEAN-05..11): its lines, changes as revisions with a
reason, the manual's defaults — the same services as the pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Estate, Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.cleaning_plan import cleaning_plan_xlsx
from ..models import Rectification
from ..selectors import cleaning as selectors
from ..selectors import zones as zone_selectors
from ..services import cleaning as services
from ..services.zones import profile_get

router = Router(tags=["environment"])

HHMM = Field(..., pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class TimingIn(Schema):
    times: list[Text] | None = Field(None, max_length=24)
    every_hours: int | None = Field(None, ge=1, le=12)
    every_days: int | None = Field(None, ge=1, le=30)
    due_hours: int | None = Field(None, ge=1, le=24)
    assignee: Id | None = None
    photos: int | None = Field(None, ge=0, le=20)


class LineIn(TimingIn):
    zone: Id
    work: Text = Field(..., max_length=20)
    reason: Text = Field(..., min_length=1, max_length=500)
    rectification: Id | None = None


class CleaningLineChangeIn(TimingIn):
    reason: Text = Field(..., min_length=1, max_length=500)
    rectification: Id | None = None


class StopIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=500)
    rectification: Id | None = None


class CleaningSeedIn(Schema):
    estate: Id
    reason: Text = Field("", max_length=500)


class LineOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    zone: int = Field(..., alias="zone_id")
    zone_name: str
    work: str
    work_label: str = Field(..., alias="get_work_display")
    times: list[str]
    every_days: int
    due_hours: int
    frequency: str
    assignee: int | None
    assignee_name: str
    photos: int
    schedule: int = Field(..., alias="schedule_id")
    active: bool

    @staticmethod
    def resolve_zone_name(obj) -> str:
        return obj.zone.name

    @staticmethod
    def resolve_times(obj) -> list[str]:
        return list(obj.schedule.times or [])

    @staticmethod
    def resolve_every_days(obj) -> int:
        return obj.schedule.interval

    @staticmethod
    def resolve_due_hours(obj) -> int:
        return obj.schedule.due_amount

    @staticmethod
    def resolve_frequency(obj) -> str:
        return services.frequency_text(obj)

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        user = obj.schedule.assignee
        return user.staff.pk if user is not None and hasattr(user, "staff") else None

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        user = obj.schedule.assignee
        return user.staff.name if user is not None and hasattr(user, "staff") else ""

    @staticmethod
    def resolve_photos(obj) -> int:
        spec = getattr(obj.schedule, "spec", None)
        return spec.photos if spec else 0


class CleaningRevisionOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    zone: int | None = Field(None, alias="zone_id")
    line: int | None = Field(None, alias="line_id")
    changes: dict
    reason: str
    rectification: int | None = Field(None, alias="rectification_id")
    by: int | None = Field(None, alias="by_id")
    at: dt.datetime


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


def _refs(estate_id: int, payload) -> dict:
    refs: dict = {}
    if getattr(payload, "rectification", None):
        refs["rectification"] = get_or_404(
            Rectification.objects.filter(estate_id=estate_id), payload.rectification
        )
    if getattr(payload, "assignee", None):
        refs["assignee"] = get_or_404(
            Staff.objects.filter(estates__id=estate_id).distinct(), payload.assignee
        )
    return refs


def _timing(payload) -> dict:
    return {
        k: v for k, v in payload.dict(exclude_unset=True).items()
        if k in {"times", "every_hours", "every_days", "due_hours", "photos"} and v is not None
    }  # fmt: skip


@router.get("/environment/cleaning-plan", response={200: list[LineOut], **READ_ERRORS})
@paginated
def line_list(request: HttpRequest, estate: IdParam | None = None, zone: IdParam | None = None,
              work: Term = "", active: bool | None = True):  # fmt: skip
    qs = selectors.lines_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if zone is not None:
        qs = qs.filter(zone_id=zone)
    if work:
        qs = qs.filter(work=work)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


@router.get(
    "/environment/cleaning-plan/export.xlsx", response=READ_ERRORS,
    openapi_extra=file_download(XLSX),
)  # fmt: skip
def plan_export(request: HttpRequest, estate: IdParam):
    """《清洁卫生计划》 as an Excel sheet: the estate's active lines (the plan page's export)."""
    found = _estate(request, estate)
    lines = selectors.lines_for_user(request.auth).filter(estate=found, active=True)
    return cleaning_plan_xlsx(found, lines)


@router.get("/environment/cleaning-plan/{int:line_id}", response={200: LineOut, **READ_ERRORS})
def line_detail(request: HttpRequest, line_id: IdParam):
    return selectors.line_get_for_user(request.auth, line_id)


@router.post("/environment/cleaning-plan", response={201: LineOut, **WRITE_ERRORS})
def line_create(request: HttpRequest, payload: LineIn):
    zone = zone_selectors.zone_get_for_user(request.auth, payload.zone)
    line = services.line_create(
        zone=zone, work=payload.work, by=request.auth, reason=payload.reason,
        **_refs(zone.estate_id, payload), **_timing(payload),
    )  # fmt: skip
    return Status(201, selectors.line_get_for_user(request.auth, line.pk))


@router.patch("/environment/cleaning-plan/{int:line_id}", response={200: LineOut, **WRITE_ERRORS})
def line_update(request: HttpRequest, line_id: IdParam, payload: CleaningLineChangeIn):
    """Every change is a plan revision with its reason; the day's tasks stay whole."""
    line = selectors.line_get_for_user(request.auth, line_id)
    services.line_update(
        line=line, by=request.auth, reason=payload.reason, **_refs(line.estate_id, payload),
        **_timing(payload),
    )  # fmt: skip
    return selectors.line_get_for_user(request.auth, line.pk)


@router.post(
    "/environment/cleaning-plan/{int:line_id}/stop", response={200: LineOut, **WRITE_ERRORS}
)
def line_stop(request: HttpRequest, line_id: IdParam, payload: StopIn):
    line = selectors.line_get_for_user(request.auth, line_id)
    services.line_stop(line=line, by=request.auth, reason=payload.reason,
                       **_refs(line.estate_id, payload))  # fmt: skip
    return selectors.line_get_for_user(request.auth, line.pk)


@router.post("/environment/cleaning-plan/seed", response={200: list[LineOut], **WRITE_ERRORS})
def plan_seed(request: HttpRequest, payload: CleaningSeedIn):
    """CLEAN-05: the manual's default lines for every zone with named cleaners."""
    estate = _estate(request, payload.estate)
    profile_get(estate)
    made = services.cleaning_plan_seed(estate=estate, by=request.auth, reason=payload.reason)
    return list(selectors.lines_for_user(request.auth).filter(pk__in=[m.pk for m in made]))


@router.get(
    "/environment/cleaning-plan/revisions", response={200: list[CleaningRevisionOut], **READ_ERRORS}
)
@paginated
def revision_list(request: HttpRequest, estate: IdParam | None = None,
                  zone: IdParam | None = None):  # fmt: skip
    qs = selectors.revisions_for_user(request.auth)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if zone is not None:
        qs = qs.filter(zone_id=zone)
    return qs
