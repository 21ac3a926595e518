"""What the monitoring-intake tests share: a device of the world's estate, signed posts, and a toy
anomaly process with the 10-minute notification clock (EQUIP-OPS-09) that a test handler opens.
The real anomaly process is facilities'; this one only proves the registry and the clock."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

from django.utils import timezone

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.models.devices import DeviceKind
from wuye.fieldwork.services import devices as services
from wuye.workflow import services as engine
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

INTAKE = "/api/v1/device-events"

ANOMALY = register(
    Process(
        code="toy_anomaly",
        label="玩具异常",
        prefix="YC",
        department=DepartmentKind.ENGINEERING,
        states=(State("reported", "待通知"), State("notified", "已通知", terminal=True)),
        initial="reported",
        actions=(
            Action("notify", "通知工程部", ("reported",), "notified",
                   frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD})),
        ),
        clocks=(Clock("notify", "EQUIP-OPS-09", "通知时限", 10, "minutes", (CREATED,),
                      ("notify",)),),
    )
)  # fmt: skip


def open_anomaly(event):
    """A handler: the alarm becomes an anomaly case whose clock starts when it was received."""
    return engine.case_open(
        process=ANOMALY, estate=event.estate, by=services.alarm_actor(event),
        title=f"{event.device.name} {event.get_event_type_display()}", at=event.received_at,
        data={"event_type": event.event_type},
    )  # fmt: skip


@contextmanager
def handler(key: str, function=open_anomaly):
    """``function`` handles ``key`` for the block, in place of the one an app registered
    (facilities handles every monitoring kind for devices of its register)."""
    before = services.alarm_handlers().get(key)
    services.unregister_alarm_handler(key)
    services.register_alarm_handler(key, function)
    try:
        yield function
    finally:
        services.unregister_alarm_handler(key)
        if before is not None:
            services.register_alarm_handler(key, before)


def engineering_head(world, username: str = "enghead"):
    return make_staff(world.company, username, Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [world.estate])  # fmt: skip


def make_device(world, name: str = "1号客梯监控", kind: str = DeviceKind.ELEVATOR, estate=None):
    device, secret = services.device_create(
        estate=estate or world.estate, name=name, kind=kind, by=world.exec.user
    )
    return device, secret


def body(**values) -> dict:
    return {"event_type": "trapped", "severity": "critical", "dedup_key": "lift1-trapped-1",
            "occurred_at": timezone.now().isoformat(), "message": "轿厢困人",
            "payload": {"floor": 7}, **values}  # fmt: skip


def signed_headers(device, secret: str, raw: bytes, timestamp: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    return {
        "X-Wuye-Key": device.key_id,
        "X-Wuye-Timestamp": timestamp,
        "X-Wuye-Signature": services.device_sign(secret=secret, timestamp=timestamp, body=raw),
    }


def post(client, device, secret: str, data: dict | None = None, *, timestamp=None, headers=None):
    raw = json.dumps(data if data is not None else body(), ensure_ascii=False).encode()
    sent = signed_headers(device, secret, raw, timestamp) if headers is None else headers
    return client.post(INTAKE, raw, content_type="application/json", headers=sent)


def bearer(user) -> dict:
    from wuye.core.services import api_token_issue

    token, _record = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
