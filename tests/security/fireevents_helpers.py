"""What the fire-event tests share (tests/security/test_fires*.py, test_drills*.py,
test_publicity*.py): the world with the order department — its head ``ohead``, a guard on a
night shift ``g1`` and a guard off duty ``g2`` — and helpers in the estate's time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.services import shifts as shift_services
from wuye.security.services.fires import fire_act, fire_report

SH = ZoneInfo("Asia/Shanghai")
REQUIRED_CHECKLIST = ["escape_routes", "no_elevators", "lifts_recalled", "vehicles_out"]
AFTERMATH = {
    "investigated_by": "区消防救援大队",
    "cause": "电动车电池充电短路起火",
    "site_cleared": True,
    "order_restored": True,
}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def fire_world(world):
    """The world with the order department: head ``ohead``, guards ``g1`` (on the night shift
    of 2026-12-07 20:00 – 12-08 08:00) and ``g2``."""
    company, estate = world.company, world.estate
    world.ohead = make_staff(company, "ohead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, [estate])
    world.g1 = make_staff(company, "g1", Role.GUARD, DepartmentKind.ORDER, [estate], name="张保安")
    world.g2 = make_staff(company, "g2", Role.GUARD, DepartmentKind.ORDER, [estate], name="李保安")
    world.post = shift_services.post_create(
        estate=estate, name="监控中心", department="order", kind="guard", by=world.ohead.user
    )
    world.night = shift_services.shift_create(
        post=world.post, starts_at=at(2026, 12, 7, 20, 0), ends_at=at(2026, 12, 8, 8, 0),
        staff=[world.g1], name="夜班", by=world.ohead.user,
    )  # fmt: skip
    return world


def report(w, **kwargs):
    values = {"estate": w.estate, "place": "1栋2单元12楼楼道", "size": "small", "trapped": "no",
              "by": w.g1.user}  # fmt: skip
    values.update(kwargs)
    return fire_report(**values)


def act(fire, action, user, **kwargs):
    return fire_act(fire=fire, action=action, by=user, **kwargs)


def to_closed(w, fire):
    """A small fire through FIRE-02's steps to its aftermath."""
    user = w.g1.user
    act(fire, "fight", user, data={"facilities": ["extinguisher"]})
    act(fire, "evacuate", user)
    act(fire, "evacuated", user, data={"checklist": REQUIRED_CHECKLIST})
    return act(fire, "close", user, data=AFTERMATH)
