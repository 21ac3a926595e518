"""Every write of fees: rates, billing runs, bills from other documents, payments and their
allocation, prepaid credit, refunds, online payment orders and their callbacks, notices.

FEE-03: the steps follow the manual's order — fee calculation (``billing_run``) → notice 15 days
ahead (``bill_notify_due``) → payment (``payment_record`` / the gateway) → ledger update (the
entries; a settled bill shows 已缴纳) → overdue collection (``dunning_sweep``, only for bills
past their due date and still unpaid).

Money is exact: ``Decimal`` throughout, rounded once per bill to the fen (ROUND_HALF_UP). A room's
bills and the money against them are changed only with the bills' rows locked, so two cashiers
or a cashier and a gateway callback never settle the same amount twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Allocation,
    Bill,
    BillingRun,
    BillingRunStatus,
    BillingSettings,
    BillStatus,
    CallbackLog,
    CashierClosing,
    ChargeBasis,
    ChargeItem,
    CollectionContact,
    ContactMethod,
    Dunning,
    DunningKind,
    DunningStatus,
    EntryKind,
    GatewayOrder,
    GatewayOrderStatus,
    LawyerLetterVia,
    LedgerEntry,
    Payment,
    PaymentChannel,
    PhoneReveal,
    Rate,
    Refund,
)
from wuye.billing.selectors.fees import exact_sum
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Occupancy, Room
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_field_text
from wuye.workflow.calendar import due_calendar_days, latest_date_ahead
from wuye.workflow.services import case_number_next

log = logging.getLogger("wuye.billing")
CENT = Decimal("0.01")
NOTICE_DAYS = 15  # FEE-05: the notice goes out 15 days before the payment is due
PERIODIC = (ChargeBasis.PER_M2_MONTH, ChargeBasis.PER_ROOM_MONTH, ChargeBasis.PER_SPACE_MONTH)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def money(value, field_name: str = "amount") -> Decimal:
    """A positive amount in 元 to the fen, or a ValidationError naming the field."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field_name: [_("请填写正确的金额，如 35.00")]}) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationError({field_name: [_("金额须大于 0，最多两位小数")]})
    if amount >= Decimal("1000000000"):
        raise ValidationError({field_name: [_("金额过大")]})
    return amount


def _check_finance(actor: Actor, estate: Estate) -> None:
    """FEE-02/04: finance calculates and collects; executives may too."""
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids:
        raise Http404
    if actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return
    if actor.role == Role.DEPARTMENT_HEAD and actor.staff.department.kind == DepartmentKind.FINANCE:
        return
    raise PermissionDenied(_("只有财务人员或企业高层可以办理收费"))


def _lock(model, pk) -> None:
    """Hold the row's lock until the transaction ends (serialises work on one room/estate)."""
    list(model.objects.select_for_update().filter(pk=pk).order_by().values_list("pk", flat=True))


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


# --- Billing runs (FEE-04) ---------------------------------------------------------------------


@dataclass
class RunPreview:
    bills: int = 0
    amount: Decimal = ZERO
    already: int = 0
    rooms: int = 0
    by_item: dict[str, list] = field(default_factory=dict)  # name → [count, amount]
    rows: list[Bill] = field(default_factory=list)
    notice_by: dt.date | None = None  # FEE-05: the notice is due 15 days before the due date
    notice_late: bool = False  # that day has passed already


