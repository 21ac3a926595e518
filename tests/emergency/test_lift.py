"""Elevator entrapment (EMERG-LIFT-01..12, EQUIP-FAULT-10/11): an incident linked to the lift's
fault, opened together; the guard's 5 minutes, the contractor's 30 from the call, the rescue's 30
from the alarm, breaches to the command group; the steps in the manual's order; the lift out of
service until its acceptance; the follow-up of every trapped person and the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import Level
from wuye.emergency.models import Incident
from wuye.emergency.services.lift import entrapment_act, entrapment_open
from wuye.facilities.models import Equipment, Fault
from wuye.notify.models import Message
from wuye.workflow.services import sla_sweep

from .helpers import at
from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = pytest.mark.django_db


def checks(incident, code):
    return list(incident.steps.get(code=code).checklist)


def act(incident, action, user, **kwargs):
    return entrapment_act(incident=incident.pk, action=action, by=user, **kwargs)


def open_one(w, **kwargs):
    values = {"estate": w.estate, "lift": w.lift.pk, "by": w.agent.user, "people": 2}
    values.update(kwargs)
    return entrapment_open(**values)


def sms_to(incident_or_number) -> set[str]:
    number = getattr(getattr(incident_or_number, "case", None), "number", incident_or_number)
    return set(
        Message.objects.filter(channel="sms", ref=number).values_list(
            "recipient__username", flat=True
        )
    )


def breach_told(case) -> set[str]:
    """Who was told of a breach of this case's clocks (alone, or in a digest of several)."""
    return {
        m.recipient.username
        for m in Message.objects.filter(template__startswith="sla_breached")
        if m.ref == case.number or case.number in str(m.context.get("numbers", ""))
    }


# --- Opening -------------------------------------------------------------------------------------


def test_the_incident_and_the_lifts_fault_open_together_with_all_clocks__EQUIP_FAULT_10_11(
    lift_world, time_machine
):
    w = lift_world
    time_machine.move_to(at("2026-10-01 23:58"), tick=False)  # a holiday night: 24×7 clocks
    incident = open_one(w, people=1)
    fault = incident.fault
    assert fault.entrapment and fault.equipment == w.lift
    assert incident.place == "1栋1号客梯（1栋2单元）" and incident.level == Level.IV
    assert list(incident.buildings.all()) == [w.buildings[0]]
    due = {c.rule: c.due_at for c in incident.case.clocks.all()}
    due |= {c.rule: c.due_at for c in fault.case.clocks.all()}
    assert due["EMERG-LIFT-04"] == at("2026-10-02 00:03")
    assert due["EQUIP-FAULT-10"] == at("2026-10-02 00:03")
    assert due["EQUIP-FAULT-11"] == at("2026-10-02 00:28")
    assert "EMERG-LIFT-05" not in due  # it starts at the call


def test_more_than_two_people_trapped_is_level_iii__EMERG_04_05(lift_world):
    assert open_one(lift_world, people=3).level == Level.III


