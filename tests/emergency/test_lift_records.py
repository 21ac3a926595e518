"""What an entrapment leaves on record beside its incident: how the lift's fault was found (the
desk, a resident's call, the monitoring alarm), the lift's status changes in its history
(EMERG-LIFT-08), and the entrapment's records in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.facilities.equip_helpers import Api
from wuye.emergency.models import Incident
from wuye.emergency.services.lift import entrapment_act, entrapment_open
from wuye.facilities.choices import EquipmentStatus
from wuye.facilities.models import Equipment, EquipmentStatusChange, Fault, FaultSource
from wuye.facilities.services import equipment_update

from .helpers import at
from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)

pytestmark = pytest.mark.django_db


def checks(incident, code):
    return list(incident.steps.get(code=code).checklist)


def to_acceptance(w, incident) -> None:
    act = entrapment_act
    act(incident=incident.pk, action="guard_arrive", by=w.guard.user,
        data={"checks": checks(incident, "reassure")})  # fmt: skip
    act(incident=incident.pk, action="call_contractor", by=w.agent.user)
    act(incident=incident.pk, action="contractor_arrive", by=w.contractor_user)
    act(incident=incident.pk, action="rescue", by=w.contractor_user,
        data={"checks": checks(incident, "rescue")})  # fmt: skip
    for action in ("arrive", "investigate", "repair_done", "test_run", "test_run", "test_run"):
        act(incident=incident.pk, action=action, by=w.tech.user, note="检查")


# --- How the fault was found (EQUIP-FAULT-04, EMERG-LIFT-02 接警) --------------------------------


def test_the_desks_own_report_is_recorded_as_the_desks__EQUIP_FAULT_04(lift_world):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    assert incident.source == "desk"
    assert Fault.objects.get(pk=incident.fault_id).source == FaultSource.DESK


def test_a_residents_call_is_recorded_as_a_call__EQUIP_FAULT_04(client, lift_world):
    w = lift_world
    opened = Api(client, w.agent.user).post(
        "/emergency/entrapments",
        {"estate": w.estate.pk, "lift": w.lift.pk, "people": 1, "source": "resident",
         "caller": "王先生", "phone": "13800001111"}, expect=201,
    )  # fmt: skip
    fault = Incident.objects.get(pk=opened["id"]).fault
    assert fault.source == FaultSource.CALL
    assert fault.get_source_display() == "业主来电"
    # The fault's own API says so too.
    answer = Api(client, w.tech.user).get(f"/facilities/faults/{fault.pk}")
    assert answer["source"] == "call"


def test_the_monitoring_alarm_is_recorded_as_monitoring__EQUIP_FAULT_04(client, lift_world):
    from tests.fieldwork.devices_helpers import body, post
    from wuye.fieldwork.services.devices import device_create

    w = lift_world
    device, secret = device_create(
        estate=w.estate, name="1栋1号客梯监控", kind="elevator_monitor", subject=w.lift,
        by=w.exec.user,
    )  # fmt: skip
    alarm = body(dedup_key="dt101-trapped-1", occurred_at=at("2026-08-12 02:59").isoformat())
    assert post(client, device, secret, alarm).status_code == 201
    incident = Incident.objects.get()
    assert incident.source == "monitoring"
    assert incident.fault.source == FaultSource.MONITORING
    # Opened by the system: the lift's status change has no person, and says why.
    change = EquipmentStatusChange.objects.get(equipment=w.lift)
    assert change.by is None and change.source == f"电梯困人 {incident.case.number}"


# --- The lift's status history (EMERG-LIFT-08) ---------------------------------------------------


def test_the_lift_out_of_service_and_back_is_in_its_history__EMERG_LIFT_08(
    client, lift_world, time_machine, login
):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    number = incident.case.number
    first = EquipmentStatusChange.objects.get(equipment=w.lift)
    assert (first.from_status, first.to_status) == ("in_use", "under_repair")
    assert first.by == w.agent.user and first.source == f"电梯困人 {number}"
    assert first.at == at("2026-08-12 03:00") and "验收" in first.reason
    time_machine.move_to(at("2026-08-12 05:30"), tick=False)
    to_acceptance(w, incident)
    assert (
        EquipmentStatusChange.objects.filter(equipment=w.lift).count() == 1
    )  # runs change nothing
    entrapment_act(incident=incident.pk, action="accept", by=w.tech.user)
    assert Equipment.objects.get(pk=w.lift.pk).status == EquipmentStatus.IN_USE
    back = EquipmentStatusChange.objects.filter(equipment=w.lift).first()  # newest first
    assert (back.from_status, back.to_status, back.by) == ("under_repair", "in_use", w.tech.user)
    assert back.at == at("2026-08-12 05:30") and back.source == f"电梯困人 {number}"
    # The equipment's page and API show both, newest first.
    page = login("tech").get(reverse("facilities:equipment_detail", args=[w.lift.pk]))
    text = page.content.decode()
    assert "状态变更记录" in text and text.count(f"电梯困人 {number}") == 2
    assert text.index("维修中 → 在用") < text.index("在用 → 维修中")
    rows = Api(client, w.tech.user).get(f"/equipment/{w.lift.pk}/status-changes")
    assert [(r["from_status"], r["to_status"]) for r in rows] == [
        ("under_repair", "in_use"), ("in_use", "under_repair")
    ]  # fmt: skip
    assert rows[0]["by"] == w.tech.name and rows[1]["to_status_label"] == "维修中"


def test_a_lift_already_under_repair_gets_no_second_entry__EMERG_LIFT_08(lift_world):
    w = lift_world
    equipment_update(equipment=w.lift, by=w.tech.user, status=EquipmentStatus.UNDER_REPAIR)
    entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    changes = list(EquipmentStatusChange.objects.filter(equipment=w.lift))
    assert len(changes) == 1 and changes[0].reason == "设备台账修改"
    assert Equipment.objects.get(pk=w.lift.pk).status == EquipmentStatus.UNDER_REPAIR


# --- The admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["incidentstep", "page", "levelchange", "followup", "incidentreport"],
)
def test_the_entrapments_records_open_read_only_in_the_admin(client, lift_world, name):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    client.force_login(root)
    changelist = reverse(f"admin:emergency_{name}_changelist")
    found = client.get(changelist, {"q": incident.case.number, "incident__kind": "entrapment"})
    assert found.status_code == 200
    assert client.get(reverse(f"admin:emergency_{name}_add")).status_code == 403
    if name == "incidentstep":
        assert "安抚" in found.content.decode()
        step = incident.steps.get(code="reassure")
        detail = client.get(reverse("admin:emergency_incidentstep_change", args=[step.pk]))
        assert detail.status_code == 200 and 'name="note"' not in detail.content.decode()