def _check_period(period_start: dt.date, period_end: dt.date, due_date: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    check_date(period_start, field="period_start", label=_("账期开始"), errors=errors)
    check_date(period_end, field="period_end", label=_("账期结束"), errors=errors)
    check_date(due_date, field="due_date", label=_("缴费截止日"), errors=errors)
    if errors:
        raise ValidationError(errors)
    if period_start.day != 1:
        errors["period_start"] = [_("账期须从某月1日开始")]
    month_end = calendar.monthrange(period_end.year, period_end.month)[1]
    if period_end != dt.date(period_end.year, period_end.month, month_end):
        errors["period_end"] = [_("账期须在某月最后一天结束")]
    if period_end < period_start:
        errors["period_end"] = [_("结束日期不能早于开始日期")]
    elif (period_end.year - period_start.year) * 12 + period_end.month - period_start.month >= 12:
        errors["period_end"] = [_("一次最多核算12个月")]
    if due_date < period_start:
        errors["due_date"] = [_("缴费截止日不能早于账期开始")]
    if errors:
        raise ValidationError(errors)


def _coverage(room_ids, item_ids, period_start: dt.date, period_end: dt.date) -> dict:
    """What other bills already charge of the period: {(room_id, item_id): [(from, to)]}.

    A quarter over a month already billed, or the half year prepaid at move-in (MOVEIN-05)
    under the next monthly run: those days are charged once, so a run bills only the days no
    other bill of the item covers (the bill of the same period start is the run's own: it is
    skipped whole). Voided bills cover nothing; a corrected bill covers its period."""
    rows = (
        Bill.objects.filter(room_id__in=room_ids, item_id__in=item_ids,
                            period_start__lte=period_end, period_end__gte=period_start)
        .exclude(status=BillStatus.VOID)
        .exclude(source_ref="", period_start=period_start)
        .values_list("room_id", "item_id", "period_start", "period_end")
    )  # fmt: skip
    covered: dict = {}
    for room_id, item_id, start, end in rows:
        covered.setdefault((room_id, item_id), []).append((start, end))
    return covered


def _uncovered(spans: list, covered: list) -> list:
    """The parts of the (inclusive) spans that no covered range takes."""
    out = []
    for s, e in spans:
        pieces = [(s, e)]
        for cs, ce in sorted(covered):
            next_pieces = []
            for ps, pe in pieces:
                if ce < ps or cs > pe:
                    next_pieces.append((ps, pe))
                    continue
                if cs > ps:
                    next_pieces.append((ps, cs - dt.timedelta(days=1)))  # natural days
                if ce < pe:
                    next_pieces.append((ce + dt.timedelta(days=1), pe))
            pieces = next_pieces
        out.extend(pieces)
    return out


def _ownership(estate: Estate, start: dt.date, end: dt.date, rooms: list[int] | None = None):
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


@dataclass
class _RunInputs:
    """What every bill of a run is computed from, read once: the owned rooms in roster order,
    their ownership spans and parking spaces, each item's rate, the period's label."""

    rooms: list[tuple[int, Decimal, str]]
    spans: dict[int, list]
    spaces: dict[int, int]
    rates: dict[int, Rate | None]
    label: str
    # Whether any bill of another period covers part of this one (most runs: none, and then
    # the chunks need not look for it).
    overlaps: bool = True


def _run_inputs(estate: Estate, period_start, period_end, items) -> _RunInputs:
    spans = _ownership(estate, period_start, period_end)
    # Every room with an ownership span is a room of this estate; filtering here rather than
    # with pk__in keeps the query small for 100,000 rooms.
    rooms = [
        row
        for row in Room.objects.filter(estate=estate).values_list("pk", "area", "use")
        if row[0] in spans
    ]
    spaces: dict[int, int] = {}
    if any(i.basis == ChargeBasis.PER_SPACE_MONTH for i in items):
        from wuye.core.models import ParkingSpace

        holder_rooms = dict(
            Occupancy.objects.filter(Occupancy.current_q(), room__estate=estate,
                                     relation=Relation.OWNER)
            .values_list("resident_id", "room_id")
        )  # fmt: skip
        for holder in ParkingSpace.objects.filter(estate=estate, holder__isnull=False).values_list(
            "holder_id", flat=True
        ):
            room_id = holder_rooms.get(holder)
            if room_id:
                spaces[room_id] = spaces.get(room_id, 0) + 1
    rates = {i.pk: rate_at(i, period_start) for i in items}
    label = f"{period_start:%Y-%m}" + ("" if period_start.month == period_end.month
                                       and period_start.year == period_end.year
                                       else f"～{period_end:%Y-%m}")  # fmt: skip
    overlaps = (
        Bill.objects.filter(item__in=items, period_end__gte=period_start,
                            period_start__lte=period_end)
        .exclude(status=BillStatus.VOID)
        .exclude(source_ref="", period_start=period_start)
        .exists()
    )  # fmt: skip
    return _RunInputs(rooms=rooms, spans=spans, spaces=spaces, rates=rates, label=label,
                      overlaps=overlaps)  # fmt: skip


def _planned(
    inputs: _RunInputs, rooms: list[tuple[int, Decimal, str]], *, estate: Estate,
    period_start, period_end, items, amounts: dict,
) -> tuple[int, list[tuple[int, ChargeItem, Decimal]]]:  # fmt: skip
    """The bills of some rooms: (how many exist already, [(room_id, item, amount)]).

    ``amounts`` memoises ``periodic_amount`` across calls: most rooms share their spans, so a
    run computes each distinct (rate, area, spans) once instead of once per room."""
    existing = set(
        Bill.objects.filter(estate=estate, period_start=period_start, source_ref="",
                            room_id__in=[r[0] for r in rooms])
        .values_list("room_id", "item_id")
    )  # fmt: skip
    covered = (
        _coverage([r[0] for r in rooms], [i.pk for i in items], period_start, period_end)
        if inputs.overlaps
        else {}
    )
    already, rows = 0, []
    for room_id, area, use in rooms:
        owned = inputs.spans[room_id]
        units = inputs.spaces.get(room_id, 0)
        for item in items:
            rate = inputs.rates[item.pk]
            if rate is None or (item.room_use and item.room_use != use):
                continue
            if (room_id, item.pk) in existing:
                already += 1
                continue
            other = covered.get((room_id, item.pk))
            spans = _uncovered(owned, other) if other else owned
            if not spans:
                already += 1  # every day of the period is billed by other bills
                continue
            key = (item.basis, rate.amount, area, units, tuple(spans))
            amount = amounts.get(key)
            if amount is None:
                amount = amounts[key] = periodic_amount(
                    basis=item.basis, rate=rate.amount, area=area, units=units,
                    period_start=period_start, period_end=period_end, spans=spans,
                )  # fmt: skip
            if amount > 0:
                rows.append((room_id, item, amount))
    return already, rows


def _plan(estate: Estate, period_start, period_end, due_date, items, now) -> RunPreview:
    """The bills a run would make, without writing anything."""
    preview = RunPreview()
    inputs = _run_inputs(estate, period_start, period_end, items)
    amounts: dict = {}
    batch = 2000  # rooms per query for the bills that exist already
    for i in range(0, len(inputs.rooms), batch):
        rooms = inputs.rooms[i : i + batch]
        already, rows = _planned(inputs, rooms, estate=estate, period_start=period_start,
                                 period_end=period_end, items=items, amounts=amounts)  # fmt: skip
        preview.rooms += len(rooms)
        preview.already += already
        for room_id, item, amount in rows:
            preview.rows.append(Bill(
                estate=estate, room_id=room_id, item=item, period_start=period_start,
                period_end=period_end, description=f"{item.name} {inputs.label}", amount=amount,
                due_date=due_date, created_at=now,
            ))  # fmt: skip
            preview.bills += 1
            preview.amount += amount
            count, total = preview.by_item.get(item.name, [0, ZERO])
            preview.by_item[item.name] = [count + 1, total + amount]
    return preview


def short_notice(estate: Estate, due_date: dt.date, now: dt.datetime | None = None) -> bool:
    """FEE-05: the due date is less than 15 days away (estate time), so the owners cannot be
    told 15 days ahead."""
    return (due_date - _today(estate, now or timezone.now())).days < NOTICE_DAYS


def _check_notice(estate: Estate, due_date: dt.date, reason: str | None) -> str:
    """FEE-05: a run whose due date is less than 15 days away needs an explicit confirmation
    with a reason (kept on the run); otherwise no reason is needed (and none is kept)."""
    if not short_notice(estate, due_date):
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"short_notice_reason": [_(
                "缴费截止日距今不足15天，业主无法提前15天收到缴费通知。"
                "如确需按此日期出账，请填写原因后确认生成。"
            )]},
            code="short_notice",
        )  # fmt: skip
    check_field_text(BillingRun, "short_notice_reason", reason, key="short_notice_reason")
    return reason


def billing_preview(*, estate, period_start, period_end, due_date, by) -> RunPreview:
    """费用核算 preview: what a run would post, for the finance department to check first."""
    actor = _actor(by)
    _check_finance(actor, estate)
    _check_period(period_start, period_end, due_date)
    items = list(ChargeItem.objects.filter(estate=estate, is_active=True, basis__in=PERIODIC))
    now = timezone.now()
    preview = _plan(estate, period_start, period_end, due_date, items, now)
    preview.notice_by = due_date - dt.timedelta(days=NOTICE_DAYS)
    preview.notice_late = short_notice(estate, due_date, now)  # FEE-05
    return preview


_POST_CHARGES_SQL = """
WITH bills AS (
    INSERT INTO billing_bill (estate_id, room_id, item_id, period_start, period_end, description,
                              amount, paid_amount, status, due_date, source_ref, run_id,
                              notified_via, created_at)
    SELECT %(estate)s, t.room_id, t.item_id, %(start)s, %(end)s, t.description, t.amount, 0,
           %(status)s, %(due)s, '', %(run)s, '', %(now)s
    FROM unnest(%(rooms)s::bigint[], %(items)s::bigint[], %(descriptions)s::text[],
                %(amounts)s::numeric[])
         WITH ORDINALITY AS t(room_id, item_id, description, amount, n)
    ORDER BY t.n
    RETURNING id, room_id, amount, description
)
INSERT INTO billing_ledgerentry (estate_id, room_id, kind, amount, bill_id, description, at, by_id)
SELECT %(estate)s, room_id, %(kind)s, amount, id, description, %(now)s, %(by)s
FROM bills ORDER BY id
"""


