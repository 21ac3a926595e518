"""Outages (停水停电, EMERG-OUTAGE-01..13): the 48 hours of a planned notice, the notice's
content, the sudden notice at once, the provision tasks per utility, the elevators out of service
and back, the cause, the utility, the restoration and the sampled follow-up, in the manual's
order. Time is frozen by the ``emg`` fixture at 2026-08-12 03:00 (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.core.exceptions import Conflict
from wuye.core.models import Occupancy
from wuye.emergency.choices import Level, TaskKind, TaskStatus
from wuye.emergency.models import ExternalContact, Followup, Outage
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.outages import sample_size_for
from wuye.facilities.choices import EquipmentStatus
from wuye.notify.models import Message, Notice
from wuye.notify.notices import published_ahead

from .helpers import at
from .outage_helpers import PRECAUTIONS, elevator, finish_tasks, plan_water, report_power

pytestmark = pytest.mark.django_db


# --- EMERG-OUTAGE-04: 48 hours ahead ---


@pytest.mark.parametrize(
    ("now", "start", "accepted"),
    [
        ("2026-08-12 03:00", "2026-08-14 02:59", False),  # 47 h 59 min
        ("2026-08-12 03:00", "2026-08-14 03:00", True),  # 48 h exactly
        ("2026-08-12 03:00", "2026-08-13 03:00", False),  # 24 h
        ("2026-09-30 16:41", "2026-10-02 16:40", False),  # over a holiday: calendar hours
        ("2026-09-30 16:41", "2026-10-02 16:41", True),
        ("2026-12-31 23:30", "2027-01-03 08:00", True),
    ],
)
def test_planned_outage_refused_less_than_48_hours_ahead__EMERG_OUTAGE_04(
    emg, time_machine, now, start, accepted
):
    w = emg
    time_machine.move_to(at(now), tick=False)
    end = (at(start) + dt.timedelta(hours=6)).strftime("%Y-%m-%d %H:%M")
    if accepted:
        outage = plan_water(w, start=start, end=end)
        notice = outage.release.notices.get()
        assert published_ahead(notice, outage.starts_at) >= dt.timedelta(hours=48)
        assert outage.incident.steps.get(code="notice").done_at == at(now)
    else:
        with pytest.raises(ValidationError) as error:
            plan_water(w, start=start, end=end)
        assert "starts_at" in error.value.message_dict
        assert not Outage.objects.exists() and not Notice.objects.exists()


def test_a_late_planned_outage_is_entered_as_sudden__EMERG_OUTAGE_01_04(emg):
    w = emg
    outage = report_power(w)
    assert not outage.planned and outage.incident.source == "desk"
    assert outage.incident.kind == "outage"


def test_times_precautions_and_guard_are_required__EMERG_OUTAGE_05_08(emg):
    w = emg
    from wuye.emergency.services.outages import outage_plan

    with pytest.raises(ValidationError) as error:
        outage_plan(estate=w.estate, utility="water", starts_at=None, expected_end_at=None,
                    precautions=" ", buildings=[w.buildings[0]], by=w.agent.user)  # fmt: skip
    assert {"starts_at", "expected_end_at", "precautions", "guard"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        plan_water(w, start="2026-08-15 09:00", end="2026-08-15 09:00")
    assert "expected_end_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_water(w, buildings=[w.other_room.unit.building])
    assert "buildings" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # the notice must carry all of it
        outage_plan(estate=w.estate, utility="water", starts_at=at("2026-08-20 09:00"),
                    expected_end_at=at("2026-08-20 12:00"), precautions="储" * 1000,
                    cause="原" * 1000, buildings=[w.buildings[0]], guard=w.guard,
                    by=w.agent.user)  # fmt: skip
    assert "precautions" in error.value.message_dict
    assert not Outage.objects.exists()


def test_only_customer_service_announces_an_outage__EMERG_OUTAGE_02(emg):
    w = emg
    for staff in (w.tech, w.guard):
        with pytest.raises(PermissionDenied):
            report_power(w, by=staff.user)
    assert not Outage.objects.exists()
    with pytest.raises(Http404):
        report_power(w, by=w.outsider.user)


# --- EMERG-OUTAGE-05: the notice's content; EMERG-05: the level ---


def test_planned_notice_states_times_and_precautions_to_every_channel__EMERG_OUTAGE_05(emg):
    w = emg
    outage = plan_water(w, start="2026-08-20 09:00", end="2026-08-20 17:30", cause="水箱清洗")
    release = outage.release
    assert release.title == "计划停水通知"
    for text in (
        "1栋",
        "停水时间：2026-08-20 09:00（周四）",
        "预计恢复时间：2026-08-20 17:30（周四）",
        f"注意事项：{PRECAUTIONS}",
        "水箱清洗",
    ):
        assert text in release.body, text  # fmt: skip
    notice = release.notices.get()
    assert notice.building == w.buildings[0] and notice.body == release.body
    # SMS and app to each household of building 1 (the owner and the neighbour), nobody else.
    sent = set(Message.objects.filter(ref=f"NOTICE-{notice.pk}")
               .values_list("recipient__username", "channel"))  # fmt: skip
    assert sent == {("owner", "sms"), ("owner", "inbox"), ("neighbour", "sms"),
                    ("neighbour", "inbox")}  # fmt: skip
    assert release.households == 2 and outage.incident.households == 2
    assert published_ahead(notice, outage.starts_at) == dt.timedelta(days=8, hours=6)


def test_whole_estate_outage_goes_on_the_estates_board_at_level_i__EMERG_07(emg):
    w = emg
    outage = plan_water(w, whole_estate=True)
    notice = outage.release.notices.get()
    assert notice.building is None
    assert outage.incident.level == outage.incident.suggested_level == Level.I  # "涉及整个小区"
    assert "全小区" in outage.release.body


@pytest.mark.parametrize(("n", "level"), [(9, Level.IV), (10, Level.III), (11, Level.III)])
def test_level_from_the_buildings_ten_or_more_is_iii__EMERG_05(emg, n, level):
    w = emg
    outage = report_power(w, buildings=w.buildings[:n])
    assert outage.incident.level == level
    assert outage.release.notices.count() == n  # the board of each affected building


def test_sudden_outage_tells_the_households_at_once__EMERG_OUTAGE_06(emg):
    w = emg
    outage = report_power(w)
    release = outage.release
    assert release.at == at("2026-08-12 03:00")
    assert release.title == "突发停电通知"
    assert "已停电" in release.body and "预计恢复时间：2026-08-12 07:00" in release.body
    assert Message.objects.filter(ref__startswith="NOTICE-", recipient__username="owner",
                                  channel="sms").count() == 1  # fmt: skip
    assert outage.incident.steps.get(code="notice").done_at == at("2026-08-12 03:00")


# --- Provision tasks (EMERG-OUTAGE-07/08/09/12/13) ---


# EMERG-OUTAGE-07 water point, EMERG-OUTAGE-08 its guard, EMERG-OUTAGE-12 hydrants closed.
def test_water_outage_tasks_point_guard_hydrants_due_by_the_start__EMERG_OUTAGE_07_08_12(emg):
    w = emg
    outage = plan_water(w, start="2026-08-16 08:00", end="2026-08-16 20:00",
                        water_point="2栋南门")  # fmt: skip
    tasks = {t.kind: t for t in outage.incident.tasks.all()}
    assert set(tasks) == {TaskKind.WATER_POINT, TaskKind.WATER_POINT_GUARD, TaskKind.HYDRANTS,
                          TaskKind.CAUSE}  # fmt: skip
    guard_task = tasks[TaskKind.WATER_POINT_GUARD]
    assert guard_task.assignee == w.guard and "李保安" in guard_task.title
    assert guard_task.place == "2栋南门" and tasks[TaskKind.WATER_POINT].place == "2栋南门"
    for kind in (TaskKind.WATER_POINT, TaskKind.WATER_POINT_GUARD, TaskKind.HYDRANTS):
        assert tasks[kind].due_at == at("2026-08-16 08:00")
        assert tasks[kind].step.code == "provision"
    assert tasks[TaskKind.CAUSE].step.code == "investigate"
    assert outage.guard == w.guard


def test_power_outage_tasks_lighting_and_elevators_due_in_minutes__EMERG_OUTAGE_07_13(emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    elevator(w.estate, w.buildings[5], "DT-6-1")  # not affected
    outage = report_power(w)
    tasks = {t.kind: t for t in outage.incident.tasks.all()}
    assert set(tasks) == {TaskKind.LIGHTING, TaskKind.ELEVATORS, TaskKind.CAUSE}
    assert tasks[TaskKind.ELEVATORS].data["elevators"] == [lift.pk]
    assert "停电提示牌" in tasks[TaskKind.ELEVATORS].title
    # Sudden: within minutes of being known (outage_provision.PROVISION_DUE).
    assert tasks[TaskKind.ELEVATORS].due_at == at("2026-08-12 03:10")
    assert tasks[TaskKind.LIGHTING].due_at == at("2026-08-12 03:15")


def test_a_water_outage_needs_a_guard_of_the_estate__EMERG_OUTAGE_08(emg):
    w = emg
    with pytest.raises(ValidationError) as error:
        plan_water(w, guard=w.tech)
    assert "guard" in error.value.message_dict


def test_elevators_out_of_service_when_shut_and_back_at_restoration__EMERG_OUTAGE_13(emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    repairing = elevator(w.estate, w.buildings[0], "DT-1-2", status=EquipmentStatus.UNDER_REPAIR)
    outage = report_power(w)
    task = outage.incident.tasks.get(kind=TaskKind.ELEVATORS)
    with pytest.raises(PermissionDenied):  # engineering shuts the lifts down
        incident_act(incident=outage.incident, action="task_done", by=w.guard.user,
                     data={"task": task.pk})  # fmt: skip
    lift.refresh_from_db()
    assert lift.status == EquipmentStatus.IN_USE
    finish_tasks(w, outage, cause="变压器故障")
    lift.refresh_from_db()
    repairing.refresh_from_db()
    assert lift.status == EquipmentStatus.STOPPED
    assert repairing.status == EquipmentStatus.UNDER_REPAIR
    outage.refresh_from_db()
    assert outage.stopped_elevators == [lift.pk] and outage.cause == "变压器故障"
    incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="供电局已修复")
    lift.refresh_from_db()
    repairing.refresh_from_db()
    assert lift.status == EquipmentStatus.IN_USE
    assert repairing.status == EquipmentStatus.UNDER_REPAIR  # not ours to bring back


# --- The steps in order (EMERG-OUTAGE-03), the cause and the utility (09/10) ---


def test_provision_step_done_when_its_tasks_are__EMERG_OUTAGE_03(emg):
    w = emg
    outage = plan_water(w)
    steps = outage.incident.steps
    provision = list(outage.incident.tasks.filter(step__code="provision").order_by("pk"))
    for task in provision[:-1]:
        incident_act(incident=outage.incident, action="task_done", by=w.guard.user,
                     data={"task": task.pk})  # fmt: skip
    assert steps.get(code="provision").done_at is None
    incident_act(incident=outage.incident, action="task_done", by=w.guard.user,
                 data={"task": provision[-1].pk})  # fmt: skip
    assert steps.get(code="provision").done_at == at("2026-08-12 03:00")
    assert steps.get(code="investigate").done_at is None


def test_restoration_waits_for_provision_and_investigation__EMERG_OUTAGE_03(emg):
    w = emg
    outage = report_power(w)
    with pytest.raises(Conflict) as error:
        incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="已恢复")
    assert error.value.code == "step_order"
    outage.refresh_from_db()
    assert outage.restored_at is None and outage.restore_release is None


def test_cause_found_before_the_provision_is_done_waits_its_turn__EMERG_OUTAGE_03_09(emg):
    w = emg
    outage = report_power(w)
    incident_act(incident=outage.incident, action="find_cause", by=w.tech.user,
                 data={"cause": "配电房变压器故障"})  # fmt: skip
    steps = outage.incident.steps
    assert steps.get(code="investigate").done_at is None  # provision not done yet
    finish_tasks(w, outage)
    assert steps.get(code="provision").done_at and steps.get(code="investigate").done_at
    outage.refresh_from_db()
    assert outage.cause == "配电房变压器故障"
    with pytest.raises(PermissionDenied):
        incident_act(incident=outage.incident, action="find_cause", by=w.agent.user,
                     data={"cause": "x"})  # fmt: skip


def test_the_cause_task_needs_a_cause__EMERG_OUTAGE_09(emg):
    w = emg
    outage = report_power(w)
    task = outage.incident.tasks.get(kind=TaskKind.CAUSE)
    with pytest.raises(ValidationError):
        incident_act(incident=outage.incident, action="task_done", by=w.tech.user,
                     data={"task": task.pk})  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_utility_called_with_time_and_reference__EMERG_OUTAGE_10(emg):
    w = emg
    outage = plan_water(w)
    with pytest.raises(ValidationError) as error:
        incident_act(incident=outage.incident, action="call_utility", by=w.agent.user,
                     data={"organisation": "市自来水公司"})  # fmt: skip
    assert "reference" in error.value.message_dict
    incident_act(
        incident=outage.incident,
        action="call_utility",
        by=w.agent.user,
        data={"organisation": "市自来水公司", "phone": "96116", "reference": "GS-0812-17"},
    )
    contact = ExternalContact.objects.get()
    assert contact.party == "water_utility" and contact.reference == "GS-0812-17"
    assert contact.at == at("2026-08-12 03:00") and contact.by == w.agent.user


# --- Restoration and follow-up (EMERG-OUTAGE-11) ---


def test_restoration_announced_to_the_same_households__EMERG_OUTAGE_04_11(emg, time_machine):
    w = emg
    outage = plan_water(w)
    finish_tasks(w, outage)
    time_machine.move_to(at("2026-08-14 16:20"), tick=False)
    incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="已恢复")
    outage.refresh_from_db()
    assert outage.restored_at == at("2026-08-14 16:20")
    release = outage.restore_release
    assert release.title == "恢复供水通知" and "2026-08-14 16:20" in release.body
    assert [n.building for n in release.notices.all()] == [w.buildings[0]]
    assert release.households == outage.release.households == 2
    assert outage.incident.steps.get(code="restore").done_at == at("2026-08-14 16:20")
    with pytest.raises(Conflict):
        incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="again")


@pytest.mark.parametrize(
    ("households", "sample"), [(0, 0), (3, 3), (5, 5), (49, 5), (50, 5), (51, 6), (300, 30)]
)
def test_sample_is_ten_percent_at_least_five_at_most_all__EMERG_OUTAGE_11(households, sample):
    assert sample_size_for(households) == sample


def _fill_building(w, building, n: int) -> None:
    from tests.factories import OccupancyFactory, RoomFactory, UnitFactory

    unit = UnitFactory(building=building, name="1单元")
    for i in range(n):
        OccupancyFactory(room=RoomFactory(unit=unit, number=f"{100 + i}"))


def test_follow_up_sample_drawn_reproducibly_and_called__EMERG_OUTAGE_11(emg):
    w = emg
    _fill_building(w, w.buildings[1], 70)  # 72 households with building 1's two → 8 sampled
    outage = report_power(w, buildings=w.buildings[:2])
    finish_tasks(w, outage)
    incident = outage.incident
    with pytest.raises(Conflict):  # nobody to call before the restoration
        incident_act(incident=incident, action="sample_call", by=w.agent.user,
                     data={"followup": 1, "satisfaction": 5})  # fmt: skip
    incident_act(incident=incident, action="restore", by=w.agent.user, note="已恢复")
    outage.refresh_from_db()
    visits = list(Followup.objects.filter(incident=incident).order_by("room_id"))
    assert outage.sample_size == len(visits) == 8
    rooms = {v.room_id for v in visits}
    scope = set(Occupancy.objects.filter(room__building__in=w.buildings[:2])
                .values_list("room_id", flat=True))  # fmt: skip
    assert rooms <= scope and all(v.person and v.phone for v in visits)
    # Reproducible: the same outage draws the same households.
    from wuye.emergency.services.outages import _sample_draw

    Followup.objects.filter(incident=incident).delete()
    _sample_draw(outage, now=outage.sampled_at)
    assert {v.room_id for v in Followup.objects.filter(incident=incident)} == rooms
    visits = list(Followup.objects.filter(incident=incident).order_by("pk"))
    with pytest.raises(ValidationError) as error:
        incident_act(incident=incident, action="sample_call", by=w.agent.user,
                     data={"followup": visits[0].pk, "reached": True})  # fmt: skip
    assert "satisfaction" in error.value.message_dict
    for i, visit in enumerate(visits):
        reached = i != 0
        incident_act(incident=incident, action="sample_call", by=w.agent.user, note="满意",
                     data={"followup": visit.pk, "reached": reached,
                           "satisfaction": 4 if reached else None})  # fmt: skip
        if i < len(visits) - 1:
            assert incident.steps.get(code="followup").done_at is None
    assert incident.steps.get(code="followup").done_at is not None
    with pytest.raises(Conflict):
        incident_act(incident=incident, action="sample_call", by=w.agent.user,
                     data={"followup": visits[1].pk, "satisfaction": 3})  # fmt: skip
    first = Followup.objects.get(pk=visits[0].pk)
    assert not first.reached and first.satisfaction is None
    # Then the end and the report close the incident.
    incident_act(incident=incident, action="end", by=w.agent.user, note="处置完毕")
    incident_act(incident=incident, action="write_report", by=w.agent.user,
                 data={"summary": "1、2栋突发停电", "handling": "已恢复并回访"})  # fmt: skip
    incident.refresh_from_db()
    assert incident.case.status == "closed"


def test_planned_water_outage_walk_from_notice_to_report__EMERG_OUTAGE_03(emg, time_machine):
    w = emg
    outage = plan_water(w, start="2026-08-18 09:00", end="2026-08-18 15:00")
    time_machine.move_to(at("2026-08-18 08:30"), tick=False)
    finish_tasks(w, outage, cause="二次供水水箱清洗")
    time_machine.move_to(at("2026-08-18 14:40"), tick=False)
    incident_act(incident=outage.incident, action="restore", by=w.agent.user, note="已恢复")
    for visit in outage.incident.followups.all():
        incident_act(incident=outage.incident, action="sample_call", by=w.agent.user,
                     data={"followup": visit.pk, "reached": True, "satisfaction": 5})  # fmt: skip
    steps = list(outage.incident.steps.order_by("order"))
    assert [s.code for s in steps] == ["notice", "provision", "investigate", "restore",
                                       "followup"]  # fmt: skip
    done = [s.done_at for s in steps]
    assert all(done) and done == sorted(done)
