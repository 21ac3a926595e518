"""Helpers of the visitors tests: a guard of the world's estate, local times in Shanghai, a
valid ID number."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.validators import id_number_check_code

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def id_number(first17: str = "11010519491231002") -> str:
    """A valid GB 11643 number (check code computed)."""
    return first17 + id_number_check_code(first17)


def make_guard(world, username: str = "guard"):
    return make_staff(world.company, username, Role.GUARD, DepartmentKind.ORDER, [world.estate])
