"""The provision of an outage: when each task is due (a planned outage's by the time the supply
stops, a sudden one's within minutes of being known — ``outage_provision.PROVISION_DUE``), and
the elevators it set out of service back in service when it is cancelled or restored
(EMERG-OUTAGE-13), only those still stopped because of it. Time is frozen by the ``emg`` fixture
at 2026-08-12 03:00 (Asia/Shanghai)."""

from __future__ import annotations

import pytest

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import TaskKind, TaskStatus
from wuye.emergency.services.incidents import incident_act
from wuye.facilities.choices import EquipmentStatus
from wuye.facilities.models import Equipment, EquipmentStatusChange

from .helpers import at
from .outage_helpers import elevator, finish_tasks, plan_water, report_power, report_water

pytestmark = pytest.mark.django_db


def _due(outage) -> dict:
    return {t.kind: t.due_at for t in outage.incident.tasks.all()}


def test_planned_provision_is_ready_when_the_supply_stops__EMERG_OUTAGE_07_08_12(emg):
    w = emg
    due = _due(plan_water(w, start="2026-08-16 08:00", end="2026-08-16 20:00"))
    for kind in (TaskKind.WATER_POINT, TaskKind.WATER_POINT_GUARD, TaskKind.HYDRANTS):
        assert due[kind] == at("2026-08-16 08:00")
    assert due[TaskKind.CAUSE] == at("2026-08-16 20:00")


def test_sudden_water_provision_within_the_hour_of_being_known__EMERG_OUTAGE_07_08_12(emg):
    w = emg
    # Began an hour before the desk heard of it: the minutes count from its entry (03:00).
    due = _due(report_water(w, starts_at=at("2026-08-12 02:00")))
    assert due[TaskKind.HYDRANTS] == at("2026-08-12 03:30")
    assert due[TaskKind.WATER_POINT] == due[TaskKind.WATER_POINT_GUARD] == at("2026-08-12 04:00")


def _shut(w, outage) -> None:
    task = outage.incident.tasks.get(kind=TaskKind.ELEVATORS)
    incident_act(incident=outage.incident, action="task_done", by=w.tech.user,
                 note="已关闭并设置停电提示牌", data={"task": task.pk})  # fmt: skip


def _status(*lifts) -> list[str]:
    return [Equipment.objects.get(pk=lift.pk).status for lift in lifts]


def test_cancelling_an_outage_puts_its_lifts_back_in_service__EMERG_OUTAGE_13(emg):
    w = emg
    b1 = w.buildings[0]
    ours = elevator(w.estate, b1, "DT-1-1")
    broken_since = elevator(w.estate, b1, "DT-1-2")  # stopped by us, then found faulty
    repairing = elevator(w.estate, b1, "DT-1-3", status=EquipmentStatus.UNDER_REPAIR)
    laid_up = elevator(w.estate, b1, "DT-1-4", status=EquipmentStatus.STOPPED)  # not ours
    outage = report_power(w)
    _shut(w, outage)
    assert _status(ours, broken_since) == [EquipmentStatus.STOPPED] * 2
    outage.refresh_from_db()
    assert outage.stopped_elevators == sorted([ours.pk, broken_since.pk])
    Equipment.objects.filter(pk=broken_since.pk).update(status=EquipmentStatus.UNDER_REPAIR)
    incident_act(incident=outage.incident, action="cancel", by=w.agent.user, note="误报，未停电")
    assert _status(ours, broken_since, repairing, laid_up) == [
        EquipmentStatus.IN_USE, EquipmentStatus.UNDER_REPAIR, EquipmentStatus.UNDER_REPAIR,
        EquipmentStatus.STOPPED,
    ]  # fmt: skip
    assert not outage.incident.tasks.filter(status=TaskStatus.OPEN).exists()
    outage.incident.refresh_from_db()
    assert outage.incident.case.status == "cancelled"
    # The lift's history says why and by which outage it stopped and came back.
    history = list(
        EquipmentStatusChange.objects.filter(equipment=ours).order_by("at", "pk")
        .values_list("from_status", "to_status", "source", "by")
    )  # fmt: skip
    number = outage.incident.case.number
    assert history == [
        (EquipmentStatus.IN_USE, EquipmentStatus.STOPPED, f"停水停电 {number}", w.tech.user.pk),
        (EquipmentStatus.STOPPED, EquipmentStatus.IN_USE, f"停水停电 {number}", w.agent.user.pk),
    ]


def test_cancelling_before_the_lifts_were_shut_changes_no_lift__EMERG_OUTAGE_13(emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    laid_up = elevator(w.estate, w.buildings[0], "DT-1-2", status=EquipmentStatus.STOPPED)
    outage = report_power(w)
    incident_act(incident=outage.incident, action="cancel", by=w.agent.user, note="误报")
    assert _status(lift, laid_up) == [EquipmentStatus.IN_USE, EquipmentStatus.STOPPED]


def test_cancelling_after_the_restoration_leaves_the_lifts_alone__EMERG_OUTAGE_13(emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    outage = report_power(w)
    finish_tasks(w, outage, cause="变压器故障")
    assert _status(lift) == [EquipmentStatus.STOPPED]
    incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="已恢复供电")
    assert _status(lift) == [EquipmentStatus.IN_USE]  # the restoration brought it back
    # Stopped since for its yearly inspection: not the outage's to bring back any more.
    Equipment.objects.filter(pk=lift.pk).update(status=EquipmentStatus.STOPPED)
    incident_act(incident=outage.incident, action="cancel", by=w.agent.user, note="重复登记")
    assert _status(lift) == [EquipmentStatus.STOPPED]


def test_a_lift_another_running_power_outage_needs_stays_stopped__EMERG_OUTAGE_13(emg):
    w = emg
    shared = elevator(w.estate, w.buildings[0], "DT-1-1")
    second = elevator(w.estate, w.buildings[1], "DT-2-1")
    first = report_power(w, buildings=w.buildings[:1])
    _shut(w, first)
    wider = report_power(w, buildings=w.buildings[:2])  # building 1 is out again, with building 2
    _shut(w, wider)  # the shared lift was already stopped: only building 2's is the wider's own
    wider.refresh_from_db()
    assert wider.stopped_elevators == [second.pk]
    incident_act(incident=first.incident, action="cancel", by=w.agent.user, note="并入2栋停电")
    assert _status(shared, second) == [EquipmentStatus.STOPPED] * 2  # still without power
    wider.refresh_from_db()
    assert wider.stopped_elevators == sorted([shared.pk, second.pk])  # now the wider's to return
    finish_tasks(w, wider, cause="变压器故障")
    incident_act(incident=wider.incident, action="restore", by=w.agent.user, note="已恢复供电")
    assert _status(shared, second) == [EquipmentStatus.IN_USE] * 2


def test_restoring_a_water_outage_or_cancelling_one_touches_no_lift__EMERG_OUTAGE_13(emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1", status=EquipmentStatus.STOPPED)
    outage = plan_water(w)
    incident_act(incident=outage.incident, action="cancel", by=w.agent.user, note="计划取消")
    assert _status(lift) == [EquipmentStatus.STOPPED]
    with pytest.raises(Conflict):  # a cancelled outage is not restored
        incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="已恢复")
