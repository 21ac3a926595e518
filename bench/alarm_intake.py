"""Alarm intake (``POST /api/v1/device-events``) at 8 concurrent clients, beside the framework
floor: the bare authenticated Django endpoint of ``bench.floor_urls`` that inserts one row.

Both run against the same gunicorn (the embedded mode's 2 workers × 4 threads) on loopback and
the same database (``DATABASE_URL``; PostgreSQL is the figure that counts). Each of the 8
clients is a device with its own key and secret, signing every request (HMAC-SHA256 over the
timestamp and the raw body). Measured: new alarms (each a new deduplication key: the signature,
the event row and, as no handler is registered, an inbox message to the engineering head) and
repeats of an open alarm (the signature and a counted repeat), each request against one floor
request (the floor is measured before and after; the faster counts). Target (issue 15): new
alarms per second at least 50 % of floor requests per second.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench make bench alarm_intake``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time

from bench.repairs_api import CLIENTS, ROOT, SECONDS, _free_port, _fresh_statistics, _load

COMPANY = "告警基准测试物业"


def _world():
    """An estate with an engineering head, a desk agent (the floor's tokens) and 8 devices."""
    from django.contrib.auth import get_user_model

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Staff
    from wuye.core.services import api_token_issue
    from wuye.fieldwork.services import devices as services

    User = get_user_model()
    for leftover in Company.objects.filter(name=COMPANY):  # an interrupted earlier run
        _cleanup(leftover)
    company = Company.objects.create(name=COMPANY)
    estate = Estate.objects.create(company=company, code="ALARM", name="告警基准测试苑")

    def staff(username, role, kind):
        user = User.objects.create_user(username=username, password="x")
        dept, _ = Department.objects.get_or_create(company=company, kind=kind)
        s = Staff.objects.create(company=company, user=user, employee_no=username, name=username,
                                 mobile="13700000000", department=dept, role=role)  # fmt: skip
        s.estates.add(estate)
        return user

    head = staff("bench_alarm_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING)
    agent = staff("bench_alarm_agent", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE)
    tokens = [api_token_issue(user=agent)[0] for _ in range(CLIENTS)]
    devices = []
    for n in range(CLIENTS):
        device, secret = services.device_create(
            estate=estate, name=f"基准电梯监控{n}", kind="elevator_monitor", by=head
        )
        devices.append((device.key_id, secret))
    return company, tokens, devices


def _cleanup(company) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model

    from wuye.core.models import ApiToken, Department, Staff
    from wuye.fieldwork.models import Device, DeviceEvent
    from wuye.notify.models import Message

    estates = list(company.estates.values_list("pk", flat=True))
    users = list(Staff.objects.filter(company=company).values_list("user_id", flat=True))
    Message.objects.filter(recipient_id__in=users).delete()
    DeviceEvent.objects.filter(estate_id__in=estates).delete()
    Device.objects.filter(estate_id__in=estates).delete()
    LogEntry.objects.filter(user_id__in=users).delete()
    ApiToken.objects.filter(user_id__in=users).delete()
    Staff.objects.filter(company=company).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    company.estates.all().delete()
    Department.objects.filter(company=company).delete()
    company.delete()


def _signed(key_id: str, secret: str, body: dict) -> tuple[bytes, dict]:
    from wuye.fieldwork.services.devices import device_sign

    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    return raw, {
        "Content-Type": "application/json",
        "X-Wuye-Key": key_id,
        "X-Wuye-Timestamp": timestamp,
        "X-Wuye-Signature": device_sign(secret=secret, timestamp=timestamp, body=raw),
    }


def run() -> str:
    from django.db import connection

    company, tokens, devices = _world()
    _fresh_statistics()
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wuye.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        connection.close()  # the server's workers own the database now

        def floor(client, conn, n):
            return client.request(conn, "/bench/floor", {})[0] == 201

        def post(client, conn, dedup_key: str, expected: int) -> bool:
            key_id, secret = client.token
            body = {"event_type": "fault", "severity": "warning", "dedup_key": dedup_key,
                    "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                    "message": "控制柜故障", "payload": {"code": "E31"}}  # fmt: skip
            raw, headers = _signed(key_id, secret, body)
            conn.request("POST", "/api/v1/device-events", raw, headers)
            response = conn.getresponse()
            response.read()
            return response.status == expected

        def alarm(client, conn, n):
            return post(client, conn, f"bench-{client.name}-{n}", 201)

        def repeat(client, conn, n):
            return post(client, conn, f"bench-{client.name}-repeat", 201 if n == 0 else 200)

        # The floor before and after (the first phase also warms the workers up); the ratio is
        # taken against the faster of the two, so a slow start never flatters the intake.
        before = _load(port, tokens, floor)
        a = _load(port, devices, alarm)
        r = _load(port, devices, repeat)
        after = _load(port, tokens, floor)
        f = max(before, after, key=lambda x: x["per_second"])
    finally:
        server.terminate()
        server.wait(timeout=30)
        _cleanup(company)
    ratio = a["per_second"] / f["per_second"] if f["per_second"] else 0
    repeat_ratio = r["per_second"] / f["per_second"] if f["per_second"] else 0
    return (
        f"{connection.vendor}, {CLIENTS} clients, {SECONDS:.0f} s each — "
        f"new alarms: {a['per_second']:.1f}/s, p50 {a['p50_ms']:.0f} ms, "
        f"p99 {a['p99_ms']:.0f} ms, {a['errors']} errors; "
        f"repeats: {r['per_second']:.1f}/s, p50 {r['p50_ms']:.0f} ms, {r['errors']} errors; "
        f"floor (authenticated one-row insert): {f['per_second']:.1f}/s, "
        f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, {f['errors']} errors; "
        f"ratio new alarms {100 * ratio:.0f} % (target ≥ 50 %), repeats {100 * repeat_ratio:.0f} %"
    )
