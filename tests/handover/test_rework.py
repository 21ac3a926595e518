"""A takeover defect reported fixed and failed at re-inspection is still open: its 15 working
days run on, and a pass after them is late (TAKEOVER-07; workflow.engine.Clock, "Rework")."""

from tests.handover.test_takeover import at, end_of, frozen, inspect_all, make_plan, status, tw
from wuye.handover.models import CheckSystem, TakeoverDefect
from wuye.handover.services import takeover as services
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Event
from wuye.workflow.services import sla_sweep

__all__ = ["frozen", "tw"]  # fixtures


def test_a_failed_reinspection_keeps_the_deadline_and_a_late_pass_is_late__TAKEOVER_07(tw, frozen):
    plan = make_plan(tw)
    inspect_all(tw, plan, failures=(CheckSystem.WALL,))
    wall = TakeoverDefect.objects.get()
    frozen.move_to(at("2026-09-30 10:00"), tick=False)
    services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    act = services.takeover_defect_act
    frozen.move_to(at("2026-10-26 10:00"), tick=False)
    act(defect=wall, action="report_fixed", note="已修补裂缝", by=tw.tech.user)
    frozen.move_to(at("2026-10-28 10:00"), tick=False)  # re-inspected after the due time
    act(defect=wall, action="reinspect_fail", note="修补处仍有裂纹", by=tw.tech.user)
    clock = wall.case.clocks.get()
    assert status(wall) == "rectifying"
    assert (clock.stopped_at, clock.due_at) == (None, end_of(2026, 10, 27))
    sla_sweep()
    sla_sweep()
    assert Event.objects.filter(case=wall.case, action="sla_breached").count() == 1
    frozen.move_to(at("2026-11-03 10:00"), tick=False)
    act(defect=wall, action="report_fixed", note="重新批荡", by=tw.tech.user)
    act(defect=wall, action="reinspect_pass", by=tw.tech.user)
    assert wall.case.clocks.get().state == ClockState.BREACHED
