"""The core's files through the API: the room and resident lists as .xlsx with the pages'
filters, and the roster (资料导入导出): its template, the estate's export and the import of a
filled-in workbook. The same builders and the same service as the pages (``core.documents``,
``core.roster``); staff of the estate only, the roster to those who may change it.

Mounted before the core router, whose ``/rooms/{room_id}`` would otherwise take
``/rooms/export.xlsx``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_filters import FilterSet
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    ErrorOut,
    IdParam,
    Term,
    file_download,
)
from wuye.core import roster, selectors, services
from wuye.core.choices import Relation, RoomUse
from wuye.core.documents import exports
from wuye.core.filters import ResidentFilter, RoomFilter
from wuye.core.forms import RosterUploadForm
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for

router = Router()

FILE_ERRORS = {**READ_ERRORS, 403: ErrorOut}


def staff_estate(request: HttpRequest, estate_id: int) -> tuple[Actor, Estate]:
    """An estate the caller may see (404 otherwise), for staff only (the pages' 403)."""
    estate = selectors.estate_get_for_user(request.auth, estate_id)
    actor = actor_for(request.auth)
    if actor.staff is None and not actor.is_superuser:
        raise PermissionDenied(_("此接口仅供员工使用"))
    return actor, estate


def filtered(filterset: FilterSet):
    """The list a page's FilterSet gives, but a value the page would drop is a 400 here."""
    if not filterset.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.errors.items()})
    return filterset.qs


def _query(filters: Schema, *names: str) -> dict[str, str]:
    """The filters as the page's query string (what was left out stays out)."""
    values = {name: getattr(filters, name) for name in names}
    return {k: str(getattr(v, "value", v)) for k, v in values.items() if v not in (None, "")}


# --- Rooms and residents ------------------------------------------------------------------------


class RoomFilters(Schema):
    """The room list's filters (the page's ``?search=&building=&use=&occupied=``)."""

    estate: IdParam = Field(..., examples=[1])
    search: Term = Field("", description="A room as the desk types it.", examples=["1-2-301"])
    building: IdParam | None = Field(None, description="A building of the estate.")
    use: RoomUse | None = None
    occupied: Literal["yes", "no"] | None = Field(
        None, description="`yes`: lived in today; `no`: empty."
    )


class ResidentFilters(Schema):
    """The resident list's filters (the page's ``?search=&relation=``)."""

    estate: IdParam = Field(..., examples=[1])
    search: Term = Field("", description="Name or mobile.", examples=["张"])
    relation: Relation | None = Field(None, description="How they live in a room of the estate.")


@router.get("/rooms/export.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX),
            tags=["rooms"])  # fmt: skip
def room_export(request: HttpRequest, filters: Query[RoomFilters]) -> HttpResponse:
    """The estate's rooms with these filters as .xlsx (the room list's export): building, unit,
    number, floor, area, use, occupied or empty, who lives there with their phone and ID (masked
    unless the role may see them). Staff of the estate only."""
    actor, estate = staff_estate(request, filters.estate)
    data = _query(filters, "search", "building", "use", "occupied")
    rooms = selectors.room_list(actor=actor, estate=estate)
    rooms = filtered(RoomFilter(data, queryset=rooms, estate=estate))
    rooms = selectors.rooms_with_occupants(rooms)
    return exports.rooms_xlsx_response(estate=estate, rooms=rooms, actor=actor)


@router.get("/residents/export.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX),
            tags=["residents"])  # fmt: skip
def resident_export(request: HttpRequest, filters: Query[ResidentFilters]) -> HttpResponse:
    """The estate's residents with these filters as .xlsx (the resident list's export): name,
    phone and ID (masked unless the role may see them), their rooms here and how they live
    there. Staff of the estate only."""
    actor, estate = staff_estate(request, filters.estate)
    residents = selectors.resident_list(actor=actor, estate=estate)
    data = _query(filters, "search", "relation")
    residents = filtered(ResidentFilter(data, queryset=residents, estate=estate))
    residents = selectors.residents_with_rooms_here(residents, estate)
    return exports.residents_xlsx_response(estate=estate, residents=residents, actor=actor)


# --- The roster (资料导入导出) --------------------------------------------------------------------


class RosterImportOut(Schema):
    """What the import created (existing buildings, units and residents are reused)."""

    buildings: int = Field(..., examples=[2])
    units: int = Field(..., examples=[4])
    rooms: int = Field(..., examples=[120])
    residents: int = Field(..., examples=[180])
    occupancies: int = Field(..., examples=[190])


def _roster_estate(request: HttpRequest, estate_id: int) -> Estate:
    estate = selectors.estate_get_for_user(request.auth, estate_id)
    services.require_roster_write(actor_for(request.auth), estate)
    return estate


@router.get("/roster/template.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX),
            tags=["roster"])  # fmt: skip
def roster_template(request: HttpRequest, estate: IdParam) -> HttpResponse:
    """The empty roster workbook (楼栋, 房屋, 住户 and a 说明 sheet) to fill in and upload to
    ``POST /roster/import``. For those who may change the estate's roster."""
    _roster_estate(request, estate)
    return exports.roster_template_response()


@router.get("/roster/export.xlsx", response=FILE_ERRORS, openapi_extra=file_download(XLSX),
            tags=["roster"])  # fmt: skip
def roster_export(request: HttpRequest, estate: IdParam) -> HttpResponse:
    """The estate's buildings, rooms and residents in the import's own format (房屋住户资料).
    For those who may change the estate's roster."""
    estate_obj = _roster_estate(request, estate)
    return exports.roster_export_response(estate=estate_obj, by=request.auth)


@router.post("/roster/import", response={200: RosterImportOut, **WRITE_ERRORS}, tags=["roster"])
def roster_import(
    request: HttpRequest,
    file: File[UploadedFile],
    estate: Annotated[IdParam, Form(..., examples=[1])],
) -> roster.RosterImportResult:
    """Import a filled-in roster workbook (multipart ``file``, .xlsx, the template's sheets) into
    the estate, as the page does: all or nothing. When anything is wrong nothing is written and
    the answer is a 400 ``roster_invalid`` listing every problem under ``fields.file`` (sheet,
    Excel row, column and what is wrong). For those who may change the estate's roster."""
    estate_obj = _roster_estate(request, estate)
    form = RosterUploadForm(files={"file": file})
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    try:
        return roster.roster_import(estate=estate_obj, file=file, by=request.auth)
    except roster.RosterInvalid as exc:
        problems = {"file": [str(error) for error in exc.errors]}
        raise ApiError(400, "roster_invalid", str(exc), problems) from None
