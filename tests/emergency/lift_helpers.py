"""What the entrapment tests share: the emergency world (``emg``) with an engineering head, the
lift of building 1 (maintained by the world's contractor ``lift``) and a second lift."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.facilities.services import equipment_create

from .helpers import at


@pytest.fixture(name="lift_world")
def lift_world_fixture(emg):
    w = emg
    w.eng_head = make_staff(
        w.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [w.estate]
    )
    w.lift = equipment_create(
        estate=w.estate, code="DT-1-01", name="1栋1号客梯", category="elevator",
        building=w.buildings[0], location="1栋2单元", contractor=w.contractor, by=w.tech.user,
    )  # fmt: skip
    w.lift2 = equipment_create(
        estate=w.estate, code="DT-2-01", name="2栋1号客梯", category="elevator",
        building=w.buildings[1], location="2栋1单元", contractor=w.contractor, by=w.tech.user,
    )  # fmt: skip
    w.pump = equipment_create(
        estate=w.estate, code="SB-01", name="1号生活水泵", category="water", by=w.tech.user
    )
    w.contractor_user = w.contractor.accounts.get().user
    return w


__all__ = ["at", "lift_world_fixture"]