def _post_charges(rows, *, estate, run, period_start, period_end, due_date, label, now, user):
    """Write a chunk's bills and their ledger charges (FEE-07) in the current transaction.

    On PostgreSQL one statement does both (the ledger lines read the new bills' ids from
    RETURNING): building 400,000 model instances for a large estate's run cost more than the
    database's work. Other backends go through the ORM."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_POST_CHARGES_SQL, {
                "estate": estate.pk, "start": period_start, "end": period_end,
                "status": BillStatus.UNPAID, "due": due_date, "run": run.pk, "now": now,
                "kind": EntryKind.CHARGE, "by": user.pk if user is not None else None,
                "rooms": [r[0] for r in rows], "items": [r[1].pk for r in rows],
                "descriptions": [f"{r[1].name} {label}" for r in rows],
                "amounts": [r[2] for r in rows],
            })  # fmt: skip
        return
    bills = [
        Bill(estate=estate, room_id=room_id, item=item, period_start=period_start,
             period_end=period_end, description=f"{item.name} {label}", amount=amount,
             due_date=due_date, created_at=now, run=run)
        for room_id, item, amount in rows
    ]  # fmt: skip
    created = Bill.objects.bulk_create(bills, batch_size=2000)
    if not created or created[0].pk is None:  # a backend without RETURNING
        created = list(Bill.objects.filter(run=run, pk__gt=0).order_by("-id")[: len(bills)])
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(estate=estate, room_id=b.room_id, kind=EntryKind.CHARGE, amount=b.amount,
                        bill=b, description=b.description, at=now, by=user)
            for b in created
        ],
        batch_size=2000,
    )  # fmt: skip


def billing_run(
    *, estate, period_start, period_end, due_date, by, chunk: int = 5000,
    short_notice_reason: str = "",
) -> BillingRun:  # fmt: skip
    """Post an estate's periodic bills for a period now (FEE-04). Idempotent: a bill that exists
    for the room, item and period is not made again (and a unique constraint says so too).
    Bills are written in chunks of about ``chunk``, each in its own transaction, with the run's
    progress; a run of one estate at a time (the estate's row is locked per chunk). The rooms
    are planned a chunk at a time, so memory stays flat however large the estate. The pages
    queue the same work instead (``billing_run_queue``), for the job to run in the background."""
    actor = _actor(by)
    _check_finance(actor, estate)
    _check_period(period_start, period_end, due_date)
    reason = _check_notice(estate, due_date, short_notice_reason)  # FEE-05
    run = BillingRun.objects.create(
        estate=estate, period_start=period_start, period_end=period_end, due_date=due_date,
        status=BillingRunStatus.RUNNING, started_at=timezone.now(), started_by=actor.user,
        short_notice_reason=reason,
    )  # fmt: skip
    return _run_execute(run, user=actor.user, chunk=chunk)


def _run_execute(run: BillingRun, *, user, chunk: int = 5000) -> BillingRun:
    """The work of a run (status ``running``), shared by ``billing_run`` and the background job:
    plan and post the bills chunk by chunk, updating ``rooms_done`` after each, then let
    prepaid credit settle them. A failure is recorded on the run (``failed`` and why)."""
    estate = run.estate
    period_start, period_end, due_date = run.period_start, run.period_end, run.due_date
    now = timezone.now()
    try:
        items = list(ChargeItem.objects.filter(estate=estate, is_active=True, basis__in=PERIODIC))
        inputs = _run_inputs(estate, period_start, period_end, items)
        run.rooms_total = len(inputs.rooms)
        run.save(update_fields=["rooms_total"])
        credit_rooms = _rooms_with_credit(estate)  # before the new charges hide the credit
        amounts: dict = {}
        per_chunk = max(1, chunk // max(len(items), 1))  # rooms per chunk: about `chunk` bills
        for i in range(0, len(inputs.rooms), per_chunk):
            rooms = inputs.rooms[i : i + per_chunk]
            _already, rows = _planned(
                inputs, rooms, estate=estate, period_start=period_start, period_end=period_end,
                items=items, amounts=amounts,
            )  # fmt: skip
            with transaction.atomic():
                _lock(Estate, estate.pk)
                if rows:
                    _post_charges(rows, estate=estate, run=run, period_start=period_start,
                                  period_end=period_end, due_date=due_date, label=inputs.label,
                                  now=now, user=user)  # fmt: skip
                BillingRun.objects.filter(pk=run.pk).update(
                    bills_created=F("bills_created") + len(rows),
                    amount_total=F("amount_total") + sum((r[2] for r in rows), ZERO),
                    rooms_done=i + len(rooms),
                )
        # Prepaid credit settles the new bills (FEE-07: a paid bill shows 已缴纳).
        for room_id in credit_rooms:
            credit_apply(room_id=room_id, at=now)
        run.refresh_from_db()
        run.status, run.finished_at, run.rooms_done = (
            BillingRunStatus.DONE,
            timezone.now(),
            (run.rooms_total),
        )
        run.save(update_fields=["status", "finished_at", "rooms_done"])
    except IntegrityError as exc:  # another run of the same period got there first
        log.warning("billing run %s: %s", run.pk, exc)
        message = _("同一账期的账单正在由另一批次生成，请稍后重试")
        _run_failed(run, message)
        raise Conflict(message) from exc
    except Exception as exc:
        _run_failed(run, str(exc)[:500] or exc.__class__.__name__)
        raise
    return run


def _run_failed(run: BillingRun, error: str) -> None:
    BillingRun.objects.filter(pk=run.pk).update(
        status=BillingRunStatus.FAILED, error=error, finished_at=timezone.now()
    )
    run.refresh_from_db()


def billing_period(*, first_month: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The period of a run of ``months`` (1 月度, 3 季度, 6 半年, 12 年度) from the month of
    ``first_month``: its first and last day. Any month may start one: the manual's move-in asks
    for half a year of property fee from the month the owner moves in (2026-09 → 2027-02-28)."""
    if months not in (1, 3, 6, 12):
        raise ValidationError({"months": [_("请选择月度、季度、半年或年度")]})
    index = first_month.year * 12 + first_month.month - 1 + months - 1
    year, month = divmod(index, 12)
    last = dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return first_month.replace(day=1), last


def billing_default_due(period_start: dt.date) -> dt.date:
    """缴费截止日 unless finance says otherwise: the last day of the period's first month (fees
    are paid ahead; the notice goes out 15 days before it, FEE-05)."""
    last = calendar.monthrange(period_start.year, period_start.month)[1]
    return period_start.replace(day=last)


ACTIVE_RUN = (BillingRunStatus.QUEUED, BillingRunStatus.RUNNING)
STALE_RUN = dt.timedelta(hours=1)  # a run takes about a minute per 100,000 rooms


@transaction.atomic
def billing_run_queue(
    *, estate, period_start, period_end, due_date, by, short_notice_reason: str = ""
) -> BillingRun:
    """费用核算 in the background: the same checks as ``billing_run``, then a run ``queued`` for
    the job ``billing_run_execute``. While one run of an overlapping period is queued or
    running, another is refused (a double click queues one run)."""
    actor = _actor(by)
    _check_finance(actor, estate)
    _check_period(period_start, period_end, due_date)
    reason = _check_notice(estate, due_date, short_notice_reason)  # FEE-05
    _lock(Estate, estate.pk)  # two clicks at once: the second sees the first's run
    busy = BillingRun.objects.filter(
        estate=estate, status__in=ACTIVE_RUN, period_start__lte=period_end,
        period_end__gte=period_start,
    ).first()  # fmt: skip
    if busy is not None:
        raise Conflict(
            _("%(start)s 至 %(end)s 的账单正在生成（%(status)s），请等它完成")
            % {"start": busy.period_start, "end": busy.period_end,
               "status": busy.get_status_display()},
            code="run_busy",
        )  # fmt: skip
    return BillingRun.objects.create(
        estate=estate, period_start=period_start, period_end=period_end, due_date=due_date,
        status=BillingRunStatus.QUEUED, started_at=timezone.now(), started_by=actor.user,
        short_notice_reason=reason,
    )  # fmt: skip


def billing_run_execute(*, chunk: int = 5000, limit: int = 10) -> int:
    """Periodic job (every 10 s): run the queued billing runs one at a time, oldest first. Each
    is claimed by a conditional UPDATE (queued → running) that only one worker can win, so two
    schedulers never run the same run. A failed run is recorded on it and the next one still
    runs. A run left ``running`` for an hour (its worker died) is marked failed, so its period
    can be run again (idempotent: only the missing bills are made). Returns how many runs this
    call executed."""
    now = timezone.now()
    BillingRun.objects.filter(
        status=BillingRunStatus.RUNNING, started_at__lt=now - STALE_RUN
    ).update(
        status=BillingRunStatus.FAILED, finished_at=now,
        error=_("生成中断（超过1小时未完成），请重新生成；已生成的账单保留"),
    )  # fmt: skip
    executed = 0
    while executed < limit:
        pk = (
            BillingRun.objects.filter(status=BillingRunStatus.QUEUED)
            .order_by("started_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            break
        claimed = BillingRun.objects.filter(pk=pk, status=BillingRunStatus.QUEUED).update(
            status=BillingRunStatus.RUNNING, started_at=timezone.now()
        )
        if not claimed:  # another worker took it
            continue
        run = BillingRun.objects.select_related("estate", "started_by").get(pk=pk)
        try:
            _run_execute(run, user=run.started_by, chunk=chunk)
        except Exception:  # recorded on the run as failed; the next one still runs
            log.exception("billing run %s failed", pk)
        executed += 1
    return executed


@transaction.atomic
def bill_room_period(
    *,
    room: Room,
    item: ChargeItem,
    period_start: dt.date,
    period_end: dt.date,
    due_date: dt.date,
    at: dt.datetime,
    by=None,
    description: str = "",
) -> Bill | None:
    """One room's periodic bill for a period out of the runs' rhythm — the half year of property
    fee paid ahead at move-in (MOVEIN-05). A periodic bill like a run's (the later runs see its
    days as billed and charge only the rest), for the days of the period no other bill of the
    item covers. Idempotent: the room's bill of the item and period start is returned. None
    when nothing is left to charge. ``by=None``: raised by a process on the owner's behalf."""
    if item.basis not in PERIODIC:
        raise ValidationError({"item": [_("只有按月计费的收费项目可以按账期出账单")]})
    _check_period(period_start, period_end, due_date)
    _lock(Room, room.pk)
    existing = Bill.objects.filter(room=room, item=item, period_start=period_start,
                                   source_ref="").first()  # fmt: skip
    if existing is not None:
        return existing
    rate = rate_at(item, period_start)
    if rate is None:
        raise ValidationError({"item": [_("%(item)s 在 %(day)s 没有收费标准") % {
            "item": item.name, "day": period_start}]})  # fmt: skip
    other = _coverage([room.pk], [item.pk], period_start, period_end).get((room.pk, item.pk))
    spans = [(period_start, period_end)]
    spans = _uncovered(spans, other) if other else spans
    if item.basis == ChargeBasis.PER_SPACE_MONTH:
        raise ValidationError({"item": [_("车位管理费请随账单生成收取")]})
    amount = periodic_amount(
        basis=item.basis, rate=rate.amount, area=room.area, units=0,
        period_start=period_start, period_end=period_end, spans=spans,
    )  # fmt: skip
    if amount <= 0:
        return None
    label = f"{period_start:%Y-%m}～{period_end:%Y-%m}"
    bill = Bill.objects.create(
        estate=room.estate, room=room, item=item, period_start=period_start,
        period_end=period_end, description=(description or f"{item.name} {label}")[:200],
        amount=amount, due_date=due_date, created_at=at,
    )  # fmt: skip
    LedgerEntry.objects.create(estate=room.estate, room=room, kind=EntryKind.CHARGE,
                               amount=amount, bill=bill, description=bill.description, at=at,
                               by=by)  # fmt: skip
    credit_apply(room_id=room.pk, at=at)
    return bill


@transaction.atomic
def bill_from_source(
    *,
    estate,
    room,
    kind: str,
    item_name: str,
    source_ref: str,
    description: str,
    amount: Decimal,
    at: dt.datetime,
    by=None,
) -> Bill:
    """A bill for one document (a repair's accepted charge, REPAIR-11). Idempotent per
    document: the same source returns the bill already made."""  # fmt: skip
    item = charge_item_get_or_create(estate=estate, kind=kind, name=item_name,
                                     basis=ChargeBasis.FIXED)  # fmt: skip
    existing = Bill.objects.filter(item=item, source_ref=source_ref).first()
    if existing is not None:
        return existing
    day = timezone.localtime(at, ZoneInfo(estate.time_zone)).date()
    bill = Bill.objects.create(
        estate=estate, room=room, item=item, period_start=day, period_end=day,
        description=description[:200], amount=amount, due_date=day, source_ref=source_ref,
        created_at=at,
    )  # fmt: skip
    LedgerEntry.objects.create(estate=estate, room=room, kind=EntryKind.CHARGE, amount=amount,
                               bill=bill, description=bill.description, at=at, by=by)  # fmt: skip
    credit_apply(room_id=room.pk, at=at)
    return bill


# --- Payments and allocation (FEE-06/07) -------------------------------------------------------


def _settle(bill: Bill, amount: Decimal) -> None:
    bill.paid_amount += amount
    bill.status = BillStatus.PAID if bill.paid_amount == bill.amount else BillStatus.PARTIAL


def _allocate(payment: Payment, bills: list[Bill], budget: Decimal, at) -> Decimal:
    """Settle the (locked) bills in order from ``budget``; returns what is left."""
    rows = []
    for bill in bills:
        if budget <= 0:
            break
        take = min(budget, bill.amount - bill.paid_amount)
        if take <= 0:
            continue
        _settle(bill, take)
        bill.save(update_fields=["paid_amount", "status"])
        rows.append(Allocation(payment=payment, bill=bill, amount=take, created_at=at))
        budget -= take
    Allocation.objects.bulk_create(rows)
    return budget


def _locked_open_bills(room_id: int, only: list[int] | None = None) -> list[Bill]:
    qs = Bill.objects.select_for_update().filter(
        room_id=room_id, status__in=(BillStatus.UNPAID, BillStatus.PARTIAL)
    )
    if only is not None:
        qs = qs.filter(pk__in=only)
    return list(qs.order_by("due_date", "period_start", "id"))


@transaction.atomic
def payment_record(
    *,
    room: Room,
    amount,
    channel: str,
    by,
    bills: list[int] | None = None,
    reference: str = "",
    received_at: dt.datetime | None = None,
    note: str = "",
    exact: bool = False,
) -> Payment:
    """Money received for a room: the ledger is credited, the money settles the chosen bills
    (or the oldest unpaid ones), and what is left becomes prepaid credit that later bills take.

    ``exact``: the payer pays these bills and nothing more — if another cashier settled them
    meanwhile, a Conflict, not a silent credit (two cashiers cannot collect one bill twice).
    ``by=None``: a confirmed online payment (the gateway's callback)."""
    actor = None if by is None else _actor(by)
    if actor is not None:
        _check_finance(actor, room.estate)
    amount = money(amount)
    if channel not in PaymentChannel.values:
        raise ValidationError({"channel": [_("请选择缴费渠道")]})
    note = (note or "").strip()
    check_field_text(Payment, "note", note)
    check_field_text(Payment, "reference", reference or "")
    at = received_at or timezone.now()
    chosen = None if bills is None else [int(b) for b in bills]
    locked = _locked_open_bills(room.pk, chosen)
    if chosen is not None:
        foreign = set(chosen) - {b.pk for b in locked}
        if foreign and not Bill.objects.filter(pk__in=foreign, room=room).exists():
            raise ValidationError({"bills": [_("所选账单不属于该房屋")]})
        outstanding = sum((b.amount - b.paid_amount for b in locked), ZERO)
        if exact and (foreign or outstanding != amount):
            raise Conflict(
                _("所选账单待缴 ¥%(due)s，与收款金额 ¥%(amount)s 不符（可能已由他人收款），"
                  "请刷新后重试") % {"due": outstanding, "amount": amount},
                code="amount_mismatch",
            )  # fmt: skip
    if actor is not None:
        # The cashier's row: a closing of this cashier's day (billing.closing) takes it too.
        _lock(get_user_model(), actor.user.pk)
    if (
        actor is not None
        and CashierClosing.objects.filter(
            estate_id=room.estate_id, cashier=actor.user, day=_today(room.estate, at)
        ).exists()
    ):
        raise Conflict(_("您今日已日结，不能再收款；请由其他收银员收款或次日再收"),
                       code="day_closed")  # fmt: skip
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                estate=room.estate, room=room, amount=amount, channel=channel,
                reference=reference, received_at=at,
                received_by=actor.user if actor is not None else None, note=note,
                receipt_no=case_number_next(estate=room.estate, prefix="SK", at=at),
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("该交易流水号已入账"), code="duplicate_reference") from None
    LedgerEntry.objects.create(
        estate=room.estate, room=room, kind=EntryKind.PAYMENT, amount=-amount, payment=payment,
        description=_("收款（%(channel)s）") % {"channel": PaymentChannel(channel).label},
        at=at, by=payment.received_by,
    )  # fmt: skip
    left = _allocate(payment, locked, amount, at)
    if left > 0 and chosen is not None:
        # Paid more than the chosen bills: the rest settles the oldest other bills, then credit.
        _allocate(payment, _locked_open_bills(room.pk), left, at)
    return payment


def _unallocated(room_id: int) -> list[tuple[Payment, Decimal]]:
    """The room's payments with money not settling any bill nor refunded: its prepaid credit."""
    payments = list(Payment.objects.filter(room_id=room_id).order_by("received_at", "id"))
    used = dict(
        Allocation.objects.filter(payment__room_id=room_id)
        .values("payment_id").annotate(s=Sum("amount")).values_list("payment_id", "s")
    )  # fmt: skip
    refunded = dict(
        Refund.objects.filter(payment__room_id=room_id, status="approved")
        .values("payment_id").annotate(s=Sum("amount")).values_list("payment_id", "s")
    )  # fmt: skip
    out = []
    for p in payments:
        left = p.amount - _sum(used.get(p.pk)) - _sum(refunded.get(p.pk))
        if left > 0:
            out.append((p, left))
    return out


def _rooms_with_credit(estate: Estate) -> list[int]:
    """The rooms with prepaid credit: a negative balance (credit always settles open bills, so
    a room with credit has none). Read it BEFORE posting new charges, which hide it."""
    return list(
        Payment.objects.filter(estate=estate)
        .values("room_id")
        .annotate(paid=Sum("amount"))
        .filter(room_id__in=LedgerEntry.objects.filter(estate=estate).values("room_id")
                .annotate(balance=Sum("amount")).filter(balance__lt=0).values("room_id"))
        .values_list("room_id", flat=True)
    )  # fmt: skip


@transaction.atomic
def credit_apply(*, room_id: int, at: dt.datetime | None = None) -> Decimal:
    """Prepaid credit settles the room's unpaid bills, oldest first. Returns the amount used."""
    at = at or timezone.now()
    _lock(Room, room_id)  # one settler per room
    bills = _locked_open_bills(room_id)
    used = ZERO
    for payment, left in _unallocated(room_id):
        if not bills:
            break
        rest = _allocate(payment, bills, left, at)
        used += left - rest
        bills = [b for b in bills if b.status != BillStatus.PAID]
    return used


_sum = exact_sum  # an aggregated sum, exact to the fen


def room_balance(room_id: int) -> Decimal:
    """Arrears (positive) or credit (negative): the sum of the room's ledger entries."""
    return _sum(LedgerEntry.objects.filter(room_id=room_id).aggregate(s=Sum("amount"))["s"])


# --- Refunds (never edits: a new reversing entry, approved) ------------------------------------


@transaction.atomic
def refund_request(*, payment: Payment, amount, reason: str, by):
    """Ask to give back prepaid credit (money not settling any bill)."""
    actor = _actor(by)
    _check_finance(actor, payment.estate)
    amount = money(amount)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写退款原因")]})
    check_field_text(Refund, "reason", reason.strip())
    _lock(Room, payment.room_id)
    left = dict((p.pk, rest) for p, rest in _unallocated(payment.room_id)).get(payment.pk, ZERO)
    pending = _sum(Refund.objects.filter(payment=payment, status="pending").aggregate(
        s=Sum("amount"))["s"])  # fmt: skip
    if amount > left - pending:
        raise ValidationError({"amount": [_("可退金额为 ¥%(left)s") % {"left": left - pending}]})
    return Refund.objects.create(payment=payment, amount=amount, reason=reason.strip(),
                                 requested_by=actor.user, requested_at=timezone.now())  # fmt: skip


@transaction.atomic
def refund_approve(*, refund, by):
    """A second person (finance head or executive) approves; the ledger gets the reversal."""
    actor = _actor(by)
    refund = Refund.objects.select_for_update().select_related("payment__room").get(pk=refund.pk)
    payment = refund.payment
    if not actor.is_superuser and not (
        payment.estate_id in actor.estate_ids
        and (actor.role == Role.EXECUTIVE or (actor.role == Role.DEPARTMENT_HEAD
             and actor.staff.department.kind == DepartmentKind.FINANCE))
    ):  # fmt: skip
        raise PermissionDenied(_("退款须由财务负责人或企业高层审批"))
    if refund.requested_by_id == actor.user.pk:
        raise PermissionDenied(_("退款不能由申请人本人审批"))
    if refund.status != "pending":
        raise Conflict(_("该退款已处理"))
    _lock(Room, payment.room_id)
    left = dict((p.pk, rest) for p, rest in _unallocated(payment.room_id)).get(payment.pk, ZERO)
    if refund.amount > left:
        raise Conflict(_("预存余额已被账单使用，可退金额为 ¥%(left)s") % {"left": left})
    now = timezone.now()
    refund.status, refund.approved_by, refund.approved_at = "approved", actor.user, now
    refund.save(update_fields=["status", "approved_by", "approved_at"])
    LedgerEntry.objects.create(
        estate=payment.estate, room=payment.room, kind=EntryKind.REFUND, amount=refund.amount,
        payment=payment, description=_("退款：%(reason)s") % {"reason": refund.reason},
        at=now, by=actor.user,
    )  # fmt: skip
    return refund


# --- Online payments: orders and the gateway's signed callbacks --------------------------------


def payment_gateway() -> str:
    """The gateway that takes online payments (settings.WUYE_PAYMENT_GATEWAY): "simulated" only
    in embedded mode, whatever the setting says, so production never pays with a click."""
    name = getattr(settings, "WUYE_PAYMENT_GATEWAY", "none")
    if name == "simulated" and getattr(settings, "PRODUCTION", False):
        return "none"
    return name


def online_payment_enabled() -> bool:
    return payment_gateway() != "none"


def gateway_pay_url(order: GatewayOrder) -> str:
    """Where the payer goes to pay the order (the gateway's cashier page)."""
    from django.urls import reverse

    if payment_gateway() == "simulated":
        return reverse("billing:simulate_pay", args=[order.out_trade_no])
    _no_online_payment()


def _no_online_payment():
    raise Conflict(_("在线缴费暂未开通，请到物业服务中心缴费"), code="online_payment_unavailable")


def gateway_secret() -> bytes:
    """The key the (simulated) gateway signs callbacks with; WUYE_GATEWAY_SECRET in production."""
    configured = getattr(settings, "WUYE_GATEWAY_SECRET", "")
    return (configured or f"gateway:{settings.SECRET_KEY}").encode()


def gateway_sign(params: dict) -> str:
    """HMAC-SHA256 over the sorted key=value pairs (the scheme WeChat Pay v2 and Alipay use)."""
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] not in ("", None))
    return hmac.new(gateway_secret(), text.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def gateway_order_create(*, room: Room, channel: str, by, bills: list[int] | None = None):
    """An online payment order for the room's chosen (or all) unpaid bills."""
    actor = _actor(by)
    if actor.role == Role.RESIDENT:
        from wuye.core.scoping import visible_rooms

        if not visible_rooms(actor).filter(pk=room.pk).exists():
            raise Http404
    else:
        _check_finance(actor, room.estate)
    if not online_payment_enabled():
        _no_online_payment()
    if channel not in (PaymentChannel.WECHAT, PaymentChannel.ALIPAY):
        raise ValidationError({"channel": [_("在线支付请选择微信支付或支付宝")]})
    open_bills = _locked_open_bills(room.pk, bills)
    if not open_bills:
        raise ValidationError({"bills": [_("没有待缴账单")]})
    amount = sum((b.amount - b.paid_amount for b in open_bills), ZERO)
    now = timezone.now()
    return GatewayOrder.objects.create(
        estate=room.estate, room=room, channel=channel, amount=amount,
        bills=[b.pk for b in open_bills], created_at=now, created_by=actor.user,
        out_trade_no=f"WY{now:%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}",
    )  # fmt: skip


class CallbackRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


CALLBACK_MAX_BYTES = 8 * 1024  # a gateway's notification is well under 2 KB
REFUSED_CALLBACKS_LOGGED_PER_HOUR = 50  # per sending address; the rest go to the server log


def gateway_callback(body: dict, signature: str, *, remote_addr: str | None = None) -> GatewayOrder:
    """The gateway says an order was paid. Refused (logged, nothing changed) when the signature
    is wrong, the order unknown, or the amount differs; idempotent by the transaction id, so a
    replayed or concurrent callback credits once. Refused callbacks are kept in the table up to
    ``REFUSED_CALLBACKS_LOGGED_PER_HOUR`` per address, so nobody can fill it by posting junk."""
    now = timezone.now()
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True)[:4000]
    out_trade_no = str(body.get("out_trade_no", ""))[:40]
    transaction_id = str(body.get("transaction_id", ""))[:64]

    def refuse(reason: str):
        raise CallbackRefused(reason)

    try:
        return _gateway_callback(
            body, signature, refuse, now, raw, out_trade_no, transaction_id, remote_addr
        )
    except CallbackRefused as exc:
        # Logged outside the refused transaction, so the log survives its rollback.
        recent = CallbackLog.objects.filter(
            remote_addr=remote_addr, accepted=False, received_at__gt=now - dt.timedelta(hours=1)
        )
        if recent.count() < REFUSED_CALLBACKS_LOGGED_PER_HOUR:
            CallbackLog.objects.create(
                received_at=now, out_trade_no=out_trade_no, transaction_id=transaction_id,
                body=raw, reason=exc.reason[:200], remote_addr=remote_addr,
            )  # fmt: skip
        log.warning(
            "payment callback refused: %s (%s) from %s", exc.reason, out_trade_no, remote_addr
        )
        raise


