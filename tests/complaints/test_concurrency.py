"""Two agents assign the same complaint at the same moment: exactly one assignment is recorded,
the other is told the complaint has moved on (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from tests.factories import make_staff
from wuye.complaints.services import complaints as services
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_agents_assign_one_complaint_one_wins(world):
    agent2 = make_staff(world.company, "agent2", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE,
                        [world.estate])  # fmt: skip
    complaint = services.complaint_create(
        estate=world.estate, content="保安态度差", contact_name="王女士",
        contact_phone="13800138000", channel="phone", type="service_attitude",
        by=world.agent.user,
    )  # fmt: skip
    barrier = threading.Barrier(2)
    won, lost, other = [], [], []

    def assign(user, department):
        try:
            barrier.wait(timeout=30)
            services.complaint_act(complaint=complaint.pk, action="assign", by=user,
                                   data={"department": department})  # fmt: skip
            won.append(department)
        except Conflict:
            lost.append(department)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=assign, args=(world.agent.user, "order")),
        threading.Thread(target=assign, args=(agent2.user, "customer_service")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    assert len(won) == 1 and len(lost) == 1
    complaint.refresh_from_db()
    assert complaint.department == won[0]
    assert complaint.case.events.filter(action="assign").count() == 1
