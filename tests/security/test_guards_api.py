"""The guards' API: patrol routes set up, a patrol anomaly reported with its photo, the conduct
check, obstructions and incidents listed, read and stepped — the same services as the pages;
another estate's staff get 404s, bad input 400s."""

import json

import pytest

from tests.security.guards_helpers import at, order_fixture, photos, shift  # noqa: F401
from tests.test_api_edge import bearer
from wuye.core.models import PublicArea
from wuye.security.models import Obstruction, SecurityIncident

pytestmark = pytest.mark.django_db


def post(client, path, data, who):
    return client.post(
        f"/api/v1{path}", json.dumps(data), content_type="application/json", **bearer(who)
    )


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(at("2026-10-08 09:00"), tick=False)


def test_routes_setup_and_patrol_anomalies_over_the_api__GUARD_07_GUARD_11(
    client, world, order, frozen
):
    r = post(client, "/security/patrol-routes/setup", {"estate": world.estate.pk}, "g1")
    assert r.status_code == 403
    r = post(client, "/security/patrol-routes/setup", {"estate": world.estate.pk}, "ohead")
    assert r.status_code == 201, r.content
    area = PublicArea.objects.create(estate=world.estate, kind="playground", name="儿童乐园")
    photo = photos(order.guards[0].user)[0]
    body = {"estate": world.estate.pk, "kind": "damage", "description": "滑梯扶手松动",
            "public_area": area.pk, "attachments": []}  # fmt: skip
    assert post(client, "/security/patrol-anomalies", body, "g1").status_code == 400
    body["attachments"] = [str(photo.pk)]
    r = post(client, "/security/patrol-anomalies", body, "g1")
    assert r.status_code == 201, r.content
    assert r.json()["process"] == "repair"
    listed = client.get("/api/v1/security/patrol-anomalies", **bearer("g1")).json()
    assert listed["count"] == 1
    assert (
        client.get("/api/v1/security/patrol-anomalies", **bearer("outsider")).json()["count"] == 0
    )


def test_obstruction_over_the_api__FIRE_14(client, world, order, frozen):
    photo = photos(order.guards[0].user)[0]
    body = {"estate": world.estate.pk, "kind": "fire_lane", "location": "3栋消防通道",
            "description": "自行车堆放", "room": world.room.pk,
            "attachments": [str(photo.pk)]}  # fmt: skip
    r = post(client, "/security/obstructions", body, "g1")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["owner_notified_at"] is not None
    got = client.get(f"/api/v1/security/obstructions/{pk}", **bearer("g1"))
    assert got.json()["status"] == "open"
    assert (
        client.get(f"/api/v1/security/obstructions/{pk}", **bearer("outsider")).status_code == 404
    )
    r = post(client, f"/security/obstructions/{pk}/recheck_pass", {}, "g2")
    assert r.status_code == 400  # a photo is required
    again = photos(order.guards[1].user)[0]
    r = post(client, f"/security/obstructions/{pk}/recheck_pass",
             {"attachments": [str(again.pk)]}, "g2")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "cleared"
    r = post(client, f"/security/obstructions/{pk}/recheck_fail",
             {"attachments": []}, "g2")  # fmt: skip
    assert r.status_code == 409
    assert post(client, f"/security/obstructions/{pk}/explode", {}, "g2").status_code == 404
    assert Obstruction.objects.get().cleared_at is not None


def test_incident_and_110_over_the_api__GUARD_11(client, world, order, frozen):
    photo = photos(order.guards[0].user)[0]
    body = {"estate": world.estate.pk, "location": "儿童乐园", "description": "陌生人尾随儿童",
            "attachments": [str(photo.pk)]}  # fmt: skip
    r = post(client, "/security/incidents", body, "g1")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert post(client, f"/security/incidents/{pk}/question", {"note": ""}, "g1").status_code == 400
    assert post(client, f"/security/incidents/{pk}/question",
                {"note": "对方称来接孩子，无法说出住址"}, "g1").status_code == 200  # fmt: skip
    r = post(client, f"/security/incidents/{pk}/call_police",
             {"data": {"called_at": "2026-10-08T09:00:00+08:00"}}, "g1")  # fmt: skip
    assert r.status_code == 400 and "police_ref" in r.json()["error"]["fields"]
    r = post(client, f"/security/incidents/{pk}/call_police",
             {"data": {"called_at": "2026-10-08T09:00:00+08:00", "police_ref": "110-0815"}},
             "g1")  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["police_ref"] == "110-0815"
    assert SecurityIncident.objects.get().police_called_at == at("2026-10-08 09:00")


def test_conduct_check_over_the_api__GUARD_12(client, world, order, frozen):
    g1 = order.guards[0]
    s = shift(order, "2026-10-08 08:00", "2026-10-08 20:00", g1)
    url = f"/security/shifts/{s.pk}/conduct-check"
    r = post(client, url, {"badge": True, "uniform": True}, "g1")
    assert r.status_code == 400 and "polite" in r.json()["error"]["fields"]
    r = post(client, url, {"badge": True, "uniform": True, "polite": True}, "g1")
    assert r.status_code == 201
    assert post(client, url, {"badge": True, "uniform": True, "polite": True},
                "outsider").status_code == 404  # fmt: skip
