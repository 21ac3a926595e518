"""What the public-health tests share: the ``emg`` world with a cleaner, a resident outside the
closed unit, a customer-service head, and a health event opened by the desk."""

from __future__ import annotations

import pytest

from tests.factories import (
    DepartmentKind,
    OccupancyFactory,
    Role,
    RoomFactory,
    UnitFactory,
    make_resident_user,
    make_staff,
)
from wuye.emergency.choices import IncidentKind
from wuye.emergency.services.incidents import incident_act, incident_open

from .helpers import at


@pytest.fixture
def hw(emg):
    w = emg
    w.cleaner = make_staff(
        w.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [w.estate], "保洁小张"
    )
    w.unit = w.room.unit  # 1栋2单元: rooms 301 (owner) and 302 (neighbour)
    far_unit = UnitFactory(building=w.buildings[1], name="1单元")
    w.far_room = RoomFactory(unit=far_unit, number="101")
    w.far_owner = make_resident_user(OccupancyFactory(room=w.far_room).resident, "far_owner")
    w.incident = incident_open(
        estate=w.estate, kind=IncidentKind.HEALTH, place="1栋2单元", by=w.agent.user,
        buildings=[w.buildings[0]], description="业主确诊，疾控通知",
    )  # fmt: skip
    return w


def report(w, by=None):
    return incident_act(
        incident=w.incident, action="report_authority", by=(by or w.agent).user,
        data={"organisation": "区疾控中心", "person": "王医生", "phone": "010-12345678",
              "reference": "JK-2026-081"},
    )  # fmt: skip


def close_unit(w, *, days=None, starts_at=None, ends_at=None, by=None, **extra):
    data = {"scope": "unit", "unit": w.unit.pk, "authority_reference": "疾控〔2026〕12号",
            **extra}  # fmt: skip
    if days is not None:
        data["days"] = days
    if starts_at is not None:
        data["starts_at"] = starts_at
    if ends_at is not None:
        data["ends_at"] = ends_at
    incident_act(incident=w.incident, action="close_area", by=(by or w.exec).user, data=data)
    return w.incident.closures.order_by("-pk").first()


__all__ = ["at", "close_unit", "hw", "report"]
