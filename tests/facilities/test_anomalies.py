"""Equipment anomalies (设备异常, EQUIP-OPS-08/09) through the services: reported from every
source, engineering told at once, the 10-minute clock stopped by acknowledgement or escalated to
the engineering head and executives, dismissed / fixed / turned into a fault, idempotent on a
deduplication key."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.core.exceptions import Conflict
from wuye.facilities.models import Anomaly
from wuye.facilities.services import anomalies as services
from wuye.facilities.services import anomaly_mark_fault, anomaly_report
from wuye.notify.models import Message
from wuye.workflow.services import case_open, sla_sweep

from .equip_helpers import at


def report(world, **kwargs):
    values = {
        "equipment": world.lift,
        "source": "operator",
        "description": "电梯停在5楼不动",
        "by": world.agent.user,
    }
    return anomaly_report(**{**values, **kwargs})


def test_report_notifies_engineering_at_once_and_runs_the_clock__EQUIP_OPS_08_EQUIP_OPS_09(
    eng, time_machine
):
    time_machine.move_to(at(2026, 11, 26, 10, 0), tick=False)
    case = report(eng, found_at=at(2026, 11, 26, 9, 58))
    anomaly = case.equipment_anomaly
    assert case.process == "equipment_anomaly" and case.status == "reported"
    assert anomaly.reported_by == eng.agent.user and anomaly.found_at == at(2026, 11, 26, 9, 58)
    clock = case.clocks.get()
    assert (clock.rule, clock.due_at) == ("EQUIP-OPS-09", at(2026, 11, 26, 10, 8))
    inbox = Message.objects.filter(ref=f"facilities.anomaly:{anomaly.pk}")
    assert set(inbox.values_list("recipient__username", flat=True)) == {"tech", "eng_head"}
    assert "电梯停在5楼不动" in inbox.first().body


def test_acknowledgement_stops_the_clock_in_time__EQUIP_OPS_09(eng, time_machine):
    time_machine.move_to(at(2026, 11, 30, 23, 58), tick=False)
    case = report(eng)
    time_machine.move_to(at(2026, 12, 1, 0, 6), tick=False)
    anomaly = services.anomaly_act(
        anomaly=case.equipment_anomaly, action="acknowledge", by=eng.tech.user
    )
    clock = anomaly.case.clocks.get()
    assert clock.state == "met" and clock.stopped_at == at(2026, 12, 1, 0, 6)
    assert anomaly.acknowledged_by == eng.tech.user and anomaly.case.status == "acknowledged"


def test_unacknowledged_anomaly_escalates_to_head_and_executives__EQUIP_OPS_09(eng, time_machine):
    time_machine.move_to(at(2026, 10, 1, 8, 0), tick=False)  # a holiday: the clock runs 24×7
    case = report(eng)
    time_machine.move_to(at(2026, 10, 1, 8, 11), tick=False)
    sla_sweep()
    clock = case.clocks.get()
    assert clock.state == "breached"
    told = set(
        Message.objects.filter(template="sla_breached").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"eng_head", "exec"}


def test_dismiss_needs_a_reason_and_handled_anomaly_takes_no_more_steps__EQUIP_OPS_08(eng):
    case = report(eng)
    with pytest.raises(ValidationError):
        services.anomaly_act(anomaly=case.equipment_anomaly, action="dismiss", by=eng.tech.user)
    anomaly = services.anomaly_act(
        anomaly=case.equipment_anomaly,
        action="dismiss",
        note="监控误报，现场电梯运行正常",
        by=eng.tech.user,
    )
    assert anomaly.case.status == "dismissed" and anomaly.resolution.startswith("监控误报")
    assert anomaly.acknowledged_at is not None and anomaly.handled_at is not None
    with pytest.raises(Conflict):
        services.anomaly_act(anomaly=anomaly, action="fix", note="x", by=eng.tech.user)


def test_only_engineering_acknowledges_other_estate_404(eng):
    case = report(eng)
    with pytest.raises(PermissionDenied):
        services.anomaly_act(
            anomaly=case.equipment_anomaly, action="acknowledge", by=eng.agent.user
        )
    with pytest.raises(Http404):
        services.anomaly_act(
            anomaly=case.equipment_anomaly, action="acknowledge", by=eng.outsider.user
        )
    with pytest.raises(Http404):
        report(eng, by=eng.outsider.user)
    with pytest.raises(Http404):  # a resident is no one's operator
        report(eng, by=eng.owner.user)


def test_dedup_key_makes_reporting_idempotent__EQUIP_OPS_08(eng):
    first = report(eng, source="monitoring", dedup="lift-alarm-7781", data={"code": "E21"})
    again = report(eng, source="monitoring", dedup="lift-alarm-7781", description="重复报警")
    assert again == first and Anomaly.objects.count() == 1
    assert first.equipment_anomaly.data == {"code": "E21"}
    assert Message.objects.filter(template="notice").count() == 2  # told once (tech, head)


def test_bad_report_changes_nothing(eng):
    with pytest.raises(ValidationError) as exc:
        report(eng, source="rumour", description="  ", dedup="x" * 200)
    assert {"source", "description", "dedup"} <= set(exc.value.message_dict)
    assert not Anomaly.objects.exists()


def test_turned_into_a_fault_links_it__EQUIP_OPS_08(eng):
    case = report(eng, source="round", description="巡检发现曳引机异响")
    fault = case_open(
        process="equipment_anomaly", estate=eng.estate, title="占位故障", by=eng.tech.user
    )
    with pytest.raises(ValidationError):  # not an anomaly's own kind of case
        anomaly_mark_fault(anomaly_case=case, fault_case=fault, by=eng.tech.user)
    from wuye.repairs.services import repair_order_create  # a case of another process

    order = repair_order_create(
        estate=eng.estate,
        room=eng.room,
        description="电梯异响",
        contact_name="王先生",
        contact_phone="13800138000",
        channel="phone",
        by=eng.agent.user,
    )
    anomaly = anomaly_mark_fault(anomaly_case=case, fault_case=order.case, by=eng.tech.user)
    assert anomaly.case.status == "fault" and anomaly.fault_case == order.case
    assert anomaly.case.clocks.get().state == "met"
    with pytest.raises(ValidationError):
        anomaly_mark_fault(anomaly_case=case, fault_case=order.case, by=eng.tech.user)
