"""What the emergency tests share: the estate's three groups (EMERG-01..03) — the executive in
the command group, a guard, a technician and the desk agent on site (the guard and the agent on
call), an administration clerk in logistics — and a time helper."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import BuildingFactory, DepartmentKind, Role, make_staff
from wuye.emergency.choices import GroupKind
from wuye.emergency.models import EmergencyGroup, GroupMember

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def add_group(company, estate, kind, *members) -> EmergencyGroup:
    """A group with its members: each a Staff, or (Staff, {"leader": …, "on_call": …})."""
    group = EmergencyGroup.objects.create(company=company, estate=estate, kind=kind)
    for order, member in enumerate(members):
        staff, extra = member if isinstance(member, tuple) else (member, {})
        GroupMember.objects.create(group=group, staff=staff, order=order, **extra)
    return group


@pytest.fixture
def emg(world, time_machine):
    time_machine.move_to(at("2026-08-12 03:00"), tick=False)
    w = world
    w.guard = make_staff(w.company, "guard", Role.GUARD, DepartmentKind.ORDER, [w.estate], "李保安")
    w.order_head = make_staff(
        w.company, "order_head", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [w.estate]
    )
    w.clerk = make_staff(
        w.company, "clerk", Role.CS_AGENT, DepartmentKind.ADMINISTRATION, [w.estate], "行政小王"
    )
    w.buildings = [w.room.unit.building] + [
        BuildingFactory(estate=w.estate, name=f"{n}栋") for n in range(2, 13)
    ]
    w.command = add_group(w.company, None, GroupKind.COMMAND, (w.exec, {"leader": True}))
    w.onsite = add_group(
        w.company, w.estate, GroupKind.ONSITE,
        (w.order_head, {"leader": True}), (w.guard, {"on_call": True}), w.tech,
        (w.agent, {"on_call": True}),
    )  # fmt: skip
    w.logistics = add_group(w.company, w.estate, GroupKind.LOGISTICS, (w.clerk, {"leader": True}))
    return w
