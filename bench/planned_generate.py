"""Benchmark: generating 30 days of planned tasks for 300 estates × 200 pieces of equipment
(60,000 schedules: a quarter daily inspections, half 15-day services due in 3 working days, a
fifth monthly, the rest quarterly), SQLite or PostgreSQL (whichever ``DATABASE_URL`` is).

Target (issue 15): under 30 s and under 500 MB peak RSS. The run is measured in a fresh
interpreter against a database of its own (bench.planned_db); a second run must create nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

ESTATES = int(os.environ.get("WUYE_BENCH_ESTATES", 300))
EQUIPMENT = int(os.environ.get("WUYE_BENCH_EQUIPMENT", 200))
NOW = dt.datetime(2026, 9, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai; spans the national day


def _world() -> int:
    from wuye.core.models import Company, Estate
    from wuye.workflow.models import Frequency, Schedule

    from .planned_db import people

    company = Company.objects.create(name="基准测试物业（计划）")
    estates = Estate.objects.bulk_create(
        [Estate(company=company, code=f"B{i:04d}", name=f"基准测试苑{i}") for i in range(ESTATES)]
    )
    people(company, estates)
    created = NOW - dt.timedelta(hours=1)
    anchor = (NOW + dt.timedelta(hours=8)).date()
    rows = []
    for estate in estates:
        for n in range(EQUIPMENT):
            slot = n % 20
            fields = {"frequency": Frequency.QUARTERLY}
            if slot < 5:
                fields = {"frequency": Frequency.DAILY, "times": ["08:00"], "due_amount": 0}
            elif slot < 15:
                fields = {"frequency": Frequency.INTERVAL_DAYS, "interval": 15, "due_amount": 3,
                          "due_unit": "working_days"}  # fmt: skip
            elif slot < 19:
                fields = {"frequency": Frequency.MONTHLY, "day_of_month": 1 + n % 28}
            rows.append(Schedule(
                estate=estate, name=f"设备{n}", kind="maintenance", anchor=anchor,
                assignee_role="technician", department="engineering", created_at=created,
                **fields,
            ))  # fmt: skip
    Schedule.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _measure() -> dict:
    from wuye.workflow.models import PlannedTask
    from wuye.workflow.schedules import schedule_generate

    from .planned_db import peak_rss_mb

    before = peak_rss_mb()
    t0 = time.perf_counter()
    created = schedule_generate(now=NOW, horizon=dt.timedelta(days=30))
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = schedule_generate(now=NOW, horizon=dt.timedelta(days=30))
    second = time.perf_counter() - t1
    return {
        "created": created, "rows": PlannedTask.objects.count(), "seconds": round(seconds, 2),
        "again": again, "again_seconds": round(second, 2), "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }  # fmt: skip


def run() -> dict:
    from django.db import connection

    from .planned_db import bench_database, measure_in_subprocess

    vendor = connection.vendor
    with bench_database("generate") as url:
        t0 = time.perf_counter()
        schedules = _world()
        setup = time.perf_counter() - t0
        connection.close()
        m = measure_in_subprocess("bench.planned_generate", url)
    print(
        f"planned_generate ({vendor}): {ESTATES} estates × {EQUIPMENT} equipment = "
        f"{schedules:,} schedules → {m['created']:,} tasks for 30 days in {m['seconds']:.1f} s "
        f"({m['created'] / m['seconds']:,.0f} tasks/s); peak RSS {m['peak_rss_mb']:.0f} MB "
        f"(interpreter before {m['rss_before_mb']:.0f} MB); a second run created {m['again']} "
        f"in {m['again_seconds']:.2f} s (set-up {setup:.0f} s; target < 30 s and < 500 MB)"
    )
    return {"vendor": vendor, "schedules": schedules, "setup_seconds": round(setup, 1), **m}


if __name__ == "__main__":
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(_measure()))
    else:
        run()
