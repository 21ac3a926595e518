"""Reads and rules of fees that the pages, the API, the documents and the services share: who may
read or collect fees (FEE-02), the receipt number, rooms in reading order, what a room owes.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from wuye.billing.models import (
    ZERO,
    Bill,
    BillingRun,
    BillingRunStatus,
    BillStatus,
    CashierClosing,
    Payment,
    PaymentChannel,
)
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.models import Estate, Occupancy, Room
from wuye.core.scoping import Actor
from wuye.core.selectors import room_search_q

CENT = Decimal("0.01")


def exact_sum(value) -> Decimal:
    """An aggregated sum of amounts, exact to the fen (SQLite adds decimals as floats)."""
    return ZERO if value is None else Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# FEE-02: finance collects and keeps the ledgers, customer service chases payment (reads them);
# executives and auditors look.
READER_ROLES = frozenset({Role.FINANCE_CLERK, Role.EXECUTIVE, Role.CS_AGENT, Role.AUDITOR})


READER_DEPARTMENTS = frozenset({DepartmentKind.FINANCE, DepartmentKind.CUSTOMER_SERVICE})


OPEN = (BillStatus.UNPAID, BillStatus.PARTIAL)


MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _department(actor: Actor):
    department = getattr(actor.staff, "department", None)
    return getattr(department, "kind", None)


def may_read_fees(actor: Actor) -> bool:
    if actor.is_superuser or actor.role in READER_ROLES:
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) in READER_DEPARTMENTS


def may_collect(actor: Actor) -> bool:
    """Mirrors the service's check (FEE-02/04), only to show or hide the form."""
    if actor.is_superuser or actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.FINANCE


def tz_of(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def receipt_number(payment: Payment) -> str:
    """收据号 as stored (SK-20261126-0001); a payment recorded before receipt numbers were
    stored shows SK20261126-000042 (its day in estate time and its id)."""
    if payment.receipt_no:
        return payment.receipt_no
    day = timezone.localtime(payment.received_at, tz_of(payment.estate)).date()
    return f"SK{day:%Y%m%d}-{payment.pk:06d}"


def room_order(prefix: str = "") -> list:
    """Rooms in building, unit and number order as people read them: 101, 102 … 1001 (a
    shorter number first, so 1001 never comes before 101; the same for 2栋 and 10栋)."""
    order = []
    for part in ("building", "unit"):
        order += [f"{prefix}{part}__sort", Length(f"{prefix}{part}__name"),
                  f"{prefix}{part}__name"]  # fmt: skip
    return [*order, Length(f"{prefix}number"), f"{prefix}number"]


def overdue_sum(today: dt.date, *, overdue: bool, room_ref: str = "pk"):
    """What a room still owes on open bills past their due date (欠费, ``overdue``) or not yet
    due (待缴), as a subquery: 欠费 means overdue, a bill not yet due is only 待缴."""
    bills = Bill.objects.filter(room=OuterRef(room_ref), status__in=OPEN)
    bills = bills.filter(due_date__lt=today) if overdue else bills.filter(due_date__gte=today)
    owed = (
        bills.order_by().values("room")
        .annotate(s=Sum(F("amount") - F("paid_amount"))).values("s")
    )  # fmt: skip
    return Coalesce(Subquery(owed, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def estate_arrears(estate: Estate, today: dt.date) -> Decimal:
    """The estate's headline 欠费: what is owed on overdue bills only."""
    owed = Bill.objects.filter(estate=estate, status__in=OPEN, due_date__lt=today).aggregate(
        s=Sum(F("amount") - F("paid_amount"))
    )
    return exact_sum(owed["s"])


CHANNELS = list(PaymentChannel)


def closing_rows(estate: Estate, start: dt.date, end: dt.date):
    rows = CashierClosing.objects.filter(estate=estate, day__gte=start, day__lte=end)
    rows = list(rows.select_related("cashier").order_by("-day", "cashier__username"))
    for row in rows:
        row.channel_amounts = [
            Decimal(row.totals.get(c.value, {}).get("amount", "0")) for c in CHANNELS
        ]
        row.channel_cells = [
            (c.label, a) for c, a in zip(CHANNELS, row.channel_amounts, strict=True)
        ]
    return rows


def balance_annotation():
    return Coalesce(
        Sum("ledger__amount"),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def fee_rooms(estate: Estate, today: dt.date, *, q: str = "", arrears: bool = False):
    """The estate's rooms with ``balance``, ``overdue`` (欠费) and ``upcoming`` (待缴), in
    building and room order; ``q`` finds a room ("1-2-301"), ``arrears`` keeps those with
    overdue money (not those whose bills are not yet due). The list page's and the API's."""
    rooms = (
        Room.objects.filter(estate=estate)
        .select_related("building", "unit")
        .annotate(
            balance=balance_annotation(),
            overdue=overdue_sum(today, overdue=True),
            upcoming=overdue_sum(today, overdue=False),
        )
        .order_by(*room_order(), "pk")
    )
    if q:
        rooms = rooms.filter(room_search_q(q))
    if arrears:  # 只看欠费
        rooms = rooms.filter(overdue__gt=0)
    return rooms


def fee_room_owners() -> Prefetch:
    return Prefetch(
        "occupancies",
        Occupancy.objects.filter(Occupancy.current_q(), relation=Relation.OWNER)
        .select_related("resident")
        .order_by("start_date", "pk"),
        to_attr="owners",
    )


def run_percent(run: BillingRun) -> int:
    if run.status == BillingRunStatus.DONE:
        return 100
    if not run.rooms_total:
        return 0
    return min(100, run.rooms_done * 100 // run.rooms_total)


def ownership_spans(estate: Estate, start: dt.date, end: dt.date, rooms: list[int] | None = None):
    """Each room's ownership spans overlapping the period: {room_id: [(from, to)]}."""
    occupancies = Occupancy.objects.filter(
        room__estate=estate, relation=Relation.OWNER, start_date__lte=end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if rooms is not None:
        occupancies = occupancies.filter(room_id__in=rooms)
    spans: dict[int, list] = {}
    for room_id, s, e in occupancies.values_list("room_id", "start_date", "end_date"):
        spans.setdefault(room_id, []).append((s, e or end))
    return spans
