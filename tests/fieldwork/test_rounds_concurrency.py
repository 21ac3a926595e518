"""Two phones scan the last checkpoint of a round at the same moment: the round is completed
once, by one of them, and the checkpoint is recorded once; two sweepers close a missed round
once (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.factories import make_staff
from tests.fieldwork.rounds_helpers import at, make_rounds, make_route, task_at
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.models import MissedCheckpoint, Scan
from wuye.fieldwork.services import rounds as services
from wuye.notify.models import Message
from wuye.workflow.models import PlannedTaskStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("same_checkpoint", [True, False])
def test_two_phones_scanning_the_last_checkpoint_complete_the_round_once(
    world, time_machine, same_checkpoint
):
    guard = make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user, n=3, min_gap=0)
    schedule = make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    services.scan_record(by=guard.user, token=points[0].token)
    last = [points[1], points[1]] if same_checkpoint else [points[1], points[2]]
    if same_checkpoint:
        services.scan_record(by=guard.user, token=points[2].token)
    time_machine.move_to(at("2026-11-26 22:20"), tick=False)
    results, errors = _together(
        lambda: services.scan_record(by=guard.user, token=last[0].token),
        lambda: services.scan_record(by=world.tech.user, token=last[1].token),
    )
    assert not errors, errors
    assert sum(r.completed for r in results) == 1
    task = task_at(schedule, "2026-11-26 22:00")
    assert task.status == PlannedTaskStatus.DONE
    assert Scan.objects.filter(round__task=task).count() == 3
    if same_checkpoint:
        assert sorted(r.duplicate for r in results) == [False, True]


def test_two_sweepers_close_a_missed_round_once(world, time_machine):
    head = make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, _points = make_route(world.estate, world.exec.user, n=2)
    make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    time_machine.move_to(at("2026-11-27 00:30"), tick=False)
    results, errors = _together(services.round_sweep_missed, services.round_sweep_missed)
    assert not errors, errors
    assert sum(results) == 1
    assert MissedCheckpoint.objects.count() == 2
    assert (
        Message.objects.filter(recipient=head.user, idempotency_key__startswith="round:").count()
        == 1
    )
