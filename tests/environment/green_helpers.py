"""What the greening tests share: the environment department's head, two gardeners (刘师傅 with a
plant-protection certificate, 小王 without), a gardener of the other estate, the landscape plan
and green areas of four kinds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.environment.services.green import green_area_create
from wuye.environment.services.landscape import landscape_plan_record
from wuye.fieldwork.services.certificates import certificate_create

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def plant_protection(w, staff, expires_on=dt.date(2031, 6, 30), issued_on=dt.date(2020, 1, 1)):
    return certificate_create(
        kind="plant_protection", number=f"ZB-{staff.pk}-{expires_on:%Y}", issuer="市植保站",
        issued_on=issued_on, expires_on=expires_on, staff=staff, by=w.exec.user,
    )  # fmt: skip


def make_green_staff(w) -> None:
    w.env_head = make_staff(
        w.company, "env_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENVIRONMENT, [w.estate],
        name="周主管",
    )  # fmt: skip
    w.liu = make_staff(
        w.company, "gardener", Role.GARDENER, DepartmentKind.ENVIRONMENT, [w.estate],
        name="刘师傅",
    )  # fmt: skip
    w.wang = make_staff(
        w.company, "gardener2", Role.GARDENER, DepartmentKind.ENVIRONMENT, [w.estate],
        name="小王",
    )  # fmt: skip
    w.far_gardener = make_staff(
        w.company, "gardener_ch", Role.GARDENER, DepartmentKind.ENVIRONMENT, [w.other_estate],
        name="陈师傅",
    )  # fmt: skip
    w.cleaner = make_staff(
        w.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [w.estate], name="张阿姨"
    )


def plan_landscape(w, estate=None) -> None:
    landscape_plan_record(
        estate=estate or w.estate, by=w.exec.user, positioning="high_end",
        landscape_plan="乔木+灌木+花卉分层种植，中心草坪开阔，入口月季花坛。",
    )  # fmt: skip


def make_areas(w) -> None:
    by = w.env_head.user
    w.lawn = green_area_create(
        estate=w.estate, by=by, name="中心草坪", kind="lawn", planting="马尼拉草",
        area_m2="1200", gardeners=[w.liu],
    )  # fmt: skip
    w.trees = green_area_create(
        estate=w.estate, by=by, name="香樟林", kind="tree", planting="香樟", area_m2="800.5",
        gardeners=[w.wang, w.liu],
    )  # fmt: skip
    w.hedge = green_area_create(
        estate=w.estate, by=by, name="红叶石楠绿篱", kind="shrub", planting="红叶石楠",
        gardeners=[w.wang],
    )  # fmt: skip
    w.roses = green_area_create(
        estate=w.estate, by=by, name="月季花坛", kind="flower_bed", planting="月季",
        gardeners=[w.liu],
    )  # fmt: skip


@pytest.fixture
def green(world, time_machine):
    """The estate on 2026-11-17 09:40 (a Tuesday), landscape planned, four areas."""
    time_machine.move_to(at("2026-11-17 09:40"), tick=False)
    w = world
    make_green_staff(w)
    plant_protection(w, w.liu)
    plan_landscape(w)
    make_areas(w)
    return w
