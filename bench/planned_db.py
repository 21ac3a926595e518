"""A database of its own for the planned-work benchmarks (bench.planned_generate,
bench.planned_sweep): on PostgreSQL ``<name>_bench_planned``, created and dropped; on SQLite a
file in the temporary directory. Never the database of real data."""

from __future__ import annotations

import contextlib
import os
import resource
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _admin_dsn(settings: dict) -> str:
    import psycopg

    return psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "", port=settings["PORT"] or "", user=settings["USER"] or "",
        password=settings["PASSWORD"] or "", dbname="postgres",
    )  # fmt: skip


@contextlib.contextmanager
def bench_database(suffix: str) -> Iterator[str]:
    """Switch the default connection to a fresh, migrated database; yield its DATABASE_URL
    (for a measuring subprocess); drop it afterwards."""
    from django.core.management import call_command
    from django.db import connection

    settings = connection.settings_dict
    original = settings["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        import psycopg

        name = f"{original}_bench_{suffix}"
        with psycopg.connect(_admin_dsn(settings), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        auth = settings["USER"] or ""
        if settings["PASSWORD"]:
            auth += f":{settings['PASSWORD']}"
        url = f"postgres://{auth}@{settings['HOST'] or ''}:{settings['PORT'] or 5432}/{name}"
    else:
        name = os.path.join(tempfile.gettempdir(), f"wuye_bench_{suffix}_{os.getpid()}.sqlite3")
        url = f"sqlite:///{name}"
    settings["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield url
    finally:
        connection.close()
        settings["NAME"] = original
        if connection.vendor == "postgresql":
            import psycopg

            with psycopg.connect(_admin_dsn(settings), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            for path in (name, f"{name}-wal", f"{name}-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)


def measure_in_subprocess(module: str, url: str, *args: str) -> dict:
    """Run ``python -m <module> --measure …`` against the bench database, so its peak RSS is
    the measured work's own; returns the JSON it prints last."""
    import json
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "wuye.settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}{os.pathsep}"
                         f"{os.environ.get('PYTHONPATH', '')}"}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", module, "--measure", *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def people(company, estates, kind: str = "engineering") -> None:
    """A technician and the engineering head in each estate (who the missed sweep tells)."""
    from django.contrib.auth import get_user_model

    from wuye.core.choices import Role
    from wuye.core.models import Department, Staff

    User = get_user_model()
    dept, _ = Department.objects.get_or_create(company=company, kind=kind)
    users = User.objects.bulk_create(
        [User(username=f"bench_{e.pk}_{r}") for e in estates for r in ("tech", "head")]
    )
    staff = Staff.objects.bulk_create([
        Staff(company=company, user=u, employee_no=u.username[-20:], name=u.username,
              mobile="13700000000", department=dept,
              role=Role.TECHNICIAN if u.username.endswith("tech") else Role.DEPARTMENT_HEAD)
        for u in users
    ])  # fmt: skip
    through = Staff.estates.through
    through.objects.bulk_create(
        [through(staff_id=s.pk, estate_id=e.pk) for e, pair in
         zip(estates, zip(staff[::2], staff[1::2], strict=True), strict=True) for s in pair]
    )  # fmt: skip
