"""What the facilities tests share: an engineering head, the equipment of the test estate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.facilities.services import equipment_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    """A local time in Asia/Shanghai: at(2026, 11, 30, 23, 55)."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def eng(world):
    """The world with an engineering head, a transformer logged hourly and a lift."""
    world.eng_head = make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    world.building = world.room.unit.building
    world.transformer = equipment_create(
        estate=world.estate, code="PD-01", name="1号变压器", category="power",
        location="配电房", by=world.tech.user,
    )  # fmt: skip
    world.lift = equipment_create(
        estate=world.estate, code="DT-1-01", name="1栋1号客梯", category="elevator",
        building=world.building, contractor=world.contractor, by=world.tech.user,
    )  # fmt: skip
    return world


POWER_OK = {"voltage": "380", "current": "120", "transformer_temperature": "55"}
