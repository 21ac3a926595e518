"""``wuye simulate_alarms --estate <id> [--count N] [--interval S] [--url URL]``: realistic
monitoring alarms for the demo, signed as a real device signs them.

Each round plays three scenes: an elevator with people trapped (posted twice, as monitors do:
one alarm, counted twice), a voltage dip of the power supply then its clear, and a water pump
that stops. The simulated devices are created in the estate the first time (names starting
with 模拟). Without ``--url`` the requests go through the whole stack in-process; with it, to a
running server on this machine (loopback only: the command signs with the devices' secrets).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wuye.core.models import Estate
from wuye.fieldwork.models.devices import DeviceKind
from wuye.fieldwork.services import devices as services

INTAKE_PATH = "/api/v1/device-events"
DEVICES = {
    "lift": ("模拟·1栋1号客梯监控", DeviceKind.ELEVATOR),
    "power": ("模拟·配电房供电监控", DeviceKind.POWER),
    "pump": ("模拟·生活水泵监控", DeviceKind.PUMP),
}


def _scenes(stamp: str) -> list[tuple[str, dict]]:
    """(device, body) in the order they are sent; ``stamp`` keeps each round's alarms apart."""
    return [
        ("lift", {"event_type": "trapped", "severity": "critical",
                  "dedup_key": f"lift1-trapped-{stamp}", "message": "轿厢停在 7-8 层之间，轿内有人",
                  "payload": {"floor": 7, "door": "closed", "load_kg": 160}}),
        ("lift", {"event_type": "trapped", "severity": "critical",
                  "dedup_key": f"lift1-trapped-{stamp}", "message": "轿厢停在 7-8 层之间，轿内有人",
                  "payload": {"floor": 7, "door": "closed", "load_kg": 160}}),
        ("power", {"event_type": "voltage_low", "severity": "warning",
                   "dedup_key": f"tx1-undervoltage-{stamp}", "message": "1号变压器 A 相电压 188 V",
                   "payload": {"phase": "A", "volts": 188}}),
        ("power", {"event_type": "clear", "dedup_key": f"tx1-undervoltage-{stamp}",
                   "message": "电压恢复 221 V", "payload": {"phase": "A", "volts": 221}}),
        ("pump", {"event_type": "stopped", "severity": "warning",
                  "dedup_key": f"pump2-stop-{stamp}",
                  "message": "2号生活水泵停机，出口压力 0.05 MPa",
                  "payload": {"pump": 2, "pressure_mpa": 0.05}}),
    ]  # fmt: skip


def _loopback_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback:
        raise CommandError("--url must be a server on this machine (127.0.0.1, ::1, localhost)")
    return url.rstrip("/") + INTAKE_PATH


class Command(BaseCommand):
    help = "Send realistic signed monitoring alarms (a trapped elevator, a voltage dip, a pump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--estate", type=int, required=True, help="the estate's id")
        parser.add_argument("--count", type=int, default=1, help="rounds of the three scenes")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between posts")
        parser.add_argument(
            "--url", default="", help="a running server, e.g. http://127.0.0.1:8000"
        )

    def handle(self, *args, estate: int, count: int, interval: float, url: str, **options):
        target = _loopback_url(url) if url else ""
        found = Estate.objects.filter(pk=estate).first()
        if found is None:
            raise CommandError(f"no estate with id {estate}")
        if count < 1 or interval < 0:
            raise CommandError("--count must be at least 1 and --interval not negative")
        devices = {
            key: services.device_simulated_get_or_create(estate=found, name=name, kind=kind)
            for key, (name, kind) in DEVICES.items()
        }
        sent = 0
        for round_no in range(count):
            stamp = f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}-{round_no}"
            for key, body in _scenes(stamp):
                if sent and interval:
                    time.sleep(interval)
                device = devices[key]
                body = {**body, "occurred_at": timezone.now().isoformat()}
                status, answer = self._post(target, device, body)
                sent += 1
                self.stdout.write(f"{device.name} {body['event_type']}: {status} {answer}")

    def _post(self, target: str, device, body: dict) -> tuple[int, str]:
        raw = json.dumps(body, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        signature = services.device_sign(
            secret=services.device_signing_key(device), timestamp=timestamp, body=raw
        )
        headers = {"X-Wuye-Key": device.key_id, "X-Wuye-Timestamp": timestamp,
                   "X-Wuye-Signature": signature, "Content-Type": "application/json"}  # fmt: skip
        if not target:
            from django.test import Client

            response = Client(HTTP_HOST="localhost").post(
                INTAKE_PATH, raw, content_type="application/json",
                headers={k: v for k, v in headers.items() if k != "Content-Type"},
            )  # fmt: skip
            return response.status_code, response.content.decode()
        request = urllib.request.Request(target, data=raw, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except urllib.error.URLError as exc:
            raise CommandError(f"cannot reach {target}: {exc.reason}") from None
