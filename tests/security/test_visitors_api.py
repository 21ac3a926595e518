"""The visitors API (GUARD-06/10/13): the same services as the gate's pages, errors as the
house's JSON, 4xx for anything a client sends, residents scoped to their own passes."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.security.visitors_helpers import at, id_number, make_guard
from wuye.core.services import api_token_issue
from wuye.security.models import PassScan

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, url, body):
    return client.post(f"/api/v1{url}", body, content_type="application/json", **auth(user))


def test_api_registers_a_visitor_lists_and_exports_the_register__GUARD_06(
    client, world, time_machine
):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 10:00"), tick=False)
    r = post(client, guard.user, "/security/visitors", {
        "estate": world.estate.pk, "name": "刘洋", "id_number": id_number(),
        "reason": "guest", "room": world.room.pk, "gate": "东门"})  # fmt: skip
    assert r.status_code == 201, r.content
    visitor = r.json()
    # A guard reads the register with the numbers masked.
    assert "*" in visitor["id_number"]
    r = client.get(
        f"/api/v1/security/visitors?estate={world.estate.pk}&day=2026-12-07&inside=true",
        **auth(guard.user),
    )
    assert r.json()["count"] == 1
    r = client.get(
        f"/api/v1/security/visitors/export.xlsx?estate={world.estate.pk}&day=2026-12-07",
        **auth(world.agent.user),
    )
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(2, 1).value == "刘洋" and sheet.cell(2, 2).value == id_number()
    r = post(client, guard.user, f"/security/visitors/{visitor['id']}/leave", {})
    assert r.status_code == 200 and r.json()["inside"] is False
    r = post(client, guard.user, f"/security/visitors/{visitor['id']}/leave", {})
    assert r.status_code == 409
    r = post(client, guard.user, "/security/visitors", {
        "estate": world.estate.pk, "name": "刘洋", "id_number": "123", "reason": "guest",
        "room": world.room.pk})  # fmt: skip
    assert r.status_code == 400 and "id_number" in r.json()["error"]["fields"]
    r = post(
        client,
        guard.user,
        "/security/visitors",
        {"estate": world.estate.pk, "name": "刘洋", "id_number": id_number(), "reason": "ban"},
    )
    assert r.status_code in (400, 422)


def test_api_pass_issue_scan_and_refusal_with_the_reason__GUARD_10(client, world, time_machine):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    r = post(client, world.owner.user, "/security/passes", {
        "estate": world.estate.pk, "visitor_name": "表妹", "room": world.room.pk,
        "valid_from": "2026-12-07T14:00:00", "valid_until": "2026-12-07T16:00:00",
        "max_entries": 1})  # fmt: skip
    assert r.status_code == 201, r.content
    issued = r.json()
    assert issued["valid_from"].startswith("2026-12-07T14:00:00+08:00") or issued[
        "valid_from"
    ].startswith("2026-12-07T06:00:00")
    assert issued["scan_url"].endswith(f"?code={issued['code']}")
    # The neighbour does not see the owner's pass; the guard does.
    r = client.get(f"/api/v1/security/passes/{issued['id']}", **auth(world.neighbour.user))
    assert r.status_code == 404
    assert client.get("/api/v1/security/passes", **auth(world.owner.user)).json()["count"] == 1
    time_machine.move_to(at("2026-12-07 13:30"), tick=False)
    body = {"estate": world.estate.pk, "code": issued["scan_url"], "gate": "东门"}
    r = post(client, guard.user, "/security/passes/scan", body)
    assert r.status_code == 200
    assert r.json()["accepted"] is False and r.json()["result"] == "not_yet_valid"
    time_machine.move_to(at("2026-12-07 14:30"), tick=False)
    r = post(client, guard.user, "/security/passes/scan", body)
    assert r.json()["accepted"] is True and r.json()["visitor"]
    r = post(client, guard.user, "/security/passes/scan", body)
    assert r.json()["result"] == "used_up" and r.json()["message"] == "次数已用完"
    assert PassScan.objects.count() == 3
    # A resident cannot scan at the gate.
    assert post(client, world.owner.user, "/security/passes/scan", body).status_code == 404
    r = post(client, world.owner.user, f"/security/passes/{issued['id']}/revoke", {})
    assert r.status_code == 200 and r.json()["state"] == "revoked"


def test_api_parcels_and_decoration_permits__GUARD_13(client, world, time_machine):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 09:00"), tick=False)
    r = post(client, guard.user, "/security/parcels", {
        "estate": world.estate.pk, "room": world.room.pk, "courier_company": "顺丰速运",
        "tracking_no": "SF001"})  # fmt: skip
    assert r.status_code == 201
    parcel = r.json()
    r = post(client, guard.user, f"/security/parcels/{parcel['id']}/pick-up", {"code": "abc"})
    assert r.status_code == 400
    r = client.get(f"/api/v1/security/parcels?estate={world.estate.pk}&status=waiting",
                   **auth(guard.user))  # fmt: skip
    assert r.json()["count"] == 1
    assert client.get("/api/v1/security/parcels", **auth(world.owner.user)).json()["count"] == 0
    r = post(client, world.agent.user, "/security/decoration-permits", {
        "estate": world.estate.pk, "room": world.room.pk, "company": "美家装饰",
        "person_in_charge": "赵工", "phone": "13900001111", "starts_on": "2026-12-07",
        "ends_on": "2026-12-31"})  # fmt: skip
    assert r.status_code == 201
    permit = r.json()
    r = post(client, guard.user, "/security/decoration-permits", {
        "estate": world.estate.pk, "room": world.room.pk, "company": "美家装饰",
        "person_in_charge": "赵工", "phone": "13900001111", "starts_on": "2026-12-07",
        "ends_on": "2026-12-31"})  # fmt: skip
    assert r.status_code == 403
    r = post(
        client,
        world.agent.user,
        "/security/passes",
        {
            "estate": world.estate.pk,
            "kind": "decoration",
            "visitor_name": "张师傅",
            "room": world.room.pk,
            "valid_until": "2027-01-02T10:00:00",
            "max_entries": 40,
        },
    )
    assert r.status_code == 400 and "valid_until" in r.json()["error"]["fields"]
    r = post(client, world.agent.user, f"/security/decoration-permits/{permit['id']}/close",
             {"status": "finished"})  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "finished"
    r = post(client, world.agent.user, f"/security/decoration-permits/{permit['id']}/close",
             {"status": "finished"})  # fmt: skip
    assert r.status_code == 409


def test_api_visitor_settings_by_the_head_only__GUARD_13(client, world):
    guard = make_guard(world)
    url = f"/api/v1/security/visitor-settings?estate={world.estate.pk}"
    assert client.get(url, **auth(guard.user)).json()["couriers_may_enter"] is True
    body = {"estate": world.estate.pk, "couriers_may_enter": False}
    put = client.put("/api/v1/security/visitor-settings", body, content_type="application/json",
                     **auth(guard.user))  # fmt: skip
    assert put.status_code == 403
    put = client.put("/api/v1/security/visitor-settings", body, content_type="application/json",
                     **auth(world.head.user))  # fmt: skip
    assert put.status_code == 200 and put.json()["couriers_may_enter"] is False
    assert client.get(url, **auth(world.owner.user)).status_code == 404