def _gateway_callback(body, signature, refuse, now, raw, out_trade_no, transaction_id, remote_addr):
    if not hmac.compare_digest(gateway_sign(body), str(signature or "")):
        refuse("bad signature")
    if not transaction_id or body.get("trade_state") != "SUCCESS":
        refuse("not a successful payment")
    try:
        paid = Decimal(str(body.get("amount")))
    except (InvalidOperation, ValueError, TypeError):
        refuse("bad amount")
    with transaction.atomic():
        order = GatewayOrder.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
        if order is None:
            refuse("unknown order")
        if paid != order.amount:
            refuse(f"amount {paid} differs from the order's {order.amount}")
        if order.status == GatewayOrderStatus.PAID:
            if order.transaction_id != transaction_id:
                refuse("order already paid by another transaction")
            CallbackLog.objects.create(received_at=now, out_trade_no=out_trade_no,
                                       transaction_id=transaction_id, body=raw, accepted=True,
                                       reason="duplicate: already credited",
                                       remote_addr=remote_addr)  # fmt: skip
            return order
        payment = payment_record(
            room=order.room, amount=order.amount, channel=order.channel, by=None,
            bills=order.bills, reference=transaction_id, received_at=now,
            note=_("在线支付 %(no)s") % {"no": order.out_trade_no},
        )  # fmt: skip
        order.status, order.transaction_id, order.payment, order.paid_at = (
            GatewayOrderStatus.PAID, transaction_id, payment, now)  # fmt: skip
        order.save(update_fields=["status", "transaction_id", "payment", "paid_at"])
        CallbackLog.objects.create(
            received_at=now, out_trade_no=out_trade_no, transaction_id=transaction_id, body=raw,
            accepted=True, remote_addr=remote_addr,
        )  # fmt: skip
    return order


