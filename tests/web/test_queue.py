"""我的待办 — the staff's home page is their work queue (web.queue), the same through
``GET /api/v1/me/queue``: assigned to me, waiting for my role, my department's breaches, today's
planned tasks; overdue first, then by the nearest deadline."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import DepartmentKind, Role, make_staff
from wuye.complaints.services.complaints import complaint_create
from wuye.core.scoping import actor_for
from wuye.web.queue import BREACH, MINE, ROLE, TASK, waiting_states, work_queue
from wuye.workflow.models import Frequency
from wuye.workflow.services import case_act, sla_sweep

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def complaint(world, content="楼上装修噪音太大", estate=None, urgency="general"):
    return complaint_create(
        estate=estate or world.estate, content=content, contact_name="王女士",
        contact_phone="13800000001", channel="phone", type="management", urgency=urgency,
        room=world.room if estate is None else None, by=world.agent.user,
    )  # fmt: skip


def numbers(actor_user, now=None) -> list[str]:
    return [i.number for i in work_queue(actor_for(actor_user), now=now) if i.number]


@pytest.fixture
def day(world, time_machine):
    time_machine.move_to(at("2026-11-17 09:00"), tick=False)  # a Tuesday, a working day
    return world


def test_waiting_states_leave_out_steps_anybody_takes():
    """A comment or a cancel does not make a case wait for anybody; an assignment does."""
    agent = waiting_states()[Role.CS_AGENT]
    assert "waiting_assign" in agent["complaint"]
    resident_only = waiting_states().get(Role.RESIDENT, {}).get("complaint", set())
    assert "replied" in resident_only  # the resident's rating
    # Archived and cancelled complaints take only a comment or a link: they wait for nobody.
    assert not {"archived", "cancelled"} & agent["complaint"]
    assert "system" not in waiting_states()  # the scheduler's own steps are nobody's work


def test_new_complaint_waits_for_the_desk_not_the_technician(day, login):
    c = complaint(day)
    assert c.case.number in numbers(day.agent.user)
    item = next(i for i in work_queue(actor_for(day.agent.user)) if i.number == c.case.number)
    assert item.kind == ROLE and item.status == "待分派" and item.what == "投诉"
    assert item.url == reverse("workflow:case_detail", args=[c.case.pk])
    assert login("agent").get(item.url)["Location"] == reverse("complaints:detail", args=[c.pk])
    assert c.case.number not in numbers(day.tech.user)
    assert c.case.number not in numbers(day.outsider.user)  # another estate's agent


def test_assigned_case_is_the_assignees_and_leaves_the_role_queue(day):
    c = complaint(day)
    other = make_staff(day.company, "agent2", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE,
                       [day.estate])  # fmt: skip
    case_act(case=c.case, action="assign", by=day.agent.user, assignee=other.user,
             data={"department": "customer_service"})  # fmt: skip
    mine = [i for i in work_queue(actor_for(other.user)) if i.number == c.case.number]
    assert [i.kind for i in mine] == [MINE]
    assert c.case.number not in numbers(day.agent.user)


def test_overdue_first_then_nearest_deadline__COMPLAINT_08(day, time_machine):
    """Each complaint is to be assigned within the hour (COMPLAINT-08): the oldest is due first,
    and once its hour has passed it leads the queue as overdue."""
    first = complaint(day, "垃圾没有清运")
    time_machine.move_to(at("2026-11-17 09:20"), tick=False)
    second = complaint(day, "路灯不亮")
    time_machine.move_to(at("2026-11-17 09:40"), tick=False)
    third = complaint(day, "电梯异响", urgency="urgent")
    order = [first.case.number, second.case.number, third.case.number]
    items = work_queue(actor_for(day.agent.user))
    assert [i.number for i in items] == order
    assert [i.due_at for i in items] == [at("2026-11-17 10:00"), at("2026-11-17 10:20"),
                                         at("2026-11-17 10:40")]  # fmt: skip
    assert not any(i.overdue for i in items)
    time_machine.move_to(at("2026-11-17 10:30"), tick=False)
    items = work_queue(actor_for(day.agent.user))
    assert [(i.number, i.overdue) for i in items] == [
        (first.case.number, True), (second.case.number, True), (third.case.number, False)
    ]  # fmt: skip


def test_department_head_sees_the_departments_breaches(day, time_machine):
    c = complaint(day)
    time_machine.move_to(at("2026-11-20 09:00"), tick=False)
    sla_sweep()
    kinds = {i.number: i.kind for i in work_queue(actor_for(day.head.user))}
    assert kinds.get(c.case.number) == BREACH
    eng_head = make_staff(day.company, "eng_head", Role.DEPARTMENT_HEAD,
                          DepartmentKind.ENGINEERING, [day.estate])  # fmt: skip
    assert c.case.number not in numbers(eng_head.user)


def test_todays_planned_task_of_my_role(day, time_machine):
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.schedules import schedule_generate

    time_machine.move_to(at("2026-11-16 08:00"), tick=False)
    plan_create(
        estate=day.estate, name="水泵房日检", kind="inspection", frequency=Frequency.DAILY,
        times=["10:00"], due_amount=2, due_unit="hours", assignee_role=Role.TECHNICIAN,
        department="engineering", by=day.head.user,
    )  # fmt: skip
    schedule_generate(now=at("2026-11-16 08:00"))
    time_machine.move_to(at("2026-11-17 09:00"), tick=False)
    items = [i for i in work_queue(actor_for(day.tech.user)) if i.kind == TASK]
    assert [i.title for i in items] == ["水泵房日检"] * len(items) and items
    assert items[0].due_at == at("2026-11-17 12:00") or items[0].overdue
    assert not [i for i in work_queue(actor_for(day.agent.user)) if i.kind == TASK]


def test_home_page_is_the_queue_and_overview_stays_in_the_menu(day, login):
    c = complaint(day)
    html = login("agent").get(reverse("web:home")).content.decode()
    assert "我的待办" in html and c.case.number in html
    assert reverse("core:estate_overview", args=[day.estate.pk]) in html  # 项目概况 in the menu
    html = login("agent").get(reverse("web:home") + "?show=overdue").content.decode()
    assert c.case.number not in html and "没有符合条件的待办" in html
    # Residents still land on their rooms.
    assert "我的房屋" in login("owner").get(reverse("web:home")).content.decode()


def test_queue_api_matches_the_page(day, login, time_machine):
    c = complaint(day)
    client = login("agent")
    body = client.get("/api/v1/me/queue").json()
    assert body["counts"] == {"total": 1, "overdue": 0, "today": 1}
    (item,) = body["items"]
    assert item["number"] == c.case.number and item["kind"] == ROLE
    assert item["reason"] == "待本岗位处理" and item["overdue"] is False
    time_machine.move_to(at("2026-11-17 10:30"), tick=False)
    body = client.get("/api/v1/me/queue?show=overdue").json()
    assert [i["number"] for i in body["items"]] == [c.case.number]
    assert client.get("/api/v1/me/queue?show=nonsense").status_code in (400, 422)
    response = login("owner").get("/api/v1/me/queue")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


def test_queue_queries_do_not_grow_with_the_cases(day, login, django_assert_max_num_queries):
    for n in range(15):
        complaint(day, f"第{n}号投诉")
    client = login("agent")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("web:home"))
    assert response.status_code == 200
