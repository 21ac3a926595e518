"""Benchmark: the monthly billing run (FEE-04) of one estate of 100,000 rooms × 2 periodic items
(物业服务费 per m² and 电梯费 per room), beside its floor: COPY of the same bill and ledger rows.

Target (issue 6): under 20 s and under 500 MB peak RSS on a 2-core machine (PostgreSQL). The run
is timed in a fresh interpreter (``python -m bench.billing_run --measure …``) so its peak RSS is
the run's own, not the data build's. The rows are made by SQL (generate_series) and removed
afterwards, ledger included (its immutability trigger is switched off for that delete only).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench python -m bench billing_run``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOMS = int(os.environ.get("WUYE_BENCH_ROOMS", 100_000))
ROOMS_PER_BUILDING = 1000
COMPANY = "基准测试物业（账单）"
PERIOD = (dt.date(2025, 6, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 15))
FLOOR_PERIOD = (dt.date(2025, 7, 1), dt.date(2025, 7, 31))
ROOT = Path(__file__).resolve().parent.parent


def _world() -> tuple[int, int]:
    """The estate, its rooms with owners, two periodic items with rates and a finance clerk."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from wuye.billing.models import ChargeBasis, ChargeItem, ChargeKind, Rate
    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Staff

    for leftover in Company.objects.filter(name=COMPANY):  # an interrupted earlier run
        _cleanup(leftover.pk)
    company = Company.objects.create(name=COMPANY)
    estate = Estate.objects.create(company=company, code="BENCHBILL", name="基准测试账单苑")
    user = get_user_model().objects.create(username="bench_billing_clerk")
    dept = Department.objects.create(company=company, kind=DepartmentKind.FINANCE)
    staff = Staff.objects.create(
        company=company, user=user, employee_no="BENCHBILL", name="基准测试财务",
        mobile="13700000000", department=dept, role=Role.FINANCE_CLERK,
    )  # fmt: skip
    staff.estates.add(estate)
    buildings = (ROOMS + ROOMS_PER_BUILDING - 1) // ROOMS_PER_BUILDING
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_building (estate_id, name, floors, sort) "
            "SELECT %s, g || '栋', 34, g FROM generate_series(1, %s) AS g",
            [estate.pk, buildings],
        )
        # Areas from 45.00 to about 180 m²; one room in 50 changed owner on the 16th (prorated).
        cursor.execute(
            """
            INSERT INTO core_room (estate_id, building_id, unit_id, number, floor, area, use)
            SELECT %(estate)s, b.id, NULL, lpad(((g - 1) %% %(per)s + 1)::text, 4, '0'),
                   ((g - 1) %% %(per)s) / 30 + 1, 45 + ((g * 7919) %% 13500) / 100.0,
                   'residential'
            FROM generate_series(1, %(rooms)s) AS g
            JOIN core_building b ON b.estate_id = %(estate)s
                 AND b.sort = (g - 1) / %(per)s + 1
            """,
            {"estate": estate.pk, "per": ROOMS_PER_BUILDING, "rooms": ROOMS},
        )
        cursor.execute(
            "INSERT INTO core_resident (company_id, name, mobile, id_number, note, created_at) "
            "SELECT %s, '业主' || g, '139' || lpad(g::text, 8, '0'), '', '', now() "
            "FROM generate_series(1, %s) AS g",
            [company.pk, ROOMS],
        )
        cursor.execute("ANALYZE core_room; ANALYZE core_resident")  # a hash join, not a loop
        cursor.execute(
            """
            INSERT INTO core_occupancy (estate_id, room_id, resident_id, relation, start_date,
                                        end_date)
            SELECT %(estate)s, r.id, p.id, 'owner',
                   CASE WHEN r.rn %% 50 = 0 THEN DATE '2025-06-16' ELSE DATE '2020-01-01' END,
                   NULL
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM core_room
                  WHERE estate_id = %(estate)s) AS r
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM core_resident
                  WHERE company_id = %(company)s) AS p ON p.rn = r.rn
            """,
            {"estate": estate.pk, "company": company.pk},
        )
        cursor.execute("ANALYZE core_occupancy")
    for kind, name, basis, amount in [
        (ChargeKind.PROPERTY_FEE, "物业服务费", ChargeBasis.PER_M2_MONTH, "2.3500"),
        (ChargeKind.ELEVATOR, "电梯费", ChargeBasis.PER_ROOM_MONTH, "35.0000"),
    ]:
        item = ChargeItem.objects.create(estate=estate, kind=kind, name=name, basis=basis)
        Rate.objects.create(item=item, amount=amount, effective_from=dt.date(2025, 1, 1),
                            created_by=user)  # fmt: skip
    return company.pk, estate.pk


