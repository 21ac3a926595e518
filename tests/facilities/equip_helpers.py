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


class Api:
    """The API as a client with a bearer token sees it."""

    def __init__(self, client, user):
        from wuye.core.services import api_token_issue

        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(self, method, path, body=None, expect=200):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        r = getattr(self.client, method)(f"/api/v1{path}", *(() if body is None else (body,)),
                                         **kwargs, **self.auth)  # fmt: skip
        assert r.status_code == expect, r.content[:500]
        return r

    def get(self, path, expect=200):
        return self.call("get", path, expect=expect).json()

    def post(self, path, body=None, expect=200):
        return self.call("post", path, body or {}, expect=expect).json()

    def patch(self, path, body, expect=200):
        return self.call("patch", path, body, expect=expect).json()
