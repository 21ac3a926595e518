"""Complaints through the API, with frozen time: an urgent complaint from the resident app
through every step, scoping, and refusals with their reasons."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue

SH = ZoneInfo("Asia/Shanghai")
REPLY = ("王女士您好，给您带来不便，我们深表歉意。已查明楼上水管渗漏并完成维修。"
         "改进措施：每月巡查一次楼内管道。我们会尽力避免再次发生。")  # fmt: skip


def iso(text: str) -> str:
    return (
        dt.datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(dt.UTC).isoformat()
        .replace("+00:00", "Z")
    )  # fmt: skip


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False)
    return time_machine


class Api:
    def __init__(self, client, user):
        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(self, path, body=None, expect=200):
        r = self.client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                             **self.auth)  # fmt: skip
        assert r.status_code == expect, r.json()
        return r.json()

    def get(self, path, expect=200):
        r = self.client.get(f"/api/v1{path}", **self.auth)
        assert r.status_code == expect, r.content
        return r.json()


def clocks(body) -> dict:
    return {c["rule"]: (c["state"], c["due_at"]) for c in body["clocks"]}


def test_urgent_complaint_from_the_app_through_every_step__COMPLAINT_04_COMPLAINT_10(
    client, world, frozen
):
    eng = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    owner, agent = Api(client, world.owner.user), Api(client, world.agent.user)
    head = Api(client, eng.user)
    body = owner.post("/complaints", {
        "room": world.room.pk, "content": "家里漏水，楼上一直渗下来", "contact_name": "王女士",
        "contact_phone": "13800138000", "type": "engineering_quality", "urgency": "urgent",
    }, expect=201)  # fmt: skip
    cid = body["id"]
    assert body["channel"] == "app" and body["status"] == "waiting_assign"
    assert clocks(body) == {
        "COMPLAINT-08": ("running", iso("2026-11-26 11:00")),
        "COMPLAINT-10": ("running", iso("2026-11-27 23:59:59")),
    }
    owner.post(f"/complaints/{cid}/assign", {"data": {"department": "engineering"}}, 403)
    agent.post(f"/complaints/{cid}/assign", {"data": {"department": "executive"}}, 400)
    frozen.move_to(dt.datetime(2026, 11, 26, 10, 20, tzinfo=SH), tick=False)
    body = agent.post(f"/complaints/{cid}/assign",
                      {"data": {"department": "engineering"}, "assignee": eng.user.pk})  # fmt: skip
    assert body["status"] == "handling" and body["assignee"] == eng.user.pk
    assert clocks(body)["COMPLAINT-08"][0] == "met"
    head.post(f"/complaints/{cid}/progress", {"note": "已上门查看，楼上水管接头渗漏"})
    frozen.move_to(dt.datetime(2026, 11, 27, 15, 0, tzinfo=SH), tick=False)
    body = head.post(f"/complaints/{cid}/resolve", {"data": {
        "resolution": "更换楼上水管接头", "measure": "每月巡查一次楼内管道"}})  # fmt: skip
    assert body["status"] == "waiting_reply"
    assert clocks(body)["COMPLAINT-10"][0] == "met"
    assert clocks(body)["COMPLAINT-12"] == ("running", iso("2026-11-28 15:00"))
    r = agent.post(f"/complaints/{cid}/reply", {"data": {"channel": "sms", "text": "已修好"}},
                   400)  # fmt: skip
    assert "text" in r["error"]["fields"]
    body = agent.post(f"/complaints/{cid}/reply", {"data": {"channel": "sms", "text": REPLY}})
    assert body["status"] == "replied" and body["reply_channel"] == "sms"
    body = owner.post(f"/complaints/{cid}/rate", {"data": {"satisfaction": 5}})
    assert body["status"] == "archived" and body["satisfaction"] == 5
    owner.post(f"/complaints/{cid}/rate", {"data": {"satisfaction": 5}}, 409)


def test_scoping_and_lists(client, world):
    owner, agent = Api(client, world.owner.user), Api(client, world.agent.user)
    body = owner.post("/complaints", {
        "estate": world.estate.pk, "content": "保安态度差", "contact_name": "王女士",
        "contact_phone": "13800138000", "type": "service_attitude"}, expect=201)  # fmt: skip
    assert agent.get(f"/complaints?estate={world.estate.pk}&type=service_attitude")["count"] == 1
    assert owner.get("/complaints")["count"] == 1
    Api(client, world.neighbour.user).get(f"/complaints/{body['id']}", 404)
    Api(client, world.outsider.user).get(f"/complaints/{body['id']}", 404)
    agent.post(f"/complaints/{body['id']}/fly", {}, 404)
    r = agent.post("/complaints", {"content": "x", "contact_name": "a",
                                   "contact_phone": "13800138000"}, 400)  # fmt: skip
    assert "estate" in r["error"]["fields"]
    r = agent.post("/complaints", {"estate": world.estate.pk, "content": "很" * 5001,
                                   "contact_name": "a", "contact_phone": "13800138000"},
                   400)  # fmt: skip
    assert "content" in r["error"]["fields"]
