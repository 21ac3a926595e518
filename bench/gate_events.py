"""Gate events (``POST /api/v1/gate-events``) at 8 concurrent clients, beside the framework
floor: the bare authenticated Django endpoint of ``bench.floor_urls`` that inserts one row.

Both run against the same gunicorn (the embedded mode's 2 workers × 4 threads) on loopback and
the same database (``DATABASE_URL``; PostgreSQL is the figure that counts). Each of the 8
clients is a lane's plate-recognition camera with its own key and secret, signing every request
(HMAC-SHA256 over the timestamp and the raw body). Measured: entries of new temporary cars (each
a new plate: the signature, the ledger look-up, the guidance, a new 《临时停车卡》 and the event
row) and repeats of one camera event (the signature and the deduplication look-up), each
against one floor request (the floor is measured before and after; the faster counts). Target
(issue 16): entries per second at least 50 % of floor requests per second.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench make bench gate_events``.
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

COMPANY = "道闸基准测试物业"
LETTERS = "ABCDEFGHJKLMNPQR"  # one issuing-office letter per camera: its plates never clash


def _world():
    """An estate with an order head, a guard (the floor's tokens), a temporary parking rule, a
    temporary area and 8 entry lanes with their cameras."""
    from django.contrib.auth import get_user_model

    from wuye.billing.models import ParkingRule
    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Staff
    from wuye.core.services import api_token_issue
    from wuye.security.services import gates, vehicles

    User = get_user_model()
    for leftover in Company.objects.filter(name=COMPANY):  # an interrupted earlier run
        _cleanup(leftover)
    company = Company.objects.create(name=COMPANY)
    estate = Estate.objects.create(company=company, code="GATE", name="道闸基准测试苑")

    def staff(username, role, kind):
        user = User.objects.create_user(username=username, password="x")
        dept, _ = Department.objects.get_or_create(company=company, kind=kind)
        s = Staff.objects.create(company=company, user=user, employee_no=username, name=username,
                                 mobile="13700000000", department=dept, role=role)  # fmt: skip
        s.estates.add(estate)
        return user

    head = staff("bench_gate_head", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER)
    guard = staff("bench_gate_guard", Role.GUARD, DepartmentKind.ORDER)
    tokens = [api_token_issue(user=guard)[0] for _ in range(CLIENTS)]
    ParkingRule.objects.create(estate=estate, free_minutes=15, per_hour="2.00", daily_cap="20.00",
                               effective_from=dt.date(2000, 1, 1))  # fmt: skip
    vehicles.parking_area_save(estate=estate, name="地面临时车位", kind="temporary",
                               capacity=100000, by=head)  # fmt: skip
    cameras = []
    for n in range(CLIENTS):
        lane, secret = gates.gate_lane_create(estate=estate, gate="东门", name=f"入口{n}",
                                              direction="entry", by=head)  # fmt: skip
        cameras.append((lane.device.key_id, secret, LETTERS[n]))
    return company, tokens, cameras


def _cleanup(company) -> None:
    from django.contrib.auth import get_user_model

    from wuye.billing.models import ParkingRule
    from wuye.core.models import ApiToken, Department, Staff
    from wuye.fieldwork.models import Device
    from wuye.security.models import GateEvent, GateLane, ParkingArea, ParkingStay

    estates = list(company.estates.values_list("pk", flat=True))
    users = list(Staff.objects.filter(company=company).values_list("user_id", flat=True))
    GateEvent.objects.filter(estate_id__in=estates).delete()
    ParkingStay.objects.filter(estate_id__in=estates).delete()
    GateLane.objects.filter(estate_id__in=estates).delete()
    ParkingArea.objects.filter(estate_id__in=estates).delete()
    Device.objects.filter(estate_id__in=estates).delete()
    ParkingRule.objects.filter(estate_id__in=estates).delete()
    ApiToken.objects.filter(user_id__in=users).delete()
    Staff.objects.filter(company=company).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    company.estates.all().delete()
    Department.objects.filter(company=company).delete()
    company.delete()


def _signed(key_id: str, secret: str, body: dict) -> tuple[bytes, dict]:
    from wuye.fieldwork.services.devices import device_sign

    raw = json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    return raw, {
        "Content-Type": "application/json",
        "X-Wuye-Key": key_id,
        "X-Wuye-Timestamp": timestamp,
        "X-Wuye-Signature": device_sign(secret=secret, timestamp=timestamp, body=raw),
    }


def run() -> str:
    from django.db import connection

    company, tokens, cameras = _world()
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

        def post(client, conn, plate: str, event_id: str, expected: int) -> bool:
            key_id, secret, _letter = client.token
            body = {"plate": plate, "camera_event_id": event_id,
                    "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                    "photo_url": "https://camera.local/snap.jpg"}  # fmt: skip
            raw, headers = _signed(key_id, secret, body)
            conn.request("POST", "/api/v1/gate-events", raw, headers)
            response = conn.getresponse()
            response.read()
            return response.status == expected

        def entry(client, conn, n):
            letter = client.token[2]
            return post(client, conn, f"京{letter}{n:05d}", f"in-{letter}-{n}", 201)

        def repeat(client, conn, n):
            letter = client.token[2]
            return post(client, conn, f"京{letter}99999", f"rep-{letter}", 201 if n == 0 else 200)

        before = _load(port, tokens, floor)
        e = _load(port, cameras, entry)
        r = _load(port, cameras, repeat)
        after = _load(port, tokens, floor)
        f = max(before, after, key=lambda x: x["per_second"])
    finally:
        server.terminate()
        server.wait(timeout=30)
        _cleanup(company)
    ratio = e["per_second"] / f["per_second"] if f["per_second"] else 0
    repeat_ratio = r["per_second"] / f["per_second"] if f["per_second"] else 0
    return (
        f"{connection.vendor}, {CLIENTS} clients, {SECONDS:.0f} s each — "
        f"temporary-car entries: {e['per_second']:.1f}/s, p50 {e['p50_ms']:.0f} ms, "
        f"p99 {e['p99_ms']:.0f} ms, {e['errors']} errors; "
        f"repeats: {r['per_second']:.1f}/s, p50 {r['p50_ms']:.0f} ms, {r['errors']} errors; "
        f"floor (authenticated one-row insert): {f['per_second']:.1f}/s, "
        f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, {f['errors']} errors; "
        f"ratio entries {100 * ratio:.0f} % (target ≥ 50 %), repeats {100 * repeat_ratio:.0f} %"
    )
