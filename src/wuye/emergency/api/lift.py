"""Elevator entrapment API (电梯困人, EMERG-LIFT): the entrapments a caller may see (staff of the
estate; a contractor those it was called to), the lifts of an estate's register, opening one
(the desk, a resident's call), and every step through ``POST /emergency/entrapments/{id}/{action}``
— the same service as the pages, with the clocks of the incident and the fault and both
timelines."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import ClockOut, EventOut, action_param
from wuye.workflow.selectors import case_timeline

from ..models import Incident
from ..processes import INCIDENT
from ..selectors import lift as selectors
from ..services import lift as services

router = Router(tags=["emergency"])

EntrapmentAction = action_param(only=set(services.ENTRAPMENT_ACTIONS))


class LiftOut(Schema):
    """An elevator of the estate's register."""

    id: int
    code: str
    name: str
    location: str
    building: int | None = Field(None, alias="building_id")
    status: str
    contractor: int | None = Field(None, alias="contractor_id")


class LiftEntrapmentIn(Schema):
    """Open an entrapment (接警): the lift, how many trapped (0: not known yet), the source
    (desk | resident; a resident's call needs caller and phone)."""

    estate: Id
    lift: Id
    source: Text = Field("desk", max_length=20, examples=["resident"])
    people: int = Field(0, ge=0, le=100000)
    description: Text = Field("", max_length=1000)
    caller: Text = Field("", max_length=40)
    phone: Text = Field("", max_length=20)
    room: Id | None = None


class LiftActionIn(Schema):
    """One step. ``data`` per action: guard_arrive {checks: [the reassurance checklist]};
    call_contractor {contractor?}; rescue {checks: [the rescue checklist, every item]};
    followup {person, phone?, room?, reached?, satisfaction? 1-5} with the note; write_report
    {summary, handling, cause?, lessons?}; the rest need only the note."""

    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class LiftStepOut(Schema):
    code: str
    title: str
    checklist: list[str]
    done_at: dt.datetime | None
    note: str


class LiftFollowupOut(Schema):
    person: str
    phone: str
    contacted_at: dt.datetime | None
    reached: bool
    satisfaction: int | None
    note: str


class LiftEntrapmentOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    estate: int = Field(..., alias="estate_id")
    place: str
    people: int
    level: int
    source: str
    description: str
    reported_at: dt.datetime
    guard_arrived_at: dt.datetime | None
    fault: int = Field(..., alias="fault_id")
    fault_number: str
    fault_status: str
    lift: int
    lift_status: str
    contractor: int | None
    contractor_called_at: dt.datetime | None
    contractor_arrived_at: dt.datetime | None
    rescued_at: dt.datetime | None
    accepted_at: dt.datetime | None
    sla: list[ClockOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(INCIDENT.state_label(obj.case.status))

    @staticmethod
    def resolve_fault_number(obj) -> str:
        return obj.fault.case.number

    @staticmethod
    def resolve_fault_status(obj) -> str:
        return obj.fault.case.status

    @staticmethod
    def resolve_lift(obj) -> int:
        return obj.fault.equipment_id

    @staticmethod
    def resolve_lift_status(obj) -> str:
        return obj.fault.equipment.status

    @staticmethod
    def resolve_contractor(obj) -> int | None:
        return obj.fault.contractor_id

    @staticmethod
    def resolve_contractor_called_at(obj):
        return obj.fault.contractor_called_at

    @staticmethod
    def resolve_contractor_arrived_at(obj):
        return obj.fault.contractor_arrived_at

    @staticmethod
    def resolve_rescued_at(obj):
        return obj.fault.rescued_at

    @staticmethod
    def resolve_accepted_at(obj):
        return obj.fault.accepted_at

    @staticmethod
    def resolve_sla(obj) -> list:
        return selectors.entrapment_clocks(obj)


def _events(case, request) -> list[dict[str, Any]]:
    actor = actor_for(request.auth)
    return [
        {"at": e.at, "action": e.action,
         "actor": e.actor.get_username() if e.actor_id else None, "role": e.role,
         "from_status": e.from_status, "to_status": e.to_status, "note": e.note, "data": e.data}
        for e in case_timeline(case=case, actor=actor)
    ]  # fmt: skip


class LiftEntrapmentDetailOut(LiftEntrapmentOut):
    steps: list[LiftStepOut]
    followups: list[LiftFollowupOut]
    calm_script: str
    events: list[EventOut]
    fault_events: list[EventOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())

    @staticmethod
    def resolve_followups(obj) -> list:
        return list(obj.followups.all())

    @staticmethod
    def resolve_calm_script(obj) -> str:
        from ..services.plan_defaults import CALM_SCRIPT

        return str(CALM_SCRIPT)

    @staticmethod
    def resolve_events(obj, context) -> list[dict[str, Any]]:
        return _events(obj.case, context["request"])

    @staticmethod
    def resolve_fault_events(obj, context) -> list[dict[str, Any]]:
        return _events(obj.fault.case, context["request"])


def _entrapment(request, pk) -> Incident:
    return selectors.entrapment_get_for_user(request.auth, pk)


@router.get("/emergency/entrapments", response={200: list[LiftEntrapmentOut], **READ_ERRORS})
@paginated
def entrapment_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                    open: bool = False, q: Term = ""):  # fmt: skip
    """The entrapments the caller may see, the running ones first."""
    return selectors.entrapment_list(actor=actor_for(request.auth), estate_id=estate,
                                     status=status, open_only=open, q=q)  # fmt: skip