def _cleanup(company_id: int) -> None:
    from django.db import connection, transaction

    from wuye.core.models import Estate

    estates = list(Estate.objects.filter(company_id=company_id).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        # Ledger, payments and allocations are immutable by design (triggers on PostgreSQL);
        # the benchmark's own rows go, with the triggers off for these deletes only.
        money = ("billing_ledgerentry", "billing_allocation", "billing_payment")
        for table in money:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM billing_ledgerentry WHERE estate_id = ANY(%s)", [estates])
        cursor.execute(
            "DELETE FROM billing_allocation WHERE bill_id IN "
            "(SELECT id FROM billing_bill WHERE estate_id = ANY(%s))",
            [estates],
        )
        cursor.execute("DELETE FROM billing_payment WHERE estate_id = ANY(%s)", [estates])
        for table in money:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for sql in [
            "DELETE FROM billing_bill WHERE estate_id = ANY(%s)",
            "DELETE FROM billing_billingrun WHERE estate_id = ANY(%s)",
            "DELETE FROM billing_rate WHERE item_id IN "
            "(SELECT id FROM billing_chargeitem WHERE estate_id = ANY(%s))",
            "DELETE FROM billing_chargeitem WHERE estate_id = ANY(%s)",
            "DELETE FROM core_occupancy WHERE estate_id = ANY(%s)",
            "DELETE FROM core_room WHERE estate_id = ANY(%s)",
            "DELETE FROM core_building WHERE estate_id = ANY(%s)",
        ]:
            cursor.execute(sql, [estates])
        cursor.execute("SELECT user_id FROM core_staff WHERE company_id = %s", [company_id])
        users = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM core_resident WHERE company_id = %s", [company_id])
        cursor.execute(
            "DELETE FROM core_staff_estates WHERE staff_id IN "
            "(SELECT id FROM core_staff WHERE company_id = %s)",
            [company_id],
        )
        cursor.execute("DELETE FROM core_staff WHERE company_id = %s", [company_id])
        cursor.execute("DELETE FROM auth_user WHERE id = ANY(%s)", [users])
        cursor.execute("DELETE FROM core_department WHERE company_id = %s", [company_id])
        cursor.execute("DELETE FROM core_estate WHERE company_id = %s", [company_id])
        cursor.execute("DELETE FROM core_company WHERE id = %s", [company_id])
    if connection.vendor == "postgresql":
        # Half a million dead rows would otherwise slow the next benchmark's plans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _measure(estate_id: int) -> dict:
    """In a fresh interpreter: one billing run, its wall time and the process's peak RSS."""
    from django.contrib.auth import get_user_model

    from wuye.billing.services import billing_run
    from wuye.core.models import Estate

    estate = Estate.objects.get(pk=estate_id)
    user = get_user_model().objects.get(username="bench_billing_clerk")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    run = billing_run(estate=estate, period_start=PERIOD[0], period_end=PERIOD[1],
                      due_date=PERIOD[2], by=user)  # fmt: skip
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bills": run.bills_created,
        "amount": str(run.amount_total),
        "status": run.status,
        "rss_before_mb": rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _floor(estate_id: int, user_id: int) -> float:
    """COPY the run's bills (moved to the next month) and their ledger lines; the seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT room_id, item_id, description, amount FROM billing_bill "
            "WHERE estate_id = %s AND period_start = %s",
            [estate_id, PERIOD[0]],
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('billing_bill', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    start, end = FLOOR_PERIOD
    bills = [
        (pk, estate_id, room, item, start, end, desc.replace("2025-06", "2025-07"), amount,
         0, "unpaid", PERIOD[2], "", "", now)
        for pk, (room, item, desc, amount) in zip(ids, rows, strict=True)
    ]  # fmt: skip
    ledger = [(estate_id, b[2], "charge", b[7], b[0], b[6], now, user_id) for b in bills]
    connection.ensure_connection()
    raw = connection.connection  # the psycopg 3 connection under Django's
    started = time.perf_counter()
    with transaction.atomic(), raw.cursor() as cursor:
        with cursor.copy(
            "COPY billing_bill (id, estate_id, room_id, item_id, period_start, period_end, "
            "description, amount, paid_amount, status, due_date, source_ref, notified_via, "
            "created_at) "
            "FROM STDIN"
        ) as copy:
            for row in bills:
                copy.write_row(row)
        with cursor.copy(
            "COPY billing_ledgerentry (estate_id, room_id, kind, amount, bill_id, description, "
            "at, by_id) FROM STDIN"
        ) as copy:
            for row in ledger:
                copy.write_row(row)
    return time.perf_counter() - started


def run() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection

    if connection.vendor != "postgresql":
        print("billing_run: skipped (needs PostgreSQL: DATABASE_URL=postgres://…)")
        return "skipped (needs PostgreSQL)"
    started = time.perf_counter()
    company_id, estate_id = _world()
    setup = time.perf_counter() - started
    try:
        connection.close()
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
        out = subprocess.run(
            [sys.executable, "-m", "bench.billing_run", "--measure", str(estate_id)],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        m = json.loads(out.strip().splitlines()[-1])
        user_id = get_user_model().objects.get(username="bench_billing_clerk").pk
        floor_seconds = _floor(estate_id, user_id)
    finally:
        _cleanup(company_id)
    bills = m["bills"]
    rate, floor_rate = bills / m["seconds"], bills / floor_seconds
    return (
        f"postgresql, {ROOMS:,} rooms × 2 items → {bills:,} bills (¥{m['amount']}, "
        f"{m['status']}) in {m['seconds']:.1f} s = {rate:,.0f} bills/s; peak RSS "
        f"{m['peak_rss_mb']:.0f} MB (interpreter before the run {m['rss_before_mb']:.0f} MB); "
        f"floor: COPY of the same {bills:,} bills + {bills:,} ledger rows in "
        f"{floor_seconds:.1f} s = {floor_rate:,.0f} bills/s; ratio {100 * rate / floor_rate:.0f} % "
        f"of the floor (set-up {setup:.0f} s; target < 20 s and < 500 MB)"
    )


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(_measure(int(sys.argv[2]))))
    else:
        print(run())
