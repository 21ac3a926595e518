"""Planned work through the API: plans (create, read, change, stop), the task board and its
.xlsx, 我的任务 and the calendar; errors as 4xx in the shared shape."""

import io

import pytest
from openpyxl import load_workbook

from tests.fieldwork.plans_helpers import at, certificate, checklist, elevator
from wuye.core.services import api_token_issue
from wuye.fieldwork.choices import CertificateKind
from wuye.workflow import schedules
from wuye.workflow.models import PlannedTask, Schedule

LIFT = CertificateKind.ELEVATOR_MAINTENANCE


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-04-20 08:00"), tick=False)


def body(world, **extra):
    data = {
        "estate": world.estate.pk, "name": "1号电梯半月保养", "kind": "maintenance",
        "frequency": "interval_days", "interval": 15, "basis": "completion", "due_amount": 3,
        "subject_type": "facilities.equipment", "subject_id": elevator(world).pk,
        "checklist": checklist(world).pk, "contractor": world.contractor.pk,
        "certificate": LIFT, "photos": 2, "signature": True, "department": "engineering",
    }  # fmt: skip
    return data | extra


def post(client, user, path, data):
    return client.post(path, data, content_type="application/json", **auth(user))


def test_create_read_change_and_stop_a_plan(client, world):
    certificate(contractor=world.contractor, kind=LIFT, expires="2027-01-01")
    response = post(client, world.head.user, "/api/v1/plans", body(world))
    assert response.status_code == 201, response.content
    plan = response.json()
    assert (plan["basis"], plan["spec"]["subject_name"], plan["spec"]["photos"]) == (
        "completion", "DT-01 1号电梯", 2,
    )  # fmt: skip
    schedules.schedule_generate()
    got = client.get(f"/api/v1/plans/{plan['id']}", **auth(world.head.user)).json()
    assert got["counts"] == {"planned": 1}
    patched = client.patch(f"/api/v1/plans/{plan['id']}", {"photos": 3, "name": "电梯保养"},
                           content_type="application/json", **auth(world.head.user))  # fmt: skip
    assert patched.status_code == 200 and patched.json()["spec"]["photos"] == 3
    stopped = post(client, world.head.user, f"/api/v1/plans/{plan['id']}/deactivate", {})
    assert stopped.json()["cancelled"] == 1 and stopped.json()["plan"]["active"] is False
    listed = client.get("/api/v1/plans", {"estate": world.estate.pk}, **auth(world.head.user))
    assert listed.json()["count"] == 1


def test_an_expired_qualification_is_a_400_naming_it(client, world):
    certificate(contractor=world.contractor, kind=LIFT, number="TS3110", expires="2026-04-19")
    response = post(client, world.head.user, "/api/v1/plans", body(world))
    assert response.status_code == 400
    assert "2026-04-19 到期" in response.json()["error"]["fields"]["certificate"][0]
    assert not Schedule.objects.exists()


def test_refused_plans(client, world):
    certificate(contractor=world.contractor, kind=LIFT, expires="2027-01-01")
    assert post(client, world.tech.user, "/api/v1/plans", body(world)).status_code == 403
    assert post(client, world.outsider.user, "/api/v1/plans", body(world)).status_code == 404
    bad = post(client, world.head.user, "/api/v1/plans", body(world, subject_type="core.room"))
    assert bad.status_code == 400
    missing = post(client, world.head.user, "/api/v1/plans", body(world, checklist=10**12))
    assert missing.json()["error"]["fields"] == {"checklist": ["检查表不存在"]}
    assert not Schedule.objects.exists()
    response = post(client, world.head.user, "/api/v1/plans", body(world))
    plan_id = response.json()["id"]
    assert client.get(f"/api/v1/plans/{plan_id}", **auth(world.outsider.user)).status_code == 404
    frozen = client.patch(f"/api/v1/plans/{plan_id}", {"frequency": "monthly"},
                          content_type="application/json", **auth(world.head.user))  # fmt: skip
    assert frozen.status_code == 400
    assert Schedule.objects.get().frequency == "interval_days"


def test_the_board_mine_calendar_and_export(client, world, time_machine):
    certificate(contractor=world.contractor, kind=LIFT, expires="2027-01-01")
    post(client, world.head.user, "/api/v1/plans", body(world, due_amount=0))
    schedules.schedule_generate()
    time_machine.move_to(at("2026-04-21 00:05"), tick=False)
    schedules.planned_task_sweep_missed()
    head = auth(world.head.user)
    board = client.get("/api/v1/planned-tasks", {"estate": world.estate.pk, "status": "missed"},
                       **head).json()  # fmt: skip
    assert board["count"] == 1 and board["items"][0]["missed"] is True
    task_id = board["items"][0]["id"]
    assert client.get(f"/api/v1/planned-tasks/{task_id}", **head).json()["status"] == "missed"
    bad = client.get("/api/v1/planned-tasks", {"estate": world.estate.pk, "status": "lost"}, **head)
    assert bad.status_code == 400
    other = client.get("/api/v1/planned-tasks", {"estate": world.other_estate.pk}, **head)
    assert other.status_code == 404
    mine = client.get("/api/v1/planned-tasks/mine", **auth(world.contractor.accounts.get().user))
    assert [t["id"] for t in mine.json()["overdue"]] == [task_id]
    query = {"estate": world.estate.pk, "year": 2026, "month": 4}
    month = client.get("/api/v1/planned-tasks/calendar", query, **head).json()
    assert month["totals"] == {"missed": 1}
    xlsx = client.get("/api/v1/planned-tasks/export.xlsx", {"estate": world.estate.pk}, **head)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("计划", "类别", "作业对象") and rows[1][5] == "已错过"
    assert PlannedTask.objects.count() == 1
