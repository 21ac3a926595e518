"""Monitoring alarms on the register's equipment: a device watching a piece of equipment turns its
alarms into an anomaly with engineering's 10-minute clock (EQUIP-OPS-04/08/09), and a trapped
passenger into an emergency fault with the 5- and 30-minute clocks (EQUIP-FAULT-10/11); an anomaly
turned into a fault is closed and linked (EQUIP-OPS-08 → EQUIP-FAULT)."""

from __future__ import annotations

import json
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client

from tests.fieldwork.devices_helpers import INTAKE, body, post, signed_headers
from wuye.facilities.models import Anomaly, Fault
from wuye.facilities.services.faults import fault_create
from wuye.fieldwork.models import DeviceEvent
from wuye.fieldwork.services.devices import device_create
from wuye.workflow.models import Case

from .equip_helpers import at


def watch(world, equipment, kind, name):
    return device_create(
        estate=world.estate, name=name, kind=kind, subject=equipment, by=world.exec.user
    )


def test_a_power_alarm_is_an_anomaly_with_the_10_minute_clock__EQUIP_OPS_09(
    client, eng, time_machine
):
    # 23:58 on the last day of November: the clock runs through midnight into December.
    time_machine.move_to(at(2026, 11, 30, 23, 58), tick=False)
    device, secret = watch(eng, eng.transformer, "power_monitor", "配电监控")
    alarm = body(
        event_type="voltage_low", severity="warning", dedup_key="pd01-vlow-1",
        message="A相电压 342V", occurred_at=at(2026, 11, 30, 23, 57).isoformat(),
    )  # fmt: skip
    assert post(client, device, secret, alarm).status_code == 201
    assert post(client, device, secret, alarm).status_code == 200  # the same alarm again
    anomaly = Anomaly.objects.get()
    assert anomaly.equipment == eng.transformer and anomaly.source == "monitoring"
    assert anomaly.found_at == at(2026, 11, 30, 23, 57)
    clock = anomaly.case.clocks.get(rule="EQUIP-OPS-09")
    assert clock.due_at == at(2026, 12, 1, 0, 7)
    event = DeviceEvent.objects.get()
    assert event.case == anomaly.case and event.repeats == 1
    assert Case.objects.count() == 1


def test_a_trapped_passenger_alarm_opens_an_emergency_fault__EQUIP_FAULT_10_EQUIP_FAULT_11(
    client, eng, time_machine
):
    # National Day: the emergency clocks are 24×7, the holiday changes nothing.
    time_machine.move_to(at(2026, 10, 1, 9, 0), tick=False)
    device, secret = watch(eng, eng.lift, "elevator_monitor", "1栋1号客梯监控")
    alarm = body(dedup_key="dt101-trapped-1", occurred_at=at(2026, 10, 1, 8, 59).isoformat())
    assert post(client, device, secret, alarm).status_code == 201
    fault = Fault.objects.get()
    assert fault.entrapment and fault.equipment == eng.lift and fault.source == "monitoring"
    due = {c.rule: c.due_at for c in fault.case.clocks.all()}
    assert due["EQUIP-FAULT-10"] == at(2026, 10, 1, 9, 4)
    assert due["EQUIP-FAULT-11"] == at(2026, 10, 1, 9, 29)
    assert not Anomaly.objects.exists()
    # The emergencies app takes the ``trapped`` event type (EMERG-LIFT): the alarm is linked to
    # the entrapment incident opened with this fault.
    assert DeviceEvent.objects.get().case == fault.incident.case


def test_an_alarm_of_a_device_watching_no_equipment_is_left_to_the_heads(client, eng):
    device, secret = device_create(
        estate=eng.estate, name="水箱液位", kind="water_level", by=eng.exec.user
    )
    alarm = body(event_type="water_low", severity="warning", dedup_key="tank-low-1")
    assert post(client, device, secret, alarm).status_code == 201
    assert not Anomaly.objects.exists() and not Case.objects.exists()
    assert DeviceEvent.objects.get().state == "open"


