"""Reads of meters and the shared-cost disclosure (FEE-08) that the pages and the API share: a
month's readings per meter, each room's share, a resident's share bills."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils.translation import gettext as _

from wuye.billing.models import (
    Bill,
    ChargeBasis,
    ChargeKind,
    DisclosureStatus,
    Meter,
    MeterKind,
    MeterReading,
    SharedCostDisclosure,
)
from wuye.billing.selectors.fees import ownership_spans
from wuye.core.models import Estate, Room
from wuye.core.scoping import Actor


def reading_rows(estate: Estate, month: dt.date, building: str, kind: str) -> list[Meter]:
    items = meters_for_reading(estate, month)
    if building == "estate":
        items = items.filter(building__isnull=True)
    elif building.isdigit():
        items = items.filter(building_id=int(building))
    if kind in MeterKind.values:
        items = items.filter(kind=kind)
    rows = list(items)
    ids = [m.pk for m in rows]
    # One query for the recent readings of every meter on the page (no N+1).
    recent: dict[int, list[MeterReading]] = {}
    for r in MeterReading.objects.filter(
        meter_id__in=ids, period__lte=month, period__gte=month_shift(month, -24)
    ).order_by("meter_id", "-period"):
        recent.setdefault(r.meter_id, []).append(r)
    for meter in rows:
        history = recent.get(meter.pk, [])
        meter.current = next((r for r in history if r.period == month), None)
        meter.before = next((r for r in history if r.period < month), None)
        meter.scope = meter_scope_label(meter)
        meter.error, meter.flagged, meter.value = "", False, ""
        meter.needs_start = meter.before is None and (
            meter.current is None or meter.current.previous is None
        )
    return rows


def share_rows(disclosure: SharedCostDisclosure) -> list[tuple[Room, object]]:
    """Each room's share: the draft's computed shares, or the published month's bills."""
    if disclosure.status == DisclosureStatus.DRAFT:
        return disclosure_share_rows(disclosure)
    bills = Bill.objects.filter(
        item_id=disclosure.item_id, period_start=disclosure.month, source_ref=""
    ).select_related("room__building", "room__unit")
    return [(b.room, b.amount) for b in bills]


def my_share_bills(rooms, disclosures) -> dict[tuple[int, dt.date], list[Bill]]:
    """The rooms' shared-cost bills by (item, month): the resident's share of each month."""
    bills = Bill.objects.filter(
        room__in=rooms,
        source_ref="",
        item__kind=ChargeKind.SHARED_UTILITY,
        item__basis=ChargeBasis.SHARED,
        period_start__in={d.month for d in disclosures},
    ).select_related("room__building", "room__unit")
    out: dict[tuple[int, dt.date], list[Bill]] = {}
    for bill in bills:
        out.setdefault((bill.item_id, bill.period_start), []).append(bill)
    return out


def disclosure_share_rows(disclosure: SharedCostDisclosure) -> list[tuple[Room, object]]:
    shares = disclosure_shares(disclosure)
    rooms = Room.objects.filter(pk__in=list(shares)).select_related("building", "unit")
    rooms = {r.pk: r for r in rooms}
    return [(rooms[pk], amount) for pk, amount in shares.items()]


CENT = Decimal("0.01")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_shift(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def meter_scope_label(meter: Meter) -> str:
    if meter.room_id:
        return meter.room.label
    if meter.building_id:
        return meter.building.name
    return _("全项目")


def meters_for_reading(estate: Estate, period: dt.date):
    """The meters to read for a month: active ones, and inactive ones already read that month."""
    return (
        Meter.objects.filter(estate=estate)
        .filter(Q(is_active=True) | Q(readings__period=period))
        .distinct()
        .select_related("building", "room__building", "room__unit")
        .order_by("room_id", "building__sort", "building__name", "kind", "code")
    )


def owned_rooms(estate: Estate, month: dt.date) -> list[tuple[int, Decimal, int]]:
    """The rooms billed for the month: owned on any day of it, as the property-fee run decides.
    (room_id, area, building_id) in roster order."""
    spans = ownership_spans(estate, month, month_end(month))
    return [
        row
        for row in Room.objects.filter(estate=estate)
        .order_by("building__sort", "building__name", "unit__sort", "unit__name", "number", "pk")
        .values_list("pk", "area", "building_id")
        if row[0] in spans
    ]


def largest_remainder(total: Decimal, weights: dict[int, Fraction]) -> dict[int, Decimal]:
    """Split ``total`` (to the fen) in proportion to exact ``weights`` (summing to ``total``):
    each gets its share rounded down to the fen, and the fen left over go one each to the
    largest remainders (ties: in the given order). The parts add up exactly to ``total``."""
    cents = int((total / CENT).to_integral_value())
    floors = {k: int(w * 100) for k, w in weights.items()}  # int() truncates toward 0; w >= 0
    left = cents - sum(floors.values())
    order = sorted(weights, key=lambda k: -(weights[k] * 100 - floors[k]))
    for k in order[:left]:
        floors[k] += 1
    return {k: Decimal(v) * CENT for k, v in floors.items()}


def disclosure_shares(disclosure: SharedCostDisclosure) -> dict[int, Decimal]:
    """Each billed room's share of the month's total: {room_id: amount}, exact to the fen.

    Each line is shared by its scope (its building's rooms, or all) by building area or per
    household; the exact (fractional) shares are summed per room and rounded once, by largest
    remainder, so the shares add up to the total."""
    rooms = owned_rooms(disclosure.estate, disclosure.month)
    if not rooms:
        return {}
    exact: dict[int, Fraction] = {r[0]: Fraction(0) for r in rooms}
    by_area = disclosure.method == "area"
    for line in disclosure.lines.all():
        scope = [r for r in rooms if line.building_id is None or r[2] == line.building_id]
        if not scope:
            continue
        weights = [(r[0], Fraction(r[1]) if by_area else Fraction(1)) for r in scope]
        total_weight = sum(w for _room, w in weights)
        amount = Fraction(line.amount)
        for room_id, weight in weights:
            exact[room_id] += amount * weight / total_weight
    return largest_remainder(disclosure.total, exact)


def disclosures_for_resident(actor: Actor):
    """The published disclosures of the estates a resident lives in, newest first."""
    from wuye.core.scoping import visible_estates

    return (
        SharedCostDisclosure.objects.filter(
            estate__in=visible_estates(actor), status=DisclosureStatus.PUBLISHED
        )
        .select_related("estate")
        .order_by("-month", "estate_id")
    )


def my_shares(disclosure: SharedCostDisclosure, rooms) -> list[Bill]:
    """The resident's rooms' bills from this disclosure (their share, as posted)."""
    if disclosure.item_id is None:
        return []
    return list(
        Bill.objects.filter(
            item_id=disclosure.item_id,
            period_start=disclosure.month,
            source_ref="",
            room__in=rooms,
        ).select_related("room__building", "room__unit")
    )
