"""收费报表 — read-only figures of fees for finance, customer-service heads and executives:
collection rate (收缴率) per estate and month, the current year's and the arrears collection
(清欠), and income by charge item and by payment channel.

Every figure is aggregated in the database (a few grouped queries per report, however many
rooms, bills or months) and summed exactly: sums are quantized to the fen with
``services._sum`` (SQLite adds decimals as floats), rates computed from those Decimals.

The definitions (the pages' footnotes say the same in Chinese):

- **应收** (due) of a month: the sum of ``Bill.amount`` of the estate's bills whose billing
  period starts in that month (``Bill.period_start``); voided bills (status ``void``) are left
  out. A quarterly or half-yearly bill counts in full in the month its period starts; a bill
  from a document (a repair charge) in the month of its date.
- **实收** (received) of a month, as of a date: the sum of ``Allocation.amount`` settling those
  same bills whose ``Allocation.created_at`` — the moment the money settled the bill (a
  payment, or prepaid credit the bill took) — is before the end of the as-of date (24:00 in the
  estate's time zone). Money of a voided bill never counts.
- **未收** = 应收 − 实收.
- **收缴率** = 实收 ÷ 应收, in per cent rounded half-up to two places; none when 应收 is 0.
- **当年收缴率** (year to date): 实收 ÷ 应收 over the bills of January to the last month of the
  chosen period of the year, money as of the same date.
- **年初欠费** (arrears at the start of the year): for the non-void bills whose period starts
  before 1 January of the year, their amounts less the money that settled them before
  1 January 00:00 (estate time).
- **清欠** (arrears collected) of a month: money settling those earlier bills with
  ``created_at`` in that month (and not after the as-of date). **累计清欠**: the same from
  1 January to the end of the chosen period (or the as-of date, if earlier).
  **清欠率** = 累计清欠 ÷ 年初欠费.
- **收款合计** (money received) of a period: the sum of ``Payment.amount`` with ``received_at``
  in the period (not after the as-of date), whatever it settled.

Income by item and channel (``income_report``) counts the money received in a date range:
``Payment`` rows by channel; the same payments split by the bill item their ``Allocation``
rows settled (allocations made by the end of the range), the rest of those payments — money
still unallocated at the end of the range — as 预存 (prepaid), so both tables add up to the
same total. Refunds of prepaid credit are not deducted (the figures are money received).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from wuye.billing.models import (
    ZERO,
    Allocation,
    Bill,
    BillStatus,
    ChargeKind,
    Payment,
    PaymentChannel,
)
from wuye.billing.selectors.fees import exact_sum as _sum
from wuye.core.models import Estate

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.01")


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` ÷ ``whole`` in per cent, two places, half-up (85.67); None when ``whole`` is 0."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_key(value) -> dt.date:
    """TruncMonth gives a date for a DateField and a local datetime for a DateTimeField."""
    return value.date() if isinstance(value, dt.datetime) else value


# --- Collection rate (收缴率) -------------------------------------------------------------------


@dataclass(kw_only=True)
class Figures:
    """应收 and 实收 of some bills; 未收 and 收缴率 follow."""

    due: Decimal = ZERO
    received: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.received

    @property
    def rate(self) -> Decimal | None:
        return rate(self.received, self.due)


@dataclass(kw_only=True)
class MonthFigures(Figures):
    """One month of the period: its bills' figures and the arrears collected in the month."""

    month: dt.date  # the first day
    arrears_received: Decimal = ZERO


@dataclass(kw_only=True)
class CollectionReport:
    """An estate's collection over months ``month_from``–``month_to`` of ``year``, money
    counted up to the end of ``as_of`` (see the module's docstring for each figure)."""

    estate: Estate
    year: int
    month_from: int
    month_to: int
    as_of: dt.date
    months: list[MonthFigures]
    period: Figures  # 所选期间: the months summed
    year_to_date: Figures  # 当年: January to month_to
    arrears_open: Decimal = ZERO  # 年初欠费
    arrears_received: Decimal = ZERO  # 累计清欠: 1 January to the end of the period
    income: Decimal = ZERO  # 收款合计 of the period

    @property
    def arrears_received_period(self) -> Decimal:
        """本期清欠: the arrears collected in the period's months."""
        return sum((m.arrears_received for m in self.months), ZERO)

    @property
    def arrears_rate(self) -> Decimal | None:
        return rate(self.arrears_received, self.arrears_open)


def _by_estate_month(rows: Iterable[dict], estate_key: str) -> dict[tuple[int, dt.date], Decimal]:
    return {(row[estate_key], _month_key(row["m"])): _sum(row["s"]) for row in rows}


