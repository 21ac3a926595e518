"""分户水电费 — where an estate bills homes by their own meters: each room meter's usage of a
month × the meter's unit price becomes one bill per room, item (水费 / 电费) and month, with its
ledger charge (FEE-01/04/07). Idempotent: a room already billed for the month is skipped (the
periodic bills' unique constraint says so too). The readings themselves and their plausibility
checks are ``meters``'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Bill,
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    EntryKind,
    LedgerEntry,
    MeterKind,
    MeterReading,
)
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.services import meters
from wuye.billing.services.charges import charge_item_get_or_create
from wuye.billing.services.common import _actor, _check_finance, _lock
from wuye.billing.services.payments import _rooms_with_credit, credit_apply
from wuye.core.models import Estate

ITEM_NAMES = {MeterKind.WATER: "水费", MeterKind.ELECTRICITY: "电费"}
CENT = Decimal("0.01")


@dataclass
class MeteredPlan:
    month: dt.date
    # (room_id, kind) → (usage, amount, room label)
    rows: dict[tuple[int, str], list] = field(default_factory=dict)
    already: int = 0  # rooms × items already billed for the month
    missing: list = field(default_factory=list)  # active room meters not read this month

    @property
    def total(self) -> Decimal:
        return sum((r[1] for r in self.rows.values()), ZERO)


def utility_item(estate: Estate, kind: str) -> ChargeItem:
    return charge_item_get_or_create(
        estate=estate, kind=ChargeKind.UTILITY, name=ITEM_NAMES[kind], basis=ChargeBasis.METERED
    )


def metered_plan(estate: Estate, month: dt.date) -> MeteredPlan:
    """What a run for the month would bill: usage and amount per room and kind."""
    plan = MeteredPlan(month=month)
    readings = MeterReading.objects.filter(
        meter__estate=estate, meter__room__isnull=False, period=month
    ).select_related("meter__room__building", "meter__room__unit")
    billed = set(
        Bill.objects.filter(
            estate=estate, item__kind=ChargeKind.UTILITY, period_start=month, source_ref=""
        )
        .exclude(status="void")
        .values_list("room_id", "item__name")
    )
    for reading in readings:
        meter = reading.meter
        key = (meter.room_id, meter.kind)
        if (meter.room_id, ITEM_NAMES[meter.kind]) in billed:
            plan.already += 1 if key not in plan.rows else 0
            continue
        amount = (reading.usage * meter.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        row = plan.rows.setdefault(key, [ZERO, ZERO, meter.room.label])
        row[0] += reading.usage
        row[1] += amount
    read = set(readings.values_list("meter_id", flat=True))
    plan.missing = list(
        estate.meters.filter(room__isnull=False, is_active=True).exclude(pk__in=read)
    )
    return plan


@transaction.atomic
def metered_bill(*, estate: Estate, month: dt.date, due_date: dt.date, by) -> int:
    """Bill the month's room meters (finance, FEE-04). Refused while an active room meter is
    unread (a home would be billed later than its neighbours). Returns the bills made."""
    actor = _actor(by)
    _check_finance(actor, estate)
    month = meter_reads.month_start(month)
    if month > meters.current_month(estate):
        raise ValidationError({"month": [_("不能为将来的月份出账单")]})
    if due_date < month:
        raise ValidationError({"due_date": [_("缴费截止日不能早于账单月份")]})
    _lock(Estate, estate.pk)  # one run of the estate at a time
    plan = metered_plan(estate, month)
    if plan.missing:
        raise ValidationError({"month": [
            _("以下分户表本月还没有抄表：%(codes)s") % {
                "codes": "、".join(m.code for m in plan.missing[:20])}
        ]})  # fmt: skip
    now = timezone.now()
    credit_rooms = set(_rooms_with_credit(estate))  # before the new charges hide it
    made, billed = 0, set()
    for (room_id, kind), (usage, amount, _label) in plan.rows.items():
        if amount <= 0:
            continue
        item = utility_item(estate, kind)
        bill = Bill.objects.create(
            estate=estate, room_id=room_id, item=item, period_start=month,
            period_end=meter_reads.month_end(month),
            description=_("%(item)s %(month)s（用量 %(usage)s）") % {
                "item": item.name, "month": f"{month:%Y-%m}", "usage": usage},
            amount=amount, due_date=due_date, created_at=now,
        )  # fmt: skip
        LedgerEntry.objects.create(estate=estate, room_id=room_id, kind=EntryKind.CHARGE,
                                   amount=amount, bill=bill, description=bill.description,
                                   at=now, by=actor.user)  # fmt: skip
        billed.add(room_id)
        made += 1
    # Prepaid credit settles the new bills: only rooms that have some (one query, not one
    # settlement per billed room), as billing runs do.
    for room_id in credit_rooms & billed:
        credit_apply(room_id=room_id, at=now)
    return made
