"""Two guards press "到场" at once (EMERG-LIFT-04): one arrival is recorded, the other is told it
is done; nothing is written twice (PostgreSQL: the incident's row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from wuye.core.exceptions import Conflict
from wuye.emergency.models import Incident
from wuye.emergency.services.lift import entrapment_act, entrapment_open
from wuye.workflow.models import Event

from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_guards_arrive_at_once_one_is_recorded__EMERG_LIFT_04(lift_world):
    from tests.factories import DepartmentKind, Role, make_staff

    w = lift_world
    second = make_staff(w.company, "guard2", Role.GUARD, DepartmentKind.ORDER, [w.estate])
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    checks = list(incident.steps.get(code="reassure").checklist)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def arrive(user):
        try:
            barrier.wait(timeout=30)
            entrapment_act(incident=incident.pk, action="guard_arrive", by=user,
                           data={"checks": checks})  # fmt: skip
            outcomes.append("recorded")
        except Conflict as error:
            outcomes.append(error.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive, args=(u,)) for u in (w.guard.user, second.user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) == ["already_arrived", "recorded"]
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.guard_arrived_at is not None
    assert Event.objects.filter(case=incident.case, action="guard_arrive").count() == 1
    assert incident.case.clocks.get(rule="EMERG-LIFT-04").state == "met"
