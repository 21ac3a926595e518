"""Public-health API (EMERG-HEALTH): the events and one event's state, its topic actions (report to
disease control, closures, lifting, the final disinfection), the release to the closed scope,
the staff's protective-equipment confirmation, the closures in force (the gates' read) and the
supply deliveries — the same services as the pages. The close-contact register has no API
(EMERG-HEALTH-08: its pages only, every look logged)."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Note, Term, Text, When, paginated
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404

from ..selectors import closures as closure_selectors
from ..selectors import health as selectors
from ..services import deliveries
from ..services.health import closure_place, health_release, ppe_confirm, ppe_missing
from ..services.health import release_templates as templates_of
from ..services.incidents import incident_act

router = Router(tags=["emergency"])


# --- Schemas (prefixed Health…: unique across the OpenAPI) ---------------------------------------


class HealthClosureOut(Schema):
    id: int
    scope: str
    place: str
    building: int | None = Field(None, alias="building_id")
    unit: int | None = Field(None, alias="unit_id")
    starts_at: dt.datetime
    ends_at: dt.datetime
    authority_reference: str
    lifted_at: dt.datetime | None
    disinfection_schedule: int | None = Field(None, alias="disinfection_id")

    @staticmethod
    def resolve_place(obj) -> str:
        return closure_place(obj)


class HealthStaffOut(Schema):
    id: int
    name: str
    role: str


class HealthReleaseOut(Schema):
    id: int
    title: str
    body: str
    households: int
    messages: int
    at: dt.datetime


class HealthEventOut(Schema):
    id: int
    number: str
    estate: int = Field(..., alias="estate_id")
    status: str
    place: str
    level: int
    reported_at: dt.datetime
    closures: list[HealthClosureOut] = []
    ppe_missing_today: list[HealthStaffOut] = []
    releases: list[HealthReleaseOut] = []

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_closures(obj) -> list:
        return selectors.closures_of(obj)

    @staticmethod
    def resolve_ppe_missing_today(obj) -> list:
        return ppe_missing(obj) if obj.case.status == "active" else []

    @staticmethod
    def resolve_releases(obj) -> list:
        return list(obj.releases.order_by("at", "pk"))


class HealthReportIn(Schema):
    organisation: Text = Field(..., max_length=100, description="疾控部门名称")
    person: Text = Field(..., max_length=40, description="对接人")
    phone: Text = Field("", max_length=30)
    reference: Text = Field("", max_length=60, description="回执/编号")
    note: Note = ""


class HealthClosureIn(Schema):
    scope: Text = Field(..., max_length=20, description="estate, building or unit")
    building: Id | None = None
    unit: Id | None = None
    starts_at: When | None = Field(None, description="默认现在")
    ends_at: When | None = Field(None, description="疾控要求的结束时间；或填 days")
    days: int | None = Field(None, ge=1, le=366, description="封闭天数（至第N天 23:59:59）")
    authority_reference: Text = Field("", max_length=100)
    cleaner: Id | None = Field(None, description="负责消毒的保洁员（员工 id）")
    times: list[Text] | None = Field(None, max_length=2, description="每天2次消毒的时间 HH:MM")
    note: Note = ""


class HealthLiftIn(Schema):
    closure: Id
    note: Note = Field(..., min_length=1, description="解除依据")


class HealthFinalIn(Schema):
    assignee: Id | None = Field(None, description="负责全面消毒的保洁员（员工 id）")
    note: Note = ""


class HealthReleaseIn(Schema):
    title: Text = Field(..., max_length=100)
    body: Text = Field(..., max_length=2000)
    to: Text = Field("closed", max_length=10, description="closed（封闭范围）或 estate（整个小区）")


class HealthTemplateOut(Schema):
    title: str
    body: str


class HealthPpeIn(Schema):
    estate: Id
    mask: bool = Field(..., description="已佩戴N95口罩")
    gloves: bool = Field(..., description="已佩戴手套")


class HealthPpeOut(Schema):
    incidents: list[int]
    on: dt.date


class HealthDeliveryOut(Schema):
    id: int
    incident: int = Field(..., alias="incident_id")
    room: int = Field(..., alias="room_id")
    room_label: str
    items: str
    status: str
    requested_at: dt.datetime
    assignee: int | None = Field(None, alias="assignee_id")
    taken_at: dt.datetime | None
    delivered_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    note: str

    @staticmethod
    def resolve_room_label(obj) -> str:
        return str(obj.room)


class HealthDeliveryIn(Schema):
    room: Id
    items: Text = Field(..., max_length=500)
    note: Text = Field("", max_length=500)


class HealthDeliverIn(Schema):
    note: Text = Field("", max_length=500)


# --- Events and their actions --------------------------------------------------------------------


@router.get("/emergency/health-events", response={200: list[HealthEventOut], **READ_ERRORS})
@paginated
def health_event_list(request: HttpRequest, estate: IdParam | None = None, status: Term = ""):
    """The public-health events of the caller's estates, newest first."""
    return selectors.health_events(request.auth, estate_id=estate, status=status)


