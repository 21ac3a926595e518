"""What the vehicle tests share: the order department's guard and head, the estate's temporary
parking rule, a gate with an entry and an exit camera, signed camera posts, the ledger."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

from django.utils import timezone

from tests.factories import make_staff
from wuye.billing import services as billing
from wuye.billing.services import parking
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import ParkingSpace
from wuye.fieldwork.services.devices import device_sign
from wuye.security.choices import GateDirection, ParkingAreaKind
from wuye.security.services import gates, vehicles

GATE_INTAKE = "/api/v1/gate-events"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_guard(world):
    return make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])


def make_order_head(world):
    return make_staff(world.company, "orderhead", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER,
                      [world.estate])  # fmt: skip


def set_rule(world, *, free_minutes=15, per_hour="2", daily_cap="20", since=dt.date(2026, 1, 1)):
    return parking.parking_rule_set(estate=world.estate, free_minutes=free_minutes,
                                    per_hour=per_hour, daily_cap=daily_cap,
                                    effective_from=since, by=world.exec.user)  # fmt: skip


def make_lanes(world):
    """东门: an entry lane and an exit lane, each with its camera; returns (entry, exit) as
    (lane, secret) pairs."""
    entry = gates.gate_lane_create(estate=world.estate, gate="东门", name="东门入口",
                                   direction=GateDirection.ENTRY, by=world.exec.user)  # fmt: skip
    exit_ = gates.gate_lane_create(estate=world.estate, gate="东门", name="东门出口",
                                   direction=GateDirection.EXIT, by=world.exec.user)  # fmt: skip
    return entry, exit_


def make_temp_area(world):
    return vehicles.parking_area_save(estate=world.estate, name="地面临时车位",
                                      kind=ParkingAreaKind.TEMPORARY, capacity=3,
                                      by=world.exec.user)  # fmt: skip


def owner_car(world, plate="京A12345", *, space=True):
    """The world's owner's car in the ledger, on a space the owner holds."""
    parking_space = None
    if space:
        parking_space = ParkingSpace.objects.create(estate=world.estate, number="B1-001",
                                                    holder=world.owner)  # fmt: skip
    return vehicles.vehicle_register(estate=world.estate, plate=plate, owner_id=world.owner.pk,
                                     room_id=world.room.pk,
                                     parking_space_id=parking_space.pk if parking_space else None,
                                     by=world.agent.user)  # fmt: skip


def pass_rate(world, amount="300", since=dt.date(2026, 1, 1)):
    item = vehicles.pass_item(world.estate)
    return billing.rate_set(item=item, amount=Decimal(amount), effective_from=since,
                            by=world.exec.user)  # fmt: skip


def camera_body(plate="京B66666", event_id="cam-1", when=None, **extra) -> dict:
    return {"plate": plate, "camera_event_id": event_id,
            "occurred_at": (when or timezone.now()).isoformat(),
            "photo_url": "https://camera.local/snap/1.jpg", **extra}  # fmt: skip


def signed(device, secret, raw: bytes) -> dict:
    timestamp = str(int(time.time()))
    signature = device_sign(secret=secret, timestamp=timestamp, body=raw)
    return {"X-Wuye-Key": device.key_id, "X-Wuye-Timestamp": timestamp,
            "X-Wuye-Signature": signature}  # fmt: skip


def camera_post(client, lane_secret, data: dict):
    lane, secret = lane_secret
    raw = json.dumps(data, ensure_ascii=False).encode()
    return client.post(GATE_INTAKE, raw, content_type="application/json",
                       headers=signed(lane.device, secret, raw))  # fmt: skip


def bearer(user) -> dict:
    from wuye.core.services import api_token_issue

    token, _record = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