def test_order_and_engineering_are_told_at_once_by_sms_and_inbox__EMERG_LIFT_03(lift_world):
    w = lift_world
    incident = open_one(w)
    told = sms_to(incident)
    # The heads of order and engineering, every guard and technician (nobody is on a shift).
    assert {"order_head", "eng_head", "guard", "tech"} <= told
    inbox = set(
        Message.objects.filter(channel="inbox", ref=incident.case.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"order_head", "eng_head", "guard", "tech"} <= inbox
    guard_msg = Message.objects.filter(
        channel="inbox", recipient=w.guard.user, ref=incident.case.number
    )
    assert any(f"/emergency/lift/{incident.pk}/guard/" in (m.url or "") for m in guard_msg)


def test_only_the_guards_on_shift_are_told_when_someone_is_on_shift__EMERG_LIFT_03(
    lift_world,
):
    from tests.factories import DepartmentKind, Role, make_staff
    from wuye.fieldwork.models import DutyPost, Shift

    w = lift_world
    off = make_staff(w.company, "guard_off", Role.GUARD, DepartmentKind.ORDER, [w.estate])
    post = DutyPost.objects.create(estate=w.estate, name="监控中心", department="order")
    shift = Shift.objects.create(
        post=post,
        estate=w.estate,
        name="夜班",
        starts_at=at("2026-08-12 00:00"),
        ends_at=at("2026-08-12 08:00"),
    )
    shift.staff.add(w.guard)
    incident = open_one(w)
    told = set(
        Message.objects.filter(
            ref=incident.case.number, idempotency_key__contains=":told:"
        ).values_list("recipient__username", flat=True)
    )
    assert "guard" in told and off.user.username not in told
    assert "tech" in told  # no technician on a shift: every technician


def test_the_lift_is_out_of_service_from_the_opening__EMERG_LIFT_08(lift_world):
    w = lift_world
    open_one(w)
    assert Equipment.objects.get(pk=w.lift.pk).status == "under_repair"


def test_a_resident_call_records_caller_room_and_phone(lift_world):
    w = lift_world
    with pytest.raises(ValidationError) as error:
        open_one(w, source="resident")
    assert {"caller", "phone"} <= set(error.value.message_dict)
    incident = open_one(w, source="resident", caller="王先生", phone="13800001111", room=w.room.pk)
    assert incident.source == "resident"
    assert incident.case.data["caller"] == "王先生" and incident.case.data["room"] == w.room.pk
    assert "王先生" in incident.description and "13800001111" in incident.description


def test_a_lift_of_another_estate_or_not_a_lift_is_refused(lift_world):
    w = lift_world
    for lift in (w.pump.pk, 999999, "x"):
        with pytest.raises(ValidationError) as error:
            open_one(w, lift=lift)
        assert "lift" in error.value.message_dict
    assert not Incident.objects.exists() and not Fault.objects.exists()


def test_a_second_opening_of_the_same_lift_is_refused_with_the_running_number(lift_world):
    w = lift_world
    first = open_one(w)
    with pytest.raises(Conflict) as error:
        open_one(w)
    assert first.case.number in error.value.message
    assert Incident.objects.count() == 1
    open_one(w, lift=w.lift2.pk)  # another lift: its own entrapment
    assert Incident.objects.count() == 2


# --- The guard (EMERG-LIFT-04/10/12) -------------------------------------------------------------


def test_guard_on_site_in_5_minutes_stops_the_clock__EMERG_LIFT_04(lift_world, time_machine):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:04"), tick=False)
    with pytest.raises(ValidationError):  # the two checks of the reassurance step
        act(incident, "guard_arrive", w.guard.user, data={"checks": []})
    act(incident, "guard_arrive", w.guard.user, data={"checks": checks(incident, "reassure")})
    incident.refresh_from_db()
    assert incident.guard_arrived_at == at("2026-08-12 03:04")
    clock = incident.case.clocks.get(rule="EMERG-LIFT-04")
    assert clock.state == "met" and clock.stopped_at == at("2026-08-12 03:04")
    assert incident.steps.get(code="reassure").done_by == w.guard.user


def test_a_second_arrival_is_told_it_is_done__EMERG_LIFT_04(lift_world):
    w = lift_world
    incident = open_one(w)
    act(incident, "guard_arrive", w.guard.user, data={"checks": checks(incident, "reassure")})
    with pytest.raises(Conflict) as error:
        act(
            incident,
            "guard_arrive",
            w.order_head.user,
            data={"checks": checks(incident, "reassure")},
        )
    assert error.value.code == "already_arrived"


def test_a_late_guard_breaches_and_is_escalated__EMERG_LIFT_04(lift_world, time_machine):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:06"), tick=False)
    sla_sweep()
    clock = incident.case.clocks.get(rule="EMERG-LIFT-04")
    assert clock.state == "breached"
    assert {"order_head", "exec"} <= breach_told(incident.case)  # the head, the command group


def test_only_guards_and_leads_mark_the_guards_arrival__EMERG_LIFT_01(lift_world):
    w = lift_world
    incident = open_one(w)
    with pytest.raises(PermissionDenied):
        act(incident, "guard_arrive", w.tech.user, data={"checks": checks(incident, "reassure")})


# --- The contractor (EMERG-LIFT-05/06/07/11) -----------------------------------------------------


def test_the_desk_calls_the_contractor_without_waiting_for_the_guard__EMERG_LIFT_05(
    lift_world, time_machine
):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:01"), tick=False)
    act(incident, "call_contractor", w.agent.user)  # the guard is not there yet
    fault = Fault.objects.get(pk=incident.fault_id)
    assert fault.contractor == w.contractor and fault.contractor_called_at == at("2026-08-12 03:01")
    assert incident.steps.get(code="call_contractor").done_at is not None
    assert incident.steps.get(code="reassure").done_at is None
    clock = fault.case.clocks.get(rule="EMERG-LIFT-05")
    assert clock.due_at == at("2026-08-12 03:31")
    assert "lift" in sms_to(incident)  # the contractor's account, by SMS


def test_only_customer_service_calls_the_contractor__EMERG_LIFT_01(lift_world):
    w = lift_world
    incident = open_one(w)
    with pytest.raises(PermissionDenied):
        act(incident, "call_contractor", w.guard.user)


def test_an_unqualified_contractor_is_refused(lift_world):
    w = lift_world
    w.contractor.qualification_expires_on = dt.date(2026, 1, 1)
    w.contractor.save()
    incident = open_one(w)
    with pytest.raises(ValidationError):
        act(incident, "call_contractor", w.agent.user)
    assert incident.steps.get(code="call_contractor").done_at is None


def test_contractor_late_is_told_to_the_command_group__EMERG_LIFT_06(lift_world, time_machine):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:10"), tick=False)
    act(incident, "call_contractor", w.agent.user)
    time_machine.move_to(at("2026-08-12 03:39"), tick=False)
    sla_sweep()
    fault = incident.fault
    assert fault.case.clocks.get(rule="EMERG-LIFT-05").state == "running"
    time_machine.move_to(at("2026-08-12 03:40"), tick=False)
    sla_sweep()
    clock = fault.case.clocks.get(rule="EMERG-LIFT-05")
    assert clock.state == "breached"
    told = set(
        Message.objects.filter(idempotency_key__startswith=f"sla:{clock.pk}:").values_list(
            "recipient__username", flat=True
        )
    )
    assert "exec" in told  # the emergency command group (its leader)


def test_rescue_past_30_minutes_from_the_alarm_goes_to_the_command_group__EQUIP_FAULT_11(
    lift_world, time_machine
):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:30"), tick=False)
    sla_sweep()
    clock = incident.fault.case.clocks.get(rule="EQUIP-FAULT-11")
    assert clock.state == "breached"
    assert "exec" in breach_told(incident.fault.case)  # the emergency command group


def test_engineering_on_site_in_5_minutes__EQUIP_FAULT_10(lift_world, time_machine):
    w = lift_world
    incident = open_one(w)
    time_machine.move_to(at("2026-08-12 03:05"), tick=False)
    act(incident, "arrive", w.tech.user)
    clock = incident.fault.case.clocks.get(rule="EQUIP-FAULT-10")
    assert clock.state == "met"


def test_the_rescue_needs_the_contractor_there_and_every_prohibition_confirmed__EMERG_LIFT_07_11(
    lift_world, time_machine
):
    w = lift_world
    incident = open_one(w)
    act(incident, "call_contractor", w.agent.user)
    with pytest.raises(Conflict):
        act(incident, "rescue", w.contractor_user, data={"checks": checks(incident, "rescue")})
    time_machine.move_to(at("2026-08-12 03:20"), tick=False)
    act(incident, "contractor_arrive", w.contractor_user)
    with pytest.raises(Conflict):
        act(incident, "contractor_arrive", w.contractor_user)
    items = checks(incident, "rescue")
    assert any("撬棍" in item for item in items)  # EMERG-LIFT-11
    with pytest.raises(ValidationError) as error:
        act(incident, "rescue", w.contractor_user, data={"checks": items[1:]})
    assert "撬棍" in str(error.value.message_dict["checks"])
    assert Fault.objects.get(pk=incident.fault_id).rescued_at is None
    with pytest.raises(PermissionDenied):  # EMERG-LIFT-07: the contractor frees the people
        act(incident, "rescue", w.guard.user, data={"checks": items})
    time_machine.move_to(at("2026-08-12 03:25"), tick=False)
    act(incident, "rescue", w.contractor_user, data={"checks": items})
    fault = Fault.objects.get(pk=incident.fault_id)
    assert fault.rescued_at == at("2026-08-12 03:25")
    assert fault.case.clocks.get(rule="EQUIP-FAULT-11").state == "met"
    assert fault.case.clocks.get(rule="EMERG-LIFT-05").state == "met"
    assert incident.steps.get(code="rescue").done_by == w.contractor_user


def test_a_contractor_sees_only_the_entrapments_it_was_called_to(lift_world):
    from django.http import Http404

    from tests.factories import make_contractor

    w = lift_world
    other = make_contractor(w.company, "other_lift", [w.estate])
    incident = open_one(w)
    with pytest.raises(Http404):
        act(incident, "contractor_arrive", w.contractor_user)  # not called yet
    act(incident, "call_contractor", w.agent.user)
    with pytest.raises(Http404):
        act(incident, "contractor_arrive", other.accounts.get().user)


# --- Inspection (EMERG-LIFT-08) ------------------------------------------------------------------


def rescued(w, time_machine=None):
    incident = open_one(w)
    act(incident, "guard_arrive", w.guard.user, data={"checks": checks(incident, "reassure")})
    act(incident, "call_contractor", w.agent.user)
    act(incident, "contractor_arrive", w.contractor_user)
    act(incident, "rescue", w.contractor_user, data={"checks": checks(incident, "rescue")})
    return incident


def test_only_the_acceptance_after_three_normal_runs_returns_the_lift__EMERG_LIFT_08(lift_world):
    w = lift_world
    incident = rescued(w)
    for action in ("arrive", "investigate", "repair_done", "test_run", "test_run"):
        act(incident, action, w.tech.user, note="检查")
    with pytest.raises(Conflict):
        act(incident, "accept", w.tech.user)
    with pytest.raises(Conflict):
        act(incident, "inspect", w.tech.user)
    assert Equipment.objects.get(pk=w.lift.pk).status == "under_repair"
    assert incident.steps.get(code="inspect").done_at is None
    act(incident, "test_run", w.tech.user, note="第三次")
    act(incident, "accept", w.tech.user)
    assert Equipment.objects.get(pk=w.lift.pk).status == "in_use"
    assert incident.steps.get(code="inspect").done_by == w.tech.user


def test_an_acceptance_on_the_faults_page_is_picked_up_by_inspect__EMERG_LIFT_08(lift_world):
    from wuye.facilities.services.faults import fault_act

    w = lift_world
    incident = rescued(w)
    for action in (
        "arrive",
        "investigate",
        "repair_done",
        "test_run",
        "test_run",
        "test_run",
        "accept",
    ):
        fault_act(fault=incident.fault_id, action=action, by=w.tech.user, note="检查")
    assert Equipment.objects.get(pk=w.lift.pk).status == "under_repair"
    act(incident, "inspect", w.tech.user)
    assert Equipment.objects.get(pk=w.lift.pk).status == "in_use"


def test_a_failed_run_keeps_the_lift_out_of_service__EMERG_LIFT_08(lift_world):
    w = lift_world
    incident = rescued(w)
    for action in ("arrive", "investigate", "repair_done", "test_run"):
        act(incident, action, w.tech.user, note="检查")
    act(incident, "test_fail", w.tech.user, note="平层不准")
    assert Equipment.objects.get(pk=w.lift.pk).status == "under_repair"
    assert Fault.objects.get(pk=incident.fault_id).case.status == "repairing"


# --- Follow-up and report (EMERG-LIFT-09) --------------------------------------------------------


def test_the_end_needs_the_people_freed(lift_world):
    w = lift_world
    incident = open_one(w)
    with pytest.raises(Conflict):
        act(incident, "end", w.agent.user)


def test_every_trapped_person_is_visited_before_the_report__EMERG_LIFT_09(lift_world):
    w = lift_world
    incident = rescued(w)  # two people trapped
    for action in (
        "arrive",
        "investigate",
        "repair_done",
        "test_run",
        "test_run",
        "test_run",
        "accept",
    ):
        act(incident, action, w.tech.user, note="检查")
    act(incident, "end", w.agent.user)
    act(incident, "followup", w.agent.user, note="情绪稳定", data={"person": "王先生"})
    with pytest.raises(Conflict) as error:
        act(incident, "followup_done", w.agent.user)
    assert error.value.code == "followups_missing"
    act(incident, "followup", w.agent.user, note="无受伤", data={"person": "王太太"})
    act(incident, "followup_done", w.agent.user)
    incident = act(
        incident,
        "write_report",
        w.agent.user,
        data={"summary": "1栋电梯困人2人", "handling": "维保25分钟内解救"},
    )
    assert incident.case.status == "closed" and incident.report.summary == "1栋电梯困人2人"


def test_from_alarm_to_report_guard_on_time_contractor_late__EMERG_LIFT_02_06(
    client, lift_world, time_machine
):
    """The whole entrapment from a monitoring alarm: the guard on time, the contractor late
    (the command group told), the rescue, the acceptance, the visits, the report."""
    from tests.fieldwork.devices_helpers import body, post
    from wuye.fieldwork.services.devices import device_create

    w = lift_world
    device, secret = device_create(
        estate=w.estate,
        name="1栋1号客梯监控",
        kind="elevator_monitor",
        subject=w.lift,
        by=w.exec.user,
    )
    alarm = body(dedup_key="dt101-trapped-9", occurred_at=at("2026-08-12 02:59").isoformat())
    assert post(client, device, secret, alarm).status_code == 201
    incident = Incident.objects.get()
    assert incident.source == "monitoring" and incident.reported_at == at("2026-08-12 02:59")
    # A second alarm of the same lift opens nothing: it is linked to the running incident.
    again = body(dedup_key="dt101-trapped-10", occurred_at=at("2026-08-12 03:00").isoformat())
    assert post(client, device, secret, again).status_code == 201
    assert Incident.objects.count() == 1 and Fault.objects.count() == 1
    from wuye.fieldwork.models import DeviceEvent

    assert {e.case_id for e in DeviceEvent.objects.all()} == {incident.case_id}
    time_machine.move_to(at("2026-08-12 03:02"), tick=False)
    act(incident, "guard_arrive", w.guard.user, data={"checks": checks(incident, "reassure")})
    act(incident, "call_contractor", w.agent.user)
    time_machine.move_to(at("2026-08-12 03:33"), tick=False)
    sla_sweep()
    fault = Fault.objects.get(pk=incident.fault_id)
    late = fault.case.clocks.get(rule="EMERG-LIFT-05")
    assert late.state == "breached"
    assert "exec" in breach_told(fault.case)  # the command group told
    assert incident.case.clocks.get(rule="EMERG-LIFT-04").state == "met"
    act(incident, "contractor_arrive", w.contractor_user)
    act(incident, "rescue", w.contractor_user, data={"checks": checks(incident, "rescue")})
    for action in (
        "arrive",
        "investigate",
        "repair_done",
        "test_run",
        "test_run",
        "test_run",
        "accept",
    ):
        act(incident, action, w.tech.user, note="检查正常")
    act(incident, "end", w.agent.user)
    act(incident, "followup", w.agent.user, note="已安抚", data={"person": "被困人员"})
    with pytest.raises(Conflict):  # incident.people was not known from the alarm: one visit
        act(incident, "write_report", w.agent.user, data={"summary": "s", "handling": "h"})
    act(incident, "followup_done", w.agent.user)
    incident = act(
        incident,
        "write_report",
        w.agent.user,
        data={"summary": "监控报警困人", "handling": "维保迟到，已上报指挥小组"},
    )
    assert incident.case.status == "closed"
    assert all(s.done_at for s in incident.steps.all())
    assert Equipment.objects.get(pk=w.lift.pk).status == "in_use"
