"""A major complaint sent back by the executive is not resolved: its handling clock reopens with
its first due time, so a resolution after the due time shows late (workflow.engine.Clock,
"Rework"). Frozen time throughout."""

import datetime as dt

import pytest

from tests.complaints.test_flow import RESOLVED, act, at, clocks, eng, frozen, receive, status
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Event
from wuye.workflow.services import sla_sweep

__all__ = ["eng", "frozen"]  # fixtures


@pytest.fixture
def major(world, eng):
    c = receive(world)  # Thursday 2026-11-26 10:00, general: 3 working days
    act(c, "assign", world.agent.user, data={"department": "engineering"}, assignee=eng.user)
    act(c, "mark_major", world.head.user, note="多次投诉，涉及安全")
    return c


def breaches(c, key) -> int:
    return Event.objects.filter(case=c.case, action="sla_breached", data__clock=key).count()


def test_sent_back_and_resolved_after_the_due_time_is_late__COMPLAINT_09(world, eng, major, frozen):
    due = clocks(major)["COMPLAINT-09"].due_at
    frozen.move_to(at("2026-11-27 10:00"), tick=False)
    act(major, "resolve", eng.user, data=RESOLVED)  # goes to the executive first
    assert status(major) == "waiting_approval"
    assert clocks(major)["COMPLAINT-09"].state == ClockState.MET
    act(major, "send_back", world.exec.user, note="请先确认维保单位的整改报告")
    handle = clocks(major)["COMPLAINT-09"]
    assert handle.state == ClockState.RUNNING and handle.stopped_at is None
    assert handle.due_at == due  # its first due time: lateness shows
    frozen.move_to(at("2026-12-03 10:00"), tick=False)  # after the due time
    act(major, "resolve", eng.user, data=RESOLVED)
    act(major, "approve", world.exec.user)
    assert status(major) == "waiting_reply"
    assert clocks(major)["COMPLAINT-09"].state == ClockState.BREACHED


def test_sent_back_after_the_due_time_is_escalated_at_once__COMPLAINT_09(world, eng, major, frozen):
    frozen.move_to(at("2026-11-30 10:00"), tick=False)
    act(major, "resolve", eng.user, data=RESOLVED)
    frozen.move_to(at("2026-12-02 10:00"), tick=False)  # the executive looks after the due time
    act(major, "send_back", world.exec.user, note="整改措施不具体")
    sla_sweep()
    sla_sweep()
    assert breaches(major, "handle_general") == 1
    assert clocks(major)["COMPLAINT-09"].state == ClockState.BREACHED


def test_sent_back_and_resolved_again_in_time_is_met__COMPLAINT_09(world, eng, major, frozen):
    act(major, "resolve", eng.user, data=RESOLVED)
    act(major, "send_back", world.exec.user, note="请补充维保记录")
    frozen.move_to(at("2026-11-27 15:00"), tick=False)
    act(major, "resolve", eng.user, data=RESOLVED)
    frozen.move_to(at("2026-11-27 16:00"), tick=False)
    act(major, "approve", world.exec.user)
    cl = clocks(major)
    assert cl["COMPLAINT-09"].state == ClockState.MET
    assert cl["COMPLAINT-09"].stopped_at == at("2026-11-27 15:00")
    # The reply clock starts at the approval, not at the first submission.
    assert cl["COMPLAINT-12"].started_at == at("2026-11-27 16:00")


def test_an_urgent_complaint_sent_back_keeps_its_one_day_limit__COMPLAINT_10(world, eng, frozen):
    c = receive(world, urgency="urgent")
    act(c, "assign", world.agent.user, data={"department": "engineering"}, assignee=eng.user)
    act(c, "mark_major", world.head.user, note="涉及安全")
    due = clocks(c)["COMPLAINT-10"].due_at
    act(c, "resolve", eng.user, data=RESOLVED)
    act(c, "send_back", world.exec.user, note="请现场复核")
    assert clocks(c)["COMPLAINT-10"].due_at == due
    frozen.move_to(due + dt.timedelta(hours=1), tick=False)
    act(c, "resolve", eng.user, data=RESOLVED)
    assert clocks(c)["COMPLAINT-10"].state == ClockState.BREACHED
