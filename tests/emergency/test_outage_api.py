"""Outages through the API: a planned outage 48 hours ahead (47 h 59 min refused), its notice and
how long ahead it went out, the tasks done, the restoration, the sample's calls; the refusals
(400 with field errors, 403, 404, 409) and the list's order."""

from __future__ import annotations

import pytest

from wuye.core.services import api_token_issue
from wuye.emergency.models import Outage
from wuye.facilities.choices import EquipmentStatus

from .helpers import at
from .outage_helpers import elevator

pytestmark = pytest.mark.django_db
OUTAGES = "/api/v1/emergency/outages"


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **auth(user))


def body(w, **extra) -> dict:
    return {"estate": w.estate.pk, "utility": "water", "buildings": [w.buildings[0].pk],
            "starts_at": "2026-08-14T03:00:00+08:00", "expected_end_at": "2026-08-14T12:00",
            "precautions": "请业主提前储水", "guard": w.guard.pk, **extra}  # fmt: skip


def test_planned_outage_through_the_api_48_hours_ahead__EMERG_OUTAGE_04_05(client, emg):
    w = emg
    r = post(client, w.agent.user, f"{OUTAGES}/planned",
             body(w, starts_at="2026-08-14T02:59:00+08:00"))  # fmt: skip
    assert r.status_code == 400 and "starts_at" in r.json()["error"]["fields"]
    assert not Outage.objects.exists()
    r = post(client, w.agent.user, f"{OUTAGES}/planned", body(w))
    assert r.status_code == 201, r.json()
    outage = r.json()
    assert outage["planned"] and outage["state"] == "upcoming" and outage["level"] == 4
    assert outage["notice_ahead_minutes"] == 48 * 60
    assert "停水时间：2026-08-14 03:00" in outage["notice"]["body"]
    assert "预计恢复时间：2026-08-14 12:00" in outage["notice"]["body"]  # naive = estate time
    assert outage["notice"]["households"] == 2
    kinds = {t["kind"] for t in outage["tasks"]}
    assert kinds == {"water_point", "water_point_guard", "hydrants", "cause"}


def test_sudden_power_outage_walk_through_the_api__EMERG_OUTAGE_06_13_11(client, emg):
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    r = post(client, w.agent.user, f"{OUTAGES}/sudden",
             body(w, utility="power", starts_at=None, guard=None))  # fmt: skip
    assert r.status_code == 201, r.json()
    outage = r.json()
    assert not outage["planned"] and outage["state"] == "ongoing"
    assert outage["notice"]["at"].startswith("2026-08-11T19:00")
    path = f"{OUTAGES}/{outage['id']}"
    tasks = {t["kind"]: t["id"] for t in outage["tasks"]}
    r = post(client, w.guard.user, f"{path}/tasks/{tasks['elevators']}/done", {})
    assert r.status_code == 403
    for kind in ("lighting", "elevators"):
        r = post(client, w.tech.user, f"{path}/tasks/{tasks[kind]}/done", {"note": "已完成"})
        assert r.status_code == 200, r.json()
    lift.refresh_from_db()
    assert lift.status == EquipmentStatus.STOPPED
    r = post(client, w.tech.user, f"{path}/tasks/{tasks['elevators']}/done", {})
    assert r.status_code == 409
    r = post(client, w.tech.user, f"{path}/find_cause", {"data": {"cause": "变压器故障"}})
    assert r.status_code == 200, r.json()
    r = post(client, w.agent.user, f"{path}/call_utility",
             {"data": {"organisation": "供电局", "reference": "GD-17"}})  # fmt: skip
    assert r.status_code == 200, r.json()
    r = post(client, w.tech.user, f"{path}/restore", {"note": "已恢复"})
    assert r.status_code == 403  # announced by customer service
    r = post(client, w.agent.user, f"{path}/restore", {"note": "已恢复"})
    assert r.status_code == 200, r.json()
    outage = r.json()
    lift.refresh_from_db()
    assert lift.status == EquipmentStatus.IN_USE
    assert outage["restored_at"].startswith("2026-08-11T19:00") and outage["restore_notice"]
    assert outage["sample_size"] == len(outage["sample"]) == 2
    for visit in outage["sample"]:
        r = post(
            client,
            w.agent.user,
            f"{path}/sample_call",
            {"note": "满意", "data": {"followup": visit["id"], "satisfaction": 5}},
        )
        assert r.status_code == 200, r.json()
    assert all(v["contacted_at"] for v in r.json()["sample"])
    r = post(client, w.agent.user, f"{path}/sample_call",
             {"data": {"followup": visit["id"], "satisfaction": 5}})  # fmt: skip
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"precautions": ""}, "precautions"),
        ({"guard": None}, "guard"),
        ({"buildings": []}, "buildings"),
        ({"expected_end_at": "2026-08-14T02:00:00+08:00"}, "expected_end_at"),
        ({"buildings": [999999]}, "buildings"),
    ],
)
def test_refusals_are_400_with_the_field_and_change_nothing(client, emg, change, field):
    w = emg
    r = post(client, w.agent.user, f"{OUTAGES}/planned", body(w, **change))
    assert r.status_code == 400, r.json()
    assert field in r.json()["error"]["fields"]
    assert not Outage.objects.exists()


def test_scope_and_roles(client, emg):
    w = emg
    r = post(client, w.guard.user, f"{OUTAGES}/planned", body(w))
    assert r.status_code == 403
    r = post(client, w.outsider.user, f"{OUTAGES}/planned", body(w))
    assert r.status_code == 404
    r = post(client, w.agent.user, f"{OUTAGES}/planned", body(w))
    pk = r.json()["id"]
    assert client.get(f"{OUTAGES}/{pk}", **auth(w.outsider.user)).status_code == 404
    assert client.get(f"{OUTAGES}/{pk}", **auth(w.owner.user)).status_code == 404
    assert post(client, w.agent.user, f"{OUTAGES}/{pk}/cancel", {}).status_code == 404


def test_list_shows_the_upcoming_first(client, emg, time_machine):
    w = emg
    late = post(client, w.agent.user, f"{OUTAGES}/planned",
                body(w, starts_at="2026-08-30T09:00:00+08:00",
                     expected_end_at="2026-08-30T12:00:00+08:00")).json()  # fmt: skip
    soon = post(client, w.agent.user, f"{OUTAGES}/planned", body(w)).json()
    now = post(client, w.agent.user, f"{OUTAGES}/sudden",
               body(w, utility="power", starts_at=None, guard=None)).json()  # fmt: skip
    r = client.get(OUTAGES, **auth(w.agent.user))
    assert [o["id"] for o in r.json()["items"]] == [soon["id"], late["id"], now["id"]]
    r = client.get(f"{OUTAGES}?state=ongoing&utility=power", **auth(w.agent.user))
    assert [o["id"] for o in r.json()["items"]] == [now["id"]]
    assert client.get(f"{OUTAGES}?state=nope", **auth(w.agent.user)).status_code == 400
    assert at("2026-08-12 03:00")  # the frozen clock of the fixture