@router.get(
    "/emergency/health-events/{int:incident_id}", response={200: HealthEventOut, **READ_ERRORS}
)
def health_event_detail(request: HttpRequest, incident_id: IdParam):
    """One event: its closures, who has not confirmed protective equipment today, releases."""
    return selectors.health_event_get(request.auth, incident_id)


def _act(request, incident_id: int, action: str, payload, note_field="note"):
    selectors.health_event_get(request.auth, incident_id)
    data = payload.dict(exclude={note_field}, exclude_none=True)
    incident_act(incident=incident_id, action=action, by=request.auth,
                 note=getattr(payload, note_field), data=data)  # fmt: skip
    return selectors.health_event_get(request.auth, incident_id)


@router.post(
    "/emergency/health-events/{int:incident_id}/report_authority",
    response={200: HealthEventOut, **WRITE_ERRORS},
)
def health_report_authority(request: HttpRequest, incident_id: IdParam, payload: HealthReportIn):
    """EMERG-HEALTH-04: the report to the local disease-control authority (meets its clock)."""
    return _act(request, incident_id, "report_authority", payload)


@router.post(
    "/emergency/health-events/{int:incident_id}/close_area",
    response={200: HealthEventOut, **WRITE_ERRORS},
)
def health_close_area(request: HttpRequest, incident_id: IdParam, payload: HealthClosureIn):
    """EMERG-HEALTH-05/06/10: close the estate, a building or a unit for the authority's period
    (``ends_at`` or ``days``); the cordon task and the twice-a-day disinfection plan start."""
    return _act(request, incident_id, "close_area", payload)


@router.post(
    "/emergency/health-events/{int:incident_id}/lift_closure",
    response={200: HealthEventOut, **WRITE_ERRORS},
)
def health_lift_closure(request: HttpRequest, incident_id: IdParam, payload: HealthLiftIn):
    """End a closure early (the command group, with the reason); its disinfection stops."""
    return _act(request, incident_id, "lift_closure", payload)


@router.post(
    "/emergency/health-events/{int:incident_id}/final_disinfection",
    response={200: HealthEventOut, **WRITE_ERRORS},
)
def health_final_disinfection(request: HttpRequest, incident_id: IdParam, payload: HealthFinalIn):
    """EMERG-HEALTH-09: the whole estate's disinfection, once no closure runs; the event ends
    only after it is done."""
    return _act(request, incident_id, "final_disinfection", payload)


@router.get(
    "/emergency/health-events/{int:incident_id}/release-templates",
    response={200: list[HealthTemplateOut], **READ_ERRORS},
)
def health_release_templates(request: HttpRequest, incident_id: IdParam):
    return templates_of(selectors.health_event_get(request.auth, incident_id))