def gateway_simulate_payment(order: GatewayOrder) -> tuple[dict, str]:
    """What the simulated gateway posts back when the payer pays (demo and tests). Only a
    caller that checked ``payment_gateway() == "simulated"`` may hand it to the callback."""
    body = {
        "out_trade_no": order.out_trade_no,
        "transaction_id": f"SIM{secrets.token_hex(10).upper()}",
        "amount": str(order.amount),
        "trade_state": "SUCCESS",
        "channel": order.channel,
    }
    return body, gateway_sign(body)


# --- Notices (FEE-05) --------------------------------------------------------------------------


def bill_notify_due(*, now: dt.datetime | None = None) -> int:
    """Periodic job: tell the owners of bills due within 15 days (FEE-05), once per bill, by
    SMS and in-app message: the time, the amount and the channels. Returns the bills notified."""
    from wuye.notify.choices import Channel
    from wuye.notify.services import message_enqueue

    now = now or timezone.now()
    horizon = (now + dt.timedelta(days=NOTICE_DAYS + 1)).date()
    # FEE-05: only an owner with a login can be told by SMS and the app. A room without one is
    # not marked at all: it stays on the letters page until a letter is printed or delivered.
    with_login = Occupancy.objects.filter(
        Occupancy.current_q(), room_id=OuterRef("room_id"), relation=Relation.OWNER,
        resident__user__isnull=False,
    )  # fmt: skip
    due = (
        Bill.objects.filter(status__in=(BillStatus.UNPAID, BillStatus.PARTIAL),
                            notified_at__isnull=True, due_date__lte=horizon)
        .filter(Exists(with_login))
        .select_related("estate", "room")
        .order_by("room_id", "due_date")
    )  # fmt: skip
    by_room: dict[int, list[Bill]] = {}
    for bill in due[:5000]:
        local = timezone.localtime(now, ZoneInfo(bill.estate.time_zone)).date()
        if bill.due_date - dt.timedelta(days=NOTICE_DAYS) <= local:
            by_room.setdefault(bill.room_id, []).append(bill)
    notified = 0
    for bills in by_room.values():
        room = bills[0].room
        owners = Occupancy.objects.filter(
            Occupancy.current_q(), room=room, relation=Relation.OWNER,
            resident__user__isnull=False,
        ).select_related("resident__user")  # fmt: skip
        total = sum((b.amount - b.paid_amount for b in bills), ZERO)
        with transaction.atomic():
            for occupancy in owners:
                message_enqueue(
                    recipient=occupancy.resident.user, template="bill_notice",
                    channels=[Channel.INBOX, Channel.SMS], estate=room.estate,
                    ref=f"bill:{bills[0].pk}",
                    context={"room": room.label, "amount": total,
                             "due": min(b.due_date for b in bills)},
                )  # fmt: skip
            if not owners:  # the login went away meanwhile: the letters page has the room
                continue
            Bill.objects.filter(pk__in=[b.pk for b in bills]).update(
                notified_at=now, notified_via="sms,inbox"
            )
        notified += len(bills)
    return notified


