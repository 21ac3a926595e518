"""Fees through the service layer, with frozen time: rates, billing runs, payments and their
allocation, prepaid credit, refunds, the gateway's callbacks and the payment notice."""

import datetime as dt
import itertools
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OccupancyFactory, make_staff
from wuye.billing import services
from wuye.billing.models import (
    Allocation,
    Bill,
    CallbackLog,
    ChargeBasis,
    ChargeItem,
    LedgerEntry,
    LedgerImmutable,
    Payment,
)
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.notify.models import Message

SH = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def finance(world):
    return make_staff(world.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip


@pytest.fixture
def fee(world, finance):
    """物业服务费 2.50 元/㎡·月 from 2026-01-01."""
    item = ChargeItem.objects.create(estate=world.estate, name="物业服务费", kind="property_fee",
                                     basis=ChargeBasis.PER_M2_MONTH)  # fmt: skip
    services.rate_set(item=item, amount="2.50", effective_from=dt.date(2026, 1, 1),
                      by=finance.user)  # fmt: skip
    return item


# FEE-05: a due date less than 15 days away needs a confirmed reason. The fixtures bill past
# and near periods to set up overdue cases, so they give one (unused when the notice is long).
BACKFILL = "补录历史账期（测试数据）"


def run(world, finance, start="2026-12-01", end="2026-12-31", due="2026-12-31", reason=BACKFILL):
    return services.billing_run(
        estate=world.estate, period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end), due_date=dt.date.fromisoformat(due),
        by=finance.user, short_notice_reason=reason,
    )  # fmt: skip


def balance(room) -> Decimal:
    return services.room_balance(room.pk)


def entries_sum(room) -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.filter(room=room)), D("0"))


# --- Rates and runs (FEE-01/04) ----------------------------------------------------------------


def test_a_monthly_run_bills_each_owned_room_by_area__FEE_04(world, finance, fee):
    world.room.area = D("89.50")
    world.room.save()
    result = run(world, finance)
    bill = Bill.objects.get(room=world.room)
    assert bill.amount == D("223.75")  # 89.50 m² × 2.50
    assert bill.description == "物业服务费 2026-12" and bill.status == "unpaid"
    assert result.bills_created == Bill.objects.count() and result.status == "done"
    assert balance(world.room) == D("223.75") == entries_sum(world.room)


def test_a_run_twice_bills_once(world, finance, fee):
    first = run(world, finance)
    second = run(world, finance)
    assert first.bills_created >= 1 and second.bills_created == 0
    assert Bill.objects.filter(room=world.room).count() == 1


def test_the_preview_writes_nothing(world, finance, fee):
    preview = services.billing_preview(
        estate=world.estate, period_start=dt.date(2026, 12, 1), period_end=dt.date(2026, 12, 31),
        due_date=dt.date(2026, 12, 31), by=finance.user,
    )  # fmt: skip
    assert preview.bills >= 1 and preview.amount > 0
    assert not Bill.objects.exists() and not LedgerEntry.objects.exists()


def test_a_new_rate_never_rewrites_old_bills(world, finance, fee):
    run(world, finance)
    old = Bill.objects.get(room=world.room).amount
    services.rate_set(item=fee, amount="3.00", effective_from=dt.date(2027, 1, 1), by=finance.user)
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    dec, jan = Bill.objects.filter(room=world.room).order_by("period_start")
    assert dec.amount == old and jan.amount == (world.room.area * D("3.00")).quantize(D("0.01"))


def test_a_half_year_bill_is_prorated_for_an_owner_who_moved_in_mid_month(world, finance, fee):
    room = world.room2  # lived in by a tenant; the owner bought it on 16 February
    room.area = D("100")
    room.save()
    OccupancyFactory(room=room, relation=Relation.OWNER, start_date=dt.date(2027, 2, 16))
    run(world, finance, "2027-01-01", "2027-06-30", "2027-01-31")
    bill = Bill.objects.get(room=room)
    # February: 13 of 28 days; March to June in full: 250 × (13/28 + 4) = 1,116.07
    assert bill.amount == D("1116.07")


def test_bad_periods_and_people_are_refused(world, finance, fee):
    with pytest.raises(ValidationError) as err:
        run(world, finance, "2026-12-02", "2026-12-30", "2026-11-01")
    assert {"period_start", "period_end", "due_date"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):  # FEE-02: finance calculates, not the desk
        services.billing_run(estate=world.estate, period_start=dt.date(2026, 12, 1),
                             period_end=dt.date(2026, 12, 31), due_date=dt.date(2026, 12, 31),
                             by=world.agent.user)  # fmt: skip
    assert not Bill.objects.exists()


# --- Payments, allocation, credit (FEE-06/07) ---------------------------------------------------


def three_bills(world, finance, fee):
    for month in ("2026-10", "2026-11", "2026-12"):
        m = int(month.split("-")[1])
        last = 31 if m in (10, 12) else 30
        run(world, finance, f"{month}-01", f"{month}-{last}", f"{month}-{last}")
    return list(Bill.objects.filter(room=world.room).order_by("period_start"))


