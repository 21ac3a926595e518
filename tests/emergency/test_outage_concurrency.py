"""On PostgreSQL: two people completing the same provision task at once — it is done once, the
other is told it is already done (the incident and the task rows are locked); two workers
sweeping the late provision tasks at once — each is escalated once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import TaskKind
from wuye.emergency.models import IncidentTask, ProvisionEscalation
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.outage_overdue import provision_sweep_overdue
from wuye.notify.models import Message
from wuye.workflow.models import Event

from .helpers import at
from .outage_helpers import plan_water, report_water

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


def test_two_workers_sweep_the_late_provision_at_once_each_task_once__EMERG_OUTAGE_07(
    emg, time_machine
):
    w = emg
    outage = report_water(w)
    # 04:00: the three tasks are late (the head), the hydrants 30 minutes late (the command group).
    time_machine.move_to(at("2026-08-12 04:00"), tick=False)
    results, errors = _together(2, lambda i: provision_sweep_overdue())
    assert not errors and sum(results) == 4, (results, errors)
    stages = sorted(ProvisionEscalation.objects.values_list("stage", flat=True))
    assert stages == ["command", "head", "head", "head"]
    assert Event.objects.filter(case=outage.incident.case, action="task_overdue").count() == 4
    told = Message.objects.filter(idempotency_key__startswith="outage_task:")
    assert told.count() == 4  # order head ×2, exec for the hydrants' head stage and command stage
