"""The demo's entrapment (``_demo_lift``) runs from the call to the report with the demo's
accounts (agent, guard, tech, the contractor's ``lift``)."""

from __future__ import annotations

import pytest

from wuye.emergency.demo import _demo_lift
from wuye.emergency.models import Incident
from wuye.facilities.models import Equipment

from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = pytest.mark.django_db


def test_the_demo_entrapment_runs_from_the_call_to_the_report__EMERG_LIFT_02(lift_world):
    w = lift_world
    assert _demo_lift([w.estate], {}) == {"entrapments": 1}
    incident = Incident.objects.get()
    assert incident.case.status == "closed" and all(s.done_at for s in incident.steps.all())
    assert incident.followups.count() == 2
    assert Equipment.objects.get(pk=incident.fault.equipment_id).status == "in_use"
