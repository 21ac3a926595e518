"""On PostgreSQL: two guards submitting the same extinguisher's check at once keep one record
(the other a 409), and three sweeps at once open one replacement of an expired extinguisher
(FIRE-03, FIRE-06)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.factories import DepartmentKind, Role, make_staff
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import TaskRecord
from wuye.security.models import FireReplacement
from wuye.security.services import fire_checks as checks
from wuye.security.services.fire_facilities import fire_checks_setup, fire_facility_create

from .fire_helpers import at, passing

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _together(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def _extinguisher(world, expires_on):
    return fire_facility_create(
        estate=world.estate, kind="extinguisher", code="MHQ-1-01", name="1栋1层灭火器",
        rated_pressure="1.2", expires_on=expires_on, by=world.tech.user,
    )  # fmt: skip


def test_two_guards_check_one_extinguisher_at_once__FIRE_03(world, time_machine):
    time_machine.move_to(at("2026-09-15 10:00"), tick=False)
    guards = [
        make_staff(world.company, f"g{i}", Role.GUARD, DepartmentKind.ORDER, [world.estate])
        for i in range(2)
    ]
    head = make_staff(
        world.company, "oh", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [world.estate]
    )
    ext = _extinguisher(world, dt.date(2030, 1, 1))
    fire_checks_setup(estate=world.estate, by=head.user)
    answers = passing(ext)
    users = iter([g.user for g in guards])
    lock = threading.Lock()

    def submit():
        with lock:
            user = next(users)
        return checks.fire_check_submit(facility=ext, answers=answers, by=user).pk

    done, errors = _together(2, submit)
    assert len(done) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert TaskRecord.objects.count() == 1


def test_three_sweeps_at_once_open_one_replacement__FIRE_06(world, time_machine):
    time_machine.move_to(at("2026-09-15 10:00"), tick=False)
    _extinguisher(world, dt.date(2020, 1, 1))
    results, errors = _together(3, checks.fire_expiry_sweep)
    assert not errors, errors
    assert sum(r["opened"] for r in results) == 1
    assert FireReplacement.objects.count() == 1
