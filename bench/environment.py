"""Benchmarks of the environment chapter (issue 17), SQLite or PostgreSQL (``DATABASE_URL``), in a
database of their own (bench.planned_db):

(a) a day's cleaning tasks for 300 estates × 40 cleaning zones with the default cleaning plan
    (main roads swept twice a day, corridors cleaned daily, lifts cleaned and disinfected daily,
    toilets cleaned every two hours while open and disinfected daily, other areas swept daily):
    ``workflow.schedules.schedule_generate`` writing one day, timed in a fresh interpreter.
    Target: under 10 s.
(b) the environment head's board of an estate with a year of tasks (40 zones, ~6 tasks a day
    each), inspections, spot-check samples, rectifications and a store: the page through the
    Django test client, the API and the selector alone, p50/p95 over ``RUNS``. Target: 200 ms.

Run: ``make bench environment`` (or ``python -m bench environment``).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from zoneinfo import ZoneInfo

ESTATES = int(os.environ.get("WUYE_BENCH_ESTATES", 300))
ZONES = int(os.environ.get("WUYE_BENCH_ZONES", 40))
RUNS = int(os.environ.get("WUYE_BENCH_RUNS", 30))
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Local midnight of Mon 2026-11-30: one day of tasks is that Monday's.
DAY = dt.date(2026, 11, 30)
MIDNIGHT = dt.datetime.combine(DAY, dt.time.min, tzinfo=SHANGHAI)
TOILET_TIMES = [f"{h:02d}:00" for h in range(7, 21, 2)]  # CLEAN-08: every 2 hours, 07-19
# Zone kind → its plan lines (work, times), the defaults of the cleaning plan (CLEAN-06..09).
PLAN = {
    "road": [("sweep", ["08:00", "15:00"])],
    "corridor": [("clean", ["09:00"])],
    "elevator": [("clean", ["08:30"]), ("disinfect", ["14:00"])],
    "toilet": [("clean", TOILET_TIMES), ("disinfect", ["13:00"])],
    "square": [("sweep", ["10:00"])],
}
# 40 zones: 4 roads, 20 corridors, 8 lifts, 4 toilets, 4 squares (repeated for other sizes).
MIX = ["road"] * 4 + ["corridor"] * 20 + ["elevator"] * 8 + ["toilet"] * 4 + ["square"] * 4


# (b): every zone cleaned six times a day (a year: 40 × 6 × 365 = 87,600 tasks).
DENSE = {kind: [("clean", ["07:00", "09:00", "11:00", "13:00", "15:00", "17:00"])] for kind in PLAN}


def _zones_and_lines(
    estates, created: dt.datetime, head_of: dict, plan: dict = PLAN
) -> tuple[int, list]:
    """Bulk rows: zones, their schedules (one per plan line) and plan lines."""
    from wuye.environment.models import CleaningZone, PlanLine
    from wuye.environment.processes import CLEANING_KIND
    from wuye.workflow.models import Frequency, Schedule

    zones = CleaningZone.objects.bulk_create(
        [
            CleaningZone(estate=e, name=f"{MIX[n % len(MIX)]}-{n}", kind=MIX[n % len(MIX)],
                         created_at=created)
            for e in estates for n in range(ZONES)
        ],
        batch_size=5000,
    )  # fmt: skip
    pairs = [(z, work, times) for z in zones for work, times in plan[z.kind]]
    schedules = Schedule.objects.bulk_create(
        [
            Schedule(estate_id=z.estate_id, name=f"{z.name} {work}", kind=CLEANING_KIND,
                     rule="CLEAN-05", frequency=Frequency.DAILY, times=times,
                     anchor=created.astimezone(SHANGHAI).date(), due_amount=2,
                     due_unit="hours", assignee=head_of.get(z.estate_id),
                     department="environment", created_at=created)
            for z, work, times in pairs
        ],
        batch_size=5000,
    )  # fmt: skip
    PlanLine.objects.bulk_create(
        [
            PlanLine(estate_id=z.estate_id, zone=z, work=work, schedule=s, created_at=created)
            for (z, work, _times), s in zip(pairs, schedules, strict=True)
        ],
        batch_size=5000,
    )  # fmt: skip
    return len(schedules), zones


# --- (a) a day's tasks for 300 estates ----------------------------------------------------------


def _world_generate() -> int:
    from wuye.core.models import Company, Estate

    from .planned_db import people

    company = Company.objects.create(name="基准测试物业（环境）")
    estates = Estate.objects.bulk_create(
        [Estate(company=company, code=f"E{i:04d}", name=f"环境基准苑{i}") for i in range(ESTATES)]
    )
    people(company, estates, kind="environment")
    count, _zones = _zones_and_lines(estates, MIDNIGHT, {})
    return count


def _measure() -> dict:
    import cProfile
    import pstats

    from wuye.workflow.models import PlannedTask
    from wuye.workflow.schedules import schedule_generate

    from .planned_db import peak_rss_mb

    # ``until`` = now + horizon = the next local midnight: exactly the Monday's tasks.
    now = MIDNIGHT
    profile = cProfile.Profile() if os.environ.get("WUYE_BENCH_PROFILE") else None
    t0 = time.perf_counter()
    if profile:
        profile.enable()
    created = schedule_generate(now=now, horizon=dt.timedelta(days=1))
    if profile:
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    seconds = time.perf_counter() - t0
    return {
        "created": created, "rows": PlannedTask.objects.count(), "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }  # fmt: skip


# --- (b) the board of an estate with a year of tasks ----------------------------------------------


def _world_year() -> dict:
    """An estate with a year of cleaning tasks to 2026-11-30 17:30 (done, a few late, a few
    missed), a patrol a day of a third of the zones, weekly spot checks, five rectifications
    open, a store with products below their minimum; its environment head."""
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db.models import F

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Staff
    from wuye.environment.models import Inspection, Product, Rectification, SpotSample, Store
    from wuye.workflow.models import PlannedTask, PlannedTaskStatus
    from wuye.workflow.schedules import schedule_generate
    from wuye.workflow.services import case_open

    company = Company.objects.create(name="基准测试物业（环境看板）")
    estate = Estate.objects.create(company=company, code="ENVB", name="环境看板基准苑")
    user = get_user_model().objects.create_user("bench_env_head", password="x")
    dept, _ = Department.objects.get_or_create(company=company, kind=DepartmentKind.ENVIRONMENT)
    head = Staff.objects.create(company=company, user=user, employee_no="ENVB1", name="环境主管",
                                mobile="13700000000", department=dept,
                                role=Role.DEPARTMENT_HEAD)  # fmt: skip
    head.estates.add(estate)
    start = MIDNIGHT - dt.timedelta(days=365)
    now = MIDNIGHT + dt.timedelta(hours=17, minutes=30)
    count, zones = _zones_and_lines([estate], start, {estate.pk: user}, DENSE)
    t0 = time.perf_counter()
    tasks = schedule_generate(now=now, horizon=dt.timedelta(hours=1))
    generate_seconds = time.perf_counter() - t0
    # Done half an hour after the start, but every 37th late and every 101st missed.
    due = PlannedTask.objects.filter(estate=estate, due_at__lt=now)
    ids = list(due.order_by("id").values_list("id", flat=True))
    missed, late = ids[::101], ids[5::37]
    due.update(status=PlannedTaskStatus.DONE, done_by=user,
               done_at=F("scheduled_for") + dt.timedelta(minutes=30))  # fmt: skip
    for chunk in range(0, max(len(late), len(missed)), 500):
        PlannedTask.objects.filter(pk__in=late[chunk : chunk + 500]).update(
            done_at=F("due_at") + dt.timedelta(minutes=40)
        )
        PlannedTask.objects.filter(pk__in=missed[chunk : chunk + 500]).update(
            status=PlannedTaskStatus.MISSED, missed_at=F("due_at"), done_at=None, done_by=None
        )
    rng = random.Random(17)
    rows = []
    for d in range(365):
        day = DAY - dt.timedelta(days=d)
        at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
        for z in zones[d % 3 :: 3]:
            score = Decimal(rng.choice((70, 88, 92, 95, 100)))
            rows.append(Inspection(
                estate=estate, kind="patrol", zone=z, inspector=user, inspector_name="环境主管",
                responsible_name="张阿姨", at=at, score=score, full_score=Decimal(100),
                passed=score >= 80,
            ))  # fmt: skip
    Inspection.objects.bulk_create(rows, batch_size=5000)
    for w in range(52):
        monday = DAY - dt.timedelta(days=7 * w)
        SpotSample.objects.create(
            estate=estate, week_start=monday, seed=w,
            picks=[{"zone": z.pk, "task": None} for z in rng.sample(zones, 5)],
            drawn_at=dt.datetime.combine(monday, dt.time(8), tzinfo=SHANGHAI),
        )  # fmt: skip
    failed = list(Inspection.objects.filter(estate=estate, passed=False).order_by("-at")[:5])
    for inspection in failed:
        case = case_open(process="environment_rectification", estate=estate, title="整改",
                         by=user, assignee=user)  # fmt: skip
        Rectification.objects.create(
            case=case, estate=estate, inspection=inspection, zone=inspection.zone,
            assignee=head, problem="地面有污渍", deadline=inspection.at + dt.timedelta(hours=24),
        )  # fmt: skip
    store = Store.objects.create(estate=estate, name="保洁工具间", location="地下室",
                                 created_at=start)  # fmt: skip
    Product.objects.bulk_create([
        Product(store=store, name=f"物料{n}", kind="cleaning", unit="瓶", stock=Decimal(n % 7),
                minimum=Decimal(3), created_at=start)
        for n in range(60)
    ])  # fmt: skip
    return {
        "estate": estate, "user": user, "now": now, "schedules": count, "tasks": tasks,
        "inspections": len(rows), "generate_seconds": round(generate_seconds, 1),
    }  # fmt: skip


def _timings(call) -> dict:
    call()  # warm: templates, URL resolvers, the calendar
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }


def _measure_board(world: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from wuye.core.middleware import SESSION_KEY
    from wuye.core.scoping import actor_for
    from wuye.core.services import api_token_issue
    from wuye.environment.selectors import board as selectors

    setup_test_environment()
    estate, user = world["estate"], world["user"]
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = estate.pk
    session.save()
    token, _ = api_token_issue(user=user)

    def page():
        response = client.get(f"/environment/?day={DAY:%Y-%m-%d}")
        assert response.status_code == 200, response.status_code

    def api():
        response = client.get(
            f"/api/v1/environment/board?estate={estate.pk}&day={DAY:%Y-%m-%d}",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content[:200]

    actor = actor_for(user)
    queries = []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        page()
    return {
        "page": _timings(page),
        "api": _timings(api),
        "selector": _timings(lambda: selectors.board(actor, estate, DAY, world["now"])),
        "page_queries": len(queries),
    }


def run() -> dict:
    from django.db import connection

    from .planned_db import bench_database, measure_in_subprocess

    vendor = connection.vendor
    with bench_database("environment") as url:
        t0 = time.perf_counter()
        schedules = _world_generate()
        setup = time.perf_counter() - t0
        connection.close()
        m = measure_in_subprocess("bench.environment", url)
        print(
            f"environment (a, {vendor}): {ESTATES} estates × {ZONES} zones = {schedules:,} "
            f"schedules → {m['created']:,} tasks for one day in {m['seconds']:.2f} s "
            f"({m['created'] / max(m['seconds'], 0.001):,.0f} tasks/s; peak RSS "
            f"{m['peak_rss_mb']:.0f} MB; set-up {setup:.0f} s; target < 10 s)"
        )
        t0 = time.perf_counter()
        world = _world_year()
        setup_year = time.perf_counter() - t0
        b = _measure_board(world)
        print(
            f"environment (b, {vendor}): board of an estate with {world['tasks']:,} tasks of a "
            f"year ({world['schedules']} plan lines), {world['inspections']:,} inspections: "
            f"page p50 {b['page']['p50_ms']} ms / p95 {b['page']['p95_ms']} ms "
            f"({b['page_queries']} queries), API p50 {b['api']['p50_ms']} ms / p95 "
            f"{b['api']['p95_ms']} ms, selector p50 {b['selector']['p50_ms']} ms "
            f"(set-up {setup_year:.0f} s; target < 200 ms)"
        )
    world.pop("estate"), world.pop("user"), world.pop("now")
    return {"vendor": vendor, "schedules": schedules, "generate": m, "year": world, "board": b}


if __name__ == "__main__":
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(_measure()))
    else:
        run()
