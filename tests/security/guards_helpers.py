"""What the guards tests share: the order department of the world's estate (its head and three
guards), a gate post with its equipment, shifts in the estate's time, photos and signatures."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_staff
from tests.images import photo_of, signature_of
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.services import shifts as shift_services
from wuye.security.services import guards as services

ZONE = ZoneInfo("Asia/Shanghai")
ALL_CLEARS = ["situation", "items", "records"]


def at(text: str) -> dt.datetime:
    """'2026-10-31 20:00' in the estate's time."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


@pytest.fixture(name="order")
def order_fixture(world) -> SimpleNamespace:
    """秩序管理部 of the world's estate: head ``ohead``, guards ``g1``…``g3``, a gate post."""
    company, estate = world.company, world.estate
    head = make_staff(company, "ohead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [estate])
    guards = [
        make_staff(company, f"g{n}", Role.GUARD, DepartmentKind.ORDER, [estate], name=f"秩序员{n}")
        for n in range(1, 4)
    ]
    post = services.guard_post_create(
        estate=estate, name="东门岗", kind="gate", equipment=["对讲机", "警棍"], by=head.user
    )
    return SimpleNamespace(head=head, guards=guards, post=post)


def shift(order, start: str, end: str, *people, name: str = ""):
    return shift_services.shift_create(
        post=order.post, starts_at=at(start), ends_at=at(end), staff=list(people), name=name,
        by=order.head.user,
    )  # fmt: skip


def photos(user) -> list:
    return [photo_of(user)]


def sign(user) -> list:
    return [signature_of(user)]
