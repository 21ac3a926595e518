"""On PostgreSQL: two heads seeding the greening plan of one estate at once write one set of
lines (GREEN-05); the plan's changes lock the estate's environment profile."""

import threading

import pytest
from django.db import connection

from wuye.environment.models import PlanLine
from wuye.environment.services.greening import greening_plan_seed

from .green_helpers import at, make_areas, make_green_staff, plan_landscape, plant_protection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_seeds_at_once_write_one_plan__GREEN_05(world, time_machine):
    time_machine.move_to(at("2026-12-03 08:15"), tick=False)
    make_green_staff(world)
    plant_protection(world, world.liu)
    plan_landscape(world)
    make_areas(world)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(user):
        try:
            barrier.wait(timeout=30)
            results.append(len(greening_plan_seed(estate=world.estate, by=user).created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(u,)) for u in (world.env_head.user, world.exec.user)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert errors == []
    assert sorted(results)[0] == 0 and sorted(results)[1] > 0
    assert PlanLine.objects.filter(active=True).count() == sorted(results)[1]