# --- Arrears and dunning (FEE-09/10/11/13) -----------------------------------------------------

REMINDER_DAYS = 30  # FEE-10: a Payment Reminder Notice within 30 days of becoming overdue
LAWYER_DAYS = 60  # FEE-11: a lawyer's letter within 60 days, where necessary (approved per case)
AGING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


def _today(estate: Estate, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, ZoneInfo(estate.time_zone)).date()


def arrears_aging(*, estate: Estate, now: dt.datetime | None = None) -> dict:
    """Outstanding amounts by days overdue (0–30, 31–60, 61–90, 90+), per room and in total."""
    today = _today(estate, now or timezone.now())
    rows = Bill.objects.filter(
        estate=estate, status__in=(BillStatus.UNPAID, BillStatus.PARTIAL), due_date__lt=today
    ).values_list("room_id", "due_date", "amount", "paid_amount")
    labels = ["0-30", "31-60", "61-90", "90+"]
    totals = dict.fromkeys(labels, ZERO)
    rooms: dict[int, dict] = {}
    for room_id, due, amount, paid in rows:
        days = (today - due).days
        label = next(
            lab for lab, (lo, hi) in zip(labels, AGING_BUCKETS, strict=True)
            if days >= lo and (hi is None or days <= hi)
        )  # fmt: skip
        owed = amount - paid
        totals[label] += owed
        room = rooms.setdefault(room_id, dict.fromkeys(labels, ZERO))
        room[label] += owed
    return {"today": today, "totals": totals, "rooms": rooms}


