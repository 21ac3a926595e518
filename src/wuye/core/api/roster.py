"""The core API: estates, buildings, rooms, residents, staff, contractors.

Each endpoint is validate (schema) → selector or service → schema. Reads go through the scoped
selectors, so the API shows exactly what the web pages show; every id a client sends is fetched
through a scoped getter, so another estate's id is a 404.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, IdParam, Term, paginated
from wuye.core import selectors, services
from wuye.core.api.schemas import (
    BuildingDetailOut,
    BuildingIn,
    BuildingOut,
    ContractorOut,
    EstateDetailOut,
    EstateOut,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    RoomDetailOut,
    RoomIn,
    RoomOut,
    RoomPatch,
    StaffIn,
    StaffOut,
)
from wuye.core.models import ApiToken, Estate, Occupancy, Room, Unit
from wuye.core.scoping import actor_for, get_or_404, visible_companies, visible_estates

router = Router()


def _estate_filter(request: HttpRequest, estate_id: int | None) -> Estate | None:
    return None if estate_id is None else selectors.estate_get_for_user(request.auth, estate_id)


def _unit_or_404(request: HttpRequest, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    units = Unit.objects.filter(estate__in=visible_estates(actor_for(request.auth)))
    return get_or_404(units, unit_id)


def _with_occupants(room: Room) -> Room:
    room.current_occupants = list(
        room.occupancies.filter(Occupancy.current_q()).select_related("resident")
    )
    return room


# --- Estates ----------------------------------------------------------------------------------


@router.get("/estates", response={200: list[EstateOut], **READ_ERRORS}, tags=["estates"])
@paginated
def estate_list(request: HttpRequest) -> QuerySet:
    """The estates the caller works in or lives in."""
    return selectors.estate_list(actor=actor_for(request.auth))


@router.get(
    "/estates/{estate_id}", response={200: EstateDetailOut, **READ_ERRORS}, tags=["estates"]
)
def estate_detail(request: HttpRequest, estate_id: int) -> Estate:
    """One estate; staff also get its overview figures."""
    estate = selectors.estate_get_for_user(request.auth, estate_id)
    actor = actor_for(request.auth)
    if actor.is_staff_member or actor.is_superuser:
        estate.overview = selectors.estate_overview(estate=estate)
    return estate


# --- Buildings --------------------------------------------------------------------------------


@router.get("/buildings", response={200: list[BuildingOut], **READ_ERRORS}, tags=["buildings"])
@paginated
def building_list(request: HttpRequest, estate: IdParam | None = None) -> QuerySet:
    return selectors.building_list(
        actor=actor_for(request.auth), estate=_estate_filter(request, estate)
    )


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingDetailOut, **READ_ERRORS},
    tags=["buildings"],
)
def building_detail(request: HttpRequest, building_id: int) -> Any:
    return selectors.building_get_for_user(request.auth, building_id)


@router.post("/buildings", response={201: BuildingDetailOut, **WRITE_ERRORS}, tags=["buildings"])
def building_create(request: HttpRequest, payload: BuildingIn) -> Status:
    building = services.building_create(
        estate=selectors.estate_get_for_user(request.auth, payload.estate),
        name=payload.name,
        floors=payload.floors,
        sort=payload.sort,
        by=request.auth,
    )
    return Status(201, building)


# --- Rooms ------------------------------------------------------------------------------------


@router.get("/rooms", response={200: list[RoomOut], **READ_ERRORS}, tags=["rooms"])
@paginated
def room_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    building: IdParam | None = None,
    search: Term = "",
) -> QuerySet:
    """Rooms; ``search`` as the desk types it: "1-2-301", "1栋2单元301", "301"."""
    return selectors.room_list(
        actor=actor_for(request.auth),
        estate=_estate_filter(request, estate),
        building_id=building,
        search=search,
    )


@router.get("/rooms/{room_id}", response={200: RoomDetailOut, **READ_ERRORS}, tags=["rooms"])
def room_detail(request: HttpRequest, room_id: int) -> Room:
    """One room with the people who live in it today."""
    return _with_occupants(selectors.room_get_for_user(request.auth, room_id))


@router.post("/rooms", response={201: RoomDetailOut, **WRITE_ERRORS}, tags=["rooms"])
def room_create(request: HttpRequest, payload: RoomIn) -> Status:
    room = services.room_create(
        building=selectors.building_get_for_user(request.auth, payload.building),
        unit=_unit_or_404(request, payload.unit),
        number=payload.number,
        floor=payload.floor,
        area=payload.area,
        use=payload.use,
        by=request.auth,
    )
    return Status(201, _with_occupants(room))


@router.patch("/rooms/{room_id}", response={200: RoomDetailOut, **WRITE_ERRORS}, tags=["rooms"])
def room_update(request: HttpRequest, room_id: int, payload: RoomPatch) -> Room:
    room = services.room_update(
        room=selectors.room_get_for_user(request.auth, room_id),
        floor=payload.floor,
        area=payload.area,
        use=payload.use,
        by=request.auth,
    )
    return _with_occupants(room)


# --- Residents --------------------------------------------------------------------------------


@router.get("/residents", response={200: list[ResidentOut], **READ_ERRORS}, tags=["residents"])
@paginated
def resident_list(
    request: HttpRequest, estate: IdParam | None = None, search: Term = ""
) -> QuerySet:
    """Residents (name or mobile ``search``); phone and ID masked unless the role may see them."""
    return selectors.resident_list(
        actor=actor_for(request.auth), estate=_estate_filter(request, estate), search=search
    )


@router.get(
    "/residents/{resident_id}", response={200: ResidentOut, **READ_ERRORS}, tags=["residents"]
)
def resident_detail(request: HttpRequest, resident_id: int) -> Any:
    return selectors.resident_get_for_user(request.auth, resident_id)


@router.post("/residents", response={201: ResidentOut, **WRITE_ERRORS}, tags=["residents"])
def resident_register(request: HttpRequest, payload: ResidentIn) -> Status:
    """Register a person in a room; an ID number already on file reuses that resident."""
    occupancy = services.resident_register(
        room=selectors.room_get_for_user(request.auth, payload.room),
        name=payload.name,
        mobile=payload.mobile,
        id_number=payload.id_number,
        relation=payload.relation,
        start_date=payload.start_date,
        by=request.auth,
    )
    return Status(201, selectors.resident_get_for_user(request.auth, occupancy.resident_id))


@router.patch(
    "/residents/{resident_id}", response={200: ResidentOut, **WRITE_ERRORS}, tags=["residents"]
)
def resident_update(request: HttpRequest, resident_id: int, payload: ResidentPatch) -> Any:
    return services.resident_update(
        resident=selectors.resident_get_for_user(request.auth, resident_id),
        name=payload.name,
        mobile=payload.mobile,
        id_number=payload.id_number,
        note=payload.note,
        by=request.auth,
    )


# --- Staff and contractors --------------------------------------------------------------------


@router.get("/staff", response={200: list[StaffOut], **READ_ERRORS}, tags=["staff"])
@paginated
def staff_list(request: HttpRequest, estate: IdParam | None = None, search: Term = "") -> QuerySet:
    return selectors.staff_list(
        actor=actor_for(request.auth), estate=_estate_filter(request, estate), search=search
    )


@router.get("/staff/{staff_id}", response={200: StaffOut, **READ_ERRORS}, tags=["staff"])
def staff_detail(request: HttpRequest, staff_id: int) -> Any:
    return selectors.staff_get_for_user(request.auth, staff_id)


@router.post("/staff", response={201: StaffOut, **WRITE_ERRORS}, tags=["staff"])
def staff_create(request: HttpRequest, payload: StaffIn) -> Status:
    """Add an employee with a login; department heads and executives only."""
    actor = actor_for(request.auth)
    estates = [
        selectors.estate_get_for_user(request.auth, pk) for pk in dict.fromkeys(payload.estates)
    ]
    company_id = actor.company_id or (estates[0].company_id if estates else None)
    staff = services.staff_create(
        company=get_or_404(visible_companies(actor), company_id),
        username=payload.username,
        password=payload.password,
        name=payload.name,
        mobile=payload.mobile,
        employee_no=payload.employee_no,
        department=payload.department,
        role=payload.role,
        estates=estates,
        position=payload.position,
        by=request.auth,
    )
    return Status(201, staff)


@router.get(
    "/contractors", response={200: list[ContractorOut], **READ_ERRORS}, tags=["contractors"]
)
@paginated
def contractor_list(request: HttpRequest) -> QuerySet:
    return selectors.contractor_list(actor=actor_for(request.auth)).prefetch_related("estates")


# --- API tokens (the caller's own; a superuser may revoke anyone's) ---------------------------


class ApiTokenOut(Schema):
    """A token as its owner sees it: never the token itself (only its digest is stored)."""

    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    state: ApiToken.State
    state_display: str

    @staticmethod
    def resolve_state(obj: ApiToken) -> str:
        return services.api_token_state(obj)

    @staticmethod
    def resolve_state_display(obj: ApiToken) -> str:
        return str(ApiToken.State(services.api_token_state(obj)).label)


class RevokedOut(Schema):
    revoked: int


@router.get("/auth/tokens", response={200: list[ApiTokenOut], **READ_ERRORS}, tags=["auth"])
@paginated
def api_token_list(request: HttpRequest) -> QuerySet:
    """The caller's tokens that have not expired, newest first, with why each works or not."""
    return services.api_token_list_for_user(request.auth)


@router.post(
    "/auth/tokens/{token_id}/revoke", response={200: ApiTokenOut, **WRITE_ERRORS}, tags=["auth"]
)
def api_token_revoke(request: HttpRequest, token_id: IdParam) -> ApiToken:
    """Revoke one of the caller's tokens (a superuser: anyone's). Another user's token is a 404."""
    token = services.api_token_get_for_user(request.auth, token_id)
    return services.api_token_revoke(token=token, by=request.auth)


@router.post("/auth/tokens/revoke-all", response={200: RevokedOut, **WRITE_ERRORS}, tags=["auth"])
def api_token_revoke_all(request: HttpRequest) -> dict[str, int]:
    """Revoke every token of the caller, the one of this request too."""
    return {"revoked": services.api_token_revoke_all(user=request.auth, by=request.auth)}
