"""Overdue provision tasks (EMERG-OUTAGE-07/08/12/13): a task still open at its due time is told
to the head of its assignee's department, and 30 minutes later to the command group (EMERG-01),
once each, on the incident's timeline; a task done on time never escalates. Time is frozen by the
``emg`` fixture at 2026-08-12 03:00 (Asia/Shanghai): a sudden water outage entered then has its
hydrants due at 03:30 and its water point and guard at 04:00."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentKind, Role, make_staff
from wuye.emergency.choices import TaskKind
from wuye.emergency.models import ProvisionEscalation
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.outage_overdue import provision_sweep_overdue
from wuye.jobs import JOBS
from wuye.notify.models import Message
from wuye.workflow.models import Event

from .helpers import at
from .outage_helpers import report_power, report_water

pytestmark = pytest.mark.django_db


def _told() -> list[tuple[str, str]]:
    """(recipient, task) of every overdue message, in order."""
    rows = Message.objects.filter(idempotency_key__startswith="outage_task:").order_by("pk")
    return [(m.recipient.username, m.subject) for m in rows]


def _sweep_at(time_machine, when: str) -> int:
    time_machine.move_to(at(when), tick=False)
    return provision_sweep_overdue()


def _done(w, outage, kind) -> None:
    task = outage.incident.tasks.get(kind=kind)
    by = w.guard if task.department == "order" else w.tech
    incident_act(incident=outage.incident, action="task_done", by=by.user, note="已完成",
                 data={"task": task.pk})  # fmt: skip


def test_late_water_point_guard_goes_to_the_order_head_at_its_due_time__EMERG_OUTAGE_08(
    emg, time_machine
):
    w = emg
    outage = report_water(w)
    _done(w, outage, TaskKind.HYDRANTS)
    _done(w, outage, TaskKind.WATER_POINT)
    assert _sweep_at(time_machine, "2026-08-12 03:59") == 0
    assert _sweep_at(time_machine, "2026-08-12 04:00") == 1
    told = _told()
    assert told == [("order_head", "保障任务超时：取水点值守：李保安")]  # the guard's head
    message = Message.objects.get(idempotency_key__startswith="outage_task:")
    assert "2026-08-12 04:00" in message.body and outage.incident.case.number in message.body
    assert message.url == f"/emergency/outages/{outage.pk}/"
    assert _sweep_at(time_machine, "2026-08-12 04:10") == 0  # once
    assert _told() == told
    event = Event.objects.get(case=outage.incident.case, action="task_overdue")
    assert event.note == "取水点值守：李保安" and event.data["stage"] == "head"
    assert event.at == at("2026-08-12 04:00") and event.actor is None


def test_still_late_after_30_minutes_goes_to_the_command_group_once__EMERG_OUTAGE_07__EMERG_01(
    emg, time_machine
):
    w = emg
    engineering = make_staff(w.company, "eng_head", Role.DEPARTMENT_HEAD,
                             DepartmentKind.ENGINEERING, [w.estate])  # fmt: skip
    outage = report_water(w)
    _done(w, outage, TaskKind.WATER_POINT)
    _done(w, outage, TaskKind.WATER_POINT_GUARD)
    assert _sweep_at(time_machine, "2026-08-12 03:30") == 1  # the hydrants: engineering's head
    assert _told() == [(engineering.user.username, "保障任务超时：关闭小区内的消防栓")]
    assert _sweep_at(time_machine, "2026-08-12 03:59") == 0
    assert _sweep_at(time_machine, "2026-08-12 04:00") == 1
    assert _told()[1:] == [("exec", "【上报应急指挥小组】保障任务超时：关闭小区内的消防栓")]
    assert _sweep_at(time_machine, "2026-08-12 06:00") == 0  # once
    stages = ProvisionEscalation.objects.order_by("at").values_list("stage", "at")
    assert list(stages) == [("head", at("2026-08-12 03:30")), ("command", at("2026-08-12 04:00"))]
    assert Event.objects.filter(case=outage.incident.case, action="task_overdue").count() == 2


def test_done_late_before_the_command_group_stops_there__EMERG_OUTAGE_12(emg, time_machine):
    w = emg
    outage = report_water(w)
    assert _sweep_at(time_machine, "2026-08-12 03:45") == 1  # the hydrants, late
    _done(w, outage, TaskKind.HYDRANTS)
    assert _sweep_at(time_machine, "2026-08-12 04:15") == 2  # the water point and its guard
    assert not ProvisionEscalation.objects.filter(stage="command").exists()


def test_provision_done_on_time_never_escalates__EMERG_OUTAGE_07_13(emg, time_machine):
    w = emg
    outage = report_power(w)  # lifts due 03:10, lighting 03:15
    time_machine.move_to(at("2026-08-12 03:09"), tick=False)
    _done(w, outage, TaskKind.ELEVATORS)
    _done(w, outage, TaskKind.LIGHTING)
    assert _sweep_at(time_machine, "2026-08-12 09:00") == 0
    assert _told() == [] and not ProvisionEscalation.objects.exists()
    assert not Event.objects.filter(action="task_overdue").exists()


def test_without_a_head_of_its_department_the_command_group_is_told__EMERG_OUTAGE_07(
    emg, time_machine
):
    w = emg
    outage = report_power(w)  # engineering has no head in this estate
    _done(w, outage, TaskKind.ELEVATORS)
    assert _sweep_at(time_machine, "2026-08-12 03:15") == 1
    assert _told() == [("exec", "保障任务超时：开启楼道应急灯")]


def test_a_cancelled_outage_or_a_planned_one_not_started_is_not_escalated(emg, time_machine):
    w = emg
    from .outage_helpers import plan_water

    planned = plan_water(w, start="2026-08-14 03:00", end="2026-08-14 18:00")
    sudden = report_power(w)
    incident_act(incident=sudden.incident, action="cancel", by=w.agent.user, note="误报")
    assert _sweep_at(time_machine, "2026-08-14 02:59") == 0
    assert _sweep_at(time_machine, "2026-08-14 03:00") == 3  # the planned one's three, at start
    assert sorted(_told()) == [
        ("exec", "保障任务超时：关闭小区内的消防栓"),  # engineering has no head here
        ("order_head", "保障任务超时：取水点值守：李保安"),
        ("order_head", "保障任务超时：设置临时取水点"),
    ]
    assert not ProvisionEscalation.objects.filter(task__incident=sudden.incident).exists()
    assert planned.incident.tasks.get(kind=TaskKind.CAUSE).escalations.count() == 0


def test_the_late_task_is_marked_on_the_page_and_in_the_api__EMERG_OUTAGE_07(
    emg, login, time_machine
):
    w = emg
    outage = report_power(w)
    time_machine.move_to(at("2026-08-12 03:12"), tick=False)  # lifts late, lighting not yet
    page = login("tech").get(f"/emergency/outages/{outage.pk}/").content.decode()
    assert page.count("已超时") == 1
    from wuye.core.services import api_token_issue

    token, _ = api_token_issue(user=w.agent.user)
    r = login("agent").get(f"/api/v1/emergency/outages/{outage.pk}",
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    overdue = {t["kind"]: t["overdue"] for t in r.json()["tasks"]}
    assert overdue == {"elevators": True, "lighting": False, "cause": False}


def test_the_sweep_runs_every_minute():
    job = next(j for j in JOBS if j.name == "outage_provision_overdue")
    assert job.resolve() is provision_sweep_overdue and job.every == 60
