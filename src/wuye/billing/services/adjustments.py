"""Bill corrections (账单调整): a bill is never edited and a ledger entry never changed. A wrong
bill is voided, a wrong amount is voided and billed again, a decoration deposit is given back —
each asked for by one finance person, approved by another (the finance head or an executive),
and only then written to the room's ledger as new reversing entries (FEE-07: the balance stays the
sum of the entries).

What can be adjusted:

- 作废 / 更正金额: only a bill nothing has been paid on. Money already on a bill stays there; a bill
  paid by mistake is settled by a refund of the owner's credit (``services.refund_request``), not
  by unpicking the payment.
- 退还押金: a deposit bill (装修押金…) paid in full. The ledger gets the deposit's reversal (冲销,
  money no longer owed) and the refund paid out (退款): the balance does not move.

One-off charges (临时收费: a decoration deposit, a key card, a one-off service) are raised here
too, by finance at the counter, from the estate's fixed-amount items.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    AdjustmentKind,
    ApprovalStatus,
    Bill,
    BillAdjustment,
    BillStatus,
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    EntryKind,
    LedgerEntry,
    Refund,
)
from wuye.billing.services.common import _actor, _check_finance, _lock, estate_today, money
from wuye.billing.services.payments import credit_apply
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Room
from wuye.core.scoping import Actor
from wuye.core.validators import check_date, check_field_text
from wuye.workflow.services import case_number_next


def may_approve(actor: Actor, estate_id: int) -> bool:
    """The second person of a refund or a bill adjustment: the finance head or an executive."""
    if actor.is_superuser:
        return True
    if estate_id not in actor.estate_ids:
        return False
    if actor.role == Role.EXECUTIVE:
        return True
    department = getattr(actor.staff, "department", None)
    return actor.role == Role.DEPARTMENT_HEAD and getattr(department, "kind", None) == (
        DepartmentKind.FINANCE
    )


def one_off_items(estate_id: int):
    """The items a cashier may raise by hand: fixed amounts, not the repairs' (those come from
    accepted repair orders) nor the periodic ones (those come from billing runs)."""
    return ChargeItem.objects.filter(
        estate_id=estate_id, is_active=True, basis=ChargeBasis.FIXED
    ).exclude(kind=ChargeKind.REPAIR)


@transaction.atomic
def bill_one_off(
    *, room: Room, item: ChargeItem, amount, due_date: dt.date, by, description: str = ""
) -> Bill:
    """临时收费: one bill for a deposit or a one-off item (FEE-01/04), with its ledger entry;
    numbered LS-<day>-<n> so it is never made twice by a double submit of the same form."""
    actor = _actor(by)
    _check_finance(actor, room.estate)
    if not one_off_items(room.estate_id).filter(pk=item.pk).exists():
        raise ValidationError({"item": [_("请选择本项目的按次收费项目")]})
    amount = money(amount)
    now = timezone.now()
    today = estate_today(room.estate, now)
    check_date(due_date, field="due_date", label=_("缴费截止日"))
    if due_date < today:
        raise ValidationError({"due_date": [_("缴费截止日不能早于今天")]})
    text = (description or "").strip() or item.name
    check_field_text(Bill, "description", text)
    bill = Bill.objects.create(
        estate=room.estate, room=room, item=item, period_start=today, period_end=today,
        description=text, amount=amount, due_date=due_date,
        source_ref=case_number_next(estate=room.estate, prefix="LS", at=now), created_at=now,
    )  # fmt: skip
    _entry(bill, EntryKind.CHARGE, amount, bill.description, actor, now)
    credit_apply(room_id=room.pk, at=now)
    return bill


def _check_unpaid(bill: Bill) -> None:
    if bill.status == BillStatus.VOID:
        raise Conflict(_("该账单已作废"), code="invalid_state")
    if bill.paid_amount > 0 or bill.status != BillStatus.UNPAID:
        raise Conflict(
            _("该账单已有缴款 ¥%(paid)s，不能作废或更正；多收的款项请走退款") % {
                "paid": bill.paid_amount},
            code="invalid_state",
        )  # fmt: skip


def _check_deposit(bill: Bill) -> None:
    if bill.item.kind != ChargeKind.DEPOSIT:
        raise ValidationError({"kind": [_("只有押金类账单可以退还")]})
    if bill.status == BillStatus.RETURNED:
        raise Conflict(_("该押金已退还"), code="invalid_state")
    if bill.status != BillStatus.PAID:
        raise Conflict(_("押金尚未缴清，不能退还"), code="invalid_state")


@transaction.atomic
def adjustment_request(
    *, bill: Bill, kind: str, reason: str, by, new_amount=None
) -> BillAdjustment:
    """Ask to void a bill, correct its amount or give back a deposit (finance: FEE-02/07)."""
    actor = _actor(by)
    _check_finance(actor, bill.estate)
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": [_("请选择调整类型")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调整原因")]})
    check_field_text(BillAdjustment, "reason", reason)
    bill = Bill.objects.select_related("item").get(pk=bill.pk)
    amount = None
    if kind == AdjustmentKind.CORRECT:
        if new_amount in (None, ""):
            raise ValidationError({"new_amount": [_("请填写更正后的金额")]})
        amount = money(new_amount, "new_amount")
        if amount == bill.amount:
            raise ValidationError({"new_amount": [_("更正后的金额与原金额相同")]})
    if kind == AdjustmentKind.DEPOSIT_RETURN:
        _check_deposit(bill)
    else:
        _check_unpaid(bill)
    try:
        with transaction.atomic():
            return BillAdjustment.objects.create(
                bill=bill, kind=kind, new_amount=amount, reason=reason,
                requested_by=actor.user, requested_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("该账单已有待审批的调整申请"), code="pending_exists") from None


@transaction.atomic
def adjustment_decide(*, adjustment: BillAdjustment, approve: bool, by, note: str = ""):
    """The second person approves (the ledger gets the reversing entries) or rejects."""
    actor = _actor(by)
    adjustment = BillAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    bill = Bill.objects.select_related("item", "estate", "room").get(pk=adjustment.bill_id)
    if not may_approve(actor, bill.estate_id):
        if bill.estate_id not in actor.estate_ids and not actor.is_superuser:
            raise Http404
        raise PermissionDenied(_("账单调整须由财务负责人或企业高层审批"))
    if adjustment.requested_by_id == actor.user.pk:
        raise PermissionDenied(_("账单调整不能由申请人本人审批"))
    if adjustment.status != ApprovalStatus.PENDING:
        raise Conflict(_("该申请已处理"), code="invalid_state")
    note = (note or "").strip()
    check_field_text(BillAdjustment, "decision_note", note, key="note")
    now = timezone.now()
    if not approve:
        if not note:
            raise ValidationError({"note": [_("驳回时请填写意见")]})
        adjustment.status = ApprovalStatus.REJECTED
    else:
        _lock(Room, bill.room_id)  # one writer of the room's account at a time
        bill = (
            Bill.objects.select_for_update()
            .select_related("item", "estate", "room")
            .get(pk=bill.pk)
        )
        if adjustment.kind == AdjustmentKind.DEPOSIT_RETURN:
            _check_deposit(bill)
            _return_deposit(bill, adjustment, actor, now)
        else:
            _check_unpaid(bill)  # paid meanwhile: refused, nothing written
            _void(bill, adjustment, actor, now)
            if adjustment.kind == AdjustmentKind.CORRECT:
                adjustment.replacement = _rebill(bill, adjustment, actor, now)
        adjustment.status = ApprovalStatus.APPROVED
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = actor.user, now, note
    adjustment.save()
    if approve and adjustment.kind == AdjustmentKind.CORRECT:
        credit_apply(room_id=bill.room_id, at=now)  # prepaid credit settles the new bill
    return adjustment


def _entry(bill: Bill, kind: str, amount: Decimal, description: str, actor, now) -> None:
    LedgerEntry.objects.create(
        estate=bill.estate, room=bill.room, kind=kind, amount=amount, bill=bill,
        description=description[:200], at=now, by=actor.user,
    )  # fmt: skip


def _void(bill: Bill, adjustment: BillAdjustment, actor, now) -> None:
    bill.status = BillStatus.VOID
    bill.save(update_fields=["status"])
    parts = {"bill": bill.description, "reason": adjustment.reason}
    text = _("作废：%(bill)s（%(reason)s）") % parts
    _entry(bill, EntryKind.VOID, -bill.amount, text, actor, now)


def _rebill(bill: Bill, adjustment: BillAdjustment, actor, now) -> Bill:
    """The corrected bill: same room, item and period, the new amount; named by the adjustment
    (so the periodic bill's uniqueness is kept by the voided original)."""
    new = Bill.objects.create(
        estate=bill.estate, room=bill.room, item=bill.item, period_start=bill.period_start,
        period_end=bill.period_end, description=_("%(bill)s（更正）") % {"bill": bill.description},
        amount=adjustment.new_amount, due_date=bill.due_date,
        source_ref=f"TZ{adjustment.pk}", notified_at=bill.notified_at,
        notified_via=bill.notified_via, created_at=now,
    )  # fmt: skip
    _entry(new, EntryKind.CHARGE, new.amount,
           _("更正：%(bill)s") % {"bill": new.description}, actor, now)  # fmt: skip
    return new


def _return_deposit(bill: Bill, adjustment: BillAdjustment, actor, now) -> None:
    bill.status = BillStatus.RETURNED
    bill.save(update_fields=["status"])
    _entry(bill, EntryKind.VOID, -bill.amount,
           _("押金冲销：%(bill)s") % {"bill": bill.description}, actor, now)  # fmt: skip
    _entry(bill, EntryKind.REFUND, bill.amount,
           _("退还押金：%(reason)s") % {"reason": adjustment.reason}, actor, now)  # fmt: skip


@transaction.atomic
def refund_reject(*, refund, by):
    """The approver turns a refund request down: nothing is written to the ledger."""
    actor = _actor(by)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
    if not may_approve(actor, refund.payment.estate_id):
        if refund.payment.estate_id not in actor.estate_ids and not actor.is_superuser:
            raise Http404
        raise PermissionDenied(_("退款须由财务负责人或企业高层审批"))
    if refund.status != "pending":
        raise Conflict(_("该退款已处理"), code="invalid_state")
    refund.status, refund.approved_by, refund.approved_at = "rejected", actor.user, timezone.now()
    refund.save(update_fields=["status", "approved_by", "approved_at"])
    return refund
