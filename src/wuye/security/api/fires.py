"""Fires API (火灾, FIRE-02/08..12, VEHICLE-13): the fires a caller may see, reporting one with
its three required facts, every step through ``POST /security/fires/{id}/{action}`` (the same
service as the live page), with the clocks and the timeline."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.models import Building
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import ClockOut, EventOut, action_param
from wuye.workflow.selectors import case_timeline

from ..documents.fires import fires_xlsx
from ..models import FireIncident
from ..processes import FIRE_INCIDENT
from ..selectors import fires as selectors
from ..services import fires as services

router = Router(tags=["security"])


class FireReportIn(Schema):
    """A fire (FIRE-09): where, how big, anyone trapped — all three required."""

    estate: Id
    place: Text = Field(..., max_length=200, examples=["3栋2单元12楼楼道"])
    size: Text = Field(..., max_length=10, examples=["small"])
    trapped: Text = Field(..., max_length=10, examples=["no"])
    trapped_note: Text = Field("", max_length=200)
    building: Id | None = None
    description: Text = Field("", max_length=2000)
    # FIRE-08: the 119 call, if made before the report (who made it).
    called_119: bool = False
    called_119_by: Text = Field("", max_length=50)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class FireActionIn(Schema):
    """One step. ``data`` per action: call_119 {by_name?}; fight {facilities: [extinguisher,
    hydrant, …]}; evacuated {checklist: [escape_routes, no_elevators, lifts_recalled,
    vehicles_out, …]}; close {investigated_by, cause, site_cleared, order_restored}."""

    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class FireOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    status_label: str
    estate: int = Field(..., alias="estate_id")
    place: str
    building: int | None = Field(None, alias="building_id")
    size: str
    trapped: str
    trapped_note: str
    description: str
    reported_at: dt.datetime
    called_119_at: dt.datetime | None
    called_119_by: str
    facilities_used: list[str]
    waited_for_brigade: bool
    brigade_arrived_at: dt.datetime | None
    evacuation: dict[str, bool]
    evacuated_at: dt.datetime | None
    investigated_by: str
    cause: str
    site_cleared: bool
    order_restored: bool
    closed_at: dt.datetime | None
    sla: list[ClockOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(FIRE_INCIDENT.state_label(obj.case.status))

    @staticmethod
    def resolve_sla(obj) -> list:
        return list(obj.case.clocks.all())


class FireDetailOut(FireOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj, context) -> list[dict[str, Any]]:
        actor = actor_for(context["request"].auth)
        return [
            {"at": e.at, "action": e.action,
             "actor": e.actor.get_username() if e.actor_id else None, "role": e.role,
             "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
             "data": e.data}
            for e in case_timeline(case=obj.case, actor=actor)
        ]  # fmt: skip


def _fire(request, fire_id) -> FireIncident:
    return selectors.fire_get_for_user(request.auth, fire_id)


@router.get("/security/fires", response={200: list[FireOut], **READ_ERRORS})
@paginated
def fire_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
              size: Term = "", open: bool = False, q: Term = ""):  # fmt: skip
    """Open fires first, then the latest reported."""
    return selectors.fire_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, size=size,
        open_only=open, q=q,
    ).prefetch_related("case__clocks")  # fmt: skip


@router.get("/security/fires/export.xlsx", response=READ_ERRORS,
            openapi_extra=file_download(XLSX, description="火灾记录"))  # fmt: skip
def fire_export(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                size: Term = "", open: bool = False, q: Term = ""):  # fmt: skip
    """The filtered fires as an Excel file."""
    fires = selectors.fire_list(actor=actor_for(request.auth), estate_id=estate, status=status,
                                size=size, open_only=open, q=q)  # fmt: skip
    return fires_xlsx(fires)


@router.get("/security/fires/{int:fire_id}", response={200: FireDetailOut, **READ_ERRORS})
def fire_detail(request: HttpRequest, fire_id: IdParam):
    return _fire(request, fire_id)


@router.post("/security/fires", response={201: FireDetailOut, **WRITE_ERRORS})
def fire_report(request: HttpRequest, payload: FireReportIn):
    """Report a fire: the order department's head and guards on duty are told at once by inbox
    and SMS (FIRE-08)."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    building = None
    if payload.building is not None:
        building = Building.objects.filter(estate=estate, pk=payload.building).first()
        if building is None:
            message = _("该楼栋不属于本项目")
            raise ApiError(400, "invalid", message, {"building": [message]})
    fire = services.fire_report(
        estate=estate, place=payload.place, size=payload.size, trapped=payload.trapped,
        trapped_note=payload.trapped_note, building=building, description=payload.description,
        called_119=payload.called_119, called_119_by=payload.called_119_by,
        attachments=payload.attachments or None, by=request.auth,
    )  # fmt: skip
    return Status(201, _fire(request, fire.pk))


FireAction = action_param("fire_incident")


@router.post("/security/fires/{int:fire_id}/{action}",
             response={200: FireDetailOut, **WRITE_ERRORS})  # fmt: skip
def fire_action(request: HttpRequest, fire_id: IdParam, action: FireAction,
                payload: FireActionIn):  # fmt: skip
    """One step of the fire; 403 role, 409 state, 400 inputs, as on the live page."""
    if action not in {a.name for a in FIRE_INCIDENT.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    fire = _fire(request, fire_id)
    services.fire_act(fire=fire, action=action, by=request.auth, note=payload.note,
                      data=payload.data, attachments=payload.attachments or None)  # fmt: skip
    return _fire(request, fire_id)
