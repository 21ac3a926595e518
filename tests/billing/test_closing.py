"""收银日结: a cashier's day by channel, the cash counted against it, and no money recorded by
that cashier after closing; plus the temporary parking fee rule."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.billing.test_fees import at
from tests.billing.test_fees import finance as finance
from tests.billing.test_fees import frozen as frozen
from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import CashierClosing, ParkingRule, Payment
from wuye.billing.services import closing, parking
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict

D = Decimal
TODAY = dt.date(2026, 11, 26)


def pay(world, finance, amount, channel, when=None):
    return services.payment_record(room=world.room, amount=amount, channel=channel,
                                   by=finance.user, received_at=when)  # fmt: skip


def test_the_day_is_totalled_by_channel_per_cashier(world, finance):
    other = make_staff(world.company, "finance2", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                       [world.estate])  # fmt: skip
    pay(world, finance, "100.00", "cash")
    pay(world, finance, "50.50", "cash")
    pay(world, finance, "300.00", "pos")
    pay(world, other, "70.00", "cash")
    pay(world, finance, "9.00", "cash", when=at("2026-11-25 23:59"))  # yesterday, estate time
    mine = closing.day_totals(world.estate, TODAY, finance.user)
    assert mine.by_channel == {"cash": (2, D("150.50")), "pos": (1, D("300.00"))}
    assert mine.count == 3 and mine.amount == D("450.50") and mine.cash == D("150.50")
    everyone = closing.day_totals(world.estate, TODAY)
    assert everyone.by_channel["cash"] == (3, D("220.50"))


def test_closing_records_totals_and_the_cash_difference(world, finance):
    pay(world, finance, "100.00", "cash")
    pay(world, finance, "20.00", "wechat")
    with pytest.raises(ValidationError) as error:  # short without a word why
        closing.cashier_close(estate=world.estate, day=TODAY, cash_counted="90", by=finance.user)
    assert "note" in error.value.message_dict
    done = closing.cashier_close(estate=world.estate, day=TODAY, cash_counted="90.00",
                                 note="找零差错", by=finance.user)  # fmt: skip
    assert done.amount == D("120.00") and done.count == 2
    assert done.cash_expected == D("100.00") and done.difference == D("-10.00")
    assert done.totals == {"cash": {"count": 1, "amount": "100.00"},
                           "wechat": {"count": 1, "amount": "20.00"}}  # fmt: skip


def test_after_closing_the_cashier_takes_no_more_money_that_day(world, finance):
    pay(world, finance, "100.00", "cash")
    closing.cashier_close(estate=world.estate, day=TODAY, cash_counted="100", by=finance.user)
    with pytest.raises(Conflict, match="已日结"):
        pay(world, finance, "5.00", "cash")
    assert Payment.objects.count() == 1
    # Another cashier still can; online payments (no cashier) too.
    other = make_staff(world.company, "finance2", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                       [world.estate])  # fmt: skip
    pay(world, other, "5.00", "cash")
    services.payment_record(room=world.room, amount="1", channel="wechat", by=None,
                            reference="T1")  # fmt: skip
    with pytest.raises(Conflict, match="已日结"):
        closing.cashier_close(estate=world.estate, day=TODAY, cash_counted="100",
                              by=finance.user)  # fmt: skip


def test_closing_is_refused_for_the_future_bad_amounts_and_non_finance(world, finance):
    for kwargs in ({"day": dt.date(2026, 11, 27), "cash_counted": "0"},
                   {"day": TODAY, "cash_counted": "-1"},
                   {"day": TODAY, "cash_counted": "abc"},
                   {"day": TODAY, "cash_counted": "1.001"}):  # fmt: skip
        with pytest.raises(ValidationError):
            closing.cashier_close(estate=world.estate, by=finance.user, **kwargs)
    with pytest.raises(PermissionDenied):
        closing.cashier_close(estate=world.estate, day=TODAY, cash_counted="0",
                              by=world.agent.user)  # fmt: skip
    assert not CashierClosing.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_a_payment_racing_the_closing_is_counted_or_refused(world, finance):
    """The cashier closes while a payment of theirs is being recorded: either it is in the
    closing's totals or it is refused — never money outside a closed day."""
    pay(world, finance, "100.00", "cash")
    barrier = threading.Barrier(2)
    errors: list = []

    def run(fn):
        barrier.wait()
        try:
            fn()
        except Conflict as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda: pay(world, finance, "7.00", "cash"),)),
        threading.Thread(target=run, args=(lambda: closing.cashier_close(
            estate=world.estate, day=TODAY, cash_counted="107", note="x", by=finance.user),)),
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = CashierClosing.objects.get()
    total = sum(Payment.objects.values_list("amount", flat=True), D("0"))
    assert done.amount == total


