"""The facilities tests' world: an engineering head, a transformer logged hourly and a lift."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import DepartmentKind, Role, make_staff
from wuye.facilities.services import equipment_create
from wuye.fieldwork.models import Certificate


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
    # EQUIP-OPS-11: the operator on duty holds the electrician's and the lift operator's
    # certificates (the tests of a missing one take them away).
    for kind, number in (("electrician", "T0000001"), ("elevator_operator", "T0000002")):
        Certificate.objects.create(
            company=world.company, holder="staff", staff=world.tech, kind=kind,
            number=number, issuer="应急管理局",
            issued_on=dt.date(2020, 1, 1), expires_on=dt.date(2035, 12, 31),
            created_at=timezone.now(),
        )  # fmt: skip
    return world
