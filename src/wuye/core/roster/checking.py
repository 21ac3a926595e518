"""Checking the parsed rows against the database and each other before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Building, Estate, Occupancy, Resident, Room, Unit
from .layout import (
    BUILDING,
    BUILDING_SHEET_NAME,
    NAME,
    NUMBER,
    RESIDENT_SHEET_NAME,
    ROOM_SHEET_NAME,
    RowError,
)
from .reading import PersonKey, RoomKey, _BuildingRow, _PersonRow, _room_label, _RoomRow

# --- Checking against the database ----------------------------------------------------------


@dataclass
class _Plan:
    building_ids: dict[str, int]
    new_buildings: list[_BuildingRow]
    unit_ids: dict[tuple[str, str], int]
    new_units: list[tuple[str, str]]
    room_ids: dict[RoomKey, int]
    new_rooms: list[_RoomRow]
    resident_ids: dict[PersonKey, int]
    new_residents: list[_PersonRow]
    occupancies: list[_PersonRow] = field(default_factory=list)


def _adder(errors: list[RowError], sheet: str):
    def add(row: int, column: str, message: str) -> None:
        errors.append(RowError(sheet, row, column, message))

    return add


def _chunks(values: Sequence, size: int = 500) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plan(
    estate: Estate,
    buildings: list[_BuildingRow],
    rooms: list[_RoomRow],
    people: list[_PersonRow],
    errors: list[RowError],
) -> _Plan:
    """Match the rows to what exists (one query per table) and find every conflict."""
    existing_buildings = dict(
        Building.objects.filter(estate=estate).values_list("name", "id").order_by()
    )
    unit_ids = {
        (b, u): pk
        for pk, b, u in Unit.objects.filter(building__estate=estate)
        .values_list("id", "building__name", "name")
        .order_by()
    }
    existing_rooms: dict[RoomKey, int] = {
        (b, u or "", n): pk
        for pk, b, u, n in Room.objects.filter(estate=estate)
        .values_list("id", "building__name", "unit__name", "number")
        .order_by()
    }
    plan = _Plan(
        building_ids=dict(existing_buildings),
        new_buildings=[b for b in buildings if b.name not in existing_buildings],
        unit_ids=unit_ids,
        new_units=[],
        room_ids=dict(existing_rooms),
        new_rooms=[],
        resident_ids={},
        new_residents=[],
    )

    sheet_buildings = {b.name for b in buildings}
    room_rows: dict[RoomKey, int] = {}
    new_unit_keys: set[tuple[str, str]] = set()
    add = _adder(errors, ROOM_SHEET_NAME)
    for room in rooms:
        building, unit, _number = room.key
        label = _room_label(room.key)
        if building not in sheet_buildings and building not in existing_buildings:
            add(
                room.row,
                BUILDING,
                _("未知楼栋「%(building)s」：请先在「%(sheet)s」表中填写，或核对名称")
                % {"building": building, "sheet": BUILDING_SHEET_NAME},
            )
        if room.key in room_rows:
            add(
                room.row,
                NUMBER,
                _("房号重复：%(room)s 与第 %(row)s 行相同")
                % {"room": label, "row": room_rows[room.key]},
            )
            continue
        room_rows[room.key] = room.row
        if room.key in existing_rooms:
            add(room.row, NUMBER, _("房号重复：%(room)s 已在系统中") % {"room": label})
            continue
        plan.new_rooms.append(room)
        if unit and (building, unit) not in unit_ids and (building, unit) not in new_unit_keys:
            new_unit_keys.add((building, unit))
            plan.new_units.append((building, unit))

    _plan_people(estate, people, room_rows, existing_rooms, plan, errors)
    return plan


def _plan_people(
    estate: Estate,
    people: list[_PersonRow],
    room_rows: dict[RoomKey, int],
    existing_rooms: dict[RoomKey, int],
    plan: _Plan,
    errors: list[RowError],
) -> None:
    ids = sorted({p.id_number for p in people if p.id_number})
    known: dict[str, int] = {}
    for chunk in _chunks(ids):
        known.update(
            Resident.objects.filter(company_id=estate.company_id, id_number__in=chunk)
            .values_list("id_number", "id")
            .order_by()
        )
    # Who already lives in which room: a second open occupancy would break
    # occupancy_current_unique, and a second current one is a mistake anyway.
    registered: set[tuple[int, int]] = set()
    resident_pks = sorted(known.values())
    for chunk in _chunks(resident_pks):
        registered.update(
            Occupancy.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()),
                estate=estate,
                resident_id__in=chunk,
            )
            .values_list("room_id", "resident_id")
            .order_by()
        )

    in_room: dict[tuple[RoomKey, PersonKey], int] = {}
    name_of_id: dict[str, tuple[str, int]] = {}
    add = _adder(errors, RESIDENT_SHEET_NAME)
    for person in people:
        before = len(errors)
        label = _room_label(person.key)
        if person.key not in room_rows and person.key not in existing_rooms:
            add(
                person.row,
                NUMBER,
                _("未知房屋「%(room)s」：既不在「%(sheet)s」表中，也不在系统中")
                % {"room": label, "sheet": ROOM_SHEET_NAME},
            )
        if person.id_number:
            first = name_of_id.setdefault(person.id_number, (person.name, person.row))
            if first[0] != person.name:
                add(
                    person.row,
                    NAME,
                    _("身份证号与第 %(row)s 行相同，但姓名不同（%(name)s）")
                    % {"row": first[1], "name": first[0]},
                )
        pair = (person.key, person.person)
        if pair in in_room:
            add(
                person.row,
                NAME,
                _("同一人在该房屋重复登记：与第 %(row)s 行相同") % {"row": in_room[pair]},
            )
        else:
            in_room[pair] = person.row
        room_pk = existing_rooms.get(person.key)
        resident_pk = known.get(person.id_number) if person.id_number else None
        if room_pk and resident_pk and (room_pk, resident_pk) in registered:
            add(
                person.row,
                NAME,
                _("%(name)s 已登记在 %(room)s，无需重复导入")
                % {"name": person.name, "room": label},
            )
        if len(errors) > before:
            continue
        plan.occupancies.append(person)
        if resident_pk:
            plan.resident_ids[person.person] = resident_pk
        elif person.person not in plan.resident_ids:
            plan.resident_ids[person.person] = 0  # the id comes from _write
            plan.new_residents.append(person)