def _collect(
    estates: list[Estate], tz: ZoneInfo, *, year: int, month_from: int, month_to: int,
    as_of: dt.date,
) -> dict[int, CollectionReport]:  # fmt: skip
    """The reports of estates sharing a time zone: six grouped queries for all of them."""
    ids = [e.pk for e in estates]
    year_start = dt.date(year, 1, 1)
    last_day = month_end(year, month_to)
    cutoff = _midnight(as_of + dt.timedelta(days=1), tz)  # money up to the end of as_of
    jan1 = _midnight(year_start, tz)
    period_from = _midnight(dt.date(year, month_from, 1), tz)
    period_until = min(_midnight(last_day + dt.timedelta(days=1), tz), cutoff)

    bills = Bill.objects.filter(estate_id__in=ids).exclude(status=BillStatus.VOID)
    allocations = Allocation.objects.filter(bill__estate_id__in=ids).exclude(
        bill__status=BillStatus.VOID
    )
    this_year = {"period_start__gte": year_start, "period_start__lte": last_day}
    due = _by_estate_month(
        bills.filter(**this_year).annotate(m=TruncMonth("period_start"))
        .values("estate_id", "m").annotate(s=Sum("amount")).order_by(),
        "estate_id",
    )  # fmt: skip
    received = _by_estate_month(
        allocations.filter(bill__period_start__gte=year_start, bill__period_start__lte=last_day,
                           created_at__lt=cutoff)
        .annotate(m=TruncMonth("bill__period_start"))
        .values("bill__estate_id", "m").annotate(s=Sum("amount")).order_by(),
        "bill__estate_id",
    )  # fmt: skip
    earlier_amount = dict(
        bills.filter(period_start__lt=year_start).values("estate_id")
        .annotate(s=Sum("amount")).order_by().values_list("estate_id", "s")
    )  # fmt: skip
    earlier_settled = dict(
        allocations.filter(bill__period_start__lt=year_start, created_at__lt=jan1)
        .values("bill__estate_id").annotate(s=Sum("amount")).order_by()
        .values_list("bill__estate_id", "s")
    )  # fmt: skip
    cleared = _by_estate_month(
        allocations.filter(bill__period_start__lt=year_start, created_at__gte=jan1,
                           created_at__lt=period_until)
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("bill__estate_id", "m").annotate(s=Sum("amount")).order_by(),
        "bill__estate_id",
    )  # fmt: skip
    income = dict(
        Payment.objects.filter(estate_id__in=ids, received_at__gte=period_from,
                               received_at__lt=period_until)
        .values("estate_id").annotate(s=Sum("amount")).order_by()
        .values_list("estate_id", "s")
    )  # fmt: skip

    reports = {}
    all_months = [dt.date(year, m, 1) for m in range(1, month_to + 1)]
    for estate in estates:
        key = estate.pk
        ytd = Figures(
            due=sum((due.get((key, m), ZERO) for m in all_months), ZERO),
            received=sum((received.get((key, m), ZERO) for m in all_months), ZERO),
        )
        months = [
            MonthFigures(month=m, due=due.get((key, m), ZERO),
                         received=received.get((key, m), ZERO),
                         arrears_received=cleared.get((key, m), ZERO))
            for m in all_months[month_from - 1 :]
        ]  # fmt: skip
        reports[key] = CollectionReport(
            estate=estate, year=year, month_from=month_from, month_to=month_to, as_of=as_of,
            months=months,
            period=Figures(due=sum((m.due for m in months), ZERO),
                           received=sum((m.received for m in months), ZERO)),
            year_to_date=ytd,
            arrears_open=_sum(earlier_amount.get(key)) - _sum(earlier_settled.get(key)),
            arrears_received=sum((cleared.get((key, m), ZERO) for m in all_months), ZERO),
            income=_sum(income.get(key)),
        )  # fmt: skip
    return reports


def collection_reports(
    *, estates: Sequence[Estate], year: int, month_from: int = 1, month_to: int = 12,
    as_of: dt.date,
) -> list[CollectionReport]:  # fmt: skip
    """收缴率 of several estates side by side (the company view), in the order given. The
    queries run once per time zone among the estates (normally once), not once per estate."""
    if not 1 <= month_from <= month_to <= 12:
        raise ValueError("months must satisfy 1 <= month_from <= month_to <= 12")
    by_tz: dict[str, list[Estate]] = defaultdict(list)
    for estate in estates:
        by_tz[estate.time_zone or "Asia/Shanghai"].append(estate)
    found: dict[int, CollectionReport] = {}
    for name, group in by_tz.items():
        found.update(_collect(group, ZoneInfo(name), year=year, month_from=month_from,
                              month_to=month_to, as_of=as_of))  # fmt: skip
    return [found[e.pk] for e in estates]