def dunning_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic job. For each room with bills overdue 30 days: a 《催缴通知书》 sent to the owners
    (message and SMS, FEE-10) once per overdue episode. From the estate's list day (default
    day 45, ``BillingSettings.lawyer_list_day``) the room enters the lawyer's-letter list for a
    manager's decision (FEE-11: only where necessary), with the deadline by which the letter
    must be sent: the end of day 60 of the episode (``lawyer_letter_due``). Idempotent."""
    from wuye.notify.choices import Channel
    from wuye.notify.services import message_enqueue

    now = now or timezone.now()
    made = {"reminder": 0, "lawyer_letter": 0}
    open_bills = (
        Bill.objects.filter(status__in=(BillStatus.UNPAID, BillStatus.PARTIAL))
        .select_related("estate", "room")
        .order_by("room_id", "due_date", "id")
    )
    by_room: dict[int, list[Bill]] = {}
    list_days: dict[int, int] = {}
    for bill in open_bills.filter(due_date__lt=(now - dt.timedelta(days=REMINDER_DAYS)).date()
                                  + dt.timedelta(days=1)).iterator(chunk_size=2000):  # fmt: skip
        by_room.setdefault(bill.room_id, []).append(bill)
    for bills in by_room.values():
        room, estate = bills[0].room, bills[0].estate
        if estate.pk not in list_days:
            list_days[estate.pk] = BillingSettings.for_estate(estate).lawyer_list_day
        today = _today(estate, now)
        overdue = [b for b in bills if (today - b.due_date).days >= REMINDER_DAYS]
        if not overdue:
            continue
        oldest = overdue[0].due_date
        amount = sum((b.amount - b.paid_amount for b in overdue), ZERO)
        days = (today - oldest).days
        with transaction.atomic():
            reminder, created = Dunning.objects.get_or_create(
                room=room, kind=DunningKind.REMINDER, oldest_due=oldest,
                defaults={"estate": estate, "status": DunningStatus.SENT, "amount": amount,
                          "bills": [b.pk for b in overdue], "created_at": now},
            )  # fmt: skip
            if created:
                made["reminder"] += 1
                owners = Occupancy.objects.filter(
                    Occupancy.current_q(), room=room, relation=Relation.OWNER,
                    resident__user__isnull=False,
                ).select_related("resident__user")  # fmt: skip
                for occupancy in owners:
                    message_enqueue(
                        recipient=occupancy.resident.user, template="dunning_reminder",
                        channels=[Channel.INBOX, Channel.SMS], estate=estate,
                        ref=f"dunning:{reminder.pk}",
                        context={"room": room.label, "amount": amount, "since": oldest},
                    )  # fmt: skip
            if days >= list_days[estate.pk]:  # FEE-11: listed early enough to decide by day 60
                _, listed = Dunning.objects.get_or_create(
                    room=room, kind=DunningKind.LAWYER_LETTER, oldest_due=oldest,
                    defaults={"estate": estate, "status": DunningStatus.PENDING_APPROVAL,
                              "amount": amount, "bills": [b.pk for b in overdue],
                              "created_at": now, "due_at": lawyer_letter_due(estate, oldest)},
                )  # fmt: skip
                made["lawyer_letter"] += int(listed)
    return made


def lawyer_letter_due(estate: Estate, oldest_due: dt.date) -> dt.datetime:
    """FEE-11: the letter is sent within 60 days of becoming overdue. A bill becomes overdue
    when its due date ends; 60 calendar days from then end at 23:59:59 of the 60th date after
    the due date (the engine's day arithmetic, DESIGN.md)."""
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    overdue_from = dt.datetime.combine(oldest_due, dt.time(23, 59, 59), tzinfo=zone)
    return due_calendar_days(overdue_from, LAWYER_DAYS, zone)


LAWYER_AT_RISK_DAYS = 5  # FEE-11: the last 5 days before day 60 show the case at risk


def lawyer_letter_clock(dunning: Dunning, now: dt.datetime | None = None) -> str:
    """Where a lawyer's-letter case stands against its day-60 deadline: ``met`` (sent, or
    decided not to send, in time), ``late`` (done after it), ``overdue`` (still open past it),
    ``at_risk`` (open, within the last 5 days) or ``running``."""
    now = now or timezone.now()
    due = dunning.due_at or lawyer_letter_due(dunning.estate, dunning.oldest_due)
    done = dunning.sent_at if dunning.status == DunningStatus.SENT else (
        dunning.decided_at if dunning.status == DunningStatus.REJECTED else None
    )  # fmt: skip
    if done is not None:
        return "met" if done <= due else "late"
    if now > due:
        return "overdue"
    zone = ZoneInfo(dunning.estate.time_zone or "Asia/Shanghai")
    # The last LAWYER_AT_RISK_DAYS dates up to the deadline's: from 00:00 of the first of them.
    risk_from = dt.datetime.combine(
        latest_date_ahead(due.astimezone(zone).date(), LAWYER_AT_RISK_DAYS - 1), dt.time(0),
        tzinfo=zone,
    )  # fmt: skip
    return "at_risk" if now >= risk_from else "running"


def _check_letter_manager(actor: Actor, dunning: Dunning) -> None:
    if not actor.is_superuser and not (
        dunning.estate_id in actor.estate_ids
        and actor.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)
    ):
        raise PermissionDenied(_("律师函须由部门负责人或企业高层审批"))


