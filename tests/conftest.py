"""The shared world every test can use (Healthchecks' alice/bob/charlie, for an estate):

- ``world.estate`` (阳光测试苑) with a room owned by ``world.owner`` (login ``owner``) and another
  room lived in by ``world.neighbour`` (login ``neighbour``);
- staff of this estate: ``agent`` (客服), ``tech`` (维修), ``head`` (客服负责人);
  ``exec`` (企业高层) sees every estate;
- ``world.other_estate`` of the same company with its own room and staff ``outsider``;
- a contractor login ``lift`` serving this estate.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    EstateFactory,
    OccupancyFactory,
    RoomFactory,
    UnitFactory,
    make_contractor,
    make_resident_user,
    make_staff,
)
from wuye.core.choices import DepartmentKind, Relation, Role


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 makes the world fixture's nine logins cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    company = CompanyFactory(name="测试物业")
    estate = EstateFactory(company=company, code="YG", name="阳光测试苑")
    other = EstateFactory(company=company, code="CH", name="翠湖测试苑")
    unit = UnitFactory(building=BuildingFactory(estate=estate, name="1栋"), name="2单元")
    room = RoomFactory(unit=unit, number="301")
    room2 = RoomFactory(unit=unit, number="302")
    other_room = RoomFactory(
        unit=UnitFactory(building=BuildingFactory(estate=other, name="8栋"), name="1单元"),
        number="101",
    )
    owner = make_resident_user(
        OccupancyFactory(room=room, relation=Relation.OWNER).resident, "owner"
    )
    neighbour = make_resident_user(
        OccupancyFactory(room=room2, relation=Relation.TENANT).resident, "neighbour"
    )
    other_owner = OccupancyFactory(room=other_room).resident
    w = SimpleNamespace(
        company=company,
        estate=estate,
        other_estate=other,
        room=room,
        room2=room2,
        other_room=other_room,
        owner=owner,
        neighbour=neighbour,
        other_owner=other_owner,
        password=PASSWORD,
        agent=make_staff(
            company, "agent", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, [estate]
        ),
        tech=make_staff(company, "tech", Role.TECHNICIAN, DepartmentKind.ENGINEERING, [estate]),
        head=make_staff(
            company, "head", Role.DEPARTMENT_HEAD, DepartmentKind.CUSTOMER_SERVICE, [estate]
        ),
        exec=make_staff(company, "exec", Role.EXECUTIVE, DepartmentKind.EXECUTIVE, []),
        outsider=make_staff(
            company, "outsider", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, [other]
        ),
        contractor=make_contractor(company, "lift", [estate]),
    )
    return w


@pytest.fixture
def login(client):
    """``login("agent")`` logs the test client in as that user and returns the client."""

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads (workflow attachments) go to the test's own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
