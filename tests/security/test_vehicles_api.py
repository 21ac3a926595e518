"""The vehicle API: the cameras' signed reads (deduplicated by their event id), the guard's
manual entries, fee collection, the ledger with its export, the areas, the console."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.security.vehicles_helpers import (
    GATE_INTAKE,
    at,
    bearer,
    camera_body,
    camera_post,
    make_guard,
    make_lanes,
    make_temp_area,
    pass_rate,
    set_rule,
    signed,
)
from wuye.security.models import GateEvent, ParkingStay

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    world.guard = make_guard(world)
    world.entry, world.exit = make_lanes(world)
    world.area = make_temp_area(world)
    set_rule(world)
    return world


def test_camera_read_is_signed_and_deduplicated_by_its_event_id__VEHICLE_04_11(client, gate):
    first = camera_post(client, gate.entry, camera_body(event_id="E-1"))
    assert first.status_code == 201, first.content
    again = camera_post(client, gate.entry, camera_body(event_id="E-1"))
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["event"]["id"] == first.json()["event"]["id"]
    assert first.json()["open_barrier"] and first.json()["event"]["card_no"].startswith("TC")
    assert GateEvent.objects.count() == 1 and ParkingStay.objects.count() == 1


def test_unsigned_or_foreign_camera_reads_are_refused__VEHICLE_04(client, gate):
    raw = json.dumps(camera_body()).encode()
    assert client.post(GATE_INTAKE, raw, content_type="application/json").status_code == 401
    lane, _secret = gate.entry
    bad = signed(lane.device, "not-the-secret", raw)
    response = client.post(GATE_INTAKE, raw, content_type="application/json", headers=bad)
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_signature"
    bad_plate = camera_post(client, gate.entry, camera_body(plate="ABC"))
    assert bad_plate.status_code == 400 and "plate" in bad_plate.json()["error"]["fields"]


def test_unpaid_exit_read_keeps_the_barrier_down_with_the_amount__VEHICLE_06_07(client, gate):
    with time_machine.travel(at(2026, 12, 7, 23, 0), tick=False):
        camera_post(client, gate.entry, camera_body(event_id="in-1"))
    with time_machine.travel(at(2026, 12, 8, 1, 10), tick=False):
        out = camera_post(client, gate.exit, camera_body(event_id="out-1"))
        body = out.json()
        assert out.status_code == 201 and body["open_barrier"] is False
        assert Decimal(body["event"]["amount_due"]) == Decimal("6.00")  # 2 h 10 min, 2/h
        stay = body["event"]["stay"]
        headers = bearer(gate.guard.user)
        due = client.get(f"/api/v1/parking-stays/{stay}/due", **headers).json()
        assert Decimal(due["due"]) == Decimal("6.00")
        paid = client.post(f"/api/v1/parking-stays/{stay}/pay", {"channel": "cash"},
                           content_type="application/json", **headers)  # fmt: skip
        assert paid.status_code == 200 and Decimal(paid.json()["paid_amount"]) == Decimal("6.00")
        out = camera_post(client, gate.exit, camera_body(event_id="out-2"))
        assert out.json()["open_barrier"] and out.json()["event"]["outcome"] == "paid_out"


def test_guard_records_by_hand_and_resolves_by_api__VEHICLE_03_04(client, gate):
    headers = bearer(gate.guard.user)
    made = client.post("/api/v1/gate-events/manual",
                       {"estate": gate.estate.pk, "direction": "exit", "plate": "京C·54321"},
                       content_type="application/json", **headers)  # fmt: skip
    assert made.status_code == 201 and made.json()["event"]["outcome"] == "no_entry"
    listed = client.get(f"/api/v1/parking-stays?estate={gate.estate.pk}&unresolved=true",
                        **headers).json()  # fmt: skip
    assert listed["count"] == 1
    stay = listed["items"][0]["id"]
    done = client.post(f"/api/v1/parking-stays/{stay}/resolve", {"reason": "入口漏拍"},
                       content_type="application/json", **headers)  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    console = client.get(f"/api/v1/gate-console?estate={gate.estate.pk}", **headers).json()
    assert console["unresolved"] == 0 and console["temporary_free"] == 3
    events = client.get(f"/api/v1/gate-events?estate={gate.estate.pk}", **headers).json()
    assert events["count"] == 1


def test_ledger_by_api_with_pass_and_export__VEHICLE_08_09(client, gate):
    pass_rate(gate, "300")
    headers = bearer(gate.agent.user)
    data = {"estate": gate.estate.pk, "plate": "京a·12345", "owner": gate.owner.pk,
            "room": gate.room.pk}  # fmt: skip
    made = client.post("/api/v1/vehicles", data, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    vehicle = made.json()["id"]
    assert made.json()["plate"] == "京A12345"
    monthly = client.post(f"/api/v1/vehicles/{vehicle}/passes",
                          {"start": str(timezone.localdate()), "months": 2},
                          content_type="application/json", **headers)  # fmt: skip
    assert monthly.status_code == 201 and Decimal(monthly.json()["amount"]) == Decimal("600.00")
    listed = client.get(f"/api/v1/vehicles?estate={gate.estate.pk}&has_pass=true", **headers)
    assert listed.json()["count"] == 1
    export = client.get(f"/api/v1/vehicles/export.xlsx?estate={gate.estate.pk}", **headers)
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    refused = client.post("/api/v1/vehicles", {"estate": gate.estate.pk, "plate": "京B12345"},
                          content_type="application/json", **bearer(gate.guard.user))  # fmt: skip
    assert refused.status_code == 403
    patched = client.patch(f"/api/v1/vehicles/{vehicle}", {"note": "白色轿车", "room": None},
                           content_type="application/json", **headers)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["room"] is None


def test_parking_areas_by_api__VEHICLE_05(client, gate):
    headers = bearer(gate.exec.user)
    made = client.post("/api/v1/parking-areas",
                       {"estate": gate.estate.pk, "name": "电动车棚", "kind": "ebike",
                        "capacity": 80}, content_type="application/json", **headers)  # fmt: skip
    assert made.status_code == 201
    listed = client.get(f"/api/v1/parking-areas?estate={gate.estate.pk}", **headers).json()
    assert {a["name"] for a in listed["items"]} == {"电动车棚", "地面临时车位"}
    assert client.post("/api/v1/parking-areas", {"estate": gate.estate.pk, "name": "x",
                                                  "kind": "ebike", "capacity": 1},
                       content_type="application/json",
                       **bearer(gate.guard.user)).status_code == 403  # fmt: skip


def test_other_estates_gate_is_a_404(client, gate):
    headers = bearer(gate.outsider.user)
    made = client.post("/api/v1/gate-events/manual",
                       {"estate": gate.estate.pk, "direction": "entry", "plate": "京C54321"},
                       content_type="application/json", **headers)  # fmt: skip
    assert made.status_code == 404
