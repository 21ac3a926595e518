"""The facilities tests' world: an engineering head, a transformer logged hourly and a lift."""

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.facilities.services import equipment_create


@pytest.fixture
def eng(world):
    """The world with an engineering head, a transformer logged hourly and a lift."""
    world.eng_head = make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    world.building = world.room.unit.building
    world.transformer = equipment_create(
        estate=world.estate,
        code="PD-01",
        name="1号变压器",
        category="power",
        location="配电房",
        by=world.tech.user,
    )
    world.lift = equipment_create(
        estate=world.estate,
        code="DT-1-01",
        name="1栋1号客梯",
        category="elevator",
        building=world.building,
        contractor=world.contractor,
        by=world.tech.user,
    )
    return world
