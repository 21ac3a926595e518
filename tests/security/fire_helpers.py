"""What the fire-check tests share: a guard and the order department's head, an extinguisher
and a hydrant of the test estate (registered by engineering), and answers that pass."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.security.services.fire_facilities import fire_facility_create

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def fire(world, time_machine):
    time_machine.move_to(at("2026-09-15 10:00"), tick=False)
    w = world
    w.guard = make_staff(w.company, "guard", Role.GUARD, DepartmentKind.ORDER, [w.estate])
    w.order_head = make_staff(
        w.company, "order_head", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [w.estate]
    )
    w.building = w.room.unit.building
    w.ext = fire_facility_create(
        estate=w.estate, kind="extinguisher", code="MHQ-1-01", name="1栋1层灭火器",
        building=w.building, location="1单元一楼大堂", agent="dry_powder", capacity="4kg",
        rated_pressure=Decimal("1.20"), expires_on=dt.date(2028, 6, 30), by=w.tech.user,
    )  # fmt: skip
    w.hydrant = fire_facility_create(
        estate=w.estate, kind="hydrant", code="XHS-1-01", name="1栋1层室内消火栓",
        building=w.building, location="1单元一楼", by=w.tech.user,
    )  # fmt: skip
    return w


def passing(facility, task=None, **overrides) -> list[dict]:
    """Answers that pass every item of the facility's current checklist; ``overrides`` by
    label give other values."""
    from wuye.fieldwork.models import TaskSpec
    from wuye.security.services.fire_checks import fire_check_task

    facility.refresh_from_db()
    task = task or fire_check_task(facility)
    spec = TaskSpec.objects.get(schedule_id=task.schedule_id)
    answers = []
    for item in spec.checklist.items.order_by("position"):
        if item.kind == "reading":
            value = str((item.low + item.high) / 2)
        else:
            value = True
        answers.append({"item": item.pk, "value": overrides.get(item.label, value)})
    return answers