def test_an_anomaly_turned_into_a_fault_is_closed_and_linked__EQUIP_OPS_08(eng, time_machine):
    from wuye.facilities.services.anomalies import anomaly_report

    time_machine.move_to(at(2026, 11, 26, 10, 0), tick=False)
    case = anomaly_report(
        equipment=eng.lift, source="operator", description="电梯停在5楼不动", by=eng.tech.user
    )
    fault = fault_create(
        equipment=eng.lift, severity="general", source="anomaly", source_case=case,
        description="电梯停在5楼不动，需排查", by=eng.eng_head.user,
    )  # fmt: skip
    case.refresh_from_db()
    anomaly = Anomaly.objects.get(case=case)
    assert case.status == "fault" and anomaly.fault_case == fault.case
    assert fault.source_case == case
    # A repair order's case is not an anomaly: refused as a source of this kind.
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from the service
        fault_create(
            equipment=eng.lift, severity="general", source="anomaly", source_case=fault.case,
            description="x", by=eng.eng_head.user,
        )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_the_same_lift_alarm_20_times_at_once_is_one_anomaly_and_one_case__EQUIP_OPS_08(eng):
    device, secret = watch(eng, eng.lift, "elevator_monitor", "1栋1号客梯监控")
    raw = json.dumps(body(event_type="stopped", severity="critical", dedup_key="dt101-stop-7",
                          message="电梯停在5楼")).encode()  # fmt: skip
    headers = signed_headers(device, secret, raw)
    barrier = threading.Barrier(20)
    codes, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=30)
            codes.append(
                Client()
                .post(INTAKE, raw, content_type="application/json", headers=headers)
                .status_code
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not errors, errors
    assert sorted(codes) == [200] * 19 + [201]
    assert Anomaly.objects.count() == 1 and Case.objects.count() == 1
    assert DeviceEvent.objects.get().case == Anomaly.objects.get().case


def test_a_fault_from_a_lift_alarm_to_its_preventive_schedule_s_first_task__EQUIP_FAULT_03_15(
    client, world
):
    """The done-when walk: a monitoring alarm (a passenger trapped at 23:50 on 30 September, the
    eve of National Day) → the emergency fault → rescue, repair, three no-load runs, acceptance,
    the owners told, the report (written just after midnight, on 1 October) → its preventive
    measure's first planned task seven calendar days later (the holiday week counts in full)."""
    import datetime as dt

    from tests.fieldwork.faults_helpers import RUNS, act, fault_world
    from wuye.facilities.models import PreventiveMeasure
    from wuye.workflow.models import PlannedTask
    from wuye.workflow.schedules import schedule_generate

    w = fault_world(world)
    with time_machine.travel(at(2026, 9, 30, 23, 50), tick=False):
        device, secret = watch(w, w.lift, "elevator_monitor", "1号客梯监控")
        alarm = body(dedup_key="dt1-trapped-0930", occurred_at=at(2026, 9, 30, 23, 49).isoformat())
        assert post(client, device, secret, alarm).status_code == 201
    fault = Fault.objects.get()
    assert fault.entrapment and fault.source == "monitoring"
    due = {c.rule: c.due_at for c in fault.case.clocks.all()}
    assert due["EQUIP-FAULT-10"] == at(2026, 9, 30, 23, 54)
    assert due["EQUIP-FAULT-11"] == at(2026, 10, 1, 0, 19)
    report = {"cause": "安全回路触点氧化", "handling": "更换触点并清洁",
              "measures": [{"text": "每周检查安全回路触点", "interval_days": 7}]}  # fmt: skip
    steps = [
        ("arrive", w.tech.user, {}),
        ("rescue", w.tech.user, {"note": "已放出被困人员"}),
        ("investigate", w.tech.user, {"note": "安全回路断开"}),
        ("repair_done", w.tech.user, {"note": "更换触点"}),
        *[(name, w.tech.user, {}) for name in RUNS],
        ("accept", w.tech.user, {}),
        ("inform_outcome", w.agent.user, {"data": {"body": "1号客梯已修复，恢复运行"}}),
        ("write_report", w.enghead.user, {"data": report}),
    ]
    for minute, (name, user, kwargs) in enumerate(steps, start=1):
        with time_machine.travel(at(2026, 9, 30, 23, 50) + dt.timedelta(minutes=minute),
                                 tick=False):  # fmt: skip
            fault = act(fault, name, user, **kwargs)
    fault.refresh_from_db()
    assert fault.case.status == "closed"
    clocks = {c.rule: c for c in fault.case.clocks.all()}
    assert clocks["EQUIP-FAULT-10"].state == "met" and clocks["EQUIP-FAULT-11"].state == "met"
    schedule = PreventiveMeasure.objects.get(report__fault=fault).schedule
    with time_machine.travel(at(2026, 10, 1, 8, 0), tick=False):
        schedule_generate(horizon=dt.timedelta(days=14))
    first = PlannedTask.objects.filter(schedule=schedule).order_by("scheduled_for").first()
    assert first.scheduled_for == at(2026, 10, 8, 9, 0)
