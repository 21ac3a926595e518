"""The demo's public-health event (``_demo_health``): a past closure of one unit in the second
estate, with its deliveries and its final disinfection, ended."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.emergency.choices import TaskKind
from wuye.emergency.demo import _demo_health
from wuye.emergency.models import Incident
from wuye.emergency.selectors.closures import closure_for

pytestmark = pytest.mark.django_db


def test_demo_health_event_is_a_past_closure_with_deliveries_and_final_disinfection(emg):
    w = emg
    other = w.other_estate
    make_staff(w.company, "agent2", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, [other])
    make_staff(w.company, "cleaner2", Role.CLEANER, DepartmentKind.ENVIRONMENT, [other])
    w.order_head.estates.add(other)
    result = _demo_health([w.estate, other], {})
    assert result == {"health_events": 1, "health_deliveries": 1}
    incident = Incident.objects.get(estate=other)
    assert incident.case.status == "followup" and incident.contacts.count() == 1
    closure = incident.closures.get()
    assert closure.ends_at < closure.starts_at.__class__.now(closure.ends_at.tzinfo)
    assert closure_for(other, room=w.other_room) is None
    assert incident.deliveries.get().status == "confirmed"
    assert incident.tasks.get(kind=TaskKind.FINAL_DISINFECTION).status == "done"
    assert not closure.disinfection.active
