"""Vehicle ledger API (VEHICLE-02/05/08/09): the 《车辆管理台账》 with its filters and Excel
export, register and change, monthly passes (billed to the room), the parking areas — the same
services as the pages."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    Day,
    Id,
    IdParam,
    Term,
    Text,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.vehicles import vehicle_ledger_xlsx
from ..models import ParkingArea
from ..selectors import vehicles as selectors
from ..services import vehicles as services

router = Router(tags=["security"])


class VehicleIn(Schema):
    estate: Id
    plate: Text = Field(..., min_length=1, max_length=20, examples=["京A·12345"])
    owner: Id | None = None
    room: Id | None = None
    parking_space: Id | None = None
    description: Text = Field("", max_length=40)
    note: Text = Field("", max_length=200)


class VehiclePatch(Schema):
    plate: Text | None = Field(None, min_length=1, max_length=20)
    owner: Id | None = None
    room: Id | None = None
    parking_space: Id | None = None
    description: Text | None = Field(None, max_length=40)
    note: Text | None = Field(None, max_length=200)
    active: bool | None = None


class VehiclePassOut(Schema):
    id: int
    start: dt.date
    end: dt.date
    months: int
    amount: Decimal
    bill: int | None = Field(None, alias="bill_id")


class VehicleOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    plate: str
    plate_kind: str
    owner: int | None = Field(None, alias="owner_id")
    owner_name: str
    room: int | None = Field(None, alias="room_id")
    room_label: str
    parking_space: int | None = Field(None, alias="parking_space_id")
    parking_space_number: str
    description: str
    note: str
    active: bool
    registered_at: dt.datetime
    passes: list[VehiclePassOut]

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.name if obj.owner_id else ""

    @staticmethod
    def resolve_room_label(obj) -> str:
        return str(obj.room) if obj.room_id else ""

    @staticmethod
    def resolve_parking_space_number(obj) -> str:
        return obj.parking_space.number if obj.parking_space_id else ""

    @staticmethod
    def resolve_passes(obj) -> list:
        found = getattr(obj, "pass_list", None)
        return found if found is not None else list(obj.passes.order_by("-start"))


def _filtered(request, estate, q, plate_kind, active, has_pass):
    today = timezone.localdate()
    return selectors.vehicle_list(actor=actor_for(request.auth), estate_id=estate, q=q,
                                  plate_kind=plate_kind, active=active,
                                  has_pass_on=today if has_pass else None)  # fmt: skip


@router.get("/vehicles", response={200: list[VehicleOut], **READ_ERRORS})
@paginated
def vehicle_list(request: HttpRequest, estate: IdParam | None = None, q: Term = "",
                 plate_kind: Term = "", active: bool | None = True,
                 has_pass: bool = False):  # fmt: skip
    """The ledger; ``q``: plate, owner, room or space number; ``has_pass``: a monthly pass
    valid today."""
    return _filtered(request, estate, q, plate_kind, active, has_pass)


@router.get(
    "/vehicles/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="车辆管理台账"),
)
def vehicle_export(request: HttpRequest, estate: IdParam | None = None, q: Term = "",
                   plate_kind: Term = "", active: bool | None = True,
                   has_pass: bool = False):  # fmt: skip
    """The filtered ledger as an Excel file."""
    qs = _filtered(request, estate, q, plate_kind, active, has_pass)
    place = None
    if estate is not None:
        place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    zone = ZoneInfo(place.time_zone if place and place.time_zone else "Asia/Shanghai")
    return vehicle_ledger_xlsx(qs, timezone.localdate(timezone=zone), zone,
                               place.name if place else "")  # fmt: skip


@router.get("/vehicles/{int:vehicle_id}", response={200: VehicleOut, **READ_ERRORS})
def vehicle_detail(request: HttpRequest, vehicle_id: IdParam):
    return services.vehicle_get_for_user(request.auth, vehicle_id)


@router.post("/vehicles", response={201: VehicleOut, **WRITE_ERRORS})
def vehicle_create(request: HttpRequest, payload: VehicleIn):
    """登记车辆 (customer service, VEHICLE-02/09)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    vehicle = services.vehicle_register(
        estate=estate, plate=payload.plate, owner_id=payload.owner, room_id=payload.room,
        parking_space_id=payload.parking_space, description=payload.description,
        note=payload.note, by=request.auth,
    )  # fmt: skip
    return Status(201, vehicle)


