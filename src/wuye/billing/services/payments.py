"""Payments and their allocation to bills, oldest first (FEE-06/07), prepaid credit, and refunds
(never an edit: a new reversing entry, approved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Allocation,
    Bill,
    BillStatus,
    CashierClosing,
    EntryKind,
    LedgerEntry,
    Payment,
    PaymentChannel,
    Refund,
)
from wuye.billing.selectors.fees import exact_sum
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Room
from wuye.core.validators import check_field_text
from wuye.workflow.services import case_number_next

from .common import _actor, _check_finance, _lock, estate_today, money

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
            estate_id=room.estate_id, cashier=actor.user, day=estate_today(room.estate, at)
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


def unallocated_payments(room_id: int) -> list[tuple[Payment, Decimal]]:
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
    for payment, left in unallocated_payments(room_id):
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
    left = dict((p.pk, rest) for p, rest in unallocated_payments(payment.room_id)).get(
        payment.pk, ZERO
    )
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
    left = dict((p.pk, rest) for p, rest in unallocated_payments(payment.room_id)).get(
        payment.pk, ZERO
    )
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
