"""On PostgreSQL: two people drawing the last bottles at once — one gets them, the other is
refused, the stock is exact (the product row is locked, CLEAN-11)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import DepartmentKind, Role, make_staff
from wuye.environment.models import Product, StockMovement
from wuye.environment.services import stores as services

from .store_helpers import at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _together(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_two_people_draw_the_last_bottles_at_once__CLEAN_11(world, time_machine):
    time_machine.move_to(at("2026-06-10 10:00"), tick=False)
    env = DepartmentKind.ENVIRONMENT
    head = make_staff(world.company, "eh", Role.DEPARTMENT_HEAD, env, [world.estate])
    cleaners = [make_staff(world.company, f"c{i}", Role.CLEANER, env, [world.estate])
                for i in range(2)]  # fmt: skip
    store = services.store_create(estate=world.estate, name="工具间", location="B1", by=head.user)
    bleach = services.product_create(store=store, name="84消毒液", kind="disinfectant",
                                     unit="瓶", eco_compliant=True, by=head.user)  # fmt: skip
    services.stock_in(product=bleach, quantity="3", by=head.user)

    def draw(i):
        return services.stock_out(product=bleach, quantity="2", purpose="消毒",
                                  by=cleaners[i].user).pk  # fmt: skip

    done, errors = _together(2, draw)
    assert len(done) == 1 and len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert Product.objects.get(pk=bleach.pk).stock == Decimal("1")
    assert StockMovement.objects.filter(kind="out").count() == 1
