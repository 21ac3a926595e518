"""Fires, drills and publicity through the API: the whole fire by its process actions, the
refusals (400 with field errors, 403, 404, 409), the drills' summary, publishing a topic."""

from __future__ import annotations

import pytest
import time_machine

from tests.images import photo_of
from tests.security.fireevents_helpers import AFTERMATH, REQUIRED_CHECKLIST, at, fire_world
from wuye.core.services import api_token_issue
from wuye.notify.models import Message
from wuye.security.models import FireIncident

FIRES = "/api/v1/security/fires"


@pytest.fixture
def fw(world):
    return fire_world(world)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 12, 8, 3, 0), tick=False):
        yield


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **auth(user))


def test_a_fire_through_the_api_by_its_process_actions__FIRE_02_08_10_11_12(client, fw):
    body = {"estate": fw.estate.pk, "place": "3栋地下车库B区", "size": "small", "trapped": "no"}
    r = post(client, fw.g1.user, FIRES, body)
    assert r.status_code == 201, r.json()
    fire = r.json()
    assert fire["number"].startswith("HZ-20261208-") and fire["status"] == "reported"
    assert [c["rule"] for c in fire["sla"]] == ["FIRE-08"]
    assert Message.objects.filter(ref=fire["number"], channel="sms").count() == 2
    for action, data in [
        ("call_119", {"by_name": "张保安"}),
        ("fight", {"facilities": ["extinguisher", "hydrant"]}),
        ("evacuate", {}),
        ("evacuated", {"checklist": REQUIRED_CHECKLIST}),
        ("close", AFTERMATH),
    ]:
        r = post(client, fw.g1.user, f"{FIRES}/{fire['id']}/{action}", {"data": data})
        assert r.status_code == 200, (action, r.json())
    body = r.json()
    assert body["status"] == "closed" and body["evacuation"]["vehicles_out"] is True
    assert [e["action"] for e in body["events"]] == [
        "created", "call_119", "fight", "evacuate", "evacuated", "close",
    ]  # fmt: skip
    assert body["sla"][0]["state"] == "met"


def test_the_api_refuses_a_report_without_its_three_facts_with_field_errors__FIRE_09(client, fw):
    r = post(client, fw.g1.user, FIRES, {"estate": fw.estate.pk, "place": " ", "size": "huge",
                                         "trapped": ""})  # fmt: skip
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"place", "size", "trapped"}
    assert not FireIncident.objects.exists() and not Message.objects.exists()


def test_the_api_says_why_a_step_is_refused__FIRE_10_11(client, fw):
    body = {"estate": fw.estate.pk, "place": "5栋配电间", "size": "large", "trapped": "yes",
            "called_119": True}  # fmt: skip
    fire_id = post(client, fw.g1.user, FIRES, body).json()["id"]
    r = post(client, fw.g1.user, f"{FIRES}/{fire_id}/fight", {"data": {"facilities": ["hydrant"]}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "large_fire"
    r = post(client, fw.g1.user, f"{FIRES}/{fire_id}/evacuated", {})
    assert r.status_code == 409  # not yet evacuating
    r = post(client, fw.tech.user, f"{FIRES}/{fire_id}/await_brigade", {})
    assert r.status_code == 403
    r = post(client, fw.outsider.user, f"{FIRES}/{fire_id}/await_brigade", {})
    assert r.status_code == 404
    r = post(client, fw.g1.user, f"{FIRES}/{fire_id}/explode", {})
    assert r.status_code == 404
    assert post(client, fw.g1.user, f"{FIRES}/{fire_id}/await_brigade", {}).status_code == 200
    assert post(client, fw.g1.user, f"{FIRES}/{fire_id}/evacuate", {}).status_code == 200
    r = post(client, fw.g1.user, f"{FIRES}/{fire_id}/evacuated",
             {"data": {"checklist": ["escape_routes", "no_elevators"]}})  # fmt: skip
    assert r.status_code == 400 and "checklist" in r.json()["error"]["fields"]


def test_drills_through_the_api_with_the_years_count__FIRE_13(client, fw):
    body = {"estate": fw.estate.pk, "planned_on": "2026-12-01", "scenario": "高层住宅火灾疏散演练",
            "organiser": fw.ohead.pk}  # fmt: skip
    r = post(client, fw.ohead.user, "/api/v1/security/drills", body)
    assert r.status_code == 201, r.json()
    drill_id = r.json()["id"]
    photo = photo_of(fw.g1.user)
    data = {"held_on": "2026-12-01", "participant_count": 20, "participants": "秩序部全体",
            "summary": "疏散有序", "checklist": REQUIRED_CHECKLIST}  # fmt: skip
    r = post(client, fw.g1.user, f"/api/v1/security/drills/{drill_id}/record",
             {"data": data, "attachments": [str(photo.pk)]})  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "done"
    r = client.get("/api/v1/security/drills/summary?year=2026", **auth(fw.exec.user))
    rows = {row["estate"]: row for row in r.json()}
    assert rows[fw.estate.pk]["done"] == 1 and rows[fw.estate.pk]["met"] is True
    assert rows[fw.other_estate.pk]["done"] == 0 and rows[fw.other_estate.pk]["met"] is False
    r = client.get("/api/v1/security/drills?year=2026", **auth(fw.g1.user))
    assert r.json()["count"] == 1


def test_publicity_through_the_api__FIRE_07(client, fw):
    r = post(client, fw.agent.user, "/api/v1/security/publicity/plan",
             {"estate": fw.estate.pk, "year": 2026})  # fmt: skip
    assert r.status_code == 200 and len(r.json()) == 6
    topic = r.json()[4]
    assert topic["month"] == 9 and topic["state"] == "overdue"
    r = post(client, fw.g1.user, f"/api/v1/security/publicity/{topic['id']}/publish", {})
    assert r.status_code == 403
    r = post(client, fw.agent.user, f"/api/v1/security/publicity/{topic['id']}/publish", {})
    assert r.status_code == 200 and r.json()["state"] == "published"
    r = client.get("/api/v1/security/publicity?year=2026&month=9", **auth(fw.agent.user))
    assert r.json()["count"] == 1
    r = client.get("/api/v1/security/publicity?month=13", **auth(fw.agent.user))
    assert r.status_code == 400
    body = {"estate": fw.estate.pk, "year": 2026, "month": 12, "title": "冬季用电安全",
            "body": "请勿使用大功率电器长时间无人看管。", "channels": ["board", "app"]}  # fmt: skip
    r = post(client, fw.agent.user, "/api/v1/security/publicity", body)
    assert r.status_code == 201 and r.json()["state"] == "due"
