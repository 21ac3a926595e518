"""Benchmark: one SLA sweep over 1,000,000 running clocks of which 10,000 are due (PostgreSQL).

Target (issue 3): under 2 s for the sweep and under 300 MB peak memory on a 2-core machine.
Runs in a database of its own (``<name>_bench_sweep``), created and dropped here, so it never
touches real data; the rows are made by SQL (generate_series) in seconds.
"""

from __future__ import annotations

import os
import resource
import time

CLOCKS = int(os.environ.get("WUYE_BENCH_CLOCKS", 1_000_000))
DUE = int(os.environ.get("WUYE_BENCH_DUE", 10_000))


def _register_process():
    from wuye.core.choices import DepartmentKind, Role
    from wuye.workflow.engine import CREATED, Action, Clock, Process, State, get_process, register

    try:
        return get_process("bench")
    except Exception:
        pass
    return register(
        Process(
            code="bench",
            label="bench",
            prefix="BN",
            department=DepartmentKind.ENGINEERING,
            states=(State("new", "待派单"), State("done", "已完成", terminal=True)),
            initial="new",
            actions=(Action("close", "关闭", ("new",), "done", frozenset({Role.CS_AGENT})),),
            clocks=(Clock("k", "BENCH-01", "派单时限", 60, "minutes", (CREATED,), ("close",)),),
        )
    )


def _populate(cursor, estate_id: int, assignee_id: int) -> None:
    cursor.execute(
        """
        INSERT INTO workflow_case (estate_id, process, number, title, status, assignee_id,
                                   created_at, updated_at, data)
        SELECT %s, 'bench', 'BN-' || g, '压测工单', 'new', %s, now(), now(), '{}'::jsonb
        FROM generate_series(1, %s) AS g
        """,
        [estate_id, assignee_id, CLOCKS],
    )
    cursor.execute(
        """
        INSERT INTO workflow_slaclock (case_id, key, rule, name, state, target_amount,
            target_unit, started_at, warn_at, due_at, paused_seconds, escalation_level)
        SELECT c.id, 'k', 'BENCH-01', '派单时限', 'running', 60, 'minutes',
               now() - interval '2 hours',
               CASE WHEN rn <= %s THEN now() - interval '75 minutes'
                    ELSE now() + interval '1 day' END,
               CASE WHEN rn <= %s THEN now() - interval '1 hour'
                    ELSE now() + interval '2 days' END,
               0, 0
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM workflow_case) AS c
        """,
        [DUE, DUE],
    )
    cursor.execute("ANALYZE workflow_case; ANALYZE workflow_slaclock")


def run() -> dict:
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("sla_sweep: skipped (needs PostgreSQL: DATABASE_URL=postgres://…)")
        return {"skipped": "needs PostgreSQL"}
    settings = connection.settings_dict
    bench_db = f"{settings['NAME']}_bench_sweep"
    admin_dsn = psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "", port=settings["PORT"] or "", user=settings["USER"] or "",
        password=settings["PASSWORD"] or "", dbname="postgres",
    )  # fmt: skip
    original = settings["NAME"]
    connection.close()
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        admin.execute(f'CREATE DATABASE "{bench_db}"')
    settings["NAME"] = bench_db
    try:
        call_command("migrate", verbosity=0, interactive=False)
        figures = _measure()
    finally:
        connection.close()
        settings["NAME"] = original
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
    print(
        f"sla_sweep: {figures['clocks']:,} running clocks, {figures['escalated']:,} due → "
        f"sweep {figures['sweep_seconds']:.2f} s, RSS before {figures['rss_before_mb']:.0f} MB, "
        f"process peak RSS {figures['peak_rss_mb']:.0f} MB "
        f"(set-up {figures['setup_seconds']:.0f} s; target < 2 s and < 300 MB)"
    )
    return figures


def _measure() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Staff
    from wuye.workflow.services import sla_sweep

    _register_process()
    started = time.perf_counter()
    company = Company.objects.create(name="压测物业")
    estate = Estate.objects.create(company=company, code="BENCH", name="压测小区")
    User = get_user_model()
    people = {}
    for username, role, kind in [
        ("bench_tech", Role.TECHNICIAN, DepartmentKind.ENGINEERING),
        ("bench_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING),
        ("bench_exec", Role.EXECUTIVE, DepartmentKind.EXECUTIVE),
    ]:
        user = User.objects.create(username=username)
        dept, _ = Department.objects.get_or_create(company=company, kind=kind)
        staff = Staff.objects.create(
            company=company, user=user, employee_no=username, name=username,
            mobile="13700000000", department=dept, role=role,
        )  # fmt: skip
        staff.estates.add(estate)
        people[username] = user
    with connection.cursor() as cursor:
        _populate(cursor, estate.pk, people["bench_tech"].pk)
    setup = time.perf_counter() - started

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    escalated = sla_sweep()
    sweep = time.perf_counter() - t0
    return {
        "clocks": CLOCKS,
        "escalated": escalated,
        "sweep_seconds": round(sweep, 3),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "setup_seconds": round(setup, 1),
    }


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    run()
