"""The public-health API: the same services as the pages, end to end through HTTP — report,
close a unit, the gates' read, release, protective equipment, a delivery, the lift and the final
disinfection; bad input a 4xx that changes nothing."""

from __future__ import annotations

import pytest

from tests.facilities.equip_helpers import Api
from wuye.emergency.models import Closure

pytestmark = pytest.mark.django_db


def test_health_event_through_the_api__EMERG_HEALTH_04_05_07_09_11_12(hw, client, time_machine):
    w = hw
    base = f"/emergency/health-events/{w.incident.pk}"
    agent, boss = Api(client, w.agent.user), Api(client, w.exec.user)
    assert agent.get("/emergency/health-events")["count"] == 1
    event = agent.post(
        f"{base}/report_authority",
        {"organisation": "区疾控中心", "person": "王医生", "reference": "JK-1"},
    )
    assert event["status"] == "active"
    # EMERG-HEALTH-02: the desk does not decide a closure.
    agent.post(f"{base}/close_area", {"scope": "unit", "unit": w.unit.pk, "days": 14},
               expect=403)  # fmt: skip
    bad = boss.post(f"{base}/close_area", {"scope": "unit", "unit": w.unit.pk}, expect=400)
    assert "ends_at" in bad["error"]["fields"]
    boss.post(f"{base}/close_area", {"scope": "unit", "unit": True, "days": 3}, expect=400)
    assert not Closure.objects.exists()
    event = boss.post(
        f"{base}/close_area",
        {
            "scope": "unit",
            "unit": w.unit.pk,
            "ends_at": "2026-08-20T12:00:00+08:00",
            "authority_reference": "疾控12号",
        },
    )
    closure = event["closures"][0]
    assert closure["place"] == "1栋2单元" and closure["ends_at"] == "2026-08-20T04:00:00Z"
    gate = Api(client, w.guard.user).get(f"/emergency/closures?estate={w.estate.pk}")
    assert [c["id"] for c in gate] == [closure["id"]]
    templates = agent.get(f"{base}/release-templates")
    release = agent.post(f"{base}/releases", templates[0], expect=201)
    assert release["households"] == 2
    Api(client, w.guard.user).post(f"{base}/releases", templates[0], expect=403)
    # EMERG-HEALTH-11
    assert {s["name"] for s in agent.get(base)["ppe_missing_today"]} >= {"李保安", "保洁小张"}
    Api(client, w.guard.user).post("/emergency/ppe-checks",
                                   {"estate": w.estate.pk, "mask": True, "gloves": True},
                                   expect=201)  # fmt: skip
    Api(client, w.cleaner.user).post("/emergency/ppe-checks",
                                     {"estate": w.estate.pk, "mask": True, "gloves": False},
                                     expect=400)  # fmt: skip
    assert "李保安" not in {s["name"] for s in agent.get(base)["ppe_missing_today"]}
    # EMERG-HEALTH-12: the owner asks, the guard takes and delivers, the owner confirms.
    owner = Api(client, w.owner.user)
    d = owner.post("/emergency/deliveries", {"room": w.room.pk, "items": "米、药"}, expect=201)
    Api(client, w.far_owner.user).post(
        "/emergency/deliveries", {"room": w.far_room.pk, "items": "米"}, expect=409
    )
    guard = Api(client, w.guard.user)
    guard.post(f"/emergency/deliveries/{d['id']}/take")
    agent.post(f"/emergency/deliveries/{d['id']}/take", expect=409)
    guard.post(f"/emergency/deliveries/{d['id']}/deliver", {"note": "已送到门口"})
    assert owner.post(f"/emergency/deliveries/{d['id']}/confirm")["status"] == "confirmed"
    assert owner.get("/emergency/deliveries")["count"] == 1
    assert Api(client, w.far_owner.user).get("/emergency/deliveries")["count"] == 0
    # EMERG-HEALTH-09
    boss.post(f"{base}/final_disinfection", {}, expect=409)
    boss.post(f"{base}/lift_closure", {"closure": closure["id"], "note": "疾控通知解除"})
    boss.post(f"{base}/final_disinfection", {})
    assert client.get(f"/api/v1{base}").status_code == 401


def test_another_estates_staff_see_nothing(hw, client):
    w = hw
    other = Api(client, w.outsider.user)
    assert other.get("/emergency/health-events")["count"] == 0
    other.get(f"/emergency/health-events/{w.incident.pk}", expect=404)
    other.get(f"/emergency/closures?estate={w.estate.pk}", expect=404)
    other.post(f"/emergency/health-events/{w.incident.pk}/report_authority",
               {"organisation": "x", "person": "y"}, expect=404)  # fmt: skip
