"""What the store and pest tests share: the environment department's head, a cleaner keeper and
a gardener of the test estate, a locked store with products, a green area."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.environment.models import GreenArea
from wuye.environment.services import stores as services

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def green_area(estate, name: str = "中心草坪", kind: str = "lawn") -> GreenArea:
    made = at("2026-01-01 09:00")
    return GreenArea.objects.create(estate=estate, name=name, kind=kind, created_at=made)


@pytest.fixture
def store_world(world, time_machine):
    time_machine.move_to(at("2026-06-10 10:00"), tick=False)
    w = world
    env = DepartmentKind.ENVIRONMENT
    w.env_head = make_staff(w.company, "env_head", Role.DEPARTMENT_HEAD, env, [w.estate])
    w.cleaner = make_staff(w.company, "cleaner", Role.CLEANER, env, [w.estate])
    w.gardener = make_staff(w.company, "gardener", Role.GARDENER, env, [w.estate])
    w.other_head = make_staff(w.company, "other_env", Role.DEPARTMENT_HEAD, env, [w.other_estate])
    w.store = services.store_create(
        estate=w.estate, name="保洁工具间", location="1栋地下室B1-03", keeper=w.cleaner,
        by=w.env_head.user,
    )  # fmt: skip
    w.bleach = services.product_create(
        store=w.store, name="84消毒液", kind="disinfectant", unit="瓶", spec="500ml",
        eco_compliant=True, compliance_note="消毒产品卫生安全评价报告", minimum=Decimal("5"),
        by=w.env_head.user,
    )  # fmt: skip
    w.pesticide = services.product_create(
        store=w.store, name="吡虫啉", kind="pesticide", unit="瓶", spec="100g",
        eco_compliant=True, compliance_note="农药登记证 PD20070001", minimum=Decimal("2"),
        by=w.env_head.user,
    )  # fmt: skip
    w.ladybirds = services.product_create(
        store=w.store, name="七星瓢虫卵卡", kind="biological", unit="张", eco_compliant=True,
        by=w.env_head.user,
    )  # fmt: skip
    w.area = green_area(w.estate)
    return w
