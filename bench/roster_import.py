"""Benchmark: import a roster of 5,000 rooms and 5,000 owners (20 buildings × 5 units × 25 floors
× 2 rooms), the size of a large estate taken over at once. It must take a few seconds.

Creates its own company, estate and agent and deletes them afterwards, so it can run against any
migrated database: ``DATABASE_URL=postgres://… python bench/roster_import.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import time

BUILDINGS, UNITS, FLOORS, ROOMS_PER_FLOOR = 20, 5, 25, 2


def _id_number(n: int) -> str:
    from wuye.core.validators import id_number_check_code

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n)  # one birthday each: unique IDs
    first17 = f"310104{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_code(first17)


def build_workbook() -> bytes:
    from openpyxl import Workbook

    from wuye.core.roster import SHEETS

    wb = Workbook()
    wb.remove(wb.active)
    buildings, rooms, people = (wb.create_sheet(spec.name) for spec in SHEETS)
    for ws, spec in zip((buildings, rooms, people), SHEETS, strict=True):
        ws.append(list(spec.headers))
    n = 0
    for b in range(1, BUILDINGS + 1):
        buildings.append([f"{b}栋", FLOORS])
        for u in range(1, UNITS + 1):
            for floor in range(1, FLOORS + 1):
                for r in range(1, ROOMS_PER_FLOOR + 1):
                    number = f"{floor}{r:02d}"
                    rooms.append([f"{b}栋", f"{u}单元", number, floor, "89.50", "住宅"])
                    people.append(
                        [
                            f"{b}栋",
                            f"{u}单元",
                            number,
                            f"业主{n}",
                            f"139{n:08d}",
                            _id_number(n),
                            "业主",
                            "2024-05-01",
                        ]
                    )
                    n += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from wuye.core.choices import DepartmentKind, Role
    from wuye.core.models import Company, Department, Estate, Resident, Staff
    from wuye.core.roster import roster_export, roster_import

    rooms = BUILDINGS * UNITS * FLOORS * ROOMS_PER_FLOOR
    tag = secrets.token_hex(4)
    company = Company.objects.create(name=f"基准测试物业{tag}")
    estate = Estate.objects.create(company=company, code=f"bench{tag}", name=f"基准测试小区{tag}")
    user = get_user_model().objects.create(username=f"bench-roster-{tag}")
    department = Department.objects.create(company=company, kind=DepartmentKind.CUSTOMER_SERVICE)
    staff = Staff.objects.create(
        company=company,
        user=user,
        employee_no="BENCH",
        name="基准测试",
        mobile="13700000000",
        department=department,
        role=Role.CS_AGENT,
    )
    staff.estates.set([estate])
    try:
        data = build_workbook()
        start = time.perf_counter()
        result = roster_import(estate=estate, file=io.BytesIO(data), by=user)
        seconds = time.perf_counter() - start
        assert result.rooms == rooms and result.occupancies == rooms, result
        start = time.perf_counter()
        exported = roster_export(estate=estate, by=user)
        export_seconds = time.perf_counter() - start
        print(
            f"roster import ({connection.vendor}): {rooms} rooms + {rooms} owners "
            f"({len(data) // 1024} KB) in {seconds:.2f} s; "
            f"export in {export_seconds:.2f} s ({len(exported) // 1024} KB)"
        )
    finally:
        # Residents are PROTECTed by the company; occupancies go with them, rooms with the estate.
        Resident.objects.filter(company=company).delete()
        user.delete()
        estate.delete()
        department.delete()
        company.delete()
    return {"rooms": rooms, "seconds": round(seconds, 3)}


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    django.setup()
    run()
