"""Rounds through the API, with frozen time: a route built and reordered, scans with and without
a position, refusals (bad coordinates, no round now, another estate, wrong role), the round,
my rounds and the report."""

import datetime as dt

import pytest

from tests.factories import make_staff
from tests.fieldwork.rounds_helpers import LON, at, make_rounds, make_route, north, task_at
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.fieldwork.models import Checkpoint, Route, Scan

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(self, method, path, body=None, expect=200):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        data = body if body is not None else None
        send = getattr(self.client, method)
        r = (
            send(f"/api/v1{path}", data, **kwargs, **self.auth)
            if data is not None
            else send(f"/api/v1{path}", **self.auth)
        )
        assert r.status_code == expect, r.content
        return r.json() if r["Content-Type"].startswith("application/json") else r

    def get(self, path, expect=200):
        return self.call("get", path, expect=expect)

    def post(self, path, body=None, expect=200):
        return self.call("post", path, body if body is not None else {}, expect=expect)

    def put(self, path, body, expect=200):
        return self.call("put", path, body, expect=expect)


@pytest.fixture
def guard(world):
    return make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])


@pytest.fixture
def patrol(world, time_machine, guard):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    route, points = make_route(world.estate, world.exec.user)
    schedule = make_rounds(world.estate, route, world.exec.user, anchor=dt.date(2026, 11, 26))
    return route, points, schedule


