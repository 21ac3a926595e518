"""Facilities in field work: a flagged check in work on a piece of equipment opens an anomaly on it
(EQUIP-OPS-08/09); an engineering handover carries the open anomalies and faults (EQUIP-OPS-10);
the equipment's page shows its faults and the work done on it (EQUIP-MAINT-07/13)."""

from __future__ import annotations

import time_machine

from tests.fieldwork.checks_helpers import at, good_answers, task
from tests.fieldwork.shifts_helpers import duty, hand_over, shift
from tests.images import photo_of, signature_of
from wuye.facilities.models import Anomaly
from wuye.facilities.selectors.equipment import history
from wuye.facilities.services.anomalies import anomaly_report
from wuye.facilities.services.faults import fault_create
from wuye.fieldwork.models import FollowUp
from wuye.fieldwork.services.records import task_complete
from wuye.workflow.models import Case


def _service(eng, temperature):
    t = task(eng, subject=eng.lift, scheduled="2026-11-30 09:00", due="2026-11-30 23:59:59")
    photo = photo_of(eng.tech.user)
    return task_complete(
        task=t, by=eng.tech.user, answers=good_answers(t, photo, temperature=temperature),
        photos=[photo_of(eng.tech.user).pk], signature=signature_of(eng.tech.user).pk,
        open_followups=True,
    )  # fmt: skip


def test_an_out_of_range_reading_in_a_lift_service_opens_an_anomaly_on_the_lift__EQUIP_OPS_08(
    eng,
):
    with time_machine.travel(at("2026-11-30 23:55"), tick=False):
        record = _service(eng, temperature="95")
    anomaly = Anomaly.objects.get()
    assert anomaly.equipment == eng.lift and anomaly.source == "round"
    assert "电机温度" in anomaly.description and "95" in anomaly.description
    followup = FollowUp.objects.get()
    assert followup.case == anomaly.case and followup.answer.record == record
    # EQUIP-OPS-09: engineering told within 10 minutes, across midnight into December.
    assert anomaly.case.clocks.get(rule="EQUIP-OPS-09").due_at == at("2026-12-01 00:05")


def test_a_flagged_check_on_work_without_equipment_is_a_generic_follow_up(eng):
    t = task(eng, scheduled="2026-11-30 09:00", due="2026-11-30 23:59:59")
    photo = photo_of(eng.tech.user)
    with time_machine.travel(at("2026-11-30 10:00"), tick=False):
        task_complete(
            task=t, by=eng.tech.user, answers=good_answers(t, photo, temperature="95"),
            photos=[photo_of(eng.tech.user).pk], signature=signature_of(eng.tech.user).pk,
            open_followups=True,
        )  # fmt: skip
    assert not Anomaly.objects.exists()
    assert Case.objects.get().process == "fieldwork_followup"


def test_an_engineering_handover_carries_the_open_anomalies_and_faults__EQUIP_OPS_03_10(
    eng, time_machine
):
    time_machine.move_to(at("2026-11-30 07:00"), tick=False)
    d = duty(eng)
    night = shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0])
    shift(d, "2026-12-01 08:00", "2026-12-01 20:00", d.ops[1])
    from wuye.fieldwork.services import shifts as shift_services

    time_machine.move_to(at("2026-11-30 20:00"), tick=False)
    shift_services.shift_start(shift=night, by=d.ops[0].user)
    time_machine.move_to(at("2026-11-30 23:00"), tick=False)
    anomaly = anomaly_report(
        equipment=eng.transformer, source="operator", description="变压器异响", by=eng.tech.user
    )
    fault = fault_create(
        equipment=eng.lift, severity="general", source="monitoring",
        description="电梯停在5楼不动", by=eng.eng_head.user,
    )  # fmt: skip
    time_machine.move_to(at("2026-12-01 08:00"), tick=False)
    handover = hand_over(d.ops[0].user, night)
    refs = {item.ref for item in handover.items.all()}
    assert anomaly.number in refs and fault.case.number in refs


def test_the_equipment_history_shows_its_faults_and_the_work_done_on_it__EQUIP_MAINT_13(eng):
    with time_machine.travel(at("2026-11-30 10:00"), tick=False):
        record = _service(eng, temperature="45")
        fault = fault_create(
            equipment=eng.lift, severity="general", source="monitoring",
            description="电梯门反复开关", by=eng.eng_head.user,
        )  # fmt: skip
    kinds = {item.kind: item for item in history(eng.lift)}
    assert fault.case.number in kinds["fault"].title
    assert kinds["service"].title.startswith(record.schedule_name)
    assert record.done_by_name in kinds["service"].title
