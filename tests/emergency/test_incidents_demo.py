"""The demo of the incidents topic: the company's groups, the manual's plans, supplies in both
estates and one closed drill with its report."""

from __future__ import annotations

import pytest

from wuye.emergency.demo import _demo_incidents
from wuye.emergency.models import Incident, ResponsePlan, SupplyItem

pytestmark = pytest.mark.django_db


def test_demo_builds_groups_plans_supplies_and_a_closed_drill(emg):
    w = emg
    _demo_incidents([w.estate, w.other_estate], {})
    drill = Incident.objects.get(exercise=True)
    assert drill.case.status == "closed" and drill.report.summary
    assert ResponsePlan.objects.filter(estate__isnull=True).count() == 7
    assert SupplyItem.objects.filter(estate=w.other_estate).count() == 4