def collection_report(
    *, estate: Estate, year: int, month_from: int = 1, month_to: int = 12, as_of: dt.date
) -> CollectionReport:
    """收缴率 of one estate per month, with the year-to-date and the arrears collection."""
    return collection_reports(
        estates=[estate], year=year, month_from=month_from, month_to=month_to, as_of=as_of
    )[0]


@dataclass(kw_only=True)
class CompanyTotals:
    """The company's row: every figure summed over the estates, rates from the sums."""

    period: Figures
    year_to_date: Figures
    arrears_open: Decimal
    arrears_received: Decimal
    income: Decimal

    @property
    def arrears_rate(self) -> Decimal | None:
        return rate(self.arrears_received, self.arrears_open)


def company_totals(reports: Sequence[CollectionReport]) -> CompanyTotals:
    def total(values) -> Decimal:
        return sum(values, ZERO)

    return CompanyTotals(
        period=Figures(due=total(r.period.due for r in reports),
                       received=total(r.period.received for r in reports)),
        year_to_date=Figures(due=total(r.year_to_date.due for r in reports),
                             received=total(r.year_to_date.received for r in reports)),
        arrears_open=total(r.arrears_open for r in reports),
        arrears_received=total(r.arrears_received for r in reports),
        income=total(r.income for r in reports),
    )  # fmt: skip


# --- Income by charge item and by payment channel ----------------------------------------------


@dataclass(kw_only=True)
class IncomeLine:
    key: str
    label: str
    amount: Decimal
    count: int | None = None  # payments (channels only)
    kind: str = ""  # the item's category label (items only)
    share: Decimal | None = None  # of the total, in per cent


@dataclass(kw_only=True)
class IncomeReport:
    estate: Estate
    start: dt.date
    end: dt.date
    channels: list[IncomeLine]  # every channel, in PaymentChannel's order
    items: list[IncomeLine]  # the items money settled, the largest first
    prepaid: Decimal  # 预存: money of the period not settling any bill by its end
    total: Decimal  # 收款合计
    count: int  # payments

    @property
    def prepaid_share(self) -> Decimal | None:
        return rate(self.prepaid, self.total)


def income_report(*, estate: Estate, start: dt.date, end: dt.date) -> IncomeReport:
    """Money received from ``start`` to ``end`` (estate dates, inclusive): by channel, and by the
    charge item it settled with the unallocated rest as 预存. Two grouped queries."""
    tz = estate_tz(estate)
    lo, hi = _midnight(start, tz), _midnight(end + dt.timedelta(days=1), tz)
    by_channel = {
        row["channel"]: (row["n"], _sum(row["s"]))
        for row in Payment.objects.filter(estate=estate, received_at__gte=lo, received_at__lt=hi)
        .values("channel").annotate(n=Count("id"), s=Sum("amount")).order_by()
    }  # fmt: skip
    total = sum((s for _n, s in by_channel.values()), ZERO)
    count = sum(n for n, _s in by_channel.values())
    channels = [
        IncomeLine(key=c.value, label=str(c.label), count=by_channel.get(c.value, (0, ZERO))[0],
                   amount=by_channel.get(c.value, (0, ZERO))[1],
                   share=rate(by_channel.get(c.value, (0, ZERO))[1], total))
        for c in PaymentChannel
    ]  # fmt: skip
    item_rows = (
        Allocation.objects.filter(payment__estate=estate, payment__received_at__gte=lo,
                                  payment__received_at__lt=hi, created_at__lt=hi)
        .values("bill__item_id", "bill__item__name", "bill__item__kind")
        .annotate(s=Sum("amount")).order_by()
    )  # fmt: skip
    kinds = dict(ChargeKind.choices)
    items = sorted(
        (
            IncomeLine(key=str(row["bill__item_id"]), label=row["bill__item__name"],
                       kind=str(kinds.get(row["bill__item__kind"], "")), amount=_sum(row["s"]))
            for row in item_rows
        ),
        key=lambda line: (-line.amount, line.label),
    )  # fmt: skip
    for line in items:
        line.share = rate(line.amount, total)
    prepaid = total - sum((line.amount for line in items), ZERO)
    return IncomeReport(estate=estate, start=start, end=end, channels=channels, items=items,
                        prepaid=prepaid, total=total, count=count)  # fmt: skip
