"""Helpers of the equipment-fault tests (tests/facilities/test_faults*.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import (
    BuildingFactory,
    OccupancyFactory,
    RoomFactory,
    UnitFactory,
    make_resident_user,
    make_staff,
)
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.facilities.models import Equipment, EquipmentCategory
from wuye.facilities.services.faults import fault_act, fault_create

SH = ZoneInfo("Asia/Shanghai")
RUNS = ("test_run", "test_run", "test_run")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def fault_world(world):
    """The ``world`` with engineering's head, a lift and a pump in building 1栋, and a resident
    of another building (who is not told of the lift's fault)."""
    world.enghead = make_staff(
        world.company, "enghead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    building = world.room.unit.building
    world.lift = Equipment.objects.create(
        estate=world.estate, building=building, code="DT-1-01", name="1栋1号客梯",
        category=EquipmentCategory.ELEVATOR, location="1栋大堂",
    )  # fmt: skip
    world.pump = Equipment.objects.create(
        estate=world.estate, building=building, code="SB-01", name="生活水泵",
        category=EquipmentCategory.WATER, location="地下泵房",
    )  # fmt: skip
    world.fan = Equipment.objects.create(
        estate=world.estate, building=building, code="FJ-01", name="1栋排风机",
        category=EquipmentCategory.HVAC, location="1栋屋面",
    )  # fmt: skip
    other_building = BuildingFactory(estate=world.estate, name="5栋")
    far_room = RoomFactory(unit=UnitFactory(building=other_building, name="1单元"), number="101")
    world.far = make_resident_user(
        OccupancyFactory(room=far_room, relation=Relation.OWNER).resident, "far"
    )
    world.other_lift = Equipment.objects.create(
        estate=world.other_estate, code="DT-8-01", name="8栋客梯",
        category=EquipmentCategory.ELEVATOR,
    )  # fmt: skip
    return world


def open_lift_fault(world, **kwargs):
    values = {"equipment": world.lift, "severity": "general", "source": "monitoring",
              "description": "电梯停在5楼不动", "by": world.tech.user}  # fmt: skip
    values.update(kwargs)
    return fault_create(**values)


def act(fault, action, user, **kwargs):
    return fault_act(fault=fault, action=action, by=user, **kwargs)


def through_repair(world, fault):
    """On site, investigated, repaired: the fault waits for its acceptance test."""
    act(fault, "arrive", world.tech.user)
    act(fault, "investigate", world.tech.user, note="门机板故障")
    return act(fault, "repair_done", world.tech.user, note="更换门机板")
