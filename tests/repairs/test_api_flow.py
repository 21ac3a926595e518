"""A general and an emergency repair walked through every step of the API, with frozen time:
every clock's due time and state at each step, and the escalation of a late one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_staff
from tests.images import make_jpeg, make_signature_data_url
from wuye.billing.models import Bill
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.notify.models import Message
from wuye.repairs import services
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def iso(text: str) -> str:
    return at(text).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


class Api:
    def __init__(self, client, user):
        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                                **self.auth)  # fmt: skip

    def get(self, path):
        return self.client.get(f"/api/v1{path}", **self.auth)

    def upload(self, kind="photo"):
        if kind == "signature":
            r = self.post("/attachments/signature", {"data_url": make_signature_data_url()})
        else:
            r = self.client.post("/api/v1/attachments", {"file": make_jpeg(),
                                                         "kind": kind}, **self.auth)  # fmt: skip
        assert r.status_code == 201, r.json()
        return r.json()["id"]

    def step(self, order_id, action, expect=200, **body):
        r = self.post(f"/repairs/{order_id}/{action}", body)
        assert r.status_code == expect, r.json()
        return r.json()


def clocks(body) -> dict:
    return {c["rule"]: (c["state"], c["due_at"]) for c in body["clocks"]}


def test_general_repair_through_every_step_of_the_api__REPAIR_03(client, world, frozen):
    agent, tech, owner = (Api(client, s.user) for s in (world.agent, world.tech, world.owner))
    tap = services.price_item_save(estate=world.estate, name="更换水龙头", category="plumbing",
                                   unit="个", price="35", by=world.exec.user)  # fmt: skip
    # 1 intake, 2 classification (REPAIR-02/04): a resident reports from the app with a photo.
    r = owner.post("/repairs", {
        "room": world.room.pk, "description": "厨房水龙头滴水", "contact_name": "张先生",
        "contact_phone": "13800138000", "category": "plumbing",
        "attachments": [owner.upload()]})  # fmt: skip
    assert r.status_code == 201, r.json()
    order = r.json()
    oid = order["id"]
    assert order["urgency"] == "general" and order["channel"] == "app"  # a resident: the app
    assert clocks(order) == {
        "REPAIR-08": ("running", iso("2026-11-26 11:00")),  # dispatch within 1 hour
        "REPAIR-05": ("running", iso("2026-11-27 10:00")),  # handled within 24 hours
    }
    assert agent.get(f"/repairs?estate={world.estate.pk}&status=waiting_dispatch").json()[
        "count"] == 1  # fmt: skip
    # 3 dispatch (REPAIR-07/08) by the desk, with the technician's id.
    frozen.move_to(at("2026-11-26 10:40"), tick=False)
    agent.step(oid, "dispatch", 400)  # no assignee
    agent.step(oid, "dispatch", 400, assignee=world.outsider.user.pk)  # not of this estate
    agent.step(oid, "dispatch", 400, assignee=999999)  # nobody
    body = agent.step(oid, "dispatch", assignee=world.tech.user.pk)
    assert body["status"] == "waiting_accept" and body["assignee_name"] == "tech"
    assert clocks(body)["REPAIR-08"] == ("met", iso("2026-11-26 11:00"))
    # 4 repair: accept, arrive with the checklist (REPAIR-14/15), diagnose, complete.
    tech.step(oid, "accept")
    tech.step(oid, "arrive", 400, data={"badge_uniform": True})
    frozen.move_to(at("2026-11-26 14:00"), tick=False)
    body = tech.step(oid, "arrive", data={"badge_uniform": True, "dust_sheet": True})
    assert body["arrived_at"] == iso("2026-11-26 14:00")
    tech.step(oid, "diagnose", data={"diagnosis": "阀芯磨损"})
    tech.step(oid, "complete", 400, data={"charges": [{"item": tap.pk, "quantity": 1}]})
    frozen.move_to(at("2026-11-26 15:30"), tick=False)
    used = [{"name": "阀芯", "quantity": 1, "unit": "个"}]
    charges = [{"item": tap.pk, "quantity": 1}]
    data = {"charges": charges, "materials": used}
    body = tech.step(oid, "complete", attachments=[tech.upload()], data=data)
    assert (body["status"], body["charge_total"]) == ("waiting_acceptance", "35.00")
    assert body["charges"][0]["name"] == "更换水龙头"
    assert body["diagnosis"] == "阀芯磨损"
    assert clocks(body)["REPAIR-05"] == ("met", iso("2026-11-27 10:00"))
    assert clocks(body)["REPAIR-12"] == ("running", iso("2026-11-27 15:30"))  # revisit in 24 h
    # 5 acceptance and 6 charging (REPAIR-10/11): the owner confirms the amount shown.
    assert owner.step(oid, "confirm", 409, data={"amount": "30"})["error"]["code"] == (
        "amount_changed")  # fmt: skip
    body = owner.step(oid, "confirm", data={"amount": "35.00"})
    assert body["status"] == "waiting_revisit" and body["acceptance"] == "portal"
    assert Bill.objects.get().amount == 35
    # 7 follow-up (REPAIR-12): customer service calls back.
    frozen.move_to(at("2026-11-27 09:00"), tick=False)
    body = agent.step(oid, "revisit", data={"satisfaction": 5, "quality": 5, "attitude": 5})
    assert body["status"] == "done" and body["satisfaction"] == 5
    assert clocks(body)["REPAIR-12"] == ("met", iso("2026-11-27 15:30"))
    # The timeline keeps every step in the manual's order.
    case = agent.get(f"/cases/{body['case']}").json()
    actions = [e["action"] for e in case["events"]]
    assert actions == ["created", "dispatch", "accept", "arrive", "diagnose", "complete",
                       "confirm", "revisit"]  # fmt: skip


def test_emergency_repair_through_the_api_with_late_arrival_escalated__REPAIR_06_REPAIR_09(
    client, world, frozen
):
    eng = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    agent, tech, owner = (Api(client, s.user) for s in (world.agent, world.tech, world.owner))
    r = agent.post("/repairs", {
        "room": world.room.pk, "description": "卫生间水管爆裂", "contact_name": "张先生",
        "contact_phone": "13800138000", "category": "plumbing"})  # fmt: skip
    order = r.json()
    oid = order["id"]
    assert order["urgency"] == "emergency"
    assert clocks(order) == {
        "REPAIR-09": ("running", iso("2026-11-26 10:05")),  # dispatch within 5 minutes
        "REPAIR-06": ("running", iso("2026-11-26 10:30")),  # on site within 30 minutes
    }
    # Dispatch by workload at 10:04: in time.
    frozen.move_to(at("2026-11-26 10:04"), tick=False)
    r = agent.post(f"/repairs/{oid}/dispatch_auto")
    assert r.status_code == 200 and r.json()["assignee"] == world.tech.user.pk
    assert clocks(r.json())["REPAIR-09"][0] == "met"
    tech.step(oid, "accept")
    # 10:23: three quarters of the 30 minutes gone — the technician is warned.
    frozen.move_to(at("2026-11-26 10:23"), tick=False)
    assert sla_sweep() == 1
    assert Message.objects.filter(template="sla_warning", recipient=world.tech.user).exists()
    # 10:31: the on-site clock is breached and escalates to the head of engineering.
    frozen.move_to(at("2026-11-26 10:31"), tick=False)
    assert sla_sweep() == 1
    body = agent.get(f"/repairs/{oid}").json()
    assert clocks(body)["REPAIR-06"] == ("breached", iso("2026-11-26 10:30"))
    breached_to = set(Message.objects.filter(template="sla_breached").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert {"tech", eng.user.username} <= breached_to
    assert agent.get(f"/repairs?estate={world.estate.pk}&overdue=true").json()["count"] == 1
    body = tech.step(oid, "arrive", data={"badge_uniform": True, "dust_sheet": True})
    assert clocks(body)["REPAIR-06"][0] == "breached"  # late stays late
    frozen.move_to(at("2026-11-26 11:30"), tick=False)
    tech.step(oid, "complete", attachments=[tech.upload()])
    # The owner signs on the technician's phone (no charge).
    tech.step(oid, "sign_off", 400)
    body = tech.step(oid, "sign_off", attachments=[tech.upload("signature")])
    assert body["acceptance"] == "signature" and body["status"] == "waiting_revisit"
    body = owner.step(oid, "rate", data={"satisfaction": 2, "comment": "来得太慢"})
    assert body["status"] == "done" and body["follow_up"] is not None
    assert not Bill.objects.exists()


def test_the_price_list_and_filters_in_the_api(client, world):
    agent = Api(client, world.agent.user)
    services.price_item_save(estate=world.estate, name="疏通下水道", category="plumbing",
                             unit="次", price="80", by=world.exec.user)  # fmt: skip
    r = agent.get(f"/repairs/prices?estate={world.estate.pk}")
    assert r.status_code == 200 and r.json()["items"][0]["price"] == "80.00"
    assert Api(client, world.outsider.user).get(
        f"/repairs/prices?estate={world.estate.pk}").status_code == 404  # fmt: skip
    assert agent.post("/repairs/999/accept").status_code == 404
