"""Gate API (VEHICLE-03/04/06/11): the cameras' signed plate reads (``POST /gate-events``,
headers as fieldwork's device intake: ``X-Wuye-Key``, ``X-Wuye-Timestamp``,
``X-Wuye-Signature``), the guard's manual entry and exit, the events, the 《临时停车卡》 with
fee collection and resolution, the gate console's figures, the lanes and their cameras."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.fieldwork.api.devices import DeviceSignature

from ..models import GateLane
from ..selectors import gates as selectors
from ..selectors.vehicles import parking_guidance
from ..services import gates as services
from ..services import stays as stay_services

router = Router(tags=["security"])


class GateReadIn(Schema):
    plate: Text = Field(..., max_length=20, examples=["京A·12345"])
    camera_event_id: Text = Field(..., min_length=1, max_length=64)
    occurred_at: When
    photo_url: Text = Field("", max_length=300)


class GateEventOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    lane: int | None = Field(None, alias="lane_id")
    direction: str
    source: str
    camera_event_id: str
    plate: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    photo_url: str
    outcome: str
    outcome_label: str
    amount_due: Decimal | None
    vehicle: int | None = Field(None, alias="vehicle_id")
    stay: int | None = Field(None, alias="stay_id")
    card_no: str | None
    note: str

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_card_no(obj) -> str | None:
        return obj.stay.card_no if obj.stay_id else None


class GateResultOut(Schema):
    open_barrier: bool = Field(..., description="whether the barrier opens for this read")
    created: bool = Field(..., description="False: the camera's event id was posted before")
    event: GateEventOut


def _result(result: services.GateResult) -> dict:
    return {"open_barrier": result.open_barrier, "created": result.created,
            "event": result.event}  # fmt: skip


@router.post(
    "/gate-events",
    auth=DeviceSignature(),
    response={200: GateResultOut, 201: GateResultOut, 400: ErrorOut, 401: ErrorOut,
              409: ErrorOut, 413: ErrorOut},
)  # fmt: skip
def gate_event_post(request: HttpRequest, payload: GateReadIn):
    """A lane's camera posts a plate read, signed. 201: recorded; 200: the same camera event
    id posted before (the first answer again). ``open_barrier`` false: an unpaid temporary car
    (``event.amount_due``) or an exit without an entry — the guard takes over."""
    result = services.gate_event_receive(device=request.auth, **payload.dict())
    return Status(201 if result.created else 200, _result(result))


class ManualIn(Schema):
    estate: Id
    direction: Text = Field(..., max_length=10, examples=["entry"])
    plate: Text = Field(..., max_length=20)
    lane: Id | None = None
    note: Text = Field("", max_length=200)


@router.post("/gate-events/manual", response={201: GateResultOut, **WRITE_ERRORS})
def gate_event_manual(request: HttpRequest, payload: ManualIn):
    """人工登记 by the gate guard: an outside car, or a read the camera missed."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    lane = None
    if payload.lane is not None:
        lane = get_or_404(GateLane.objects.filter(estate=estate), payload.lane)
    result = services.gate_event_manual(estate=estate, direction=payload.direction,
                                        plate=payload.plate, lane=lane, note=payload.note,
                                        by=request.auth)  # fmt: skip
    return Status(201, _result(result))


@router.get("/gate-events", response={200: list[GateEventOut], **READ_ERRORS})
@paginated
def gate_event_list(request: HttpRequest, estate: IdParam | None = None, direction: Term = "",
                    outcome: Term = "", plate: Term = "", date_from: dt.date | None = None,
                    date_to: dt.date | None = None):  # fmt: skip
    """Plate reads and manual entries, newest first."""
    return selectors.gate_event_list(actor=actor_for(request.auth), estate_id=estate,
                                     direction=direction, outcome=outcome, plate=plate,
                                     date_from=date_from, date_to=date_to)  # fmt: skip


# --- Stays (《临时停车卡》) -----------------------------------------------------------------------


class StayOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    card_no: str
    plate: str
    status: str
    area: str | None
    entered_at: dt.datetime | None
    left_at: dt.datetime | None
    fee: Decimal | None
    paid_amount: Decimal
    paid_at: dt.datetime | None
    pay_channel: str
    pay_reference: str
    resolution: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.name if obj.area_id else None


class StayDueOut(Schema):
    fee: Decimal
    due: Decimal
    at: dt.datetime


class PayIn(Schema):
    channel: Text = Field(..., max_length=10, examples=["cash"])
    reference: Text = Field("", max_length=64)


class ResolveIn(Schema):
    reason: Note


