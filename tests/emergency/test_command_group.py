"""The engine's escalation role ``command_group`` (EMERG-01, EMERG-LIFT-06): a lift's 30-minute
rescue clock that breaches is told to the estate's emergency command group — its own group,
else the company's, else the executives."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.emergency.choices import GroupKind
from wuye.emergency.models import EmergencyGroup
from wuye.emergency.processes import COMMAND_GROUP
from wuye.facilities.models import Fault
from wuye.facilities.services import equipment_create
from wuye.facilities.services.faults import fault_create
from wuye.notify.models import Message
from wuye.workflow.services import escalation_recipients, sla_sweep

from .helpers import add_group, at

pytestmark = pytest.mark.django_db


def _trapped(w):
    lift = equipment_create(
        estate=w.estate, code="DT-9", name="9号客梯", category="elevator",
        building=w.room.unit.building, by=w.tech.user,
    )  # fmt: skip
    return fault_create(equipment=lift, severity="general", source="monitoring", entrapment=True,
                        description="电梯困人，轿厢内1人", by=w.agent.user)  # fmt: skip


def _breach_told(time_machine) -> set[str]:
    time_machine.move_to(at("2026-08-12 03:31"), tick=False)
    sla_sweep()
    return set(
        Message.objects.filter(template__startswith="sla_breached").values_list(
            "recipient__username", flat=True
        )
    )


def test_a_rescue_breach_goes_to_the_estates_own_command_group__EMERG_LIFT_06(emg, time_machine):
    w = emg
    duty = make_staff(w.company, "duty_exec", Role.DEPARTMENT_HEAD, DepartmentKind.EXECUTIVE,
                      [w.estate])  # fmt: skip
    add_group(w.company, w.estate, GroupKind.COMMAND, (duty, {"leader": True}))
    _trapped(w)
    told = _breach_told(time_machine)
    assert "duty_exec" in told  # the estate's own group
    case = Fault.objects.get().case
    assert [u.username for u in escalation_recipients(case, (COMMAND_GROUP,), "")] == [
        "duty_exec"
    ]  # not the company's group


def test_without_a_group_of_the_estate_the_companys_group_is_told__EMERG_01(emg, time_machine):
    w = emg
    case = _trapped(w).case
    assert [u.username for u in escalation_recipients(case, (COMMAND_GROUP,), "")] == ["exec"]
    assert "exec" in _breach_told(time_machine)  # the company-wide group of the fixture


def test_with_no_group_at_all_the_executives_are_the_command_group__EMERG_01(emg, time_machine):
    w = emg
    EmergencyGroup.objects.filter(kind=GroupKind.COMMAND).delete()
    other = make_staff(w.company, "exec2", Role.EXECUTIVE, DepartmentKind.EXECUTIVE, [])
    case = _trapped(w).case
    told = {u.username for u in escalation_recipients(case, (COMMAND_GROUP,), "")}
    assert told == {"exec", other.user.username}
