"""Fire drills API (消防演练, FIRE-13): the drills, each estate's count this year against the
1–2 target, planning one, and its steps (record with participants, photos, summary and the
evacuation checklist; cancel; comment)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import action_param

from ..documents.fires import drills_xlsx
from ..processes import FIRE_DRILL
from ..selectors import drills as selectors
from ..services import drills as services

router = Router(tags=["security"])
Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=12)]


class DrillPlanIn(Schema):
    estate: Id
    planned_on: Day
    scenario: Text = Field(..., max_length=200, examples=["高层住宅火灾疏散演练"])
    organiser: Id


class DrillActionIn(Schema):
    """start: opens the drill's exercise incident of the fire plan (once; again: no change).
    ``data`` for record: {held_on?, participant_count, participants, summary, checklist:
    [escape_routes, no_elevators, lifts_recalled, vehicles_out, …]}; at least one photo in
    ``attachments``; the exercise opens if nobody started it. cancel: ``note`` the reason (a
    started exercise is cancelled with the drill)."""

    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class DrillOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    planned_on: dt.date
    scenario: str
    organiser: int = Field(..., alias="organiser_id")
    organiser_name: str
    held_on: dt.date | None
    participant_count: int | None
    participants: str
    summary: str
    evacuation: dict[str, bool]
    incident: int | None = Field(
        None, alias="incident_id", description="The exercise incident of the fire plan (ch.7)."
    )
    incident_number: str | None = None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_incident_number(obj) -> str | None:
        return obj.incident.case.number if obj.incident_id else None

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_organiser_name(obj) -> str:
        return obj.organiser.name


class DrillYearOut(Schema):
    estate: int
    estate_name: str
    year: int
    done: int
    planned: int
    target_min: int
    target_max: int
    met: bool

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.estate.pk

    @staticmethod
    def resolve_estate_name(obj) -> str:
        return obj.estate.name


@router.get("/security/drills", response={200: list[DrillOut], **READ_ERRORS})
@paginated
def drill_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
               year: Year | None = None, q: Term = ""):  # fmt: skip
    return selectors.drill_list(actor=actor_for(request.auth), estate_id=estate, status=status,
                                year=year, q=q)  # fmt: skip


@router.get("/security/drills/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="消防演练"))  # fmt: skip
def drill_export(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                 year: Year | None = None, q: Term = ""):  # fmt: skip
    """The filtered drills as an Excel file."""
    return drills_xlsx(selectors.drill_list(actor=actor_for(request.auth), estate_id=estate,
                                            status=status, year=year, q=q))  # fmt: skip


@router.get("/security/drills/summary", response={200: list[DrillYearOut], **READ_ERRORS})
def drill_summary(request: HttpRequest, year: Year | None = None,
                  estate: IdParam | None = None):  # fmt: skip
    """Per estate: drills done in the year (default this year) against FIRE-13's 1–2."""
    year = year or timezone.localdate().year
    return selectors.drill_year_summary(actor=actor_for(request.auth), year=year,
                                        estate_id=estate)  # fmt: skip


@router.get("/security/drills/{int:drill_id}", response={200: DrillOut, **READ_ERRORS})
def drill_detail(request: HttpRequest, drill_id: IdParam):
    return selectors.drill_get_for_user(request.auth, drill_id)


@router.post("/security/drills", response={201: DrillOut, **WRITE_ERRORS})
def drill_plan(request: HttpRequest, payload: DrillPlanIn):
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    organiser = Staff.objects.filter(pk=payload.organiser, company_id=estate.company_id).first()
    if organiser is None:
        message = _("请选择本项目的组织人")
        raise ApiError(400, "invalid", message, {"organiser": [message]})
    drill = services.drill_plan(estate=estate, planned_on=payload.planned_on,
                                scenario=payload.scenario, organiser=organiser,
                                by=request.auth)  # fmt: skip
    return Status(201, selectors.drill_get_for_user(request.auth, drill.pk))


DrillAction = action_param("fire_drill")


@router.post("/security/drills/{int:drill_id}/{action}",
             response={200: DrillOut, **WRITE_ERRORS})  # fmt: skip
def drill_action(request: HttpRequest, drill_id: IdParam, action: DrillAction,
                 payload: DrillActionIn):  # fmt: skip
    if action not in {a.name for a in FIRE_DRILL.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    drill = selectors.drill_get_for_user(request.auth, drill_id)
    services.drill_act(drill=drill, action=action, by=request.auth, note=payload.note,
                       data=payload.data, attachments=payload.attachments or None)  # fmt: skip
    return selectors.drill_get_for_user(request.auth, drill_id)
