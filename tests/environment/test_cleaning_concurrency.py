"""On PostgreSQL: two rain records for one estate at the same moment write each main road's
sweep once (CLEAN-07: the road's rain-sweep schedule is locked); two protection checks of one
cleaner on one day at once leave one row (CLEAN-16)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, line_of
from wuye.core.exceptions import Conflict
from wuye.environment.models import ProtectionCheck
from wuye.environment.services.protection import protection_check_record
from wuye.environment.services.weather import weather_record
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]
clean = clean_helpers.clean
planned = clean_helpers.planned


def _twice(call):
    """Run ``call`` in two threads released together; returns (results, errors)."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_two_rain_records_at_once_sweep_each_road_once__CLEAN_07(planned, time_machine):
    w = planned
    moment = at("2026-07-07 15:20")
    time_machine.move_to(moment, tick=False)
    rain = line_of(w, "小区主干道", "rain_sweep")

    def record():
        return weather_record(estate=w.estate, kind="rain", at=moment, by=w.env_head.user)

    results, errors = _twice(record)
    assert errors == []
    assert sorted(r.tasks_created for r in results) == [0, 1]
    tasks = PlannedTask.objects.filter(schedule=rain.schedule, status=PlannedTaskStatus.PLANNED)
    assert tasks.count() == 1


def test_two_protection_checks_at_once_leave_one_row__CLEAN_16(planned, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 06:50"), tick=False)

    def check():
        return protection_check_record(estate=w.estate, by=w.cleaner.user,
                                       items=["gloves", "mask"])  # fmt: skip

    results, errors = _twice(check)
    assert len(results) == 1 and results[0].passed
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert ProtectionCheck.objects.filter(staff=w.cleaner).count() == 1
