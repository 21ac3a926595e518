"""The gate's rules on the services: known owners pass, temporary cars get a card, pay the
estate's fee before their exit is recorded, odd reads are left to resolve."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.security.vehicles_helpers import (
    at,
    make_guard,
    make_temp_area,
    owner_car,
    pass_rate,
    set_rule,
)
from wuye.billing.services.parking import parking_fee
from wuye.core.exceptions import Conflict
from wuye.security.choices import GateDirection, GateOutcome, StayStatus
from wuye.security.models import GateEvent, ParkingStay
from wuye.security.services import gates, stays, vehicles

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(world):
    return make_guard(world)


@pytest.fixture
def temp_area(world):
    return make_temp_area(world)


def _in(world, guard, plate):
    return gates.gate_event_manual(estate=world.estate, direction=GateDirection.ENTRY,
                                   plate=plate, by=guard.user)  # fmt: skip


def _out(world, guard, plate):
    return gates.gate_event_manual(estate=world.estate, direction=GateDirection.EXIT,
                                   plate=plate, by=guard.user)  # fmt: skip


def _expected(rule, minutes: int) -> Decimal:
    """The rule read independently: per started hour past the free minutes, capped per day."""
    if minutes <= rule.free_minutes:
        return Decimal("0.00")
    days, rest = divmod(minutes, 24 * 60)
    window = lambda m: min(rule.per_hour * math.ceil(m / 60), rule.daily_cap or 10**9)  # noqa: E731
    return (days * window(24 * 60) + (window(rest) if rest else 0)).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("per_hour", "cap", "free", "entered", "left"),
    [
        ("2", "20", 15, (2026, 12, 7, 9, 0), (2026, 12, 7, 11, 10)),
        ("5", "30", 30, (2026, 12, 7, 22, 50), (2026, 12, 8, 1, 0)),  # across midnight
        ("3", "25", 0, (2026, 12, 31, 23, 0), (2027, 1, 1, 1, 10)),  # a year and month end
    ],
)
def test_temporary_car_2h10m_pays_the_estate_rules_fee_before_its_exit__VEHICLE_06_07_11(
    world, guard, per_hour, cap, free, entered, left
):
    """Done-when: a temporary car 2 h 10 min in the car park pays the estate rule's fee before
    its exit is recorded — whatever the rule says, across midnight too."""
    rule = set_rule(world, per_hour=per_hour, daily_cap=cap, free_minutes=free)
    with time_machine.travel(at(*entered), tick=False):
        entry = _in(world, guard, "沪C·d1234")
    stay = entry.event.stay
    assert entry.event.outcome == GateOutcome.TEMPORARY_IN
    assert stay.card_no.startswith("TC") and stay.entered_at == at(*entered)  # VEHICLE-11
    with time_machine.travel(at(*left), tick=False):
        refused = _out(world, guard, "沪CD1234")
        fee = _expected(rule, 130)
        assert fee == parking_fee(estate=world.estate, entered_at=at(*entered), left_at=at(*left))
        assert fee > 0
        assert refused.event.outcome == GateOutcome.UNPAID and not refused.open_barrier
        assert refused.event.amount_due == fee
        stay.refresh_from_db()
        assert stay.status == StayStatus.INSIDE and stay.left_at is None  # no exit recorded
        paid = stays.stay_pay(stay=stay, channel="cash", by=guard.user)
        assert paid.paid_amount == fee and paid.fee == fee
        leaving = _out(world, guard, "沪CD1234")
    assert leaving.event.outcome == GateOutcome.PAID_OUT and leaving.open_barrier
    stay.refresh_from_db()
    assert stay.status == StayStatus.LEFT and stay.left_at == at(*left) and stay.fee == fee


def test_paid_car_late_at_the_exit_pays_the_extra_time__VEHICLE_06(world, guard):
    set_rule(world)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        stay = _in(world, guard, "京B12345").event.stay
    with time_machine.travel(at(2026, 12, 7, 10, 30), tick=False):
        stays.stay_pay(stay=stay, channel="cash", by=guard.user)  # 2 hours: 4.00
    with time_machine.travel(at(2026, 12, 7, 11, 20), tick=False):
        late = _out(world, guard, "京B12345")
    assert late.event.outcome == GateOutcome.UNPAID and late.event.amount_due == Decimal("2.00")


def test_a_short_stay_within_the_free_minutes_leaves_free__VEHICLE_07(world, guard):
    set_rule(world, free_minutes=15)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        _in(world, guard, "京B12345")
    with time_machine.travel(at(2026, 12, 7, 9, 14), tick=False):
        out = _out(world, guard, "京B12345")
    assert out.event.outcome == GateOutcome.FREE_OUT and out.open_barrier


def test_owner_car_with_a_valid_monthly_pass_enters_and_leaves_freely__VEHICLE_08_10(world, guard):
    set_rule(world)
    pass_rate(world, "300")
    car = owner_car(world, "粤B·D12345", space=False)
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False):
        monthly = vehicles.monthly_pass_create(vehicle=car, start=dt.date(2026, 12, 1), months=1,
                                               by=world.agent.user)  # fmt: skip
    assert monthly.end == dt.date(2026, 12, 31) and monthly.amount == Decimal("300.00")
    assert monthly.bill.room == world.room and monthly.bill.amount == Decimal("300.00")
    with time_machine.travel(at(2026, 12, 31, 23, 0), tick=False):
        assert _in(world, guard, "粤BD12345").event.outcome == GateOutcome.OWNER
    # The pass ends with December: on January 1st the car is a temporary one.
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        out = _out(world, guard, "粤BD12345")
    assert out.event.outcome == GateOutcome.NO_ENTRY
    assert not ParkingStay.objects.filter(status=StayStatus.INSIDE).exists()


def test_monthly_pass_needs_finance_rate_and_bills_whole_months__VEHICLE_08(world):
    car = owner_car(world, space=False)
    with pytest.raises(ValidationError) as exc:
        vehicles.monthly_pass_create(vehicle=car, start=dt.date(2026, 11, 15), months=3,
                                     by=world.agent.user)  # fmt: skip
    assert "start" in exc.value.message_dict
    pass_rate(world, "280")
    three = vehicles.monthly_pass_create(vehicle=car, start=dt.date(2026, 11, 15), months=3,
                                         by=world.agent.user)  # fmt: skip
    assert (three.end, three.amount) == (dt.date(2027, 2, 14), Decimal("840.00"))
    with pytest.raises(ValidationError):  # overlaps
        vehicles.monthly_pass_create(vehicle=car, start=dt.date(2027, 2, 1), months=1,
                                     by=world.agent.user)  # fmt: skip


def test_owner_car_on_its_own_space_passes__VEHICLE_10(world, guard):
    owner_car(world, "京A12345")
    result = _in(world, guard, "京a 12345")
    assert result.event.outcome == GateOutcome.OWNER and result.event.stay is None


def test_customer_service_registers_the_ledger_not_the_guard__VEHICLE_02_09(world, guard):
    with pytest.raises(PermissionDenied):
        vehicles.vehicle_register(estate=world.estate, plate="京A12345", by=guard.user)
    car = owner_car(world)
    assert (car.plate, car.owner, car.room, car.parking_space.number) == (
        "京A12345", world.owner, world.room, "B1-001")  # fmt: skip
    with pytest.raises(ValidationError):  # the same plate twice
        vehicles.vehicle_register(estate=world.estate, plate="京A·12345", by=world.agent.user)


@pytest.mark.parametrize(
    ("text", "plate", "kind"),
    [
        ("京A·12345", "京A12345", "fuel"),
        ("京a 1234学", "京A1234学", "fuel"),
        ("粤B D12345", "粤BD12345", "new_energy"),
        ("沪A12345F", "沪A12345F", "new_energy"),
        ("苏Ｅ·ＡＢ１２３", "苏EAB123", "fuel"),
    ],
)
def test_plates_normalised_and_checked__VEHICLE_10(text, plate, kind):
    assert vehicles.plate_clean(text) == plate
    assert vehicles.plate_kind(plate) == kind


@pytest.mark.parametrize("text", ["", "A12345", "京12345", "京A1234", "京AI2345", "京A1234567",
                                  "XX12345", "京A12O45"])  # fmt: skip
def test_bad_plates_refused__VEHICLE_10(text):
    with pytest.raises(ValidationError):
        vehicles.plate_clean(text)


def test_second_entry_of_a_car_inside_opens_no_second_card__VEHICLE_11(world, guard):
    set_rule(world)
    first = _in(world, guard, "京B12345")
    again = _in(world, guard, "京B12345")
    assert again.event.outcome == GateOutcome.ALREADY_INSIDE
    assert again.event.stay == first.event.stay
    assert ParkingStay.objects.count() == 1


def test_exit_without_entry_and_old_stays_are_resolved_with_a_reason__VEHICLE_03(world, guard):
    set_rule(world)
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        old = _in(world, guard, "京B12345").event.stay
        lost = _out(world, guard, "京C54321").event.stay
    assert lost.status == StayStatus.NO_ENTRY
    with time_machine.travel(at(2026, 12, 5, 20, 0), tick=False):
        with pytest.raises(Conflict):  # inside less than a day: nothing to resolve yet
            stays.stay_resolve(stay=old, reason="已离场", by=guard.user)
    with time_machine.travel(at(2026, 12, 6, 10, 0), tick=False):
        with pytest.raises(ValidationError):
            stays.stay_resolve(stay=old, reason=" ", by=guard.user)
        done = stays.stay_resolve(stay=old, reason="识别漏拍，车辆已于昨晚离场", by=guard.user)
        stays.stay_resolve(stay=lost, reason="入口识别失败，已补收", by=guard.user)
    assert done.status == StayStatus.RESOLVED and done.resolved_by == guard.user


def test_steps_run_entry_guided_exit_settled_recorded__VEHICLE_01_03_05(world, guard, temp_area):
    """Entry → guided to a temporary area → exit refused until settled → recorded."""
    set_rule(world)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        entry = _in(world, guard, "京B12345")
    assert entry.event.stay.area == temp_area  # VEHICLE-05
    from wuye.security.selectors.vehicles import parking_guidance

    assert parking_guidance(world.estate.pk).temporary_free == 2
    with time_machine.travel(at(2026, 12, 7, 10, 0), tick=False):
        assert _out(world, guard, "京B12345").event.outcome == GateOutcome.UNPAID
        stays.stay_pay(stay=entry.event.stay, channel="wechat", reference="4200001",
                       by=guard.user)  # fmt: skip
        assert _out(world, guard, "京B12345").event.outcome == GateOutcome.PAID_OUT
    assert list(GateEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        GateOutcome.TEMPORARY_IN, GateOutcome.UNPAID, GateOutcome.PAID_OUT]  # fmt: skip
    assert parking_guidance(world.estate.pk).temporary_free == 3


def test_full_temporary_area_sends_nobody_there__VEHICLE_05(world, guard, temp_area):
    set_rule(world)
    for plate in ("京B11111", "京B22222", "京B33333"):
        _in(world, guard, plate)
    assert _in(world, guard, "京B44444").event.stay.area is None


def test_only_guards_and_heads_record_at_the_gate__VEHICLE_04(world):
    with pytest.raises(PermissionDenied):
        gates.gate_event_manual(estate=world.estate, direction="entry", plate="京B12345",
                                by=world.tech.user)  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017 - another estate's staff: 404
        gates.gate_event_manual(estate=world.estate, direction="entry", plate="京B12345",
                                by=world.outsider.user)  # fmt: skip


def test_scan_payment_needs_its_reference__VEHICLE_06(world, guard):
    set_rule(world)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        stay = _in(world, guard, "京B12345").event.stay
    with time_machine.travel(at(2026, 12, 7, 12, 0), tick=False):
        with pytest.raises(ValidationError):
            stays.stay_pay(stay=stay, channel="wechat", by=guard.user)
        stays.stay_pay(stay=stay, channel="cash", by=guard.user)
        with pytest.raises(Conflict):
            stays.stay_pay(stay=stay, channel="cash", by=guard.user)
