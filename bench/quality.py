"""Benchmark: a month's compliance page (合规率, QUALITY-02/03) over 3,000,000 clocks (PostgreSQL).

Target (issue 19): a month's compliance figures for one estate in under 1 s (p95 of repeated
queries) with 300 estates, 1,000,000 cases and 3,000,000 clocks. Runs in a database of its own
(``<name>_bench_quality``), created and dropped here; it holds only the tables the figures read
(estates, cases, clocks, with the models' own indexes), filled by SQL (generate_series). The
clocks' due times spread over three years; most are met, some breached, a few running or
withdrawn.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

ESTATES = int(os.environ.get("WUYE_BENCH_ESTATES", 300))
CASES = int(os.environ.get("WUYE_BENCH_CASES", 1_000_000))
CLOCKS_PER_CASE = 3  # the repair process's dispatch, handling and revisit limits
MONTHS = 36
RUNS = int(os.environ.get("WUYE_BENCH_RUNS", 20))


def _populate(cursor, company_id: int) -> None:
    cursor.execute(
        """
        INSERT INTO core_estate (company_id, code, name, address, time_zone, takeover_status,
                                 phone, created_at)
        SELECT %s, 'E' || g, '压测小区' || g, '', 'Asia/Shanghai', 'managed', '', now()
        FROM generate_series(1, %s) g
        """,
        [company_id, ESTATES],
    )
    cursor.execute(
        """
        INSERT INTO workflow_case (estate_id, process, number, title, status, created_at,
                                   updated_at, data)
        SELECT e.ids[1 + g %% %s], 'repair', 'BX-' || g, '压测工单', 'done',
               now() - (g %% (%s * 30)) * interval '1 day', now(), '{}'::jsonb
        FROM generate_series(1, %s) g,
             (SELECT array_agg(id ORDER BY id) AS ids FROM core_estate) e
        """,
        [ESTATES, MONTHS, CASES],
    )
    cursor.execute(
        """
        INSERT INTO workflow_slaclock (case_id, key, rule, name, state, target_amount,
            target_unit, started_at, warn_at, due_at, stopped_at, breached_at, paused_seconds,
            escalation_level)
        SELECT c.id, k.key, k.rule, k.name,
               CASE WHEN r < 0.90 THEN 'met' WHEN r < 0.97 THEN 'breached'
                    WHEN r < 0.99 THEN 'running' ELSE 'cancelled' END,
               24, 'hours', c.created_at, c.created_at + interval '18 hours',
               c.created_at + interval '1 day',
               CASE WHEN r < 0.90 THEN c.created_at + interval '20 hours'
                    WHEN r < 0.97 THEN c.created_at + interval '30 hours' END,
               CASE WHEN r >= 0.90 AND r < 0.97 THEN c.created_at + interval '1 day' END,
               0, 0
        FROM (SELECT id, created_at, random() AS r FROM workflow_case) c,
             (VALUES ('dispatch_general', 'REPAIR-08', '派单时限'),
                     ('handle', 'REPAIR-05', '处理时限'),
                     ('revisit', 'REPAIR-12', '回访时限')) AS k(key, rule, name)
        """
    )
    cursor.execute("ANALYZE core_estate; ANALYZE workflow_case; ANALYZE workflow_slaclock")


def _tables(connection) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from wuye.core.models import Company, Estate
    from wuye.workflow.models import Case, SlaClock

    with connection.schema_editor() as editor:
        for model in (ContentType, Permission, Group, get_user_model(), Company, Estate, Case,
                      SlaClock):  # fmt: skip
            editor.create_model(model)


def run() -> dict:
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        print("quality: skipped (needs PostgreSQL: DATABASE_URL=postgres://…)")
        return {"skipped": "needs PostgreSQL"}
    settings = connection.settings_dict
    bench_db = f"{settings['NAME']}_bench_quality"
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
        figures = _measure(connection)
    finally:
        connection.close()
        settings["NAME"] = original
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
    print(
        f"quality: {figures['clocks']:,} clocks of {figures['estates']} estates → a month of one "
        f"estate p95 {figures['estate_p95_ms']:.0f} ms ({figures['estate_clocks']:,} decided), "
        f"of every estate p95 {figures['company_p95_ms']:.0f} ms "
        f"({figures['company_clocks']:,} decided); the company view's clock figures (every "
        f"estate's key clocks, breaches today and overdue, twelve months) p95 "
        f"{figures['company_view_p95_ms']:.0f} ms; set-up {figures['setup_seconds']:.0f} s; "
        f"targets < 1 s for one estate, < 500 ms for the company view"
    )
    return figures


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def _measure(connection) -> dict:
    from django.utils import timezone

    from wuye.core.models import Company, Estate
    from wuye.quality.selectors import (
        ComplianceScope,
        clocks_late_by_estate,
        compliance_by_estate,
        compliance_by_month,
        compliance_table,
    )

    started = time.perf_counter()
    _tables(connection)
    company = Company.objects.create(name="压测物业")
    with connection.cursor() as cursor:
        _populate(cursor, company.pk)
    setup = time.perf_counter() - started
    now = timezone.now()
    first = now.date().replace(day=1)
    month = (first - dt.timedelta(days=1)).replace(day=1)  # the last complete month
    estates = list(Estate.objects.order_by("pk").values_list("pk", flat=True))
    one = Estate.objects.get(pk=estates[len(estates) // 2])
    timings: dict[str, list[float]] = {"estate": [], "company": []}
    decided = {}
    for name, scope in (
        ("estate", ComplianceScope(one, month, {"Asia/Shanghai": (one.pk,)})),
        ("company", ComplianceScope(None, month, {"Asia/Shanghai": tuple(estates)})),
    ):
        for _ in range(RUNS):
            t0 = time.perf_counter()
            table = compliance_table(scope=scope, now=now)
            timings[name].append((time.perf_counter() - t0) * 1000)
        decided[name] = table.decided
    # The company view's queries over the clocks (公司总览; the bills, complaints and incidents it
    # also reads are not in this database).
    zones = {"Asia/Shanghai": tuple(estates)}
    this_month = ComplianceScope(None, first, zones)
    parts = {
        "shares": lambda: compliance_by_estate(scope=this_month, now=now),
        "late": lambda: clocks_late_by_estate(zones=zones, now=now),
        "trend": lambda: compliance_by_month(zones=zones, last=first, months=12, now=now),
    }
    timings["company_view"] = []
    for name in parts:
        timings[name] = []
    for _ in range(RUNS):
        total = 0.0
        for name, part in parts.items():
            t0 = time.perf_counter()
            part()
            spent = (time.perf_counter() - t0) * 1000
            timings[name].append(spent)
            total += spent
        timings["company_view"].append(total)
    return {
        "estates": ESTATES,
        "clocks": CASES * CLOCKS_PER_CASE,
        "estate_p95_ms": round(_p95(timings["estate"]), 1),
        "estate_clocks": decided["estate"],
        "company_p95_ms": round(_p95(timings["company"]), 1),
        "company_clocks": decided["company"],
        "company_view_p95_ms": round(_p95(timings["company_view"]), 1),
        **{f"company_view_{n}_p95_ms": round(_p95(timings[n]), 1) for n in parts},
        "setup_seconds": round(setup, 1),
    }


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    run()
