"""收银日结 — the cashier's daily closing: what each cashier took that day, by channel (cash,
POS, WeChat, Alipay, bank transfer), and the cash counted against the cash recorded. Once a
cashier has closed a day, ``services.payment_record`` refuses that cashier's money for the day, so
the closing's figures stay true.

A closing and a payment of the same cashier are serialised on the cashier's user row: a payment
being recorded while the cashier closes is either in the closing's totals or refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import ZERO, CashierClosing, Payment, PaymentChannel
from wuye.billing.selectors.fees import exact_sum as _sum
from wuye.billing.services.common import _actor, _check_finance, _lock, estate_today
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.validators import check_field_text


@dataclass
class DayTotals:
    """One cashier's (or everyone's) money of a day: {channel: (count, amount)}."""

    by_channel: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(n for n, _a in self.by_channel.values())

    @property
    def amount(self) -> Decimal:
        return sum((a for _n, a in self.by_channel.values()), ZERO)

    @property
    def cash(self) -> Decimal:
        return self.by_channel.get(PaymentChannel.CASH, (0, ZERO))[1]

    def rows(self) -> list[tuple[str, str, int, Decimal]]:
        """(channel, label, count, amount) for every channel, in the counter's order."""
        return [
            (c.value, c.label, *self.by_channel.get(c.value, (0, ZERO))) for c in PaymentChannel
        ]


def day_bounds(estate: Estate, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day in the estate's time zone, as [start, end)."""
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)  # a natural day, not a working day


def day_payments(estate: Estate, day: dt.date, cashier=None):
    start, end = day_bounds(estate, day)
    payments = Payment.objects.filter(estate=estate, received_at__gte=start, received_at__lt=end)
    if cashier is not None:
        payments = payments.filter(received_by=cashier)
    return payments


def day_totals(estate: Estate, day: dt.date, cashier=None) -> DayTotals:
    rows = (
        day_payments(estate, day, cashier)
        .order_by()
        .values("channel")
        .annotate(n=Count("id"), s=Sum("amount"))
    )
    return DayTotals({r["channel"]: (r["n"], _sum(r["s"])) for r in rows})


def _counted(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({"cash_counted": [_("请填写正确的金额，如 35.00")]}) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"cash_counted": [_("金额不能为负，最多两位小数")]})
    if amount >= Decimal("1000000000"):
        raise ValidationError({"cash_counted": [_("金额过大")]})
    return amount


@transaction.atomic
def cashier_close(
    *, estate: Estate, day: dt.date, cash_counted, by, note: str = ""
) -> CashierClosing:
    """Close the caller's own day: the totals by channel are taken from the payments recorded,
    the cash counted is compared with the cash recorded (长款 over, 短款 short)."""
    actor = _actor(by)
    _check_finance(actor, estate)
    counted = _counted(cash_counted)
    now = timezone.now()
    if day > estate_today(estate, now):
        raise ValidationError({"day": [_("不能为将来的日期日结")]})
    difference = None
    # The same lock payment_record takes for this cashier: no payment slips in meanwhile.
    _lock(get_user_model(), actor.user.pk)
    if CashierClosing.objects.filter(estate=estate, cashier=actor.user, day=day).exists():
        raise Conflict(_("%(day)s 已日结") % {"day": day.isoformat()}, code="already_closed")
    totals = day_totals(estate, day, actor.user)
    difference = counted - totals.cash
    if difference and not (note or "").strip():
        raise ValidationError({"note": [_("实点现金与系统现金不符，请填写长短款说明")]})
    check_field_text(CashierClosing, "note", (note or "").strip())
    try:
        with transaction.atomic():
            return CashierClosing.objects.create(
                estate=estate, cashier=actor.user, day=day,
                totals={k: {"count": n, "amount": str(a)} for k, (n, a) in
                        totals.by_channel.items()},
                count=totals.count, amount=totals.amount, cash_expected=totals.cash,
                cash_counted=counted, difference=difference, note=(note or "").strip(),
                closed_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(
            _("%(day)s 已日结") % {"day": day.isoformat()}, code="already_closed"
        ) from None


def is_closed(estate: Estate, cashier, day: dt.date) -> bool:
    return CashierClosing.objects.filter(estate=estate, cashier=cashier, day=day).exists()