@router.post(
    "/emergency/health-events/{int:incident_id}/releases",
    response={201: HealthReleaseOut, **WRITE_ERRORS},
)
def health_release_publish(request: HttpRequest, incident_id: IdParam, payload: HealthReleaseIn):
    """EMERG-HEALTH-07: customer service releases to the closed scope or the whole estate."""
    selectors.health_event_get(request.auth, incident_id)
    release = health_release(incident=incident_id, by=request.auth, title=payload.title,
                             body=payload.body, to=payload.to)  # fmt: skip
    return Status(201, release)


@router.post("/emergency/ppe-checks", response={201: HealthPpeOut, **WRITE_ERRORS})
def health_ppe_confirm(request: HttpRequest, payload: HealthPpeIn):
    """EMERG-HEALTH-11: I wear my N95 mask and gloves (start of shift, once a day)."""
    estate = get_or_404(Estate.objects.all(), payload.estate)
    checks = ppe_confirm(estate=estate, by=request.auth, mask=payload.mask, gloves=payload.gloves)
    return Status(201, {"incidents": [c.incident_id for c in checks], "on": checks[0].on})


@router.get("/emergency/closures", response={200: list[HealthClosureOut], **READ_ERRORS})
def health_closures_in_force(request: HttpRequest, estate: IdParam, at: When | None = None):
    """The closures in force in an estate (the gates' read), at ``at`` (default now)."""
    actor = actor_for(request.auth)
    if not actor.is_superuser and (actor.staff is None or estate not in actor.estate_ids):
        from django.http import Http404

        raise Http404
    return list(closure_selectors.closures_in_force(estate, at or timezone.now()))


# --- Deliveries (EMERG-HEALTH-12) ----------------------------------------------------------------


@router.get("/emergency/deliveries", response={200: list[HealthDeliveryOut], **READ_ERRORS})
@paginated
def health_delivery_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                         incident: IdParam | None = None):  # fmt: skip
    """Staff: their estates' deliveries; a resident: their rooms'."""
    return selectors.deliveries_for(request.auth, estate_id=estate, status=status,
                                    incident_id=incident)  # fmt: skip


@router.post("/emergency/deliveries", response={201: HealthDeliveryOut, **WRITE_ERRORS})
def health_delivery_request(request: HttpRequest, payload: HealthDeliveryIn):
    """A resident of a closed room asks for supplies."""
    delivery = deliveries.delivery_request(room=payload.room, items=payload.items,
                                           note=payload.note, by=request.auth)  # fmt: skip
    return Status(201, delivery)


@router.post(
    "/emergency/deliveries/{int:delivery_id}/take",
    response={200: HealthDeliveryOut, **WRITE_ERRORS},
)
def health_delivery_take(request: HttpRequest, delivery_id: IdParam):
    """Staff take a request (409 if someone else did first)."""
    return deliveries.delivery_take(delivery=delivery_id, by=request.auth)


@router.post(
    "/emergency/deliveries/{int:delivery_id}/deliver",
    response={200: HealthDeliveryOut, **WRITE_ERRORS},
)
def health_delivery_deliver(request: HttpRequest, delivery_id: IdParam, payload: HealthDeliverIn):
    return deliveries.delivery_deliver(delivery=delivery_id, by=request.auth, note=payload.note)


@router.post(
    "/emergency/deliveries/{int:delivery_id}/confirm",
    response={200: HealthDeliveryOut, **WRITE_ERRORS},
)
def health_delivery_confirm(request: HttpRequest, delivery_id: IdParam):
    """The resident confirms receipt."""
    return deliveries.delivery_confirm(delivery=delivery_id, by=request.auth)


@router.post(
    "/emergency/deliveries/{int:delivery_id}/cancel",
    response={200: HealthDeliveryOut, **WRITE_ERRORS},
)
def health_delivery_cancel(request: HttpRequest, delivery_id: IdParam):
    """The resident withdraws a request nobody has taken."""
    return deliveries.delivery_cancel(delivery=delivery_id, by=request.auth)