def test_a_payment_settles_the_oldest_bills_first_and_marks_them_paid__FEE_07(world, finance, fee):
    oct_, nov, dec = three_bills(world, finance, fee)
    half = (nov.amount / 2).quantize(D("0.01"))
    services.payment_record(room=world.room, amount=oct_.amount + half,
                            channel="cash", by=finance.user)  # fmt: skip
    oct_.refresh_from_db()
    nov.refresh_from_db()
    dec.refresh_from_db()
    assert (oct_.status, nov.status, dec.status) == ("paid", "partial", "unpaid")
    assert nov.paid_amount == half
    assert balance(world.room) == entries_sum(world.room) == nov.amount - half + dec.amount


def test_overpayment_becomes_credit_that_the_next_bill_takes(world, finance, fee):
    services.payment_record(room=world.room, amount="1000.00", channel="bank", by=finance.user)
    assert balance(world.room) == D("-1000.00")  # prepaid
    run(world, finance)
    bill = Bill.objects.get(room=world.room)
    assert bill.status == "paid"
    assert balance(world.room) == bill.amount - D("1000.00")


def test_the_payer_may_choose_the_bills(world, finance, fee):
    oct_, _nov, dec = three_bills(world, finance, fee)
    services.payment_record(room=world.room, amount=dec.amount, channel="wechat",
                            by=finance.user, bills=[dec.pk], exact=True)  # fmt: skip
    dec.refresh_from_db()
    oct_.refresh_from_db()
    assert dec.status == "paid" and oct_.status == "unpaid"


def test_a_second_cashier_cannot_collect_a_settled_bill_again(world, finance, fee):
    (bill,) = [b for b in three_bills(world, finance, fee)][:1]
    services.payment_record(room=world.room, amount=bill.amount, channel="cash",
                            by=finance.user, bills=[bill.pk], exact=True)  # fmt: skip
    with pytest.raises(Conflict):
        services.payment_record(room=world.room, amount=bill.amount, channel="pos",
                                by=finance.user, bills=[bill.pk], exact=True)  # fmt: skip
    assert Payment.objects.count() == 1


def test_bad_amounts_are_refused_and_change_nothing(world, finance, fee):
    for amount in ("0", "-5", "1.001", "abc", "NaN", "Infinity"):
        with pytest.raises(ValidationError):
            services.payment_record(room=world.room, amount=amount, channel="cash",
                                    by=finance.user)  # fmt: skip
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_the_ledger_is_immutable(world, finance, fee):
    run(world, finance)
    entry = LedgerEntry.objects.first()
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.all().delete()


def test_payments_and_allocations_are_append_only_too(world, finance, fee):
    run(world, finance)
    payment = services.payment_record(room=world.room, amount="100.00", channel="cash",
                                      by=finance.user)  # fmt: skip
    with pytest.raises(LedgerImmutable):
        Payment.objects.filter(pk=payment.pk).update(amount="1.00")
    with pytest.raises(LedgerImmutable):
        payment.save()
    with pytest.raises(LedgerImmutable):
        payment.delete()
    with pytest.raises(LedgerImmutable):
        Allocation.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        Allocation.objects.first().save()
    assert Payment.objects.get().amount == Decimal("100.00")


# --- Refunds: a reversing entry, approved by someone else ---------------------------------------


