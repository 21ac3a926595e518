"""《临时出入证》 API (GUARD-10): the passes (a resident sees the ones they pre-registered), issuing
one (the desk, the gate, or a resident for a guest), revoking it, and the gate's scan, which
answers accepted or refused with the reason — the same services as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    IdParam,
    Term,
    Text,
    When,
    paginated,
)
from wuye.core.models import Estate, Room
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.validators import mask_id_number

from ..choices import PassKind, ScanResult
from ..selectors import passes as selectors
from ..services import passes as services

router = Router(tags=["security"])


def room_of(estate: Estate, room_id: int | None) -> Room | None:
    """The room a client names, in the estate (another estate's room is a field error)."""
    if room_id is None:
        return None
    room = Room.objects.filter(pk=room_id, estate=estate).select_related("building", "unit").first()
    if room is None:
        raise ValidationError({"room": [_("房屋不属于本项目")]})
    return room


class PassesIn(Schema):
    estate: Id
    kind: PassKind = PassKind.GUEST
    visitor_name: Text = Field(..., min_length=1, max_length=30)
    visitor_mobile: Text = Field("", max_length=20)
    id_number: Text = Field("", max_length=30)
    room: Id | None = None
    valid_from: When | None = Field(
        None, description="Without a zone: the estate's local time. Default: now."
    )
    valid_until: When = Field(
        ..., description="Inclusive to the minute (16:00 admits until 16:00:59)."
    )
    max_entries: int = Field(1, ge=1, le=100)
    note: Text = Field("", max_length=200)


class PassesOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    code: str
    kind: str
    source: str
    visitor_name: str
    id_number: str
    room: int | None = Field(None, alias="room_id")
    room_label: str
    decoration_permit: int | None = Field(None, alias="decoration_permit_id")
    valid_from: dt.datetime
    valid_until: dt.datetime
    max_entries: int
    entries_used: int
    revoked_at: dt.datetime | None
    state: str = Field(
        ..., description="What the pass's period and entries allow now; a closure is the scan's."
    )
    scan_url: str = Field(..., description="What the pass's QR code holds.")

    @staticmethod
    def resolve_room_label(obj) -> str:
        return obj.room.label if obj.room_id else ""

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_state(obj) -> str:
        return services.pass_state(obj, timezone.now())

    @staticmethod
    def resolve_scan_url(obj, context) -> str:
        request = (context or {}).get("request")
        url = reverse("security:pass_scan") + f"?code={obj.code}"
        return request.build_absolute_uri(url) if request is not None else url


class PassesScanIn(Schema):
    estate: Id
    code: Text = Field(..., min_length=1, max_length=300, description="Typed, or the QR's URL.")
    gate: Text = Field("", max_length=30)


class PassesScanOut(Schema):
    id: int
    accepted: bool
    result: ScanResult
    message: str
    code: str
    gate: str
    scanned_at: dt.datetime
    temporary_pass: PassesOut | None = None
    visitor: int | None = None

    @staticmethod
    def resolve_message(obj) -> str:
        return services.scan_message(obj)

    @staticmethod
    def resolve_visitor(obj) -> int | None:
        visitor = getattr(obj, "visitor", None)
        return visitor.pk if visitor is not None else None


@router.get("/security/passes", response={200: list[PassesOut], **READ_ERRORS})
@paginated
def pass_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    kind: PassKind | None = None,
    active: bool | None = None,
    q: Term = "",
):
    """Staff: their estates' passes; a resident: the guests' passes they pre-registered."""
    return selectors.pass_list(
        actor=actor_for(request.auth), estate_id=estate, kind=kind or "", active=active, search=q
    )


@router.get("/security/passes/{int:pass_id}", response={200: PassesOut, **READ_ERRORS})
def pass_detail(request: HttpRequest, pass_id: IdParam):
    return selectors.pass_get_for_user(request.auth, pass_id)


@router.post("/security/passes", response={201: PassesOut, **WRITE_ERRORS})
def pass_issue(request: HttpRequest, payload: PassesIn):
    """GUARD-10: issue a 《临时出入证》; a resident pre-registers a guest of their own room. A
    decoration worker's pass needs the room's 装修登记 and never outlives it."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    temporary_pass = services.pass_issue(
        estate=estate,
        kind=payload.kind,
        visitor_name=payload.visitor_name,
        visitor_mobile=payload.visitor_mobile,
        id_number=payload.id_number,
        room=room_of(estate, payload.room),
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        max_entries=payload.max_entries,
        note=payload.note,
        by=request.auth,
    )
    return Status(201, temporary_pass)


@router.post("/security/passes/{int:pass_id}/revoke", response={200: PassesOut, **WRITE_ERRORS})
def pass_revoke(request: HttpRequest, pass_id: IdParam):
    return services.pass_revoke(temporary_pass=pass_id, by=request.auth)


@router.post("/security/passes/scan", response={200: PassesScanOut, **WRITE_ERRORS})
def pass_scan(request: HttpRequest, payload: PassesScanIn):
    """GUARD-10: the gate scans a pass: ``accepted``, or refused with ``result`` (not_yet_valid,
    expired, used_up, revoked, unknown; closed: EMERG-HEALTH-05/10, the pass's room, its
    building or the estate is under a public-health closure, ``message`` says which). Every
    scan is recorded with gate and guard."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    scan = services.pass_scan(estate=estate, code=payload.code, gate=payload.gate, by=request.auth)
    return scan
