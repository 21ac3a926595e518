"""Benchmark: the missed-task sweep (``planned_task_sweep_missed``) over 1,000,000 planned
tasks of which 10,000 are past due (one per schedule of 10,000, in 10 estates; each tells the
technicians and the engineering head of its estate), SQLite or PostgreSQL.

Target (issue 15): under 2 s. What makes it fast is measured beside it: the claim query with
the partial index on ``due_at`` (only rows still planned) and without it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

TASKS = int(os.environ.get("WUYE_BENCH_TASKS", 1_000_000))
DUE = int(os.environ.get("WUYE_BENCH_DUE", 10_000))
ESTATES = 10
NOW = dt.datetime(2026, 9, 20, 2, 0, tzinfo=dt.UTC)


def _world() -> None:
    from django.db import connection

    from wuye.core.models import Company, Estate
    from wuye.workflow.models import Frequency, Schedule

    from .planned_db import people

    company = Company.objects.create(name="基准测试物业（错过）")
    estates = Estate.objects.bulk_create(
        [Estate(company=company, code=f"S{i:03d}", name=f"基准测试错过{i}") for i in range(ESTATES)]
    )
    people(company, estates)
    per_schedule = TASKS // DUE
    Schedule.objects.bulk_create(
        [Schedule(estate=estates[i % ESTATES], name=f"巡检{i}", kind="inspection",
                  frequency=Frequency.HOURLY, anchor=dt.date(2026, 9, 1),
                  assignee_role="technician", department="engineering",
                  created_at=NOW - dt.timedelta(days=30)) for i in range(DUE)],
        batch_size=5000,
    )  # fmt: skip
    # Task k of each schedule starts k hours from now; k = 0 is 1 hour past due.
    past, base = NOW - dt.timedelta(hours=1), NOW
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            series = "generate_series(0, %s - 1) AS k(n)"
            start = "%s::timestamptz + k.n * interval '1 hour'"
            due = (
                "CASE WHEN k.n = 0 THEN %s::timestamptz "
                "ELSE %s::timestamptz + (k.n + 2) * interval '1 hour' END"
            )
        else:
            series = (
                "(WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s "
                "WHERE n + 1 < %s) SELECT n FROM s) AS k"
            )
            start = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || k.n || ' hours')"
            due = (
                "CASE WHEN k.n = 0 THEN %s ELSE "
                "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || (k.n + 2) || ' hours') END"
            )
        cursor.execute(
            f"INSERT INTO workflow_plannedtask (schedule_id, estate_id, scheduled_for, due_at, "
            f"status, note) SELECT s.id, s.estate_id, {start}, {due}, 'planned', '' "
            f"FROM workflow_schedule AS s CROSS JOIN {series}",
            [adapt(base), adapt(past), adapt(base), per_schedule],
        )  # fmt: skip
        cursor.execute("ANALYZE")


def _claim_seconds(cursor, now) -> float:
    t0 = time.perf_counter()
    cursor.execute(
        "SELECT id FROM workflow_plannedtask WHERE status = 'planned' AND due_at < %s LIMIT 1000",
        [now],
    )
    cursor.fetchall()
    return time.perf_counter() - t0


def _measure() -> dict:
    from django.db import connection

    from wuye.notify.models import Message
    from wuye.workflow.models import PlannedTask
    from wuye.workflow.schedules import planned_task_sweep_missed

    from .planned_db import peak_rss_mb

    now = connection.ops.adapt_datetimefield_value(NOW)
    with connection.cursor() as cursor:
        with_index = min(_claim_seconds(cursor, now) for _ in range(3))
        cursor.execute("DROP INDEX planned_task_due")
        without_index = min(_claim_seconds(cursor, now) for _ in range(3))
        cursor.execute(
            "CREATE INDEX planned_task_due ON workflow_plannedtask (due_at) "
            "WHERE status = 'planned'"
        )
        cursor.execute("ANALYZE")
    before = peak_rss_mb()
    t0 = time.perf_counter()
    marked = planned_task_sweep_missed(now=NOW)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = planned_task_sweep_missed(now=NOW)
    second = time.perf_counter() - t1
    return {
        "tasks": PlannedTask.objects.count(), "marked": marked, "seconds": round(seconds, 2),
        "messages": Message.objects.count(), "again": again, "again_seconds": round(second, 3),
        "claim_with_index_ms": round(with_index * 1000, 1),
        "claim_without_index_ms": round(without_index * 1000, 1),
        "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
    }  # fmt: skip


def run() -> dict:
    from django.db import connection

    from .planned_db import bench_database, measure_in_subprocess

    vendor = connection.vendor
    with bench_database("sweep") as url:
        t0 = time.perf_counter()
        _world()
        setup = time.perf_counter() - t0
        connection.close()
        m = measure_in_subprocess("bench.planned_sweep", url)
    print(
        f"planned_sweep ({vendor}): {m['tasks']:,} planned tasks, {m['marked']:,} past due → "
        f"marked missed with {m['messages']:,} inbox messages in {m['seconds']:.2f} s; a second "
        f"sweep marked {m['again']} in {m['again_seconds']:.3f} s; claim of 1,000 due: "
        f"{m['claim_with_index_ms']:.1f} ms with the partial index, "
        f"{m['claim_without_index_ms']:.1f} ms without; peak RSS {m['peak_rss_mb']:.0f} MB "
        f"(set-up {setup:.0f} s; target < 2 s)"
    )
    return {"vendor": vendor, "setup_seconds": round(setup, 1), **m}


if __name__ == "__main__":
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(_measure()))
    else:
        run()
