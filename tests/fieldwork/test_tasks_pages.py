"""Pages of planned work: 我的任务 on a phone, the board (filters, paging, export), the
calendar, the plans and the plan form."""

import pytest
from django.urls import reverse

from tests.fieldwork.plans_helpers import at, certificate, lift_plan
from wuye.fieldwork.choices import CertificateKind
from wuye.workflow import schedules
from wuye.workflow.models import Schedule

LIFT = CertificateKind.ELEVATOR_MAINTENANCE


@pytest.fixture
def plan(world, time_machine):
    certificate(contractor=world.contractor, kind=LIFT, number="TS3110", expires="2026-12-31")
    plan = lift_plan(world, time_machine, due_amount=0)
    schedules.schedule_generate()
    time_machine.move_to(at("2026-04-21 00:05"), tick=False)
    schedules.planned_task_sweep_missed()
    time_machine.move_to(at("2026-04-21 00:10"), tick=False)
    schedules.schedule_generate()
    return plan


def test_my_tasks_on_the_contractors_phone(client, world, plan):
    client.force_login(world.contractor.accounts.get().user)
    page = client.get(reverse("fieldwork:my_tasks"))
    html = page.content.decode()
    assert page.status_code == 200 and "phone-page" in html
    assert "1号电梯半月保养" in html and "已错过" in html
    # Each card opens the task's checklist to fill in, the contractor's way to do the work.
    task = plan.tasks.exclude(status="cancelled").order_by("scheduled_for").first()
    assert reverse("fieldwork:task_fill", args=[task.pk]) in html


def test_the_board_marks_missed_tasks_and_exports(
    client, world, plan, django_assert_max_num_queries
):
    client.force_login(world.head.user)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("fieldwork:task_board"), {"status": "missed"})
    html = page.content.decode()
    assert "row-breach" in html and "DT-01 1号电梯" in html and "共 1 个任务" in html
    fragment = client.get(
        reverse("fieldwork:task_board"), {"kind": "patrol"}, HTTP_HX_REQUEST="true"
    )
    assert (
        "<html" not in fragment.content.decode()
        and "没有符合条件的任务" in fragment.content.decode()
    )
    export = client.get(reverse("fieldwork:task_export"), {"status": "missed"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    calendar = client.get(reverse("fieldwork:task_calendar"), {"year": 2026, "month": 4})
    assert "错过 1" in calendar.content.decode()
    assert client.get(reverse("fieldwork:task_calendar"), {"year": "x"}).status_code == 200


def test_the_plan_page_shows_its_tasks_and_history(client, world, plan):
    client.force_login(world.head.user)
    html = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    assert "执行记录" in html and "已错过" in html and "电梯维保资质" in html
    client.force_login(world.outsider.user)
    assert client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(world.tech.user)
    assert client.post(reverse("fieldwork:plan_deactivate", args=[plan.pk])).status_code == 403
    assert client.get(reverse("fieldwork:plan_edit", args=[plan.pk])).status_code == 403
    client.force_login(world.head.user)
    response = client.post(reverse("fieldwork:plan_deactivate", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.active is False


def test_the_plan_form_keeps_input_and_shows_errors(client, world, time_machine):
    time_machine.move_to(at("2026-05-01 08:00"), tick=False)
    certificate(contractor=world.contractor, kind=LIFT, number="TS3110", expires="2026-04-30")
    client.force_login(world.head.user)
    assert client.get(reverse("fieldwork:plan_create")).status_code == 200
    form = {"name": "电梯保养", "kind": "maintenance", "frequency": "interval_days",
            "basis": "completion", "interval": "15", "times": "09:00", "due_amount": "3",
            "due_unit": "days", "contractor": str(world.contractor.pk), "certificate": LIFT,
            "photos": "2"}  # fmt: skip
    response = client.post(reverse("fieldwork:plan_create"), form)
    html = response.content.decode()
    assert response.status_code == 400 and "2026-04-30 到期" in html and "电梯保养" in html
    assert not Schedule.objects.exists()
    certificate(contractor=world.contractor, kind=LIFT, number="TS3111", expires="2028-04-30")
    response = client.post(reverse("fieldwork:plan_create"), form)
    assert response.status_code == 302
    plan = Schedule.objects.get()
    assert (plan.basis, plan.spec.contractor) == ("completion", world.contractor)
    edit = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), form | {"photos": "4"})
    assert edit.status_code == 302
    plan.spec.refresh_from_db()
    assert plan.spec.photos == 4
    client.force_login(world.tech.user)
    assert client.get(reverse("fieldwork:plan_create")).status_code == 403
    assert client.get(reverse("fieldwork:plan_list")).status_code == 200
