"""Charge items and their effective-dated rates, and the amount of one bill (FEE-01/04)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ChargeBasis,
    ChargeItem,
    Rate,
)
from wuye.core.models import Estate
from wuye.core.validators import check_date

from .common import CENT, _actor, _check_finance

# --- Items and rates ---------------------------------------------------------------------------


def charge_item_get_or_create(*, estate: Estate, kind: str, name: str, basis: str) -> ChargeItem:
    item, _created = ChargeItem.objects.get_or_create(
        estate=estate, name=name, defaults={"kind": kind, "basis": basis}
    )
    return item


def charge_item_create(
    *, estate: Estate, name: str, kind: str, basis: str, room_use: str = "", by
) -> ChargeItem:
    """A new 收费项目 of the estate (FEE-04: finance sets the charges); its price is a rate."""
    from wuye.billing.models import ChargeKind
    from wuye.core.choices import RoomUse

    actor = _actor(by)
    _check_finance(actor, estate)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("请填写收费项目名称")]
    elif len(name) > 40:
        errors["name"] = [_("不能超过 40 字")]
    elif ChargeItem.objects.filter(estate=estate, name=name).exists():
        errors["name"] = [_("本项目已有同名的收费项目")]
    if kind not in ChargeKind.values:
        errors["kind"] = [_("请选择类别")]
    if basis not in ChargeBasis.values:
        errors["basis"] = [_("请选择计费方式")]
    if room_use and room_use not in RoomUse.values:
        errors["room_use"] = [_("请选择适用的房屋用途")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ChargeItem.objects.create(
                estate=estate, name=name, kind=kind, basis=basis, room_use=room_use or ""
            )
    except IntegrityError:  # the same name added at the same moment
        raise ValidationError({"name": [_("本项目已有同名的收费项目")]}) from None


def charge_item_set_active(*, item: ChargeItem, active: bool, by) -> ChargeItem:
    """停用 / 启用: a stopped item is left out of the next billing runs; its bills stay."""
    _check_finance(_actor(by), item.estate)
    ChargeItem.objects.filter(pk=item.pk).update(is_active=active)
    item.is_active = active
    return item


@transaction.atomic
def rate_set(*, item: ChargeItem, amount, effective_from: dt.date, by) -> Rate:
    """A price from a date on (收费标准). Bills already made keep their amounts."""
    actor = _actor(by)
    _check_finance(actor, item.estate)
    check_date(effective_from, field="effective_from", label=_("生效日期"))
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"amount": [_("请填写正确的单价")]}) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.0001")):
        raise ValidationError({"amount": [_("单价不能为负，最多四位小数")]})
    rate, _created = Rate.objects.update_or_create(
        item=item, effective_from=effective_from,
        defaults={"amount": value, "created_by": actor.user},
    )  # fmt: skip
    return rate


def rate_at(item: ChargeItem, day: dt.date, rates: list[Rate] | None = None) -> Rate | None:
    """The rate in force on ``day`` (the latest that started on or before it)."""
    rates = rates if rates is not None else list(item.rates.order_by("-effective_from"))
    return next((r for r in rates if r.effective_from <= day), None)


# --- Amounts -----------------------------------------------------------------------------------


def _months(start: dt.date, end: dt.date):
    """The calendar months of a period: (first day, last day) of each."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        yield dt.date(year, month, 1), dt.date(year, month, last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def periodic_amount(
    *, basis: str, rate: Decimal, area: Decimal, units: int, period_start: dt.date,
    period_end: dt.date, spans: list[tuple[dt.date, dt.date]],
) -> Decimal:  # fmt: skip
    """A monthly charge over a period, prorated by day for the days the room had an owner
    (``spans``: ownership periods, inclusive). Exact, rounded once to the fen."""
    per_month = {
        ChargeBasis.PER_M2_MONTH: rate * area,
        ChargeBasis.PER_ROOM_MONTH: rate,
        ChargeBasis.PER_SPACE_MONTH: rate * units,
    }[basis]
    total = Decimal(0)
    for first, last in _months(period_start, period_end):
        days = last.day
        covered = 0
        for s, e in spans:
            lo, hi = max(s, first, period_start), min(e, last, period_end)
            if lo <= hi:
                covered += (hi - lo).days + 1
        covered = min(covered, days)
        if covered:
            total += per_month * Decimal(covered) / Decimal(days)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)
