"""装修登记 API (GUARD-10): the decorations of an estate, registering one, finishing or revoking
it (its workers' passes stop with it) — the same services as the desk's pages."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Day, Id, IdParam, Term, Text, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..choices import DecorationStatus
from ..selectors import decoration as selectors
from ..services import decoration as services
from .passes import room_of

router = Router(tags=["security"])


class DecorationPermitIn(Schema):
    estate: Id
    room: Id
    company: Text = Field(..., min_length=1, max_length=100)
    person_in_charge: Text = Field(..., min_length=1, max_length=30)
    phone: Text = Field(..., min_length=1, max_length=20)
    starts_on: Day
    ends_on: Day
    note: Text = Field("", max_length=200)


class DecorationPermitOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    room: int = Field(..., alias="room_id")
    room_label: str
    company: str
    person_in_charge: str
    phone: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_room_label(obj) -> str:
        return obj.room.label


class DecorationPermitCloseIn(Schema):
    status: Literal["finished", "revoked"]


@router.get(
    "/security/decoration-permits", response={200: list[DecorationPermitOut], **READ_ERRORS}
)
@paginated
def decoration_permit_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: DecorationStatus | None = None,
    q: Term = "",
):
    return selectors.decoration_permit_list(
        actor=actor_for(request.auth), estate_id=estate, status=status or "", search=q
    )


@router.get(
    "/security/decoration-permits/{int:permit_id}",
    response={200: DecorationPermitOut, **READ_ERRORS},
)
def decoration_permit_detail(request: HttpRequest, permit_id: IdParam):
    return selectors.decoration_permit_get_for_user(request.auth, permit_id)


@router.post("/security/decoration-permits", response={201: DecorationPermitOut, **WRITE_ERRORS})
def decoration_permit_register(request: HttpRequest, payload: DecorationPermitIn):
    """Register a room's decoration (customer service): its workers' passes stay inside it."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    permit = services.decoration_permit_register(
        estate=estate,
        room=room_of(estate, payload.room),
        company=payload.company,
        person_in_charge=payload.person_in_charge,
        phone=payload.phone,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
        by=request.auth,
    )
    return Status(201, permit)


@router.post(
    "/security/decoration-permits/{int:permit_id}/close",
    response={200: DecorationPermitOut, **WRITE_ERRORS},
)
def decoration_permit_close(
    request: HttpRequest, permit_id: IdParam, payload: DecorationPermitCloseIn
):
    """Finished (已完工) or revoked (已撤销): the workers' passes are refused from now on."""
    permit = selectors.decoration_permit_get_for_user(request.auth, permit_id)
    return services.decoration_permit_close(permit=permit, status=payload.status, by=request.auth)
