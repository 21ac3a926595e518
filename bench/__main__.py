"""``make bench``: run every benchmark and print its figures. Never part of ``make test``.

Uses the database of ``DATABASE_URL`` (default: the embedded SQLite under ``var/``), migrating it
first; each benchmark creates its own rows and removes them afterwards.
"""

from __future__ import annotations

import os
import sys
import time

BENCHMARKS = [
    "bench.roster_import",
    "bench.sla_sweep",
    "bench.repairs_api",
    "bench.billing_run",
    "bench.alarm_intake",
    "bench.gate_events",
    "bench.planned_generate",
    "bench.planned_sweep",
    "bench.environment",
    "bench.emergency",
    "bench.quality",
]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {connection.vendor} · python {sys.version.split()[0]}")
    only = set(sys.argv[1:])
    for path in BENCHMARKS:
        if only and path.rsplit(".", 1)[-1] not in only:
            continue
        module = __import__(path, fromlist=["run"])
        started = time.perf_counter()
        figures = module.run()
        print(f"{path}: {figures} ({time.perf_counter() - started:.1f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
