"""临时停车收费 — temporary parking: an estate's rule from a date on (free minutes, a price per
started hour, a cap per 24 hours) and the fee of one stay, for the gate (vehicle management).

How a stay is charged (the usual rule of Chinese estates, stated on the rules page):

- a stay within the free minutes costs nothing;
- past them, the whole stay is charged (the free minutes are not deducted), per started hour;
- each full 24 hours from entry costs at most the cap, and so does the rest of the stay;
- a stay is at most ``MAX_STAY`` (366 days): a gate's record of a longer one is a missed exit or
  an abandoned car, settled at the desk, not a fee the gate computes (8,000 years would be
  ¥58 million).

The rule in force on the day of entry (estate time) applies to the whole stay.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wuye.billing.models import ZERO, ParkingRule
from wuye.billing.services.common import _actor, _check_finance
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.validators import check_date

DAY_MINUTES = 24 * 60
MAX_STAY = dt.timedelta(days=366)


def _price(value, field_name: str, optional: bool = False) -> Decimal | None:
    if optional and value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field_name: [_("请填写正确的金额，如 2.00")]}) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: [_("金额不能为负，最多两位小数")]})
    if amount >= Decimal("100000"):
        raise ValidationError({field_name: [_("金额过大")]})
    return amount


@transaction.atomic
def parking_rule_set(
    *, estate: Estate, free_minutes, per_hour, daily_cap, effective_from: dt.date, by
) -> ParkingRule:
    """A new rule from a date on; earlier stays keep the rule of their day (FEE-01/04)."""
    actor = _actor(by)
    _check_finance(actor, estate)
    try:
        free = int(free_minutes)
    except (TypeError, ValueError):
        raise ValidationError({"free_minutes": [_("请填写免费分钟数")]}) from None
    if not 0 <= free <= 24 * 60:
        raise ValidationError({"free_minutes": [_("免费时长须在 0–1440 分钟之间")]})
    check_date(effective_from, field="effective_from", label=_("生效日期"))
    hourly = _price(per_hour, "per_hour")
    cap = _price(daily_cap, "daily_cap", optional=True)
    if cap is not None and cap < hourly:
        raise ValidationError({"daily_cap": [_("封顶金额不能低于每小时收费")]})
    if ParkingRule.objects.filter(estate=estate, effective_from=effective_from).exists():
        raise Conflict(_("该日期已有收费规则"), code="duplicate")
    try:
        with transaction.atomic():
            return ParkingRule.objects.create(
                estate=estate, free_minutes=free, per_hour=hourly, daily_cap=cap,
                effective_from=effective_from,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("该日期已有收费规则"), code="duplicate") from None


def parking_rule_at(estate: Estate, day: dt.date) -> ParkingRule | None:
    return (
        ParkingRule.objects.filter(estate=estate, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def _window_fee(minutes: int, rule: ParkingRule) -> Decimal:
    """Up to 24 hours of a stay: per started hour, at most the cap."""
    fee = rule.per_hour * math.ceil(minutes / 60)
    return min(fee, rule.daily_cap) if rule.daily_cap is not None else fee


def parking_fee(*, estate: Estate, entered_at: dt.datetime, left_at: dt.datetime) -> Decimal:
    """The fee of one stay under the rule of the entry day; raises ValidationError without a
    rule, with a stay that ends before it starts or lasts longer than ``MAX_STAY``, or with a
    time outside the years a person may type (core.validators.DATE_MIN..DATE_MAX)."""
    errors: dict[str, list[str]] = {}
    # Checked on the moments' own dates, before any arithmetic: year 1 or 9999 would overflow.
    check_date(entered_at.date(), field="entered_at", label=_("入场时间"), errors=errors)
    check_date(left_at.date(), field="left_at", label=_("离场时间"), errors=errors)
    if errors:
        raise ValidationError(errors)
    if left_at < entered_at:
        raise ValidationError({"left_at": [_("离场时间不能早于入场时间")]})
    if left_at - entered_at > MAX_STAY:
        message = _("停车时长不能超过 %(days)d 天，请到服务台核实") % {"days": MAX_STAY.days}
        raise ValidationError({"left_at": [message]})
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    rule = parking_rule_at(estate, entered_at.astimezone(zone).date())
    if rule is None:
        raise ValidationError({"entered_at": [_("入场当天尚无临时停车收费规则")]})
    minutes = math.ceil((left_at - entered_at).total_seconds() / 60)
    if minutes <= rule.free_minutes:
        return ZERO
    days, rest = divmod(minutes, DAY_MINUTES)
    fee = days * _window_fee(DAY_MINUTES, rule) + (_window_fee(rest, rule) if rest else ZERO)
    return fee.quantize(Decimal("0.01"))
