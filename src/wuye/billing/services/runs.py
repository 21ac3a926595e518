"""Billing runs (FEE-04): a month's periodic bills of an estate, previewed, then posted in batches
by the job, with their ledger charges; bills from other documents (one-off charges, move-in
fees)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Bill,
    BillingRun,
    BillingRunStatus,
    BillStatus,
    ChargeBasis,
    ChargeItem,
    EntryKind,
    LedgerEntry,
    Rate,
)
from wuye.billing.selectors.fees import ownership_spans
from wuye.core.choices import Relation
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Occupancy, Room
from wuye.core.validators import check_date, check_field_text

from .charges import charge_item_get_or_create, periodic_amount, rate_at
from .common import NOTICE_DAYS, PERIODIC, _actor, _check_finance, _lock, estate_today, log
from .payments import _rooms_with_credit, credit_apply

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


def billed_coverage(room_ids, item_ids, period_start: dt.date, period_end: dt.date) -> dict:
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


def uncovered_spans(spans: list, covered: list) -> list:
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
    spans = ownership_spans(estate, period_start, period_end)
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
        billed_coverage([r[0] for r in rooms], [i.pk for i in items], period_start, period_end)
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
            spans = uncovered_spans(owned, other) if other else owned
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
    return (due_date - estate_today(estate, now or timezone.now())).days < NOTICE_DAYS


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
    other = billed_coverage([room.pk], [item.pk], period_start, period_end).get((room.pk, item.pk))
    spans = [(period_start, period_end)]
    spans = uncovered_spans(spans, other) if other else spans
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
