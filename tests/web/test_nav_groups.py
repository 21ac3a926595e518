"""The order department's pages sit in its own menu group (秩序管理): the gate, the vehicles, the
fire work and the guards' patrols, for everyone who sees them (customer service covers the
gate, engineering maintains the fire facilities)."""

from __future__ import annotations

import pytest

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import actor_for
from wuye.web.navigation import navigation_for

pytestmark = pytest.mark.django_db


def _groups(world, role) -> dict[str, list[str]]:
    staff = make_staff(world.company, f"n_{role}", role, DepartmentKind.ORDER, [world.estate])
    groups = navigation_for(actor_for(staff.user), world.estate, None)
    return {g["key"]: [str(item["label"]) for item in g["items"]] for g in groups}


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (Role.GUARD, {"我的班次", "巡逻异常上报", "门岗扫码", "临时出入证", "门岗车辆",
                      "消防设施", "火灾记录", "消防演练"}),
        (Role.CS_AGENT, {"门岗扫码", "外来人员登记", "代收快递", "装修登记", "消防宣传"}),
        (Role.TECHNICIAN, {"消防设施", "灭火器更换", "车辆管理台账"}),
    ],
)  # fmt: skip
def test_the_gate_vehicles_and_fire_pages_are_in_the_order_group(world, role, pages):
    groups = _groups(world, role)
    assert pages <= set(groups["order"])
    elsewhere = {label for key, labels in groups.items() if key != "order" for label in labels}
    assert not pages & elsewhere
