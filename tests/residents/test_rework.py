"""A house defect fixed, rejected and fixed again is late when the second fix is after its
7 working days (MOVEIN-07; workflow.engine.Clock, "Rework"). Frozen time throughout."""

import pytest

from tests.residents.test_move_in import (
    act,
    at,
    building,
    cashier,
    confirmed,
    fees,
    frozen,
    notified,
    owner_move_in,
    up_to_fees_paid,
)
from wuye.residents import services
from wuye.residents.models import HouseDefect
from wuye.workflow import services as engine
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Event

__all__ = ["building", "cashier", "confirmed", "fees", "frozen", "notified"]  # fixtures


@pytest.fixture
def defect(world, notified, fees, cashier, frozen) -> HouseDefect:
    move_in = owner_move_in(world, notified)
    frozen.move_to(at("2026-09-30 09:30"), tick=False)
    up_to_fees_paid(world, move_in, cashier)
    frozen.move_to(at("2026-09-30 15:00"), tick=False)
    act(move_in, "inspect", world.tech.user,
        data={"defects": [{"location": "客厅", "description": "窗户变形"}]})  # fmt: skip
    return HouseDefect.objects.get(move_in=move_in)


def clock(defect):
    return defect.case.clocks.get()


def test_fixed_rejected_and_fixed_five_weeks_later_is_late__MOVEIN_07(world, defect, frozen):
    assert clock(defect).due_at == at("2026-10-15 23:59:59")
    frozen.move_to(at("2026-10-09 10:00"), tick=False)
    services.house_defect_act(defect=defect, action="fix", by=world.tech.user, note="已调整窗框")
    assert clock(defect).state == ClockState.MET
    frozen.move_to(at("2026-10-10 10:00"), tick=False)
    services.house_defect_act(defect=defect, action="reject", by=world.agent.user,
                              note="业主复看，窗户仍关不严")  # fmt: skip
    reopened = clock(defect)
    assert (reopened.state, reopened.stopped_at) == (ClockState.RUNNING, None)
    assert reopened.due_at == at("2026-10-15 23:59:59")
    frozen.move_to(at("2026-10-16 09:00"), tick=False)
    engine.sla_sweep()
    engine.sla_sweep()
    assert Event.objects.filter(case=defect.case, action="sla_breached").count() == 1
    frozen.move_to(at("2026-11-06 10:00"), tick=False)  # five weeks after the first fix
    services.house_defect_act(defect=defect, action="fix", by=world.tech.user, note="更换窗户")
    services.house_defect_act(defect=defect, action="accept", by=world.agent.user)
    done = clock(defect)
    assert done.state == ClockState.BREACHED and done.stopped_at == at("2026-11-06 10:00")
    assert Event.objects.filter(case=defect.case, action="sla_breached").count() == 1


def test_fixed_rejected_and_fixed_again_in_time_is_met__MOVEIN_07(world, defect, frozen):
    frozen.move_to(at("2026-10-09 10:00"), tick=False)
    services.house_defect_act(defect=defect, action="fix", by=world.tech.user, note="已调整窗框")
    services.house_defect_act(defect=defect, action="reject", by=world.agent.user, note="仍漏风")
    frozen.move_to(at("2026-10-14 16:00"), tick=False)
    services.house_defect_act(defect=defect, action="fix", by=world.tech.user, note="更换密封条")
    services.house_defect_act(defect=defect, action="accept", by=world.agent.user)
    done = clock(defect)
    assert done.state == ClockState.MET and done.stopped_at == at("2026-10-14 16:00")