@router.get("/emergency/entrapments/lifts", response={200: list[LiftOut], **READ_ERRORS})
def entrapment_lifts(request: HttpRequest, estate: IdParam):
    """The elevators of the estate's register (the desk's choice when opening one)."""
    found = get_or_404(visible_estates(actor_for(request.auth)), estate)
    return list(selectors.lift_choices(found))


@router.get("/emergency/entrapments/{int:entrapment_id}",
            response={200: LiftEntrapmentDetailOut, **READ_ERRORS})  # fmt: skip
def entrapment_detail(request: HttpRequest, entrapment_id: IdParam):
    return _entrapment(request, entrapment_id)


@router.post("/emergency/entrapments", response={201: LiftEntrapmentDetailOut, **WRITE_ERRORS})
def entrapment_open(request: HttpRequest, payload: LiftEntrapmentIn):
    """Open an entrapment with its lift's fault: the clocks from now, the lift out of service,
    the order and engineering departments told by SMS and inbox (EMERG-LIFT-03); 409 when the
    lift already has one in progress."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor), payload.estate)
    if payload.source not in {s.value for s in services.SOURCES} - {"monitoring"}:
        message = _("请选择报警来源")
        raise ApiError(400, "invalid", message, {"source": [message]})
    incident = services.entrapment_open(
        estate=estate, lift=payload.lift, by=request.auth, source=payload.source,
        people=payload.people, description=payload.description, caller=payload.caller,
        phone=payload.phone, room=payload.room,
    )  # fmt: skip
    return Status(201, _entrapment(request, incident.pk))


@router.post("/emergency/entrapments/{int:entrapment_id}/{action}",
             response={200: LiftEntrapmentDetailOut, **WRITE_ERRORS})  # fmt: skip
def entrapment_action(request: HttpRequest, entrapment_id: IdParam, action: EntrapmentAction,
                      payload: LiftActionIn):  # fmt: skip
    """One step of the entrapment; 403 role, 409 state (a second arrival, a rescue before the
    contractor is there), 400 inputs (an unconfirmed check), as on the pages."""
    if action not in services.ENTRAPMENT_ACTIONS:
        raise ApiError(404, "not_found", _("没有这个操作"))
    incident = _entrapment(request, entrapment_id)
    services.entrapment_act(incident=incident.pk, action=action, by=request.auth,
                            note=payload.note, data=payload.data,
                            attachments=payload.attachments or None)  # fmt: skip
    return _entrapment(request, entrapment_id)
