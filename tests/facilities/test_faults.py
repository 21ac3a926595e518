"""Equipment faults through the service (EQUIP-FAULT-01..15): the whole process, the clocks across
a month boundary and a holiday, the trapped lift, the acceptance test's rework, the owners told."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.fieldwork.faults_helpers import (
    RUNS,
    act,
    at,
    fault_world,
    open_lift_fault,
    through_repair,
)
from wuye.core.exceptions import Conflict
from wuye.facilities.models import Fault, FaultTestRun, PreventiveMeasure
from wuye.facilities.selectors.faults import fault_list
from wuye.fieldwork.models import TaskSpec
from wuye.notify.models import Message, Notice
from wuye.workflow.choices import ClockState
from wuye.workflow.models import PlannedTask
from wuye.workflow.schedules import schedule_generate
from wuye.workflow.services import sla_sweep

MEASURES = [{"text": "每周清洁传感器", "interval_days": 7}]
REPORT = {"cause": "门机光幕传感器积灰误动作", "handling": "清洁并更换门机板", "measures": MEASURES}


@pytest.fixture
def w(world):
    return fault_world(world)


def clock(fault, key):
    return fault.case.clocks.get(key=key)


def test_a_fault_from_detection_to_its_preventive_schedule__EQUIP_FAULT_03_15(w):
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        fault = open_lift_fault(w)
    assert fault.case.number.startswith("GZ-20261130-")
    assert fault.case.status == "reported"
    steps = [
        ("arrive", w.tech.user, {}),
        ("investigate", w.tech.user, {"note": "门机板故障"}),
        ("repair_done", w.tech.user, {"note": "更换门机板"}),
        *[(name, w.tech.user, {}) for name in RUNS],
        ("accept", w.tech.user, {}),
        ("inform_outcome", w.agent.user, {"data": {"body": "1号客梯已修复，恢复运行"}}),
        ("write_report", w.enghead.user, {"data": REPORT}),
    ]
    for minute, (name, user, kwargs) in enumerate(steps, start=1):
        with time_machine.travel(at(2026, 11, 30, 10, minute), tick=False):
            fault = act(fault, name, user, **kwargs)
    fault.refresh_from_db()
    assert fault.case.status == "closed"
    assert [e.action for e in fault.case.events.order_by("at", "id")] == [
        "created", "arrive", "investigate", "repair_done", "test_run", "test_run", "test_run",
        "accept", "inform_outcome", "write_report",
    ]  # fmt: skip
    repair = clock(fault, "repair_general")
    assert repair.state == ClockState.MET and repair.stopped_at == at(2026, 11, 30, 10, 3)
    measure = PreventiveMeasure.objects.get(report__fault=fault)
    assert measure.text == "每周清洁传感器"
    schedule = measure.schedule
    assert (schedule.kind, schedule.frequency, schedule.interval) == (
        "preventive",
        "interval_days",
        7,
    )
    assert schedule.rule == "EQUIP-FAULT-15"
    spec = TaskSpec.objects.get(schedule=schedule)
    assert spec.subject == w.lift
    event = fault.case.events.get(action="write_report")
    assert event.data["report"]["measures"][0]["schedule"] == schedule.pk
    # The engine's generator plans the first occurrence: a week after the report (7 December).
    with time_machine.travel(at(2026, 11, 30, 12, 0), tick=False):
        schedule_generate(horizon=dt.timedelta(days=14))
    first = PlannedTask.objects.filter(schedule=schedule).order_by("scheduled_for").first()
    assert first is not None
    assert first.scheduled_for == at(2026, 12, 7, 9, 0)
    assert first.due_at == at(2026, 12, 7, 23, 59, 59)


def test_the_report_is_engineering_s_and_the_fault_closes_only_after_it__EQUIP_FAULT_09(w):
    fault = open_lift_fault(w)
    through_repair(w, fault)
    for name in (*RUNS, "accept"):
        act(fault, name, w.tech.user)
    with pytest.raises(Conflict):  # the owners are told the outcome first
        act(fault, "write_report", w.enghead.user, data=REPORT)
    act(fault, "inform_outcome", w.agent.user, data={"body": "已修复"})
    # Customer service's head and a technician may not write it.
    with pytest.raises(PermissionDenied):
        act(fault, "write_report", w.head.user, data=REPORT)
    with pytest.raises(PermissionDenied):
        act(fault, "write_report", w.tech.user, data=REPORT)
    with pytest.raises(ValidationError) as error:
        bad = {"cause": "", "handling": "x", "measures": [{"text": "清洁", "interval_days": 0}]}
        act(fault, "write_report", w.enghead.user, data=bad)
    assert set(error.value.message_dict) == {"cause", "measures"}
    fault.refresh_from_db()
    assert fault.case.status == "summary"
    assert not PreventiveMeasure.objects.exists()
    act(fault, "write_report", w.exec.user, data=REPORT)
    fault.refresh_from_db()
    assert fault.case.status == "closed"


def test_report_to_engineering_and_customer_service_at_once__EQUIP_FAULT_05(w):
    fault = open_lift_fault(w)
    told = set(
        Message.objects.filter(ref=fault.case.number).values_list("recipient__username", flat=True)
    )
    assert told == {"enghead", "head", "agent"}


@pytest.mark.parametrize(
    ("severity", "key", "hours", "rule"),
    [("general", "repair_general", 24, "EQUIP-FAULT-12"),
     ("major", "repair_major", 48, "EQUIP-FAULT-13")],
)  # fmt: skip
def test_repair_clock_is_24x7_across_a_month_end_and_a_holiday__EQUIP_FAULT_12_13(
    w, severity, key, hours, rule
):
    # 30 September 15:00, the eve of the National Day holiday (1–7 October): calendar hours,
    # the holiday changes nothing.
    with time_machine.travel(at(2026, 9, 30, 15, 0), tick=False):
        fault = open_lift_fault(w, severity=severity)
    repair = clock(fault, key)
    assert repair.rule == rule
    assert repair.started_at == at(2026, 9, 30, 15, 0)
    assert repair.due_at == at(2026, 9, 30, 15, 0) + dt.timedelta(hours=hours)
    assert repair.due_at == (at(2026, 10, 1, 15, 0) if hours == 24 else at(2026, 10, 2, 15, 0))
    assert {c.key for c in fault.case.clocks.all()} == {key}
    # Repaired an hour late in the holiday: breached by the sweep, and stays so.
    with time_machine.travel(repair.due_at + dt.timedelta(minutes=1), tick=False):
        sla_sweep()
    with time_machine.travel(repair.due_at + dt.timedelta(hours=1), tick=False):
        through_repair(w, fault)
    assert clock(fault, key).state == ClockState.BREACHED


def test_major_reclassification_moves_the_repair_clock_from_the_report_time__EQUIP_FAULT_13(w):
    with time_machine.travel(at(2026, 10, 31, 20, 0), tick=False):
        fault = open_lift_fault(w)
    with time_machine.travel(at(2026, 10, 31, 21, 0), tick=False):
        act(fault, "reclassify", w.tech.user, note="整栋停电", data={"severity": "major"})
    fault.refresh_from_db()
    assert fault.severity == "major"
    assert clock(fault, "repair_general").state == ClockState.CANCELLED
    assert clock(fault, "repair_major").due_at == at(2026, 11, 2, 20, 0)


def test_entrapment_clocks_and_escalation_to_the_command_group__EQUIP_FAULT_10_11(w):
    # The alarm at 23:50 on 30 September: the clocks cross into October and the holiday.
    with time_machine.travel(at(2026, 9, 30, 23, 50), tick=False):
        fault = open_lift_fault(w, entrapment=True, description="电梯困人，轿厢内2人")
    on_site, rescue = clock(fault, "on_site"), clock(fault, "rescue")
    assert (on_site.rule, on_site.due_at) == ("EQUIP-FAULT-10", at(2026, 9, 30, 23, 55))
    assert (rescue.rule, rescue.due_at) == ("EQUIP-FAULT-11", at(2026, 10, 1, 0, 20))
    with time_machine.travel(at(2026, 9, 30, 23, 54), tick=False):
        act(fault, "arrive", w.tech.user)
        act(fault, "call_contractor", w.agent.user, data={"contractor": w.contractor.pk})
    assert clock(fault, "on_site").state == ClockState.MET
    contractor_clock = clock(fault, "contractor_on_site")
    assert (contractor_clock.rule, contractor_clock.due_at) == (
        "EMERG-LIFT-05", at(2026, 10, 1, 0, 24))  # fmt: skip
    with time_machine.travel(at(2026, 10, 1, 0, 21), tick=False):
        sla_sweep()
    assert clock(fault, "rescue").state == ClockState.BREACHED
    breached = Message.objects.filter(template="sla_breached", ref=fault.case.number)
    # The command group (the executives until the emergencies exist) and engineering's head.
    assert set(breached.values_list("recipient__username", flat=True)) == {"exec", "enghead"}
    with time_machine.travel(at(2026, 10, 1, 0, 22), tick=False):
        act(fault, "contractor_arrive", w.contractor.accounts.get().user)
        act(fault, "rescue", w.contractor.accounts.get().user)
    assert clock(fault, "contractor_on_site").state == ClockState.MET
    assert clock(fault, "rescue").state == ClockState.BREACHED
    with pytest.raises(Conflict):
        act(fault, "rescue", w.tech.user)


def test_rescue_only_for_a_trapped_lift_and_entrapment_only_for_lifts__EQUIP_FAULT_10(w):
    fault = open_lift_fault(w)
    assert not fault.case.clocks.filter(key__in=("on_site", "rescue")).exists()
    with pytest.raises(Conflict):
        act(fault, "rescue", w.tech.user)
    with pytest.raises(ValidationError) as error:
        open_lift_fault(w, equipment=w.pump, entrapment=True)
    assert "entrapment" in error.value.message_dict


def test_a_failed_no_load_run_reopens_the_repair_clock_with_its_due_time__EQUIP_FAULT_07(w):
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        fault = open_lift_fault(w)
    with time_machine.travel(at(2026, 11, 30, 11, 0), tick=False):
        through_repair(w, fault)
        act(fault, "test_run", w.tech.user)
    assert clock(fault, "repair_general").state == ClockState.MET
    with time_machine.travel(at(2026, 11, 30, 11, 10), tick=False):
        act(fault, "test_fail", w.tech.user, note="第2次运行平层不准")
    fault.refresh_from_db()
    assert fault.case.status == "repairing"
    repair = clock(fault, "repair_general")
    assert repair.state == ClockState.RUNNING and repair.stopped_at is None
    assert repair.due_at == at(2026, 12, 1, 9, 0)
    runs = list(FaultTestRun.objects.filter(fault=fault).values_list("number", "normal"))
    assert runs == [(1, True), (2, False)]
    # Fixed again the next day after the due time: the 24 hours were missed.
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        act(fault, "repair_done", w.tech.user, note="调整平层感应器")
        for name in RUNS:
            act(fault, name, w.tech.user)
        with pytest.raises(Conflict):  # a fourth run is not asked for
            act(fault, "test_run", w.tech.user)
        act(fault, "accept", w.tech.user)
    assert clock(fault, "repair_general").state == ClockState.BREACHED
    assert FaultTestRun.objects.filter(fault=fault, repair_round=2).count() == 3


def test_acceptance_needs_three_normal_runs_or_a_test_note__EQUIP_FAULT_07(w):
    fault = open_lift_fault(w)
    through_repair(w, fault)
    act(fault, "test_run", w.tech.user)
    with pytest.raises(Conflict):
        act(fault, "accept", w.tech.user)
    pump = open_lift_fault(w, equipment=w.pump, description="水泵不出水")
    through_repair(w, pump)
    with pytest.raises(Conflict):
        act(pump, "test_run", w.tech.user)
    with pytest.raises(ValidationError) as error:
        act(pump, "accept", w.tech.user)
    assert "note" in error.value.message_dict
    act(pump, "accept", w.tech.user, note="试运行30分钟，出水压力正常")
    pump.refresh_from_db()
    assert pump.case.status == "feedback"


def test_owners_of_the_building_get_the_notice_others_do_not__EQUIP_FAULT_08_14(w):
    fault = open_lift_fault(w)
    act(fault, "inform", w.agent.user, data={"body": "电梯故障正在维修，预计1小时内恢复"})
    notice = Notice.objects.get()
    assert notice.building == w.lift.building and notice.published_at is not None
    told = set(Message.objects.filter(template="notice", ref=f"NOTICE-{notice.pk}")
               .values_list("recipient__username", flat=True))  # fmt: skip
    assert told == {"owner", "neighbour"}
    event = fault.case.events.get(action="inform")
    assert event.data["notice"] == notice.pk and "预计1小时" in event.data["body"]
    # A technician does not post notices; an empty update changes nothing.
    with pytest.raises(PermissionDenied):
        act(fault, "inform", w.tech.user, data={"body": "x"})
    with pytest.raises(ValidationError):
        act(fault, "inform", w.agent.user, data={"body": "  "})
    assert Notice.objects.count() == 1


def test_an_estate_wide_system_tells_the_whole_estate__EQUIP_FAULT_08(w):
    fault = open_lift_fault(w, equipment=w.pump, severity="major", description="供水中断")
    act(fault, "inform", w.agent.user, data={"body": "生活水泵故障，正在抢修"})
    notice = Notice.objects.get()
    assert notice.building is None
    told = set(Message.objects.filter(template="notice", ref=f"NOTICE-{notice.pk}")
               .values_list("recipient__username", flat=True))  # fmt: skip
    assert told == {"owner", "neighbour", "far"}


def test_the_contractor_sees_and_acts_only_on_faults_it_was_called_to__EQUIP_FAULT_02_06(w):
    fault = open_lift_fault(w)
    other = open_lift_fault(w, description="另一台电梯异响")
    lift_user = w.contractor.accounts.get().user
    from wuye.core.scoping import actor_for

    assert list(fault_list(actor=actor_for(lift_user))) == []
    with pytest.raises(Http404):
        act(fault, "investigate", lift_user, note="x")
    act(fault, "arrive", w.tech.user)
    act(fault, "call_contractor", w.tech.user, data={"contractor": w.contractor.pk})
    assert Message.objects.filter(recipient=lift_user, ref=fault.case.number).exists()
    assert [f.pk for f in fault_list(actor=actor_for(lift_user))] == [fault.pk]
    act(fault, "investigate", lift_user, note="曳引机编码器故障")
    act(fault, "repair_done", lift_user, note="更换编码器")
    with pytest.raises(PermissionDenied):  # engineering staff test it (EQUIP-FAULT-07)
        act(fault, "test_run", lift_user)
    with pytest.raises(Http404):
        act(other, "comment", lift_user, note="x")


def test_an_expired_contractor_is_not_called__EQUIP_FAULT_06(w):
    w.contractor.qualification_expires_on = dt.date(2020, 1, 1)
    w.contractor.save()
    fault = open_lift_fault(w)
    with pytest.raises(ValidationError) as error:
        act(fault, "call_contractor", w.tech.user, data={"contractor": w.contractor.pk})
    assert "contractor" in error.value.message_dict
    fault.refresh_from_db()
    assert fault.contractor is None and fault.case.events.count() == 1


def test_scope_and_roles_when_reporting__EQUIP_FAULT_05(w):
    with pytest.raises(Http404):
        open_lift_fault(w, by=w.outsider.user)
    with pytest.raises(Http404):
        open_lift_fault(w, equipment=w.other_lift)
    with pytest.raises(Http404):
        open_lift_fault(w, by=w.owner.user)
    with pytest.raises(ValidationError) as error:
        open_lift_fault(w, description=" ", severity="huge", source="rumour")
    assert set(error.value.message_dict) == {"description", "severity", "source"}
    assert not Fault.objects.exists()


def test_a_repair_order_about_common_equipment_becomes_or_joins_a_fault__EQUIP_FAULT_04(w):
    from wuye.core.models import PublicArea
    from wuye.facilities.services.faults import fault_link_repair
    from wuye.repairs.services import repair_order_create

    hall = PublicArea.objects.create(estate=w.estate, name="1栋电梯厅", kind="elevator")
    order = repair_order_create(
        estate=w.estate, public_area=hall, description="1号电梯按钮失灵", contact_name="张先生",
        contact_phone="13800000001", channel="phone", by=w.agent.user,
    )  # fmt: skip
    room_order = repair_order_create(
        estate=w.estate, room=w.room, description="厨房水龙头漏水", contact_name="业主",
        contact_phone="13800000002", channel="phone", by=w.agent.user,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        fault_link_repair(order=order, equipment=w.lift, by=w.agent.user)
    with pytest.raises(ValidationError):
        fault_link_repair(order=room_order, equipment=w.lift, by=w.tech.user)
    fault = fault_link_repair(order=order, equipment=w.lift, by=w.tech.user)
    assert fault.source == "repair" and fault.source_case == order.case
    assert list(order.case.caused_faults.all()) == [fault]
    second = repair_order_create(
        estate=w.estate, public_area=hall, description="电梯按钮还是不亮", contact_name="李女士",
        contact_phone="13800000003", channel="phone", by=w.agent.user,
    )  # fmt: skip
    fault_link_repair(order=second, fault=fault, by=w.tech.user)
    assert list(second.case.linked_faults.all()) == [fault]
    with pytest.raises(Conflict):
        fault_link_repair(order=second, fault=fault, by=w.tech.user)
    assert fault.case.events.filter(action="link_repair").count() == 1
