"""On PostgreSQL: two people completing the same provision task at once — it is done once, the
other is told it is already done (the incident and the task rows are locked)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import TaskKind
from wuye.emergency.models import IncidentTask
from wuye.emergency.services.incidents import incident_act
from wuye.workflow.models import Event

from .outage_helpers import plan_water

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


def test_two_people_complete_the_same_provision_task_at_once__EMERG_OUTAGE_07(emg):
    w = emg
    outage = plan_water(w)
    task = outage.incident.tasks.get(kind=TaskKind.WATER_POINT)
    people = [w.guard, w.order_head]

    def done(i):
        return incident_act(incident=outage.incident_id, action="task_done",
                            by=people[i].user, note=f"第{i}人",
                            data={"task": task.pk}).pk  # fmt: skip

    results, errors = _together(2, done)
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], Conflict) and errors[0].code == "task_closed"
    task = IncidentTask.objects.get(pk=task.pk)
    assert task.status == "done" and task.done_by in (w.guard.user, w.order_head.user)
    events = Event.objects.filter(case=outage.incident.case, action="task_done")
    assert events.count() == 1