# --- Temporary parking -------------------------------------------------------------------------


@pytest.fixture
def rule(world, finance):
    """2 元 per started hour after 15 free minutes, at most 20 元 per 24 hours."""
    return parking.parking_rule_set(estate=world.estate, free_minutes=15, per_hour="2.00",
                                    daily_cap="20.00", effective_from=dt.date(2026, 1, 1),
                                    by=finance.user)  # fmt: skip


@pytest.mark.parametrize(
    ("entered", "left", "fee"),
    [
        ("2026-11-26 10:00", "2026-11-26 10:15", "0.00"),  # within the free minutes
        ("2026-11-26 10:00", "2026-11-26 10:16", "2.00"),  # past them: the whole first hour
        ("2026-11-26 10:00", "2026-11-26 11:00", "2.00"),
        ("2026-11-26 10:00", "2026-11-26 11:01", "4.00"),  # a started hour counts
        ("2026-11-26 10:00", "2026-11-26 22:00", "20.00"),  # capped
        ("2026-11-26 10:00", "2026-11-27 10:00", "20.00"),  # a full day: the cap
        ("2026-11-26 10:00", "2026-11-27 11:30", "24.00"),  # a day, then two started hours
        ("2026-11-26 10:00", "2026-11-29 09:00", "60.00"),  # three capped windows
    ],
)
def test_the_parking_fee_of_a_stay(world, rule, entered, left, fee):
    assert parking.parking_fee(estate=world.estate, entered_at=at(entered),
                               left_at=at(left)) == D(fee)  # fmt: skip


def test_the_rule_of_the_entry_day_applies_and_a_new_rule_does_not_rewrite_it(world, finance, rule):
    parking.parking_rule_set(estate=world.estate, free_minutes=0, per_hour="3.00",
                             daily_cap=None, effective_from=dt.date(2026, 12, 1),
                             by=finance.user)  # fmt: skip
    assert parking.parking_fee(estate=world.estate, entered_at=at("2026-11-30 23:30"),
                               left_at=at("2026-12-01 01:00")) == D("4.00")  # fmt: skip
    assert parking.parking_fee(estate=world.estate, entered_at=at("2026-12-01 00:00"),
                               left_at=at("2026-12-02 00:00")) == D("72.00")  # fmt: skip


def test_bad_parking_rules_and_stays_are_refused(world, finance, rule):
    bad = [
        {"free_minutes": "x", "per_hour": "2", "daily_cap": ""},
        {"free_minutes": 15, "per_hour": "-2", "daily_cap": ""},
        {"free_minutes": 15, "per_hour": "5", "daily_cap": "3"},  # cap below an hour
        {"free_minutes": 2000, "per_hour": "5", "daily_cap": ""},
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            parking.parking_rule_set(estate=world.estate, effective_from=dt.date(2027, 1, 1),
                                     by=finance.user, **kwargs)  # fmt: skip
    with pytest.raises(Conflict):
        parking.parking_rule_set(estate=world.estate, free_minutes=0, per_hour="1",
                                 daily_cap="", effective_from=dt.date(2026, 1, 1),
                                 by=finance.user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        parking.parking_rule_set(estate=world.estate, free_minutes=0, per_hour="1",
                                 daily_cap="", effective_from=dt.date(2027, 1, 1),
                                 by=world.agent.user)  # fmt: skip
    assert ParkingRule.objects.count() == 1
    with pytest.raises(ValidationError):
        parking.parking_fee(estate=world.estate, entered_at=at("2026-11-26 10:00"),
                            left_at=at("2026-11-26 09:00"))  # fmt: skip
    with pytest.raises(ValidationError):  # before any rule
        parking.parking_fee(estate=world.estate, entered_at=at("2025-06-01 10:00"),
                            left_at=at("2025-06-01 12:00"))  # fmt: skip
