"""Repair orders created and dispatched through the API at 8 concurrent clients, beside the
framework floor: a bare authenticated Django endpoint that inserts one row.

Both run against the same gunicorn (the embedded mode's 2 workers × 4 threads) on loopback and
the same database (``DATABASE_URL``; PostgreSQL is the figure that counts). One "order" is two
requests: ``POST /api/v1/repairs`` then ``POST /api/v1/repairs/{id}/dispatch``; its latency is
the two together. One "floor" call is two requests to the floor endpoint, so the rates compare
like for like. Target (issue 4): orders per second at least 40 % of floor calls per second.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench make bench repairs_api``.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

CLIENTS = 8
SECONDS = float(os.environ.get("WUYE_BENCH_SECONDS", "15"))
WARMUP = 2.0
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _world():
    """An estate with 200 rooms, a desk agent and 5 technicians; tokens for the clients."""
    from django.contrib.auth import get_user_model

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import (
        Building,
        Company,
        Department,
        Estate,
        Room,
        Staff,
        Unit,
    )
    from wuye.core.services import api_token_issue

    User = get_user_model()
    for leftover in Company.objects.filter(name="基准测试物业"):  # an interrupted earlier run
        _cleanup(leftover)
    company = Company.objects.create(name="基准测试物业")
    estate = Estate.objects.create(company=company, code="BENCH", name="基准测试苑")
    building = Building.objects.create(estate=estate, name="1栋")
    unit = Unit.objects.create(estate=estate, building=building, name="1单元")
    Room.objects.bulk_create(
        Room(
            estate=estate,
            building=unit.building,
            unit=unit,
            number=f"{n:04d}",
            floor=n // 10 + 1,
            area=88,
        )
        for n in range(1, 201)
    )
    rooms = list(Room.objects.filter(estate=estate).values_list("pk", flat=True))

    def staff(username, role, kind):
        user = User.objects.create_user(username=username, password="x")
        dept, _ = Department.objects.get_or_create(company=company, kind=kind)
        s = Staff.objects.create(company=company, user=user, employee_no=username, name=username,
                                 mobile="13700000000", department=dept, role=role)  # fmt: skip
        s.estates.add(estate)
        return user

    agent = staff("bench_agent", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE)
    techs = [staff(f"bench_tech{n}", Role.TECHNICIAN, DepartmentKind.ENGINEERING) for n in range(5)]
    tokens = [api_token_issue(user=agent)[0] for _ in range(CLIENTS)]
    return company, rooms, [t.pk for t in techs], tokens


def _cleanup(company) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.db import connection

    from wuye.billing.models import Bill
    from wuye.core.models import ApiToken, Staff
    from wuye.notify.models import Message
    from wuye.repairs.models import RepairOrder
    from wuye.workflow.models import Case, CaseCounter, Event, SlaClock

    estates = list(company.estates.values_list("pk", flat=True))
    users = list(Staff.objects.filter(company=company).values_list("user_id", flat=True))
    users += list(
        get_user_model().objects.filter(username__startswith="bench_").values_list("pk", flat=True)
    )
    Message.objects.filter(recipient_id__in=users).delete()
    Bill.objects.filter(estate_id__in=estates).delete()
    RepairOrder.objects.filter(estate_id__in=estates).delete()
    SlaClock.objects.filter(case__estate_id__in=estates).delete()
    cases = Case.objects.filter(estate_id__in=estates)
    # Events are immutable by design (a trigger on PostgreSQL); the benchmark's own go in bulk.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE workflow_event DISABLE TRIGGER USER")
            cursor.execute(
                "DELETE FROM workflow_event WHERE case_id IN (SELECT id FROM workflow_case "
                "WHERE estate_id = ANY(%s))",
                [estates],
            )
            cursor.execute("ALTER TABLE workflow_event ENABLE TRIGGER USER")
    else:
        from django.db.models.sql import DeleteQuery

        DeleteQuery(Event).delete_batch(
            list(Event.objects.filter(case__in=cases).values_list("pk", flat=True)), "default"
        )
    cases.delete()
    CaseCounter.objects.filter(estate_id__in=estates).delete()
    LogEntry.objects.filter(user_id__in=users).delete()
    ApiToken.objects.filter(user_id__in=users).delete()
    from wuye.core.models import Building, Room, Unit

    Room.objects.filter(estate_id__in=estates).delete()
    Unit.objects.filter(building__estate_id__in=estates).delete()
    Building.objects.filter(estate_id__in=estates).delete()
    Staff.objects.filter(company=company).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    company.estates.all().delete()
    from wuye.core.models import Department

    Department.objects.filter(company=company).delete()
    company.delete()


class Client(threading.Thread):
    def __init__(self, port, token, work, until, warm_until):
        super().__init__(daemon=True)
        self.port, self.token, self.work = port, token, work
        self.until, self.warm_until = until, warm_until
        self.latencies: list[float] = []
        self.errors = 0

    def request(self, conn, path, body):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while time.monotonic() < self.until:
            started = time.monotonic()
            ok = self.work(self, conn, n)
            n += 1
            if started >= self.warm_until:
                if ok:
                    self.latencies.append(time.monotonic() - started)
                else:
                    self.errors += 1
        conn.close()


def _load(port, tokens, work) -> dict:
    now = time.monotonic()
    warm_until, until = now + WARMUP, now + WARMUP + SECONDS
    clients = [Client(port, t, work, until, warm_until) for t in tokens]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    latencies = sorted(x for c in clients for x in c.latencies)
    done = len(latencies)
    return {
        "per_second": done / SECONDS,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * latencies[int(0.99 * (done - 1))] if latencies else float("nan"),
        "done": done,
        "errors": sum(c.errors for c in clients),
    }


def _fresh_statistics() -> None:
    """Other benchmarks leave dead rows behind (a million-row run and its clean-up): vacuum
    and analyse, so both phases are measured on a database in a normal state."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run() -> str:
    from django.db import connection

    company, rooms, techs, tokens = _world()
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
            a = client.request(conn, "/bench/floor", {})[0]
            b = client.request(conn, "/bench/floor", {})[0]
            return a == b == 201

        def order(client, conn, n):
            status, data = client.request(conn, "/api/v1/repairs", {
                "room": rooms[n % len(rooms)], "description": "卫生间水龙头漏水",
                "contact_name": "张先生", "contact_phone": "13800138000",
                "category": "plumbing"})  # fmt: skip
            if status != 201:
                return False
            oid = json.loads(data)["id"]
            status, _ = client.request(conn, f"/api/v1/repairs/{oid}/dispatch",
                                       {"assignee": techs[n % len(techs)]})  # fmt: skip
            return status == 200

        f = _load(port, tokens, floor)
        o = _load(port, tokens, order)
    finally:
        server.terminate()
        server.wait(timeout=30)
        _cleanup(company)
    ratio = o["per_second"] / f["per_second"] if f["per_second"] else 0
    return (
        f"{connection.vendor}, {CLIENTS} clients, {SECONDS:.0f} s each — "
        f"orders (create + dispatch): {o['per_second']:.1f}/s, p50 {o['p50_ms']:.0f} ms, "
        f"p99 {o['p99_ms']:.0f} ms, {o['errors']} errors; "
        f"floor (2 × authenticated one-row insert): {f['per_second']:.1f}/s, "
        f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms; "
        f"ratio {100 * ratio:.0f} % (target ≥ 40 %)"
    )