@router.get("/parking-stays", response={200: list[StayOut], **READ_ERRORS})
@paginated
def stay_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
              plate: Term = "", unresolved: bool = False, date_from: dt.date | None = None,
              date_to: dt.date | None = None):  # fmt: skip
    """The temporary parking cards; ``unresolved``: exits without an entry and cars inside
    for more than a day."""
    return selectors.stay_list(actor=actor_for(request.auth), now=timezone.now(),
                               estate_id=estate, status=status, plate=plate,
                               unresolved=unresolved, date_from=date_from,
                               date_to=date_to)  # fmt: skip


@router.get("/parking-stays/{stay_id}", response={200: StayOut, **READ_ERRORS})
def stay_detail(request: HttpRequest, stay_id: IdParam):
    return stay_services.stay_get_for_user(request.auth, stay_id)


@router.get("/parking-stays/{stay_id}/due", response={200: StayDueOut, **WRITE_ERRORS})
def stay_due(request: HttpRequest, stay_id: IdParam):
    """The fee under the estate's rule if the car left now, and what is still to pay."""
    stay = stay_services.stay_get_for_user(request.auth, stay_id)
    now = timezone.now()
    fee, due = stay_services.stay_amount_now(stay=stay, at=now)
    return {"fee": fee, "due": due, "at": now}


@router.post("/parking-stays/{stay_id}/pay", response={200: StayOut, **WRITE_ERRORS})
def stay_pay(request: HttpRequest, stay_id: IdParam, payload: PayIn):
    """收费: the amount due now is collected (cash, or a scan with its payment reference)."""
    stay = stay_services.stay_get_for_user(request.auth, stay_id)
    return stay_services.stay_pay(stay=stay, by=request.auth, **payload.dict())


@router.post("/parking-stays/{stay_id}/resolve", response={200: StayOut, **WRITE_ERRORS})
def stay_resolve(request: HttpRequest, stay_id: IdParam, payload: ResolveIn):
    """处理 a stay without an exit or an exit without an entry, with the reason."""
    stay = stay_services.stay_get_for_user(request.auth, stay_id)
    return stay_services.stay_resolve(stay=stay, reason=payload.reason, by=request.auth)


# --- The console and the lanes ------------------------------------------------------------------


class AreaLoadOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    inside: int


class GateConsoleOut(Schema):
    estate: int
    temporary_capacity: int
    temporary_inside: int
    temporary_free: int
    unresolved: int
    areas: list[AreaLoadOut]


@router.get("/gate-console", response={200: GateConsoleOut, **READ_ERRORS})
def gate_console(request: HttpRequest, estate: IdParam):
    """What the gate screen shows: free temporary spaces (VEHICLE-05), areas, stays to resolve."""
    actor = actor_for(request.auth)
    place = get_or_404(visible_estates(actor), estate)
    guidance = parking_guidance(place.pk)
    unresolved = selectors.stay_list(actor=actor, now=timezone.now(), estate_id=place.pk,
                                     unresolved=True).count()  # fmt: skip
    return {"estate": place.pk, "temporary_capacity": guidance.temporary_capacity,
            "temporary_inside": guidance.temporary_inside,
            "temporary_free": guidance.temporary_free, "unresolved": unresolved,
            "areas": guidance.areas}  # fmt: skip


class LaneIn(Schema):
    estate: Id
    gate: Text = Field(..., min_length=1, max_length=40)
    name: Text = Field(..., min_length=1, max_length=40)
    direction: Text = Field(..., max_length=10)
    with_camera: bool = True


class LaneOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    gate: str
    name: str
    direction: str
    device: int | None = Field(None, alias="device_id")
    key_id: str | None
    active: bool

    @staticmethod
    def resolve_key_id(obj) -> str | None:
        return obj.device.key_id if obj.device_id else None


class LaneCreatedOut(Schema):
    lane: LaneOut
    secret: str | None = Field(None, description="the camera's signing secret, shown this once")


@router.get("/gate-lanes", response={200: list[LaneOut], **READ_ERRORS})
@paginated
def lane_list(request: HttpRequest, estate: IdParam | None = None):
    actor = actor_for(request.auth)
    qs = GateLane.objects.select_related("device").filter(estate__in=visible_estates(actor))
    if not actor.is_superuser and not actor.is_staff_member:
        qs = qs.none()
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    return qs.order_by("estate_id", "gate", "direction", "name")


@router.post("/gate-lanes", response={201: LaneCreatedOut, **WRITE_ERRORS})
def lane_create(request: HttpRequest, payload: LaneIn):
    """A lane of a gate and its plate-recognition camera (the heads and the executives)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    lane, secret = services.gate_lane_create(estate=estate, by=request.auth,
                                             **payload.dict(exclude={"estate"}))  # fmt: skip
    return Status(201, {"lane": lane, "secret": secret})
