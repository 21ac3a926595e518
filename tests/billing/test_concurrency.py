"""On PostgreSQL: the same gateway callback delivered 50 times at once credits once; two
cashiers taking payment for the same bill at once cannot collect it twice."""

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import Bill, ChargeBasis, ChargeItem, LedgerEntry, Payment
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _bill(world):
    finance = make_staff(world.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                         [world.estate])  # fmt: skip
    item = ChargeItem.objects.create(estate=world.estate, name="物业服务费", kind="property_fee",
                                     basis=ChargeBasis.PER_M2_MONTH)  # fmt: skip
    services.rate_set(item=item, amount="2.50", effective_from=dt.date(2026, 1, 1),
                      by=finance.user)  # fmt: skip
    services.billing_run(estate=world.estate, period_start=dt.date(2026, 12, 1),
                         period_end=dt.date(2026, 12, 31), due_date=dt.date(2026, 12, 31),
                         by=finance.user)  # fmt: skip
    return finance, Bill.objects.get(room=world.room)


def _together(n, target, args_list):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(*args):
        try:
            barrier.wait(timeout=30)
            results.append(target(*args))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=a) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_the_same_callback_fifty_times_at_once_credits_once(world):
    _finance, bill = _bill(world)
    order = services.gateway_order_create(room=world.room, channel="wechat", by=world.owner.user)
    body, signature = services.gateway_simulate_payment(order)

    def deliver():
        r = Client().post("/billing/gateway/callback", json.dumps(body),
                          content_type="application/json",
                          HTTP_X_WUYE_SIGNATURE=signature)  # fmt: skip
        return r.status_code

    codes, errors = _together(50, deliver, [()] * 50)
    assert not errors, errors
    assert codes == [200] * 50
    assert Payment.objects.count() == 1
    bill.refresh_from_db()
    assert bill.status == "paid" and bill.paid_amount == bill.amount
    assert services.room_balance(world.room.pk) == 0
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_two_cashiers_cannot_collect_one_bill_twice(world):
    finance, bill = _bill(world)
    finance2 = make_staff(world.company, "finance2", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                          [world.estate])  # fmt: skip

    def take(user, channel):
        return services.payment_record(room=world.room, amount=bill.amount, channel=channel,
                                       by=user, bills=[bill.pk], exact=True)  # fmt: skip

    results, errors = _together(2, take, [(finance.user, "cash"), (finance2.user, "pos")])
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    bill.refresh_from_db()
    assert bill.paid_amount == bill.amount and Payment.objects.count() == 1
