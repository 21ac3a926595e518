"""The roster's public functions: the empty template, the import (all or nothing) and the export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..choices import Relation
from ..models import Building, Estate, Occupancy, Room
from ..services import require_roster_write
from ..validators import (
    mask_id_number,
    mask_mobile,
)
from .checking import _plan
from .layout import (
    BUILDING_SHEET,
    BUILDING_SHEET_NAME,
    RELATION_LABEL,
    RESIDENT_SHEET,
    RESIDENT_SHEET_NAME,
    ROOM_SHEET,
    ROOM_SHEET_NAME,
    SHEETS,
    USE_LABEL,
    RosterImportResult,
    RosterInvalid,
    RowError,
)
from .reading import _parse_buildings, _parse_people, _parse_rooms, _read_workbook
from .workbooks import _actor, _help_sheet, _save, _sheet_with_header, _sorted, _write_rows
from .writing import _write

# --- Public functions -----------------------------------------------------------------------


def roster_template() -> bytes:
    """An empty roster workbook: the three sheets with their headers, and the 说明 sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in SHEETS:
        _sheet_with_header(wb, spec)
    _help_sheet(wb)
    return _save(wb)


def roster_import(*, estate: Estate, file, by) -> RosterImportResult:
    """Create the buildings, units, rooms, residents and occupancies of an uploaded workbook.

    ``file`` is a Django UploadedFile, any binary file-like or bytes. Raises RosterInvalid with
    every problem when anything is wrong, and then writes nothing.
    """
    actor = _actor(by)
    require_roster_write(actor, estate)
    sheets = _read_workbook(file)
    errors: list[RowError] = []
    buildings = _parse_buildings(sheets[BUILDING_SHEET_NAME], errors)
    rooms = _parse_rooms(sheets[ROOM_SHEET_NAME], errors)
    people = _parse_people(sheets[RESIDENT_SHEET_NAME], errors, timezone.localdate())
    if not errors and not (buildings or rooms or people):
        raise RosterInvalid([RowError("", 0, "", _("文件中没有可导入的数据"))])
    try:
        # The reads that decide "new or existing" and the writes share one transaction; on
        # SQLite (BEGIN IMMEDIATE) that also keeps a second import from interleaving.
        with transaction.atomic():
            plan = _plan(estate, buildings, rooms, people, errors)
            if errors:
                raise RosterInvalid(_sorted(errors))
            return _write(estate, plan)
    except IntegrityError:
        # Someone added the same room or person between our reads and our writes (PostgreSQL).
        raise RosterInvalid(
            [RowError("", 0, "", _("导入时有人同时修改了房屋或住户资料，请重新上传文件"))]
        ) from None


def roster_export(*, estate: Estate, by) -> bytes:
    """The estate's buildings, rooms and current occupancies in the import layout.

    Full phone and ID numbers only for actors who may see them (choices.PII_ROLES); for others
    both are masked, as in every list, which makes those two columns not re-importable.
    """
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if not actor.is_superuser and actor.staff is None:
        # A resident sees their own estate, but not the list of their neighbours.
        raise PermissionDenied(_("只有本项目员工可以导出房屋与住户资料"))
    full = actor.can_see_pii()

    wb = Workbook()
    wb.remove(wb.active)
    ws_buildings, ws_rooms, ws_people = (_sheet_with_header(wb, spec) for spec in SHEETS)

    buildings = Building.objects.filter(estate=estate).order_by("sort", "name")
    _write_rows(ws_buildings, BUILDING_SHEET, ([b.name, b.floors] for b in buildings))

    rooms = list(
        Room.objects.filter(estate=estate)
        .select_related("building", "unit")
        .order_by("building__sort", "building__name", "unit__sort", "unit__name", "floor", "number")
    )
    room_order = {room.pk: position for position, room in enumerate(rooms)}
    _write_rows(
        ws_rooms,
        ROOM_SHEET,
        (
            [
                room.building.name,
                room.unit.name if room.unit_id else "",
                room.number,
                room.floor,
                room.area,
                USE_LABEL.get(room.use, room.use),
            ]
            for room in rooms
        ),
    )

    relation_rank = {value: rank for rank, value in enumerate(Relation.values)}
    occupancies = sorted(
        Occupancy.objects.filter(Occupancy.current_q(), estate=estate).select_related(
            "resident", "room__building", "room__unit"
        ),
        key=lambda o: (
            room_order.get(o.room_id, 0),
            relation_rank.get(o.relation, 9),
            o.start_date,
            o.resident.name,
        ),
    )
    _write_rows(
        ws_people,
        RESIDENT_SHEET,
        (
            [
                occ.room.building.name,
                occ.room.unit.name if occ.room.unit_id else "",
                occ.room.number,
                occ.resident.name,
                occ.resident.mobile if full else mask_mobile(occ.resident.mobile),
                occ.resident.id_number if full else mask_id_number(occ.resident.id_number),
                RELATION_LABEL.get(occ.relation, occ.relation),
                occ.start_date,
            ]
            for occ in occupancies
        ),
    )
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    _help_sheet(wb, context=f"导出项目：{estate.name}　导出时间：{exported}", masked=not full)
    return _save(wb)
