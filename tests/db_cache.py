"""A migrated SQLite database, made once per set of migrations and copied for each test session.

Migrating a fresh database runs every migration of every app (two minutes of CPU: Django renders
the models' state again after each operation). A pytest session on SQLite, the API fuzz, the
browser tests and the tests that start ``wuye serve`` or a Celery worker each needed one. Now the
first of them migrates into ``var/testdb/<key>.sqlite3`` (``key``: the migration files and the
Django version, so a new or changed migration makes a new one) and the others copy that file;
``migrate`` then still runs on the copy and finds nothing to apply. Sessions that run side by side
(CI's lanes) wait for each other on a lock instead of migrating twice.

PostgreSQL sessions migrate as before (``--create-db``): CI runs one of them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "wuye"


def cache_dir() -> Path:
    return Path(os.environ.get("WUYE_TEST_DB_CACHE") or ROOT / "var" / "testdb")


def migrations_key() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(SRC.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(SRC)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    }
    env["WUYE_VAR_DIR"] = str(var_dir)
    return env


def migrated_sqlite() -> Path:
    """The path of a migrated SQLite database for the migrations in this checkout (made if
    missing). Copy it; never open it for writing."""
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{migrations_key()}.sqlite3"
    if target.exists():
        return target
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.exists():  # made by the session we waited for
                return target
            with tempfile.TemporaryDirectory(dir=directory) as work:
                subprocess.run(
                    [sys.executable, "-m", "wuye", "migrate", "--noinput", "-v0"],
                    env=_environment(Path(work)),
                    check=True,
                    timeout=1800,
                )
                made = Path(work) / "wuye.sqlite3"
                # The migrate process has ended, so its WAL is checkpointed into the file; the
                # rename makes the finished file appear at once or not at all.
                os.replace(made, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def copy_migrated_sqlite(destination: Path) -> Path:
    """A fresh, migrated, empty database at ``destination``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite(), destination)
    return destination
