"""The engine's API: a case's clocks and timeline, and actions refused with a reason."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.workflow.toy import TOY
from wuye.core.services import api_token_issue
from wuye.workflow import services

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def case(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False)
    return services.case_open(
        process=TOY, estate=world.estate, title="厨房漏水", by=world.agent.user
    )


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_case_detail_shows_sla_events_and_my_actions(client, world, case):
    body = client.get(f"/api/v1/cases/{case.pk}", **auth(world.agent.user)).json()
    assert body["number"] == "TY-20260930-0001"
    assert body["status"] == "new" and body["status_label"] == "待派单"
    sla = {c["rule"]: c for c in body["sla"]}
    due = dt.datetime.fromisoformat(sla["TOY-02"]["due_at"].replace("Z", "+00:00"))
    assert due == dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SH)
    assert sla["TOY-01"]["state"] == "running"
    assert [e["action"] for e in body["events"]] == ["created"]
    assert [a["name"] for a in body["actions"]] == ["dispatch", "cancel"]


def test_dispatch_then_refusals_with_reasons(client, world, case):
    agent, tech = auth(world.agent.user), auth(world.tech.user)
    url = f"/api/v1/cases/{case.pk}"
    r = client.post(f"{url}/accept", {}, content_type="application/json", **tech)
    assert r.status_code == 409 and "待派单" in r.json()["error"]["message"]
    r = client.post(f"{url}/dispatch", {"assignee": world.tech.user.pk},
                    content_type="application/json", **tech)  # fmt: skip
    assert r.status_code == 403
    r = client.post(f"{url}/dispatch", {"assignee": world.outsider.user.pk},
                    content_type="application/json", **agent)  # fmt: skip
    assert r.status_code == 404  # not staff of this estate
    r = client.post(f"{url}/dispatch", {"assignee": world.tech.user.pk},
                    content_type="application/json", **agent)  # fmt: skip
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "assigned" and body["assignee"] == world.tech.user.pk
    assert {c["rule"]: c["state"] for c in body["sla"]}["TOY-01"] == "met"
    r = client.post(f"{url}/accept", {}, content_type="application/json", **tech)
    assert r.status_code == 200
    r = client.post(f"{url}/complete", {}, content_type="application/json", **tech)
    assert r.status_code == 400 and {"photos", "signature"} <= set(r.json()["error"]["fields"])
    r = client.post(f"{url}/fly", {}, content_type="application/json", **tech)
    assert r.status_code == 404


def test_cases_are_scoped(client, world, case):
    assert client.get(f"/api/v1/cases/{case.pk}", **auth(world.outsider.user)).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}", **auth(world.owner.user)).status_code == 404
    listed = client.get("/api/v1/cases", **auth(world.outsider.user)).json()
    assert listed == {"items": [], "count": 0}
    listed = client.get("/api/v1/cases?process=toy", **auth(world.agent.user)).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == case.number