@router.patch("/vehicles/{int:vehicle_id}", response={200: VehicleOut, **WRITE_ERRORS})
def vehicle_update(request: HttpRequest, vehicle_id: IdParam, payload: VehiclePatch):
    """Change the fields sent (``null`` for owner, room or space clears it)."""
    vehicle = services.vehicle_get_for_user(request.auth, vehicle_id)
    sent = payload.dict(exclude_unset=True)
    values = {
        "plate": sent.get("plate") or vehicle.plate,
        "owner_id": sent["owner"] if "owner" in sent else vehicle.owner_id,
        "room_id": sent["room"] if "room" in sent else vehicle.room_id,
        "parking_space_id": (
            sent["parking_space"] if "parking_space" in sent else vehicle.parking_space_id
        ),
        "description": sent.get("description") or ("" if "description" in sent
                                                   else vehicle.description),
        "note": sent.get("note") or ("" if "note" in sent else vehicle.note),
        "active": vehicle.active if sent.get("active") is None else sent["active"],
    }  # fmt: skip
    return services.vehicle_update(vehicle=vehicle, by=request.auth, **values)


class PassIn(Schema):
    start: Day
    months: int = Field(..., ge=1, le=services.PASS_MAX_MONTHS)


@router.post("/vehicles/{int:vehicle_id}/passes", response={201: VehiclePassOut, **WRITE_ERRORS})
def vehicle_pass_create(request: HttpRequest, vehicle_id: IdParam, payload: PassIn):
    """办理包月 (VEHICLE-08): whole months at finance's rate, billed to the vehicle's room."""
    vehicle = services.vehicle_get_for_user(request.auth, vehicle_id)
    monthly = services.monthly_pass_create(vehicle=vehicle, start=payload.start,
                                           months=payload.months, by=request.auth)  # fmt: skip
    return Status(201, monthly)


# --- Parking areas (VEHICLE-05) ------------------------------------------------------------------


class ParkingAreaIn(Schema):
    estate: Id
    name: Text = Field(..., min_length=1, max_length=40)
    kind: Text = Field(..., max_length=20)
    capacity: int = Field(..., ge=0, le=100000)
    location: Text = Field("", max_length=100)
    active: bool = True


class ParkingAreaPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=40)
    kind: Text | None = Field(None, max_length=20)
    capacity: int | None = Field(None, ge=0, le=100000)
    location: Text | None = Field(None, max_length=100)
    active: bool | None = None


class ParkingAreaOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    kind: str
    capacity: int
    location: str
    active: bool
    inside: int = 0

    @staticmethod
    def resolve_inside(obj) -> int:
        return getattr(obj, "inside", 0)


@router.get("/parking-areas", response={200: list[ParkingAreaOut], **READ_ERRORS})
@paginated
def parking_area_list(request: HttpRequest, estate: IdParam | None = None, kind: Term = ""):
    """The designated areas with their capacity and the temporary cars now inside."""
    return selectors.parking_area_list(actor=actor_for(request.auth), estate_id=estate,
                                       kind=kind)  # fmt: skip


@router.post("/parking-areas", response={201: ParkingAreaOut, **WRITE_ERRORS})
def parking_area_create(request: HttpRequest, payload: ParkingAreaIn):
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    area = services.parking_area_save(estate=estate, by=request.auth,
                                      **payload.dict(exclude={"estate"}))  # fmt: skip
    return Status(201, area)


@router.patch("/parking-areas/{int:area_id}", response={200: ParkingAreaOut, **WRITE_ERRORS})
def parking_area_update(request: HttpRequest, area_id: IdParam, payload: ParkingAreaPatch):
    actor = actor_for(request.auth)
    area = get_or_404(ParkingArea.objects.filter(estate__in=visible_estates(actor)), area_id)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    values = {"name": area.name, "kind": area.kind, "capacity": area.capacity,
              "location": area.location, "active": area.active, **sent}  # fmt: skip
    return services.parking_area_save(estate=area.estate, area=area, by=request.auth, **values)