def test_credit_is_refunded_only_with_a_second_persons_approval(world, finance, fee):
    payment = services.payment_record(room=world.room, amount="300.00", channel="cash",
                                      by=finance.user)  # fmt: skip
    with pytest.raises(ValidationError):  # more than the credit
        services.refund_request(payment=payment, amount="301", reason="多缴", by=finance.user)
    refund = services.refund_request(payment=payment, amount="100", reason="多缴",
                                     by=finance.user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.refund_approve(refund=refund, by=finance.user)
    services.refund_approve(refund=refund, by=world.exec.user)
    assert balance(world.room) == D("-200.00") == entries_sum(world.room)
    with pytest.raises(Conflict):
        services.refund_approve(refund=refund, by=world.exec.user)


# --- Online payments and callbacks -------------------------------------------------------------


def order_for(world, finance, fee):
    run(world, finance)
    return services.gateway_order_create(room=world.room, channel="wechat",
                                         by=world.owner.user)  # fmt: skip


def test_a_signed_callback_credits_once_however_often_it_comes(client, world, finance, fee):
    order = order_for(world, finance, fee)
    body, signature = services.gateway_simulate_payment(order)
    for _ in range(3):
        r = client.post("/billing/gateway/callback", json.dumps(body),
                        content_type="application/json",
                        HTTP_X_WUYE_SIGNATURE=signature)  # fmt: skip
        assert r.status_code == 200 and r.json()["code"] == "SUCCESS"
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.status == "paid" and Bill.objects.get().status == "paid"
    assert balance(world.room) == D("0.00")


@pytest.mark.parametrize("tamper", ["signature", "amount", "order", "body"])
def test_bad_callbacks_are_refused_logged_and_change_nothing(client, world, finance, fee, tamper):
    order = order_for(world, finance, fee)
    body, signature = services.gateway_simulate_payment(order)
    raw = json.dumps(body)
    if tamper == "signature":
        signature = "0" * 64
    elif tamper == "amount":
        body["amount"] = "0.01"
        signature = services.gateway_sign(body)  # correctly signed, wrong amount
        raw = json.dumps(body)
    elif tamper == "order":
        body["out_trade_no"] = "WY-NOT-OURS"
        signature = services.gateway_sign(body)
        raw = json.dumps(body)
    else:
        raw = "{not json"
    r = client.post("/billing/gateway/callback", raw, content_type="application/json",
                    HTTP_X_WUYE_SIGNATURE=signature)  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "FAIL"
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == "created"
    if tamper != "body":
        assert CallbackLog.objects.filter(accepted=False).count() == 1


# --- Notices (FEE-05) --------------------------------------------------------------------------


def test_the_owner_is_told_15_days_before_the_due_date__FEE_05(world, finance, fee, frozen):
    from tests.factories import make_resident_user  # noqa: F401 - the owner has a login

    run(world, finance, due="2026-12-31")
    frozen.move_to(at("2026-12-15 09:00"), tick=False)
    assert services.bill_notify_due() == 0  # 16 days ahead: not yet
    frozen.move_to(at("2026-12-16 09:00"), tick=False)
    assert services.bill_notify_due() >= 1
    assert services.bill_notify_due() == 0  # once
    bill = Bill.objects.get(room=world.room)
    assert bill.notified_at == at("2026-12-16 09:00") and "sms" in bill.notified_via
    sent = Message.objects.filter(template="bill_notice", recipient=world.owner.user)
    assert {m.channel for m in sent} == {"inbox", "sms"}
    assert str(bill.amount) in sent.first().body and "2026-12-31" in sent.first().body


# --- The ledger's arithmetic, for any sequence (hypothesis) -------------------------------------

ROOMS = itertools.count(1)
amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("bill"), amounts),
        st.tuples(st.just("pay"), amounts),
        st.tuples(st.just("pay_first"), amounts),
        st.tuples(st.just("refund"), amounts),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(ops=operations)
def test_balance_is_the_sum_of_entries_and_no_bill_is_over_allocated(world, finance, ops):
    room = world.room
    # Each example starts from an empty account: a fresh room of the estate.
    from tests.factories import RoomFactory

    room = RoomFactory(unit=world.room.unit, number=f"H{next(ROOMS)}")
    billed = paid = refunded = D("0")
    for n, (kind, amount) in enumerate(ops):
        if kind == "bill":
            services.bill_from_source(
                estate=world.estate, room=room, kind="one_off", item_name="其他收费",
                source_ref=f"T{room.pk}-{n}", description="测试收费", amount=amount,
                at=at("2026-11-26 10:00"),
            )  # fmt: skip
            billed += amount
        elif kind in ("pay", "pay_first"):
            first = Bill.objects.filter(room=room, status__in=("unpaid", "partial")).first()
            bills = [first.pk] if kind == "pay_first" and first else None
            services.payment_record(room=room, amount=amount, channel="cash", by=finance.user,
                                    bills=bills)  # fmt: skip
            paid += amount
        else:
            credit = -services.room_balance(room.pk)
            payment = Payment.objects.filter(room=room).order_by("-id").first()
            if payment is None or credit <= 0:
                continue
            try:
                refund = services.refund_request(payment=payment, amount=min(amount, credit),
                                                 reason="测试", by=finance.user)  # fmt: skip
            except ValidationError:
                continue  # that payment's own credit is smaller: refused, nothing changed
            services.refund_approve(refund=refund, by=world.exec.user)
            refunded += refund.amount
        # The invariants, after every step:
        assert services.room_balance(room.pk) == entries_sum(room) == billed - paid + refunded
        for bill in Bill.objects.filter(room=room):
            allocated = sum((a.amount for a in Allocation.objects.filter(bill=bill)), D("0"))
            assert allocated == bill.paid_amount <= bill.amount
        for payment in Payment.objects.filter(room=room):
            used = sum((a.amount for a in payment.allocations.all()), D("0"))
            assert used <= payment.amount
    # Nothing owed while there is credit, and no credit left while a bill is open.
    owed = sum((b.amount - b.paid_amount for b in Bill.objects.filter(room=room)), D("0"))
    credit = sum((left for _p, left in services.unallocated_payments(room.pk)), D("0"))
    assert owed == 0 or credit == 0


def test_credit_smaller_than_the_new_bill_still_goes_onto_it(world, finance, fee):
    """The run reads which rooms have credit before posting: a 50 元 credit under a larger new
    bill is not hidden by the bill's charge."""
    services.payment_record(room=world.room, amount="50.00", channel="cash", by=finance.user)
    run(world, finance)
    bill = Bill.objects.get(room=world.room)
    assert bill.amount > D("50.00") and bill.paid_amount == D("50.00")
    assert bill.status == "partial" and balance(world.room) == bill.amount - D("50.00")