def test_route_built_edited_and_reordered_through_the_api(client, world, time_machine):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    head = Api(client, world.head.user)
    route = head.post(
        "/rounds/routes",
        {
            "estate": world.estate.pk,
            "name": "地下车库巡更",
            "kind": "security_patrol",
            "ordered": True,
        },
        expect=201,
    )
    rid = route["id"]
    a = head.post(
        f"/rounds/routes/{rid}/checkpoints",
        {"name": "B1 入口", "latitude": 31.23, "longitude": 121.47},
        expect=201,
    )
    b = head.post(f"/rounds/routes/{rid}/checkpoints", {"name": "B2 消防通道"}, expect=201)
    assert a["scan_url"].endswith(
        f"/fieldwork/rounds/scan/{Checkpoint.objects.get(pk=a['id']).token}/"
    )
    assert len(a["code"]) == 8
    body = head.post(f"/rounds/routes/{rid}/reorder", {"order": [b["id"], a["id"]]})
    assert [c["name"] for c in body["checkpoints"]] == ["B2 消防通道", "B1 入口"]
    body = head.put(
        f"/rounds/routes/{rid}",
        {
            "name": "车库巡更",
            "kind": "security_patrol",
            "ordered": False,
            "walking_speed": "2.5",
            "min_gap_seconds": 30,
        },
    )
    assert body["name"] == "车库巡更" and body["walking_speed"] == "2.5" and not body["ordered"]
    off = head.put(f"/rounds/checkpoints/{b['id']}", {"name": "B2 消防通道", "active": False})
    assert off["active"] is False
    new = head.post(f"/rounds/checkpoints/{a['id']}/regenerate")
    assert new["code"] != a["code"] and new["scan_url"] != a["scan_url"]
    listed = head.get(f"/rounds/routes?estate={world.estate.pk}")
    assert listed["count"] == 1 and listed["items"][0]["name"] == "车库巡更"
    pdf = head.get(f"/rounds/routes/{rid}/labels.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    one = head.get(f"/rounds/checkpoints/{a['id']}/label.pdf")
    assert one.content.startswith(b"%PDF")


def test_route_writes_refused_for_the_wrong_role_and_another_estate(client, world):
    route = Route.objects.create(estate=world.estate, name="夜巡", kind="patrol")
    Api(client, world.tech.user).post(
        "/rounds/routes", {"estate": world.estate.pk, "name": "X", "kind": "patrol"}, expect=403
    )
    Api(client, world.tech.user).post(
        f"/rounds/routes/{route.pk}/checkpoints", {"name": "门岗"}, expect=403
    )
    Api(client, world.outsider.user).get(f"/rounds/routes/{route.pk}", expect=404)
    Api(client, world.outsider.user).post(
        "/rounds/routes", {"estate": world.estate.pk, "name": "X", "kind": "patrol"}, expect=404
    )
    bad = Api(client, world.head.user).post(
        f"/rounds/routes/{route.pk}/checkpoints", {"name": "门岗", "latitude": 31.2}, expect=400
    )
    assert "longitude" in bad["error"]["fields"]
    assert not Checkpoint.objects.exists()


def test_scans_through_the_api_complete_the_round(client, world, guard, patrol, time_machine):
    _route, points, schedule = patrol
    api = Api(client, guard.user)
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    first = api.post(
        "/rounds/scans",
        {
            "token": points[0].token,
            "latitude": float(north(200)),
            "longitude": float(LON),
            "accuracy": 12.4,
        },
        expect=201,
    )
    assert first["scan"]["too_far"] and first["scan"]["distance_m"] == 200
    assert first["scan"]["accuracy_m"] == 13 and (first["scanned"], first["total"]) == (1, 3)
    again = api.post("/rounds/scans", {"token": points[0].token}, expect=200)
    assert again["duplicate"] and again["scan"]["id"] == first["scan"]["id"]
    time_machine.move_to(at("2026-11-26 22:10"), tick=False)
    api.post("/rounds/scans", {"code": points[1].code}, expect=201)  # no position
    time_machine.move_to(at("2026-11-26 22:15"), tick=False)
    last = api.post("/rounds/scans", {"token": points[2].token}, expect=201)
    assert last["completed"] and (last["scanned"], last["total"]) == (3, 3)
    task = task_at(schedule, "2026-11-26 22:00")
    body = api.get(f"/rounds/{task.pk}")
    assert body["status"] == "done" and body["done_by"] == guard.user.pk
    assert [c["scan"]["too_far"] for c in body["checkpoints"]] == [True, False, False]
    assert body["checkpoints"][1]["scan"]["typed"] is True


def test_bad_coordinates_are_a_400_and_record_nothing(client, world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    api = Api(client, guard.user)
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    for body in (
        {"latitude": 91, "longitude": 121.47},
        {"latitude": 31.2, "longitude": -181},
        {"latitude": "NaN", "longitude": 121.47},
        {"latitude": 31.2, "longitude": "Infinity"},
        {"latitude": 31.2, "longitude": 121.47, "accuracy": -1},
        {"latitude": 31.2},
    ):
        api.post("/rounds/scans", {"token": points[0].token, **body}, expect=400)
    # NaN written as a bare JSON token, as some clients send it.
    r = client.post(
        "/api/v1/rounds/scans",
        '{"token": "' + points[0].token + '", "latitude": NaN, "longitude": 1}',
        content_type="application/json",
        **api.auth,
    )
    assert r.status_code == 400
    assert not Scan.objects.exists()


def test_no_round_now_is_a_409_with_a_clear_message(client, world, guard, patrol, time_machine):
    _route, points, _schedule = patrol
    time_machine.move_to(at("2026-11-26 20:00"), tick=False)
    body = Api(client, guard.user).post("/rounds/scans", {"token": points[0].token}, expect=409)
    assert body["error"]["code"] == "no_round" and "没有进行中的巡查" in body["error"]["message"]


def test_another_estates_label_and_unknown_codes_are_404(client, world, patrol, time_machine):
    time_machine.move_to(at("2026-11-26 12:00"), tick=False)
    _other_route, other_points = make_route(world.other_estate, world.exec.user, name="翠湖巡更")
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    api = Api(client, world.tech.user)
    api.post("/rounds/scans", {"token": other_points[0].token}, expect=404)
    api.post("/rounds/scans", {"code": "ZZZZZZZZ"}, expect=404)
    api.post("/rounds/scans", {}, expect=400)
    Api(client, world.owner.user).post(
        "/rounds/scans", {"token": other_points[0].token}, expect=403
    )


def test_my_rounds_list_and_report(client, world, guard, patrol, time_machine):
    route, points, schedule = patrol
    time_machine.move_to(at("2026-11-26 22:05"), tick=False)
    api = Api(client, guard.user)
    api.post("/rounds/scans", {"token": points[0].token}, expect=201)
    mine = api.get("/rounds/mine")
    assert [(r["route_name"], r["scanned"], r["total"]) for r in mine["current"]] == [
        ("夜间巡更", 1, 3)
    ]
    assert [r["scheduled_for"] for r in mine["upcoming"]] == ["2026-11-27T14:00:00Z"]
    # The technician is not the guard: the round is not theirs.
    assert Api(client, world.tech.user).get("/rounds/mine")["current"] == []
    time_machine.move_to(at("2026-11-28 09:00"), tick=False)
    from wuye.fieldwork.services.rounds import round_sweep_missed

    assert round_sweep_missed() == 2  # the 26th (1 of 3) and the 27th (none)
    head = Api(client, world.head.user)
    rounds = head.get(f"/rounds?estate={world.estate.pk}&route={route.pk}&status=missed")
    assert rounds["count"] == 2 and rounds["items"][1]["missed_count"] == 2
    report = head.get(
        f"/rounds/report?estate={world.estate.pk}&date_from=2026-11-26&date_to=2026-11-27"
    )
    assert report["routes"] == [
        {
            "route": route.pk,
            "route_name": "夜间巡更",
            "rounds": 2,
            "done": 0,
            "missed": 2,
            "running": 0,
            "checkpoints_missed": 5,
            "flagged_scans": 0,
        }
    ]
    sheet = head.get(f"/rounds/report.xlsx?estate={world.estate.pk}&date_from=2026-11-26")
    assert sheet.content.startswith(b"PK")
    head.get(
        f"/rounds/report?estate={world.estate.pk}&date_from=2026-11-27&date_to=2026-11-26",
        expect=400,
    )
    Api(client, world.outsider.user).get(f"/rounds/report?estate={world.estate.pk}", expect=404)
    Api(client, world.outsider.user).get(
        f"/rounds/{task_at(schedule, '2026-11-26 22:00').pk}", expect=404
    )