def may_chase(actor: Actor) -> bool:
    """Who chases a debtor (FEE-02/09): customer service, finance and the managers. They record
    contacts, call the owner (the full number, each reveal recorded) and record a lawyer's
    letter as sent."""
    return actor.is_superuser or actor.role in (
        Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE, Role.FINANCE_CLERK,
    )  # fmt: skip


@transaction.atomic
def lawyer_letter_sent(
    *, dunning: Dunning, via: str, sent_at: dt.datetime | None, by, note: str = ""
) -> Dunning:
    """FEE-11: record that an approved lawyer's letter went out: when, how, by whom. The case's
    clock is met when this is on or before the end of day 60."""
    actor = _actor(by)
    dunning = Dunning.objects.select_for_update().select_related("estate").get(pk=dunning.pk)
    if not actor.is_superuser and dunning.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记律师函发送"))
    if dunning.kind != DunningKind.LAWYER_LETTER:
        raise ValidationError({"dunning": [_("只有律师函需要登记发送")]})
    if dunning.status == DunningStatus.SENT:
        raise Conflict(_("该律师函已登记发送"))
    if dunning.status != DunningStatus.APPROVED:
        raise Conflict(_("律师函须先经审批同意，才能登记发送"))
    errors: dict[str, list] = {}
    if via not in LawyerLetterVia.values:
        errors["via"] = [_("请选择发送方式")]
    now = timezone.now()
    if sent_at is None:
        errors["sent_at"] = [_("请填写发送时间")]
    elif sent_at > now:
        errors["sent_at"] = [_("发送时间不能晚于现在")]
    elif dunning.decided_at and sent_at < dunning.decided_at:
        errors["sent_at"] = [_("发送时间不能早于审批时间")]
    note = (note or "").strip()
    check_field_text(Dunning, "sent_note", note, key="note", errors=errors)
    if errors:
        raise ValidationError(errors)
    dunning.status = DunningStatus.SENT
    dunning.sent_at, dunning.sent_by, dunning.sent_via, dunning.sent_note = (
        sent_at, actor.user, via, note,
    )  # fmt: skip
    if dunning.due_at is None:
        dunning.due_at = lawyer_letter_due(dunning.estate, dunning.oldest_due)
    dunning.save(update_fields=["status", "sent_at", "sent_by", "sent_via", "sent_note", "due_at"])
    return dunning


BILLING_SETTINGS_FIELDS = ("lawyer_list_day", "law_firm", "law_firm_address", "lawyer",
                           "lawyer_phone")  # fmt: skip


@transaction.atomic
def billing_settings_update(*, estate: Estate, by, **values) -> BillingSettings:
    """收费设置 of an estate, by finance (FEE-02): the day rooms enter the lawyer's-letter list
    (30–59; FEE-11) and the law firm the 《律师函》 names."""
    actor = _actor(by)
    _check_finance(actor, estate)
    settings_row = BillingSettings.objects.select_for_update().filter(estate=estate).first()
    settings_row = settings_row or BillingSettings(estate=estate)
    errors: dict[str, list] = {}
    for name in BILLING_SETTINGS_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "lawyer_list_day":
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[name] = [_("请填写 30～59 之间的整数")]
                continue
            if not 30 <= value <= 59:
                errors[name] = [_("请填写 30～59 之间的整数：律师函须在逾期60天内发出")]
                continue
        else:
            value = (value or "").strip()
            check_field_text(BillingSettings, name, value, errors=errors)
        setattr(settings_row, name, value)
    if errors:
        raise ValidationError(errors)
    settings_row.updated_at, settings_row.updated_by = timezone.now(), actor.user
    settings_row.save()
    return settings_row


@transaction.atomic
def lawyer_letter_decide(*, dunning: Dunning, approve: bool, note: str, by) -> Dunning:
    """FEE-11: a manager decides, case by case, whether the lawyer's letter is sent."""
    actor = _actor(by)
    dunning = Dunning.objects.select_for_update().get(pk=dunning.pk)
    _check_letter_manager(actor, dunning)
    if dunning.kind != DunningKind.LAWYER_LETTER:
        raise ValidationError({"dunning": [_("只有律师函需要审批")]})
    if dunning.status != DunningStatus.PENDING_APPROVAL:
        raise Conflict(_("该律师函已审批"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写审批意见")]})
    check_field_text(Dunning, "decision_note", note.strip(), key="note")
    dunning.status = DunningStatus.APPROVED if approve else DunningStatus.REJECTED
    dunning.decided_by, dunning.decided_at = actor.user, timezone.now()
    dunning.decision_note = note.strip()
    if dunning.due_at is None:  # listed before the deadline was kept on the case
        dunning.due_at = lawyer_letter_due(dunning.estate, dunning.oldest_due)
    dunning.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "due_at"])
    return dunning


# FEE-13: shown to staff wherever they chase a payment.
COLLECTION_CAUTION = _(
    "催缴须文明礼貌：先核对账单，说明欠费明细和缴费渠道，倾听业主的原因；"
    "不得威胁、辱骂或以停水停电等方式施压，避免与业主发生冲突。"
)


@transaction.atomic
def collection_contact_record(
    *, room: Room, method: str, result: str, by, promised_on: dt.date | None = None
) -> CollectionContact:
    """FEE-09: every phone call, SMS or visit to a debtor, with its result. Customer service
    chases (FEE-02), finance may too."""  # fmt: skip
    actor = _actor(by)
    if not actor.is_superuser and room.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记催收"))
    errors = {}
    if method not in ContactMethod.values:
        errors["method"] = [_("请选择催收方式（电话、短信或上门）")]
    if not result.strip():
        errors["result"] = [_("请填写催收结果")]
    elif len(result) > 200:
        errors["result"] = [_("不能超过 200 字")]
    check_date(promised_on, field="promised_on", label=_("承诺缴费日期"), errors=errors)
    if errors:
        raise ValidationError(errors)
    return CollectionContact.objects.create(
        estate=room.estate, room=room, method=method, result=result.strip(),
        promised_on=promised_on, at=timezone.now(), by=actor.user,
    )  # fmt: skip


@transaction.atomic
def owner_phone_reveal(*, room: Room, resident_id: int, by) -> tuple[str, PhoneReveal]:
    """The full phone number of one of the room's current owners, for a collector to call
    (FEE-09). Every reveal is recorded: who, when, whose number. Staff who do not chase get a
    403 and keep seeing the masked number."""
    actor = _actor(by)
    if not actor.is_superuser and room.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以查看业主电话"))
    occupancy = (
        Occupancy.objects.filter(Occupancy.current_q(), room=room, relation=Relation.OWNER,
                                 resident_id=resident_id)
        .select_related("resident").first()
    )  # fmt: skip
    if occupancy is None:
        raise Http404
    mobile = occupancy.resident.mobile or ""
    if not mobile:
        raise ValidationError({"resident": [_("该业主没有登记电话")]})
    reveal = PhoneReveal.objects.create(
        estate_id=room.estate_id, room=room, resident=occupancy.resident, by=actor.user,
        at=timezone.now(),
    )  # fmt: skip
    return mobile, reveal
