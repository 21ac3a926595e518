"""代收快递 API (GUARD-13): the parcels waiting at the gate, receiving one (the residents are told
with a pick-up code) and handing it over to the right code, once — the same services as the
gate's pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Term, Text, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..choices import ParcelStatus
from ..selectors import parcels as selectors
from ..services import parcels as services
from .passes import room_of

router = Router(tags=["security"])


class ParcelsIn(Schema):
    estate: Id
    room: Id
    courier_company: Text = Field(..., min_length=1, max_length=30)
    tracking_no: Text = Field(..., min_length=1, max_length=40)
    recipient_name: Text = Field("", max_length=30)


class ParcelsOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    room: int = Field(..., alias="room_id")
    room_label: str
    courier_company: str
    tracking_no: str
    recipient_name: str
    received_at: dt.datetime
    status: str
    picked_up_at: dt.datetime | None

    @staticmethod
    def resolve_room_label(obj) -> str:
        return obj.room.label


class ParcelsPickUpIn(Schema):
    code: Text = Field(..., min_length=1, max_length=10, description="The 6-digit pick-up code.")


@router.get("/security/parcels", response={200: list[ParcelsOut], **READ_ERRORS})
@paginated
def parcel_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: ParcelStatus | None = None,
    q: Term = "",
):
    """The gate's parcels, the oldest waiting first; ``q``: tracking number, room number."""
    return selectors.parcel_list(
        actor=actor_for(request.auth), estate_id=estate, status=status or "", search=q
    )


@router.get("/security/parcels/{int:parcel_id}", response={200: ParcelsOut, **READ_ERRORS})
def parcel_detail(request: HttpRequest, parcel_id: IdParam):
    return selectors.parcel_get_for_user(request.auth, parcel_id)


@router.post("/security/parcels", response={201: ParcelsOut, **WRITE_ERRORS})
def parcel_receive(request: HttpRequest, payload: ParcelsIn):
    """GUARD-13: receive a parcel at the gate; the room's residents get the pick-up code."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    parcel, _code = services.parcel_receive(
        estate=estate,
        room=room_of(estate, payload.room),
        courier_company=payload.courier_company,
        tracking_no=payload.tracking_no,
        recipient_name=payload.recipient_name,
        by=request.auth,
    )
    return Status(201, parcel)


@router.post(
    "/security/parcels/{int:parcel_id}/pick-up", response={200: ParcelsOut, **WRITE_ERRORS}
)
def parcel_pick_up(request: HttpRequest, parcel_id: IdParam, payload: ParcelsPickUpIn):
    """Hand the parcel over: a wrong code is a 400; a parcel already picked up is a 400 too."""
    parcel = selectors.parcel_get_for_user(request.auth, parcel_id)
    return services.parcel_pick_up(parcel=parcel, code=payload.code, by=request.auth)
