"""Maintenance plans through the API: draft, submit, approve (an executive only), the
contractor's service, engineering's verification, the monthly review; refusals as 4xx."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.facilities.test_maintenance import SH, at, qualify
from wuye.core.services import api_token_issue
from wuye.fieldwork.services.records import task_complete
from wuye.workflow import schedules
from wuye.workflow.models import PlannedTask

BASE = "/api/v1/facilities"


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, url, data):
    return client.post(BASE + url, data, content_type="application/json", **auth(user))


@pytest.fixture
def draft(eng, client, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    response = post(client, eng.eng_head.user, "/maintenance-plans", {
        "estate": eng.estate.pk, "name": "电梯半月保养", "template": "elevator_routine",
        "category": "elevator", "frequency": "interval_days", "interval": 15,
        "anchor": "2026-09-28", "contractor": eng.contractor.pk,
    })  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def test_api_walk_from_draft_to_verification__EQUIP_MAINT_05_11(eng, client, draft, time_machine):
    pk = draft["id"]
    assert draft["status"] == "draft" and draft["certificate"] == "elevator_maintenance"
    assert post(client, eng.eng_head.user, f"/maintenance-plans/{pk}/submit", {}).status_code == 200
    refused = post(client, eng.eng_head.user, f"/maintenance-plans/{pk}/approve", {})
    assert refused.status_code == 403
    response = post(client, eng.exec.user, f"/maintenance-plans/{pk}/approve", {"note": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert len(response.json()["schedules"]) == 1
    schedules.schedule_generate(now=at("2026-09-30 10:00"), horizon=dt.timedelta(days=20))
    task = PlannedTask.objects.get()
    assert task.scheduled_for.astimezone(SH).date() == dt.date(2026, 10, 13)
    time_machine.move_to(at("2026-10-13 15:00"), tick=False)
    from wuye.fieldwork.models import ChecklistItem

    items = ChecklistItem.objects.filter(checklist_id=draft["checklist"]).order_by("position")
    lift = get_user_model().objects.get(username="lift")
    record = task_complete(
        task=task, by=lift, answers=[{"item": i.pk, "value": True} for i in items]
    )
    url = f"/maintenance-records/{record.pk}/verification"
    assert client.get(BASE + url, **auth(eng.tech.user)).status_code == 404
    checks = [{"answer": a.pk, "confirmed": True} for a in record.answers.all()]
    assert post(client, lift, url, {"checks": checks}).status_code in (403, 404)
    bad = post(client, eng.tech.user, url, {"checks": checks[:1]})
    assert bad.status_code == 400
    done = post(client, eng.tech.user, url, {"checks": checks, "note": "逐项核对合格"})
    assert done.status_code == 201 and done.json()["passed"] is True
    assert client.get(BASE + url, **auth(eng.tech.user)).json()["verified_by_name"]
    assert post(client, eng.tech.user, url, {"checks": checks}).status_code == 409


def test_api_list_filters_and_scope(eng, client, draft):
    rows = client.get(BASE + "/maintenance-plans?status=draft&category=elevator",
                      **auth(eng.eng_head.user)).json()  # fmt: skip
    assert rows["count"] == 1
    assert client.get(BASE + "/maintenance-plans?status=active",
                      **auth(eng.eng_head.user)).json()["count"] == 0  # fmt: skip
    other = client.get(BASE + f"/maintenance-plans/{draft['id']}", **auth(eng.outsider.user))
    assert other.status_code == 404
    returned = post(client, eng.exec.user, f"/maintenance-plans/{draft['id']}/return",
                    {"reason": "x"})  # fmt: skip
    assert returned.status_code == 409  # a draft is not awaiting approval


def test_api_review(eng, client, draft):
    url = f"/maintenance-reviews?estate={eng.estate.pk}&category=elevator&month=2026-11-01"
    data = client.get(BASE + url, **auth(eng.eng_head.user)).json()
    assert len(data["months"]) == 6 and data["review"] is None
    saved = post(client, eng.eng_head.user, "/maintenance-reviews", {
        "estate": eng.estate.pk, "category": "elevator", "month": "2026-11-01",
        "conclusion": "运行平稳", "adjustment": "",
    })  # fmt: skip
    assert saved.status_code == 200
    assert client.get(BASE + url, **auth(eng.eng_head.user)).json()["review"]["conclusion"] == (
        "运行平稳"
    )
    bad = client.get(BASE + url.replace("elevator", "nope"), **auth(eng.eng_head.user))
    assert bad.status_code == 400
