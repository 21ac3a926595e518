"""Bill corrections through the service: void, corrected amount and deposit return, each asked
by one finance person and approved by another, written as new reversing ledger entries (FEE-07);
and one-off charges (deposits, one-off items) raised at the counter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.billing.test_fees import entries_sum, run
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import Bill, BillAdjustment, ChargeBasis, ChargeItem, LedgerEntry
from wuye.billing.services import adjustments
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict

D = Decimal


@pytest.fixture
def head(world):
    return make_staff(world.company, "finhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip


@pytest.fixture
def bill(world, finance, fee):
    run(world, finance)
    return Bill.objects.get(room=world.room)


@pytest.fixture
def deposit_item(world):
    return ChargeItem.objects.create(estate=world.estate, name="装修押金", kind="deposit",
                                     basis=ChargeBasis.FIXED)  # fmt: skip


def test_a_void_needs_a_second_person_and_then_reverses_the_charge__FEE_07(
    world, finance, head, bill
):
    before = services.room_balance(world.room.pk)
    assert before == bill.amount
    request = adjustments.adjustment_request(bill=bill, kind="void", reason="面积录错",
                                             by=finance.user)  # fmt: skip
    bill.refresh_from_db()
    assert bill.status == "unpaid" and services.room_balance(world.room.pk) == before
    with pytest.raises(PermissionDenied, match="财务负责人"):
        adjustments.adjustment_decide(adjustment=request, approve=True, by=finance.user)
    adjustments.adjustment_decide(adjustment=request, approve=True, by=head.user)
    bill.refresh_from_db()
    assert bill.status == "void"
    void = LedgerEntry.objects.get(room=world.room, kind="void")
    assert void.amount == -bill.amount and "面积录错" in void.description
    assert services.room_balance(world.room.pk) == 0 == entries_sum(world.room)
    with pytest.raises(Conflict):
        adjustments.adjustment_decide(adjustment=request, approve=True, by=world.exec.user)


def test_a_correction_voids_the_bill_and_bills_the_new_amount(world, finance, head, bill):
    request = adjustments.adjustment_request(bill=bill, kind="correct", new_amount="100.50",
                                             reason="按新面积", by=finance.user)  # fmt: skip
    done = adjustments.adjustment_decide(adjustment=request, approve=True, by=head.user)
    new = done.replacement
    assert new.amount == D("100.50") and new.status == "unpaid"
    assert (new.room, new.item, new.period_start) == (bill.room, bill.item, bill.period_start)
    assert services.room_balance(world.room.pk) == D("100.50") == entries_sum(world.room)


def test_the_next_payment_settles_the_corrected_bill_not_the_voided_one(world, finance, head, bill):
    request = adjustments.adjustment_request(bill=bill, kind="correct", new_amount="80.00",
                                             reason="按新面积", by=finance.user)  # fmt: skip
    done = adjustments.adjustment_decide(adjustment=request, approve=True, by=head.user)
    services.payment_record(room=world.room, amount="100.00", channel="cash", by=finance.user)
    done.replacement.refresh_from_db()
    bill.refresh_from_db()
    assert done.replacement.status == "paid" and bill.paid_amount == 0
    assert services.room_balance(world.room.pk) == D("-20.00") == entries_sum(world.room)


def test_a_bill_with_money_on_it_cannot_be_voided(world, finance, head, bill):
    services.payment_record(room=world.room, amount="10.00", channel="cash", by=finance.user)
    with pytest.raises(Conflict, match="已有缴款"):
        adjustments.adjustment_request(bill=bill, kind="void", reason="错", by=finance.user)
    assert not BillAdjustment.objects.exists()


def test_a_payment_between_request_and_approval_blocks_the_void(world, finance, head, bill):
    request = adjustments.adjustment_request(bill=bill, kind="void", reason="错", by=finance.user)
    services.payment_record(room=world.room, amount="10.00", channel="cash", by=finance.user)
    entries = LedgerEntry.objects.count()
    with pytest.raises(Conflict, match="已有缴款"):
        adjustments.adjustment_decide(adjustment=request, approve=True, by=head.user)
    request.refresh_from_db()
    bill.refresh_from_db()
    assert request.status == "pending" and bill.status == "partial"
    assert LedgerEntry.objects.count() == entries


def test_bad_requests_are_refused_and_change_nothing(world, finance, head, bill):
    cases = [
        ({"kind": "void", "reason": " "}, ValidationError),
        ({"kind": "nonsense", "reason": "x"}, ValidationError),
        ({"kind": "correct", "reason": "x"}, ValidationError),
        ({"kind": "correct", "reason": "x", "new_amount": "-3"}, ValidationError),
        ({"kind": "correct", "reason": "x", "new_amount": str(bill.amount)}, ValidationError),
        ({"kind": "deposit_return", "reason": "x"}, ValidationError),
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            adjustments.adjustment_request(bill=bill, by=finance.user, **kwargs)
    with pytest.raises(PermissionDenied):
        adjustments.adjustment_request(bill=bill, kind="void", reason="x", by=world.agent.user)
    assert not BillAdjustment.objects.exists()
    adjustments.adjustment_request(bill=bill, kind="void", reason="x", by=finance.user)
    with pytest.raises(Conflict, match="待审批"):
        adjustments.adjustment_request(bill=bill, kind="void", reason="y", by=finance.user)


def test_the_head_cannot_approve_their_own_request(world, head, bill):
    request = adjustments.adjustment_request(bill=bill, kind="void", reason="x", by=head.user)
    with pytest.raises(PermissionDenied, match="申请人本人"):
        adjustments.adjustment_decide(adjustment=request, approve=True, by=head.user)


def test_a_rejection_needs_a_note_and_leaves_the_bill(world, finance, head, bill):
    request = adjustments.adjustment_request(bill=bill, kind="void", reason="x", by=finance.user)
    with pytest.raises(ValidationError):
        adjustments.adjustment_decide(adjustment=request, approve=False, by=head.user)
    done = adjustments.adjustment_decide(adjustment=request, approve=False, note="面积无误",
                                         by=head.user)  # fmt: skip
    bill.refresh_from_db()
    assert done.status == "rejected" and bill.status == "unpaid"
    assert not LedgerEntry.objects.filter(kind="void").exists()


def test_a_cashier_or_agent_cannot_approve(world, finance, head, bill):
    other = make_staff(world.company, "finance2", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                       [world.estate])  # fmt: skip
    request = adjustments.adjustment_request(bill=bill, kind="void", reason="x", by=finance.user)
    for person in (other, world.agent):
        with pytest.raises(PermissionDenied):
            adjustments.adjustment_decide(adjustment=request, approve=True, by=person.user)


def test_a_deposit_is_charged_paid_and_given_back_with_approval(world, finance, head, deposit_item):
    deposit = adjustments.bill_one_off(room=world.room, item=deposit_item, amount="2000",
                                       due_date=dt.date(2026, 11, 30), description="装修押金",
                                       by=finance.user)  # fmt: skip
    assert deposit.source_ref.startswith("LS-20261126-")
    with pytest.raises(Conflict, match="尚未缴清"):
        adjustments.adjustment_request(bill=deposit, kind="deposit_return", reason="验收合格",
                                       by=finance.user)  # fmt: skip
    services.payment_record(room=world.room, amount="2000", channel="pos", by=finance.user)
    request = adjustments.adjustment_request(bill=deposit, kind="deposit_return",
                                             reason="装修验收合格", by=finance.user)  # fmt: skip
    adjustments.adjustment_decide(adjustment=request, approve=True, by=world.exec.user)
    deposit.refresh_from_db()
    assert deposit.status == "returned"
    kinds = sorted(LedgerEntry.objects.filter(bill=deposit).values_list("kind", "amount"))
    assert kinds == [("charge", D("2000.00")), ("refund", D("2000.00")), ("void", D("-2000.00"))]
    assert services.room_balance(world.room.pk) == 0 == entries_sum(world.room)
    with pytest.raises(Conflict, match="已退还"):
        adjustments.adjustment_request(bill=deposit, kind="deposit_return", reason="再退",
                                       by=finance.user)  # fmt: skip


def test_one_off_charges_take_only_fixed_items_and_a_due_date_not_past(
    world, finance, fee, deposit_item
):
    with pytest.raises(ValidationError) as error:  # a periodic item
        adjustments.bill_one_off(room=world.room, item=fee, amount="10",
                                 due_date=dt.date(2026, 12, 1), by=finance.user)  # fmt: skip
    assert "item" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        adjustments.bill_one_off(room=world.room, item=deposit_item, amount="10",
                                 due_date=dt.date(2026, 11, 25), by=finance.user)  # fmt: skip
    assert "due_date" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        adjustments.bill_one_off(room=world.room, item=deposit_item, amount="10",
                                 due_date=dt.date(2026, 12, 1), by=world.agent.user)  # fmt: skip
    assert not Bill.objects.exists() and not LedgerEntry.objects.exists()
