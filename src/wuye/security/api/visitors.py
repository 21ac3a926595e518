"""Visitor register API (外来人员登记, GUARD-06/13): the register with its filters and Excel
export, registering a visitor at the gate, their leaving, and the estate's visitor settings — the
same services as the gate's pages."""

import datetime as dt

from django.http import Http404, HttpRequest
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
    When,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.core.validators import mask_id_number, mask_mobile

from ..choices import VisitReason
from ..documents.visitors import visitor_register_xlsx
from ..models import VisitorSettings
from ..selectors import visitors as selectors
from ..services import visitors as services
from ..services.visitors import estate_zone
from .passes import room_of

router = Router(tags=["security"])


class VisitorsIn(Schema):
    estate: Id
    name: Text = Field(..., min_length=1, max_length=30)
    id_number: Text = Field("", max_length=30)
    reason: VisitReason
    room: Id | None = None
    mobile: Text = Field("", max_length=20)
    gate: Text = Field("", max_length=30)
    note: Text = Field("", max_length=200)


class VisitorsOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    id_number: str
    mobile: str
    room: int | None = Field(None, alias="room_id")
    room_label: str
    reason: str
    gate: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    inside: bool
    temporary_pass: int | None = Field(None, alias="temporary_pass_id")

    @staticmethod
    def resolve_room_label(obj) -> str:
        return obj.room.label if obj.room_id else ""

    # Numbers masked for those who may not read personal data (UX: masked in lists).
    @staticmethod
    def resolve_id_number(obj, context) -> str:
        return obj.id_number if _may_see_pii(context) else mask_id_number(obj.id_number)

    @staticmethod
    def resolve_mobile(obj, context) -> str:
        return obj.mobile if _may_see_pii(context) else mask_mobile(obj.mobile)


class VisitorsLeaveIn(Schema):
    left_at: When | None = None


class VisitorsSettingsIO(Schema):
    estate: Id
    couriers_may_enter: bool


def _may_see_pii(context) -> bool:
    request = (context or {}).get("request")
    return request is not None and actor_for(request.auth).can_see_pii()


def _filtered(request, estate, day, inside, reason, q):
    tz = None
    if estate is not None:
        tz = estate_zone(get_or_404(visible_estates(actor_for(request.auth)), estate))
    return selectors.visitor_list(
        actor=actor_for(request.auth),
        estate_id=estate,
        day=day if tz is not None else None,
        tz=tz,
        inside=inside,
        reason=reason,
        search=q,
    )


@router.get("/security/visitors", response={200: list[VisitorsOut], **READ_ERRORS})
@paginated
def visitor_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    day: Day | None = None,
    inside: bool | None = None,
    reason: VisitReason | None = None,
    q: Term = "",
):
    """The register, newest entry first. ``day`` (with ``estate``): who came in that local
    date; ``inside``: still inside (true) or gone (false)."""
    qs = _filtered(request, estate, day, inside, reason or "", q)
    return qs


@router.get(
    "/security/visitors/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=file_download(XLSX, description="外来人员登记表"),
)
def visitor_export(
    request: HttpRequest,
    estate: IdParam,
    day: Day | None = None,
    inside: bool | None = None,
    reason: VisitReason | None = None,
    q: Term = "",
):
    """The filtered register of one estate as 《外来人员登记表》 (.xlsx)."""
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    qs = _filtered(request, estate, day, inside, reason or "", q)
    return visitor_register_xlsx(
        qs[:5000],
        tz=estate_zone(place),
        estate_name=place.name,
        full_id=actor_for(request.auth).can_see_pii(),
    )


@router.get("/security/visitors/{int:visitor_id}", response={200: VisitorsOut, **READ_ERRORS})
def visitor_detail(request: HttpRequest, visitor_id: IdParam):
    return selectors.visitor_get_for_user(request.auth, visitor_id)


@router.post("/security/visitors", response={201: VisitorsOut, **WRITE_ERRORS})
def visitor_register(request: HttpRequest, payload: VisitorsIn):
    """GUARD-06: register a visitor who showed their ID card (GB 11643 number checked)."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    visitor = services.visitor_register(
        estate=estate,
        name=payload.name,
        id_number=payload.id_number,
        reason=payload.reason,
        room=room_of(estate, payload.room),
        mobile=payload.mobile,
        gate=payload.gate,
        note=payload.note,
        by=request.auth,
    )
    return Status(201, visitor)


@router.post(
    "/security/visitors/{int:visitor_id}/leave", response={200: VisitorsOut, **WRITE_ERRORS}
)
def visitor_leave(request: HttpRequest, visitor_id: IdParam, payload: VisitorsLeaveIn):
    visitor = selectors.visitor_get_for_user(request.auth, visitor_id)
    return services.visitor_leave(visitor=visitor, left_at=payload.left_at, by=request.auth)


@router.get("/security/visitor-settings", response={200: VisitorsSettingsIO, **READ_ERRORS})
def visitor_settings(request: HttpRequest, estate: IdParam):
    place = get_or_404(visible_estates(actor_for(request.auth)), estate)
    if actor_for(request.auth).staff is None and not request.auth.is_superuser:
        raise Http404
    return {"estate": place.pk, **{"couriers_may_enter": services.couriers_may_enter(place)}}


@router.put("/security/visitor-settings", response={200: VisitorsSettingsIO, **WRITE_ERRORS})
def visitor_settings_update(request: HttpRequest, payload: VisitorsSettingsIO):
    """GUARD-13: whether couriers may enter; where they may not, the gate receives parcels."""
    place = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    saved: VisitorSettings = services.visitor_settings_update(
        estate=place, couriers_may_enter=payload.couriers_may_enter, by=request.auth
    )
    return {"estate": place.pk, "couriers_may_enter": saved.couriers_may_enter}
