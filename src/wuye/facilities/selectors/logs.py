"""Reads of the operation log (《设施设备运行记录表》, EQUIP-OPS-05/06/07): an estate's parameters,
a day's entries, the day grid of 24 hours with the missing ones, and the missing-hours count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from wuye.core.models import Estate
from wuye.core.scoping import actor_for, scope_to_estates

from ..choices import EquipmentCategory, EquipmentStatus, ParameterKind, RunState
from ..models import Equipment, OperationLogEntry, OperationParameter

HOUR = dt.timedelta(hours=1)

C, K = EquipmentCategory, ParameterKind
# (category, code, name, kind, unit, low, high): the defaults an estate starts from.
DEFAULT_PARAMETERS = (
    (C.ELEVATOR, "run_count", "运行次数", K.NUMBER, "次", "0", None),
    (C.ELEVATOR, "run_state", "运行状态", K.STATE, "", None, None),
    (C.ELEVATOR, "car_temperature", "轿厢温度", K.NUMBER, "°C", "0", "40"),
    # 380 V ± 7 % (GB/T 12325).
    (C.POWER, "voltage", "电压", K.NUMBER, "V", "353.4", "406.6"),
    (C.POWER, "current", "电流", K.NUMBER, "A", "0", "800"),
    (C.POWER, "transformer_temperature", "变压器温度", K.NUMBER, "°C", None, "85"),
    (C.WATER, "outlet_pressure", "出水压力", K.NUMBER, "MPa", "0.20", "0.60"),
    (C.WATER, "tank_level", "水箱水位", K.NUMBER, "m", "0.50", "3.00"),
    (C.FIRE, "sprinkler_pressure", "喷淋管网压力", K.NUMBER, "MPa", "0.30", "1.20"),
    (C.FIRE, "hydrant_pressure", "消火栓管网压力", K.NUMBER, "MPa", "0.30", "1.20"),
    (C.HVAC, "outlet_temperature", "出水温度", K.NUMBER, "°C", "5", "55"),
    (C.HVAC, "run_state", "运行状态", K.STATE, "", None, None),
    (C.SECURITY, "run_state", "运行状态", K.STATE, "", None, None),
    (C.OTHER, "run_state", "运行状态", K.STATE, "", None, None),
)


def default_parameters(estate: Estate, category: str) -> list[OperationParameter]:
    """The defaults of a category, unsaved (an estate that has not set its own yet)."""
    return [
        OperationParameter(
            estate=estate,
            category=cat,
            code=code,
            name=name,
            kind=kind,
            unit=unit,
            low=Decimal(low) if low else None,
            high=Decimal(high) if high else None,
            position=n,
        )
        for n, (cat, code, name, kind, unit, low, high) in enumerate(DEFAULT_PARAMETERS)
        if cat == category
    ]


def estate_zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


_zone = estate_zone


def local_hour(at: dt.datetime, estate: Estate) -> dt.datetime:
    """The local clock hour ``at`` falls in (14:37 → 14:00 in the estate's zone)."""
    return at.astimezone(_zone(estate)).replace(minute=0, second=0, microsecond=0)


def day_bounds(day: dt.date, estate: Estate) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the local day and of the next one."""
    zone = _zone(estate)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def parameters_for(estate: Estate, category: str) -> list[OperationParameter]:
    """The active parameters of a category in an estate; the defaults while it has none."""
    rows = list(OperationParameter.objects.filter(estate=estate, category=category, active=True))
    if rows or OperationParameter.objects.filter(estate=estate, category=category).exists():
        return rows
    return default_parameters(estate, category)


def readings_text(values: dict, parameters: list[OperationParameter]) -> str:
    """电压 381V，运行状态 正常: an entry's values as the operator reads them."""
    names = {p.code: p for p in parameters}
    parts = []
    for code, value in values.items():
        p = names.get(code)
        if p is None:
            continue
        if p.kind == ParameterKind.STATE:
            shown = str(RunState(value).label) if value in RunState.values else value
            parts.append(f"{p.name} {shown}")
        else:
            parts.append(f"{p.name} {value}{p.unit}")
    return "，".join(parts)


def parameter_table(estate: Estate) -> list[OperationParameter]:
    return list(OperationParameter.objects.filter(estate=estate))


def current_entries(qs: QuerySet[OperationLogEntry]) -> QuerySet[OperationLogEntry]:
    """The entry that counts for each hour: the latest of its amendment chain."""
    return qs.filter(amended_by__isnull=True)


def entries_of_day(equipment: Equipment, day: dt.date) -> list[OperationLogEntry]:
    """Every entry of the local day, the amended ones too (they stay visible), by hour."""
    start, end = day_bounds(day, equipment.estate)
    return list(
        OperationLogEntry.objects.filter(equipment=equipment, hour__gte=start, hour__lt=end)
        .select_related("recorded_by", "recorded_by__staff", "anomaly__case", "amends")
        .order_by("hour", "recorded_at", "id")
    )


@dataclass(frozen=True)
class HourCell:
    hour: dt.datetime  # the local clock hour
    state: (
        str  # "logged", "anomaly", "missing", "future" (not yet due), "before" (registered later)
    )
    entry: OperationLogEntry | None = None
    amendments: int = 0


def _first_due_hour(equipment: Equipment) -> dt.datetime:
    """Hours before the equipment was registered (or commissioned) are not missing."""
    first = local_hour(equipment.created_at, equipment.estate) if equipment.created_at else None
    if equipment.commissioned_on is not None:
        start, _end = day_bounds(equipment.commissioned_on, equipment.estate)
        first = max(first, start) if first else start
    return first or dt.datetime.min.replace(tzinfo=dt.UTC)


def day_grid(equipment: Equipment, day: dt.date, now: dt.datetime) -> list[HourCell]:
    """EQUIP-OPS-05/07: the 24 hours of a local day. An hour is missing once it is over (the
    hour after it has begun) and no entry was recorded for it."""
    start, _end = day_bounds(day, equipment.estate)
    entries = entries_of_day(equipment, day)
    by_hour: dict[dt.datetime, list[OperationLogEntry]] = {}
    for e in entries:
        by_hour.setdefault(e.hour, []).append(e)
    current = local_hour(now, equipment.estate)
    first = _first_due_hour(equipment)
    cells = []
    for n in range(24):
        # Wall-clock hours of the local day (a zone with DST would repeat or skip one).
        hour = (start.astimezone(dt.UTC) + n * HOUR).astimezone(start.tzinfo)
        chain = by_hour.get(hour, [])
        latest = chain[-1] if chain else None
        if latest is not None:
            state = "anomaly" if latest.is_anomaly else "logged"
            cells.append(HourCell(hour, state, latest, len(chain) - 1))
        elif hour >= current:
            cells.append(HourCell(hour, "future"))
        elif hour < first:
            cells.append(HourCell(hour, "before"))
        else:
            cells.append(HourCell(hour, "missing"))
    return cells


def missing_hours(
    equipment: Equipment, since: dt.datetime, until: dt.datetime
) -> list[dt.datetime]:
    """The clock hours starting in [since, until) with no entry (only the hours already over at
    ``until`` count; hours before registration do not)."""
    first = local_hour(since, equipment.estate)
    if first < since:
        first += HOUR  # hours that start at or after ``since``
    first = max(first, _first_due_hour(equipment))
    last = local_hour(until, equipment.estate)  # the hour under way is not missing yet
    logged = set(
        OperationLogEntry.objects.filter(
            equipment=equipment, hour__gte=first, hour__lt=last
        ).values_list("hour", flat=True)
    )
    logged = {h.astimezone(dt.UTC) for h in logged}
    hours, hour = [], first.astimezone(dt.UTC)
    while hour < last:
        if hour not in logged:
            hours.append(hour.astimezone(_zone(equipment.estate)))
        hour += HOUR
    return hours


def missing_counts(equipment: list[Equipment], now: dt.datetime, hours: int = 24) -> dict:
    """For a page of the register: how many of the last ``hours`` completed clock hours each
    piece of equipment logged hourly and in use has no entry for (one query for the page)."""
    wanted = [e for e in equipment if e.logs_hourly and e.status == EquipmentStatus.IN_USE]
    if not wanted:
        return {}
    estate_last = {e.pk: local_hour(now, e.estate) for e in wanted}
    earliest = min(estate_last.values()) - hours * HOUR
    rows = (
        OperationLogEntry.objects.filter(
            equipment__in=wanted, hour__gte=earliest, hour__lt=max(estate_last.values())
        )
        .values_list("equipment_id", "hour")
        .distinct()
    )
    logged: dict[int, set] = {}
    for pk, hour in rows:
        logged.setdefault(pk, set()).add(hour.astimezone(dt.UTC))
    counts = {}
    for e in wanted:
        last = estate_last[e.pk]
        first = max(last - hours * HOUR, _first_due_hour(e))
        n, hour = 0, first.astimezone(dt.UTC)
        while hour < last:
            n += hour not in logged.get(e.pk, set())
            hour += HOUR
        counts[e.pk] = n
    return counts


class WithMissingHours:
    """A queryset of equipment whose slices (a page of a list) carry each item's
    ``missing_hours`` (``missing_counts``: one query for the page). Paginators and the API's
    pagination count and slice it as they would the queryset."""

    def __init__(self, qs: QuerySet[Equipment], now: dt.datetime | None = None):
        self.qs = qs
        self.now = now

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def all(self) -> WithMissingHours:
        return self

    def __getitem__(self, key):
        items = list(self.qs[key]) if isinstance(key, slice) else [self.qs[key]]
        counts = missing_counts(items, self.now or timezone.now())
        for item in items:
            item.missing_hours = counts.get(item.pk)
        return items if isinstance(key, slice) else items[0]

    def __iter__(self):
        return iter(self[:])


def equipment_of_sheet(user, estate: Estate, day: dt.date, category: str = "") -> list[Equipment]:
    """The equipment of a day's printed sheet: logged hourly and in use, or logged that day."""

    start, end = day_bounds(day, estate)
    qs = scope_to_estates(Equipment.objects.filter(estate=estate), actor_for(user))
    if category:
        qs = qs.filter(category=category)
    logged = OperationLogEntry.objects.filter(estate=estate, hour__gte=start, hour__lt=end)
    return list(
        qs.filter(
            Q(logs_hourly=True, status=EquipmentStatus.IN_USE)
            | Q(pk__in=logged.values("equipment_id"))
        )
        .select_related("estate", "building")
        .order_by("category", "code", "id")
    )
