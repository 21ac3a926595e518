"""Public-health events (EMERG-HEALTH): the report, a unit's closure with its cordon and its
twice-a-day disinfection, the final disinfection before the end, the staff's protective
equipment, the release to the closed scope — with frozen time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import TaskKind, TaskStatus
from wuye.emergency.models import Page
from wuye.emergency.selectors.closures import closure_for
from wuye.emergency.services.health import (
    closure_sweep_ended,
    health_release,
    ppe_confirm,
    ppe_missing,
    release_templates,
)
from wuye.emergency.services.incidents import incident_act
from wuye.environment.selectors.my_tasks import my_tasks_today
from wuye.notify.models import Message
from wuye.workflow.choices import ClockState
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_sweep_missed, schedule_generate
from wuye.workflow.services import sla_sweep

from .health_helpers import at, close_unit, report

pytestmark = pytest.mark.django_db


def test_opening_pages_the_command_group_at_once__EMERG_HEALTH_04(hw):
    w = hw
    page = Page.objects.get(incident=w.incident, user=w.exec.user)
    assert page.paged_at == w.incident.reported_at
    clock = w.incident.case.clocks.get(rule="EMERG-HEALTH-04")
    assert clock.due_at == w.incident.reported_at + dt.timedelta(minutes=30)


def test_report_to_disease_control_meets_the_clock_and_does_the_report_step__EMERG_HEALTH_04(
    hw, time_machine
):
    w = hw
    time_machine.move_to(at("2026-08-12 03:20"), tick=False)
    report(w)
    contact = w.incident.contacts.get()
    assert (contact.party, contact.organisation, contact.reference) == (
        "disease_control", "区疾控中心", "JK-2026-081")  # fmt: skip
    assert w.incident.case.clocks.get(rule="EMERG-HEALTH-04").state == ClockState.MET
    assert w.incident.steps.get(code="report").done_at == at("2026-08-12 03:20")


def test_report_needs_the_authority_and_the_person__EMERG_HEALTH_04(hw):
    with pytest.raises(ValidationError) as error:
        incident_act(incident=hw.incident, action="report_authority", by=hw.agent.user,
                     data={"organisation": ""})  # fmt: skip
    assert {"organisation", "person"} <= set(error.value.message_dict)


def test_late_report_breaches_to_the_command_group__EMERG_HEALTH_04(hw, time_machine):
    time_machine.move_to(at("2026-08-12 03:31"), tick=False)
    assert sla_sweep() >= 1
    breached = set(Message.objects.filter(template="sla_breached").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert "exec" in breached
    assert hw.incident.case.clocks.get(rule="EMERG-HEALTH-04").state == ClockState.BREACHED


@pytest.mark.parametrize(("days", "end"), [(14, "2026-08-26 23:59:59"), (7, "2026-08-19 23:59:59"),
                                            (21, "2026-09-02 23:59:59")])  # fmt: skip
def test_unit_closed_for_the_authoritys_days__EMERG_HEALTH_05(hw, days, end):
    w = hw
    closure = close_unit(w, days=days)
    assert (closure.scope, closure.unit, closure.building) == ("unit", w.unit, w.unit.building)
    assert closure.starts_at == at("2026-08-12 03:00")
    assert closure.ends_at == at(end)
    assert closure.authority_reference == "疾控〔2026〕12号"
    # The cordon is the order department's task under the closure step (EMERG-HEALTH-10).
    cordon = w.incident.tasks.get(kind=TaskKind.CORDON)
    assert cordon.department == "order" and cordon.step.code == "closure"
    assert "1栋2单元" in cordon.title


def test_closure_with_an_explicit_period_and_the_gate_read__EMERG_HEALTH_05_10(hw):
    w = hw
    close_unit(w, starts_at=at("2026-08-13 00:00"), ends_at=at("2026-08-23 12:00"))
    assert closure_for(w.estate, room=w.room) is None  # not yet
    assert closure_for(w.estate, room=w.room, at=at("2026-08-13 00:00")) is not None
    assert closure_for(w.estate, room=w.room2, at=at("2026-08-23 11:59")) is not None
    assert closure_for(w.estate, room=w.room, at=at("2026-08-23 12:00")) is None  # ended itself
    assert closure_for(w.estate, room=w.far_room, at=at("2026-08-15 00:00")) is None
    assert closure_for(w.estate, at=at("2026-08-15 00:00")) is None  # the estate is open


def test_estate_and_building_closures_cover_what_is_inside__EMERG_HEALTH_05(hw):
    w = hw
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "building", "building": w.buildings[1].pk, "days": 3})  # fmt: skip
    assert closure_for(w.estate, room=w.far_room).scope == "building"
    assert closure_for(w.estate, room=w.room) is None
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "estate", "days": 2})  # fmt: skip
    assert closure_for(w.estate, room=w.room).scope == "estate"
    assert closure_for(w.estate).scope == "estate"


def test_closure_input_is_checked_and_changes_nothing__EMERG_HEALTH_05(hw):
    w = hw
    for data, field in [({"scope": "unit"}, "unit"), ({"scope": "x", "days": 3}, "scope"),
                        ({"scope": "unit", "unit": w.unit.pk}, "ends_at"),
                        ({"scope": "unit", "unit": w.unit.pk, "days": 0}, "ends_at"),
                        ({"scope": "unit", "unit": w.other_room.unit_id, "days": 3}, "unit"),
                        ({"scope": "estate", "starts_at": "2026-08-20T00:00",
                          "ends_at": "2026-08-19T00:00"}, "ends_at")]:  # fmt: skip
        with pytest.raises(ValidationError) as error:
            incident_act(incident=w.incident, action="close_area", by=w.exec.user, data=data)
        assert field in error.value.message_dict, data
    assert not w.incident.closures.exists()


def test_only_the_command_group_closes_and_lifts__EMERG_HEALTH_02(hw):
    w = hw
    for staff in (w.guard, w.agent, w.cleaner):
        with pytest.raises(PermissionDenied):
            close_unit(w, days=14, by=staff)
    assert not w.incident.closures.exists()
    closure = close_unit(w, days=14, by=w.order_head)  # a department head of the group
    with pytest.raises(PermissionDenied):
        incident_act(incident=w.incident, action="lift_closure", by=w.guard.user,
                     data={"closure": closure.pk}, note="解除")  # fmt: skip


def _rounds(closure, *statuses):
    qs = PlannedTask.objects.filter(schedule=closure.disinfection)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs


def test_public_areas_disinfected_twice_a_day_while_closed__EMERG_HEALTH_06(hw, time_machine):
    w = hw
    closure = close_unit(w, starts_at=at("2026-08-12 03:00"), ends_at=at("2026-08-16 23:59:59"))
    schedule = closure.disinfection
    assert schedule.active and schedule.kind == "cleaning" and schedule.assignee == w.cleaner.user
    assert schedule.department == "environment" and schedule.rule == "EMERG-HEALTH-06"
    schedule_generate(now=at("2026-08-12 03:00"), horizon=dt.timedelta(days=10))
    moments = sorted(_rounds(closure).values_list("scheduled_for", flat=True))
    # From the closure's start to its end date: twice each day, never after the end date.
    assert moments == [at(f"2026-08-{d} {t}") for d in (12, 13, 14, 15, 16)
                       for t in ("08:00", "15:00")]  # fmt: skip
    # The cleaner sees them in the task list they already use.
    time_machine.move_to(at("2026-08-13 07:00"), tick=False)
    day = my_tasks_today(w.cleaner.user, w.estate)
    assert day.count == 2
    # A round not done is missed, visibly.
    time_machine.move_to(at("2026-08-13 10:01"), tick=False)
    planned_task_sweep_missed()
    assert _rounds(closure, PlannedTaskStatus.MISSED).count() == 3  # 12th 08/15h, 13th 08h


def test_lifting_early_stops_the_disinfection__EMERG_HEALTH_05_06(hw, time_machine):
    w = hw
    closure = close_unit(w, days=14)
    schedule_generate(now=at("2026-08-12 03:00"), horizon=dt.timedelta(days=7))
    time_machine.move_to(at("2026-08-14 12:00"), tick=False)
    with pytest.raises(ValidationError):
        incident_act(incident=w.incident, action="lift_closure", by=w.exec.user,
                     data={"closure": closure.pk})  # fmt: skip
    incident_act(incident=w.incident, action="lift_closure", by=w.exec.user,
                 data={"closure": closure.pk}, note="疾控通知提前解除")  # fmt: skip
    closure.refresh_from_db()
    assert closure.lifted_at == at("2026-08-14 12:00") and not closure.disinfection.active
    left = _rounds(closure).exclude(status=PlannedTaskStatus.CANCELLED)
    assert max(left.values_list("scheduled_for", flat=True)) == at("2026-08-14 08:00")
    assert not _rounds(closure, PlannedTaskStatus.PLANNED).filter(
        scheduled_for__gte=at("2026-08-14 12:00")).exists()  # fmt: skip
    assert closure_for(w.estate, room=w.room) is None
    with pytest.raises(Conflict):
        incident_act(incident=w.incident, action="lift_closure", by=w.exec.user,
                     data={"closure": closure.pk}, note="again")  # fmt: skip


def test_a_closure_ends_by_itself_and_its_rounds_stop__EMERG_HEALTH_05_06(hw, time_machine):
    w = hw
    closure = close_unit(w, starts_at=at("2026-08-12 03:00"), ends_at=at("2026-08-14 12:00"))
    schedule_generate(now=at("2026-08-12 03:00"), horizon=dt.timedelta(days=7))
    assert closure_sweep_ended() == 0  # still running
    time_machine.move_to(at("2026-08-14 12:30"), tick=False)
    assert closure_for(w.estate, room=w.room) is None
    assert closure_sweep_ended() == 1
    assert closure_sweep_ended() == 0  # idempotent
    closure.refresh_from_db()
    assert not closure.disinfection.active
    assert _rounds(closure, PlannedTaskStatus.CANCELLED).get().scheduled_for == at(
        "2026-08-14 15:00")  # fmt: skip


def test_final_disinfection_only_after_the_closures_and_before_the_end__EMERG_HEALTH_09(
    hw, time_machine
):
    w = hw
    closure = close_unit(w, days=3)
    with pytest.raises(Conflict) as error:
        incident_act(incident=w.incident, action="final_disinfection", by=w.exec.user)
    assert error.value.code == "closure_running"
    with pytest.raises(Conflict):  # normal order is not restored while closed
        incident_act(incident=w.incident, action="end", by=w.exec.user, note="结束")
    time_machine.move_to(closure.ends_at + dt.timedelta(seconds=1), tick=False)
    with pytest.raises(Conflict) as error:  # closed no more, but not yet disinfected
        incident_act(incident=w.incident, action="end", by=w.exec.user, note="结束")
    assert error.value.code == "final_disinfection"
    incident_act(incident=w.incident, action="final_disinfection", by=w.exec.user)
    task = w.incident.tasks.get(kind=TaskKind.FINAL_DISINFECTION)
    assert task.step.code == "aftermath" and task.department == "environment"
    with pytest.raises(Conflict):
        incident_act(incident=w.incident, action="final_disinfection", by=w.exec.user)
    incident_act(incident=w.incident, action="task_done", by=w.cleaner.user,
                 data={"task": task.pk}, note="全小区公共区域消毒完毕")  # fmt: skip
    incident_act(incident=w.incident, action="end", by=w.exec.user, note="恢复正常秩序")
    w.incident.refresh_from_db()
    assert w.incident.case.status == "followup"
    assert w.incident.tasks.get(pk=task.pk).status == TaskStatus.DONE


def test_staff_confirm_mask_and_gloves_and_the_page_shows_who_has_not__EMERG_HEALTH_11(
    hw, time_machine
):
    w = hw
    missing = {s.user.username for s in ppe_missing(w.incident)}
    assert {"guard", "cleaner", "agent", "tech", "order_head"} <= missing
    assert "exec" not in missing
    with pytest.raises(ValidationError):
        ppe_confirm(estate=w.estate, by=w.guard.user, mask=True, gloves=False)
    ppe_confirm(estate=w.estate, by=w.guard.user, mask=True, gloves=True)
    with pytest.raises(Conflict):
        ppe_confirm(estate=w.estate, by=w.guard.user, mask=True, gloves=True)
    assert "guard" not in {s.user.username for s in ppe_missing(w.incident)}
    time_machine.move_to(at("2026-08-13 07:00"), tick=False)  # a new day: again
    assert "guard" in {s.user.username for s in ppe_missing(w.incident)}


def test_no_confirmation_without_a_running_event__EMERG_HEALTH_11(emg):
    with pytest.raises(Conflict):
        ppe_confirm(estate=emg.estate, by=emg.guard.user, mask=True, gloves=True)


def test_release_to_the_closed_unit_by_customer_service_only__EMERG_HEALTH_07(hw):
    w = hw
    close_unit(w, days=14)
    templates = release_templates(w.incident)
    assert "1栋2单元封闭" in templates[0]["body"]
    with pytest.raises(PermissionDenied):
        health_release(incident=w.incident, by=w.guard.user, title="t", body="b")
    release = health_release(incident=w.incident, by=w.agent.user, title=templates[0]["title"],
                             body=templates[0]["body"])  # fmt: skip
    assert release.households == 2  # 301 and 302 of the unit, not the far building
    notice = release.notices.get()
    assert notice.unit_id == w.unit.pk
    everyone = health_release(incident=w.incident, by=w.agent.user, title="消毒通知",
                              body="每天2次消毒", to="estate")  # fmt: skip
    assert everyone.households == 3
    assert w.incident.releases.count() == 2  # every release kept
