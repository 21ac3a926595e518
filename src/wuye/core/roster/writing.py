"""Writing a checked roster in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Max

from ..models import Building, Estate, Occupancy, Resident, Room, Unit
from .checking import _Plan
from .layout import BULK_BATCH, RosterImportResult

# --- Writing --------------------------------------------------------------------------------


def _require_pks(objs: Sequence) -> None:
    # PostgreSQL and SQLite ≥ 3.35 return the new ids from a bulk INSERT; the rest of the import
    # needs them, and silently linking to id None would be far worse than failing.
    if any(obj.pk is None for obj in objs):
        raise RuntimeError("数据库未返回批量插入的主键（需要 PostgreSQL 或 SQLite 3.35 以上）")


def _write(estate: Estate, plan: _Plan) -> RosterImportResult:
    base = Building.objects.filter(estate=estate).aggregate(sort=Max("sort"))["sort"] or 0
    buildings = [
        Building(estate=estate, name=row.name, floors=row.floors, sort=base + i)
        for i, row in enumerate(plan.new_buildings, start=1)
    ]
    Building.objects.bulk_create(buildings, batch_size=BULK_BATCH)
    _require_pks(buildings)
    plan.building_ids.update((b.name, b.pk) for b in buildings)

    building_pks = {plan.building_ids[b] for b, _u in plan.new_units}
    unit_sort: dict[int, int] = {}
    for building_pk, sort in (
        Unit.objects.filter(building_id__in=building_pks).values_list("building_id", "sort")
        if building_pks
        else ()
    ):
        unit_sort[building_pk] = max(unit_sort.get(building_pk, 0), sort)
    units = []
    for building_name, unit_name in plan.new_units:
        building_pk = plan.building_ids[building_name]
        unit_sort[building_pk] = unit_sort.get(building_pk, 0) + 1
        units.append(
            Unit(
                estate=estate,
                building_id=building_pk,
                name=unit_name,
                sort=unit_sort[building_pk],
            )
        )
    Unit.objects.bulk_create(units, batch_size=BULK_BATCH)
    _require_pks(units)
    plan.unit_ids.update(zip(plan.new_units, (u.pk for u in units), strict=True))

    rooms = [
        Room(
            estate=estate,
            building_id=plan.building_ids[row.key[0]],
            unit_id=plan.unit_ids[row.key[:2]] if row.key[1] else None,
            number=row.key[2],
            floor=row.floor,
            area=row.area,
            use=row.use,
        )
        for row in plan.new_rooms
    ]
    Room.objects.bulk_create(rooms, batch_size=BULK_BATCH)
    _require_pks(rooms)
    plan.room_ids.update(zip((r.key for r in plan.new_rooms), (r.pk for r in rooms), strict=True))

    residents = [
        Resident(
            company_id=estate.company_id,
            name=row.name,
            mobile=row.mobile,
            id_number=row.id_number,
        )
        for row in plan.new_residents
    ]
    Resident.objects.bulk_create(residents, batch_size=BULK_BATCH)
    _require_pks(residents)
    plan.resident_ids.update(
        zip((r.person for r in plan.new_residents), (r.pk for r in residents), strict=True)
    )

    occupancies = [
        Occupancy(
            estate=estate,
            room_id=plan.room_ids[row.key],
            resident_id=plan.resident_ids[row.person],
            relation=row.relation,
            start_date=row.start_date,
        )
        for row in plan.occupancies
    ]
    Occupancy.objects.bulk_create(occupancies, batch_size=BULK_BATCH)
    return RosterImportResult(
        buildings=len(buildings),
        units=len(units),
        rooms=len(rooms),
        residents=len(residents),
        occupancies=len(occupancies),
    )
