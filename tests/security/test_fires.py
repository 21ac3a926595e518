"""Fires through the service (FIRE-02/08..12, VEHICLE-13): the report's three facts, the order
department told in the report's transaction, the steps in FIRE-02's order, the 119 clock."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.security.fireevents_helpers import (
    AFTERMATH,
    REQUIRED_CHECKLIST,
    act,
    at,
    fire_world,
    report,
    to_closed,
)
from wuye.core.exceptions import Conflict
from wuye.notify.models import Message
from wuye.security.models import FireIncident
from wuye.security.services import fires as fire_services
from wuye.workflow.models import Case
from wuye.workflow.services import sla_sweep

NIGHT = at(2026, 12, 8, 3, 0)  # 3 a.m., the guard g1 on the night shift


@pytest.fixture
def fw(world):
    return fire_world(world)


@pytest.mark.parametrize("missing", ["place", "size", "trapped"])
def test_a_report_without_one_of_its_three_facts_is_refused_and_changes_nothing__FIRE_09(
    fw, missing
):
    with time_machine.travel(NIGHT, tick=False):
        with pytest.raises(ValidationError) as refused:
            report(fw, **{missing: ""})
    assert missing in refused.value.message_dict
    assert not FireIncident.objects.exists()
    assert not Case.objects.filter(process="fire_incident").exists()
    assert not Message.objects.exists()


def test_a_report_tells_the_order_department_on_duty_by_inbox_and_sms__FIRE_08(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, size="large", trapped="yes", called_119=True, called_119_by="张保安")
    assert fire.case.number.startswith("HZ-20261208-")
    assert fire.called_119_at == NIGHT and fire.called_119_by == "张保安"
    sent = Message.objects.filter(ref=fire.case.number)
    assert set(sent.values_list("recipient__username", "channel")) == {
        ("ohead", "inbox"), ("ohead", "sms"), ("g1", "inbox"), ("g1", "sms"),
    }  # fmt: skip
    body = sent.filter(recipient__username="g1", channel="inbox").get().body
    assert "1栋2单元12楼楼道" in body and "火势较大" in body and "有人被困" in body
    # The 119 call was made before the report: no 119 clock runs.
    assert not fire.case.clocks.exists()


def test_the_order_department_is_told_in_the_reports_own_transaction__FIRE_08(fw, monkeypatch):
    """A failure while telling the department takes the report back with it: no fire without
    its messages, no messages without the fire."""

    def broken(requests):
        list(requests)
        raise RuntimeError("outbox down")

    monkeypatch.setattr(fire_services, "message_enqueue_bulk", broken)
    with time_machine.travel(NIGHT, tick=False), pytest.raises(RuntimeError):
        report(fw)
    assert not FireIncident.objects.exists() and not Case.objects.exists()


def test_no_shift_on_record_tells_every_guard_of_the_estate__FIRE_08(fw):
    with time_machine.travel(at(2026, 12, 9, 15, 0), tick=False):  # after the night shift
        fire = report(fw, by=fw.agent.user, called_119=True)
    users = set(Message.objects.filter(ref=fire.case.number).values_list("recipient__username"))
    assert users == {("ohead",), ("g1",), ("g2",)}


def test_a_report_before_the_119_call_runs_a_five_minute_clock__FIRE_08(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw)
    clock = fire.case.clocks.get(key="call_119")
    assert clock.rule == "FIRE-08" and clock.due_at == at(2026, 12, 8, 3, 5)
    with time_machine.travel(at(2026, 12, 8, 3, 6), tick=False):
        sla_sweep()
        clock.refresh_from_db()
        assert clock.state == "breached"
        fire = act(fire, "call_119", fw.g1.user, data={"by_name": "王队长"})
    assert fire.called_119_by == "王队长" and fire.called_119_at == at(2026, 12, 8, 3, 6)
    with pytest.raises(Conflict):
        act(fire, "call_119", fw.g1.user)


def test_a_fire_runs_in_fire_02s_order_to_its_aftermath__FIRE_02_12(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, called_119=True)
        with pytest.raises(Conflict):  # no evacuation before the firefighting step
            act(fire, "evacuate", fw.g1.user)
        fire = to_closed(fw, fire)
    assert fire.case.status == "closed"
    assert [e.action for e in fire.case.events.order_by("at", "id")] == [
        "created", "fight", "evacuate", "evacuated", "close",
    ]  # fmt: skip
    assert fire.facilities_used == ["extinguisher"]
    assert fire.investigated_by == "区消防救援大队" and fire.site_cleared and fire.order_restored


def test_initial_firefighting_names_the_facilities_used__FIRE_10(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, called_119=True)
        with pytest.raises(ValidationError) as refused:
            act(fire, "fight", fw.g1.user, data={"facilities": []})
        assert "facilities" in refused.value.message_dict
        fire = act(fire, "fight", fw.g1.user, data={"facilities": ["extinguisher", "hydrant"]})
    assert fire.facilities_used == ["extinguisher", "hydrant"]
    assert fire.case.events.get(action="fight").data["facilities"] == ["extinguisher", "hydrant"]


def test_a_large_fire_waits_for_the_fire_brigade__FIRE_10(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, size="large", called_119=True)
        with pytest.raises(Conflict) as refused:
            act(fire, "fight", fw.g1.user, data={"facilities": ["extinguisher"]})
        assert refused.value.code == "large_fire"
        fire = act(fire, "await_brigade", fw.g1.user)
        fire = act(fire, "brigade_arrive", fw.g1.user)
    assert fire.waited_for_brigade and fire.brigade_arrived_at == NIGHT
    assert fire.case.status == "fighting"


def test_a_fire_that_grows_large_is_left_to_the_brigade__FIRE_10(fw):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, called_119=True)
        fire = act(fire, "upgrade", fw.g1.user)
        assert fire.size == "large"
        with pytest.raises(Conflict):
            act(fire, "fight", fw.g1.user, data={"facilities": ["extinguisher"]})


@pytest.mark.parametrize(
    ("left_out", "rule"), [("lifts_recalled", "FIRE-11"), ("no_elevators", "FIRE-11"),
                           ("escape_routes", "FIRE-11"), ("vehicles_out", "VEHICLE-13")],
)  # fmt: skip
def test_evacuation_is_done_only_along_escape_routes_without_lifts_and_with_vehicles_out__FIRE_11_VEHICLE_13(  # noqa: E501
    fw, left_out, rule
):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, called_119=True)
        act(fire, "fight", fw.g1.user, data={"facilities": ["extinguisher"]})
        act(fire, "evacuate", fw.g1.user)
        ticked = [i for i in REQUIRED_CHECKLIST if i != left_out]
        with pytest.raises(ValidationError) as refused:
            act(fire, "evacuated", fw.g1.user, data={"checklist": ticked})
        assert "checklist" in refused.value.message_dict
        fire = act(fire, "evacuated", fw.g1.user, data={"checklist": REQUIRED_CHECKLIST})
    assert fire.evacuation["lifts_recalled"] and fire.evacuation["vehicles_out"]
    assert fire.case.status == "aftermath"


@pytest.mark.parametrize("missing", ["investigated_by", "cause", "site_cleared", "order_restored"])
def test_the_aftermath_records_investigation_cause_site_and_order__FIRE_12(fw, missing):
    with time_machine.travel(NIGHT, tick=False):
        fire = report(fw, called_119=True)
        act(fire, "fight", fw.g1.user, data={"facilities": ["extinguisher"]})
        act(fire, "evacuate", fw.g1.user)
        act(fire, "evacuated", fw.g1.user, data={"checklist": REQUIRED_CHECKLIST})
        with pytest.raises(ValidationError) as refused:
            act(fire, "close", fw.g1.user, data={**AFTERMATH, missing: ""})
    assert missing in refused.value.message_dict
    fire.refresh_from_db()
    assert fire.case.status == "aftermath" and fire.closed_at is None


def test_only_staff_of_the_estate_report_and_only_the_order_department_handles__FIRE_01(fw):
    with time_machine.travel(NIGHT, tick=False):
        with pytest.raises(Http404):
            report(fw, by=fw.outsider.user)
        with pytest.raises(Http404):
            report(fw, by=fw.owner.user)
        fire = report(fw, by=fw.tech.user, called_119=True)  # anyone on duty reports
        with pytest.raises(PermissionDenied):
            act(fire, "fight", fw.tech.user, data={"facilities": ["extinguisher"]})
        with pytest.raises(Http404):
            act(fire, "comment", fw.outsider.user, note="看到了")
        act(fire, "comment", fw.tech.user, note="火已控制")
