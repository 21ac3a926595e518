"""Five technicians record the same elevator's no-load runs at once (PostgreSQL): the runs are
numbered 1, 2, 3 with no gap or twin, and the two beyond the three asked for are refused
(EQUIP-FAULT-07)."""

import threading

import pytest
from django.db import connection

from tests.factories import make_staff
from tests.fieldwork.faults_helpers import fault_world, open_lift_fault, through_repair
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.facilities.models import FaultTestRun
from wuye.facilities.services.faults import fault_act

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_five_runs_recorded_at_once_three_are_kept__EQUIP_FAULT_07(world):
    w = fault_world(world)
    techs = [
        make_staff(w.company, f"run{i}", Role.TECHNICIAN, DepartmentKind.ENGINEERING, [w.estate])
        for i in range(5)
    ]
    fault = open_lift_fault(w)
    through_repair(w, fault)
    barrier = threading.Barrier(5)
    done, refused, other = [], [], []

    def run(staff):
        try:
            barrier.wait(timeout=30)
            fault_act(fault=fault.pk, action="test_run", by=staff.user)
            done.append(staff.pk)
        except Conflict:
            refused.append(staff.pk)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in techs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    assert len(done) == 3 and len(refused) == 2
    numbers = sorted(FaultTestRun.objects.filter(fault=fault).values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert fault.case.events.filter(action="test_run").count() == 3
