"""Rework keeps the clocks honest (workflow.engine.Clock, "Rework"): an owner's rejection reopens
the 24-hour limit the rejected completion stopped, with its first due time, and the revisit
clock counts from the accepted repair, not the rejected one. Reclassifying back and forth never
escalates the same breach twice. Frozen time throughout."""

import pytest

from tests.images import photo_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from wuye.notify.models import Message
from wuye.repairs.models import RepairOrder
from wuye.repairs.processes import REPAIR
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Event
from wuye.workflow.services import sla_sweep


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)  # a Thursday
    return time_machine


def clocks(order) -> dict:
    return {c.rule: c for c in order.case.clocks.all()}


def on_site(world, order):
    tech = world.tech.user
    act(order, "dispatch", world.agent.user, assignee=tech)
    act(order, "accept", tech)
    act(order, "arrive", tech, data=ARRIVAL)


def complete(world, order):
    tech = world.tech.user
    act(order, "complete", tech, attachments=[photo_of(tech)],
        data={"diagnosis": "阀芯老化", "charges": [], "materials": []})  # fmt: skip
    return RepairOrder.objects.get(pk=order.pk)


def breaches(order, key) -> int:
    return Event.objects.filter(case=order.case, action="sla_breached", data__clock=key).count()


def test_a_rejected_repair_is_late_when_truly_fixed_after_24_hours__REPAIR_05(world, frozen):
    order = report(world)  # 10:00
    on_site(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    complete(world, order)
    assert clocks(order)["REPAIR-05"].state == ClockState.MET  # handed in on time …
    frozen.move_to(at("2026-11-26 12:00"), tick=False)
    act(order, "reject", world.owner.user, note="还在滴水")
    handle = clocks(order)["REPAIR-05"]
    # … but refused: the clock runs again towards its first due time.
    assert handle.state == ClockState.RUNNING and handle.stopped_at is None
    assert handle.due_at == at("2026-11-27 10:00")
    frozen.move_to(at("2026-11-27 16:00"), tick=False)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    complete(world, order)
    handle = clocks(order)["REPAIR-05"]
    assert handle.state == ClockState.BREACHED
    assert handle.stopped_at == at("2026-11-27 16:00")
    act(order, "confirm", world.owner.user, data={"amount": "0.00"})
    assert clocks(order)["REPAIR-05"].state == ClockState.BREACHED


def test_a_rejected_repair_fixed_again_in_time_is_met__REPAIR_05(world, frozen):
    order = report(world)
    on_site(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    complete(world, order)
    act(order, "reject", world.owner.user, note="还在滴水")
    frozen.move_to(at("2026-11-26 17:00"), tick=False)
    complete(world, order)
    act(order, "confirm", world.owner.user, data={"amount": "0.00"})
    handle = clocks(order)["REPAIR-05"]
    assert handle.state == ClockState.MET and handle.stopped_at == at("2026-11-26 17:00")


def test_a_reopened_clock_past_its_due_is_escalated_once__REPAIR_05(world, frozen):
    order = report(world)
    on_site(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    complete(world, order)
    # The owner rejects the next day, after the 24 hours: the sweep escalates it now, once.
    frozen.move_to(at("2026-11-27 12:00"), tick=False)
    act(order, "reject", world.owner.user, note="还在滴水")
    sla_sweep()
    sla_sweep()
    assert breaches(order, "handle") == 1
    assert clocks(order)["REPAIR-05"].state == ClockState.BREACHED
    told = Message.objects.filter(template="sla_breached", context__rule="REPAIR-05")
    assert told.filter(recipient=world.tech.user).count() == 1


def test_a_clock_escalated_before_the_rejected_completion_is_not_escalated_again__REPAIR_05(
    world, frozen
):
    order = report(world)
    on_site(world, order)
    frozen.move_to(at("2026-11-27 11:00"), tick=False)  # 25 hours: late and escalated
    sla_sweep()
    assert breaches(order, "handle") == 1
    complete(world, order)
    act(order, "reject", world.owner.user, note="还在滴水")
    handle = clocks(order)["REPAIR-05"]
    assert handle.state == ClockState.BREACHED and handle.stopped_at is None
    frozen.move_to(at("2026-11-27 15:00"), tick=False)
    sla_sweep()
    assert breaches(order, "handle") == 1


def test_the_revisit_clock_counts_from_the_accepted_repair__REPAIR_12(world, frozen):
    order = report(world)
    on_site(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    complete(world, order)
    assert clocks(order)["REPAIR-12"].due_at == at("2026-11-27 11:00")
    frozen.move_to(at("2026-11-26 12:00"), tick=False)
    act(order, "reject", world.owner.user, note="还在滴水")
    assert clocks(order)["REPAIR-12"].state == ClockState.CANCELLED
    # No revisit is due for a repair the owner refused: nothing to escalate the next day.
    frozen.move_to(at("2026-11-27 12:00"), tick=False)
    sla_sweep()
    assert breaches(order, "revisit") == 0
    frozen.move_to(at("2026-11-27 16:00"), tick=False)
    complete(world, order)
    revisit = clocks(order)["REPAIR-12"]
    assert revisit.state == ClockState.RUNNING
    assert (revisit.started_at, revisit.due_at) == (at("2026-11-27 16:00"), at("2026-11-28 16:00"))
    act(order, "confirm", world.owner.user, data={"amount": "0.00"})
    frozen.move_to(at("2026-11-28 10:00"), tick=False)
    act(order, "revisit", world.agent.user, data={"satisfaction": 5})
    assert clocks(order)["REPAIR-12"].state == ClockState.MET


def test_an_early_call_about_a_rejected_repair_does_not_count_as_the_revisit__REPAIR_12(
    world, frozen
):
    order = report(world)
    on_site(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    complete(world, order)
    act(order, "revisit_early", world.agent.user, data={"satisfaction": 2})
    assert clocks(order)["REPAIR-12"].state == ClockState.MET
    act(order, "reject", world.owner.user, note="还在滴水")
    frozen.move_to(at("2026-11-27 09:00"), tick=False)
    complete(world, order)
    revisit = clocks(order)["REPAIR-12"]
    assert revisit.state == ClockState.RUNNING and revisit.due_at == at("2026-11-28 09:00")


def test_a_rejection_leaves_the_arrival_clock_alone__REPAIR_06(world, frozen):
    order = report(world, urgency="emergency", description="水管爆裂")
    tech = world.tech.user
    act(order, "dispatch", world.agent.user, assignee=tech)
    act(order, "accept", tech)
    frozen.move_to(at("2026-11-26 10:20"), tick=False)
    act(order, "arrive", tech, data=ARRIVAL)
    complete(world, order)
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    act(order, "reject", world.owner.user, note="还在漏")
    on_site_clock = clocks(order)["REPAIR-06"]
    assert on_site_clock.state == ClockState.MET
    assert on_site_clock.stopped_at == at("2026-11-26 10:20")


def test_reclassifying_back_and_forth_does_not_escalate_the_same_breach_twice__REPAIR_04(
    world, frozen
):
    order = report(world)  # general: dispatch within 60 minutes
    frozen.move_to(at("2026-11-26 11:30"), tick=False)
    sla_sweep()
    assert breaches(order, "dispatch_general") == 1
    act(order, "reclassify", world.agent.user, note="业主说水很大", data={"urgency": "emergency"})
    assert clocks(order)["REPAIR-08"].state == ClockState.CANCELLED
    frozen.move_to(at("2026-11-26 11:40"), tick=False)
    act(order, "reclassify", world.agent.user, note="只是滴水", data={"urgency": "general"})
    dispatch = clocks(order)["REPAIR-08"]
    assert dispatch.state == ClockState.BREACHED and dispatch.breached_at is not None
    frozen.move_to(at("2026-11-26 12:00"), tick=False)
    sla_sweep()
    assert breaches(order, "dispatch_general") == 1
    told = Message.objects.filter(template="sla_breached", context__rule="REPAIR-08")
    assert told.count() == told.values("recipient").distinct().count()  # once per person
    # Dispatched at last: it stays late.
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    assert clocks(order)["REPAIR-08"].state == ClockState.BREACHED


def test_each_escalation_on_the_timeline_names_its_clock(world, frozen):
    order = report(world, urgency="emergency", description="水管爆裂")  # 5 and 30 minutes
    frozen.move_to(at("2026-11-26 10:40"), tick=False)
    sla_sweep()
    labels = {REPAIR.event_label(e) for e in order.case.events.filter(action="sla_breached")}
    assert labels == {"超时升级：派单时限", "超时升级：到场时限"}
