"""The shared world every test can use (Healthchecks' alice/bob/charlie, for an estate):

- ``world.estate`` (阳光测试苑) with a room owned by ``world.owner`` (login ``owner``) and another
  room lived in by ``world.neighbour`` (login ``neighbour``);
- staff of this estate: ``agent`` (客服), ``tech`` (维修), ``head`` (客服负责人);
  ``exec`` (企业高层) sees every estate;
- ``world.other_estate`` of the same company with its own room and staff ``outsider``;
- a contractor login ``lift`` serving this estate.
"""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import chinese_calendar
import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    EstateFactory,
    OccupancyFactory,
    RoomFactory,
    UnitFactory,
    make_contractor,
    make_resident_user,
    make_staff,
)
from tests.pdf_tools import pdf_tools  # noqa: F401  (the PDF tests' font check, CI-strict)
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.workflow import calendar as working_calendar

# --- The wall clock and the calendar package, as the tests assume them ---------------------------

CLOCK_AHEAD_ENV = "WUYE_TEST_CLOCK_AHEAD_DAYS"
"""``WUYE_TEST_CLOCK_AHEAD_DAYS=400 make test`` runs the whole suite with the wall clock moved that
many days ahead (``.ci/run`` does, on SQLite): a test that creates data outside frozen time and
expects it in the future or the past of a fixed date fails today instead of on that date."""

_clock_ahead: time_machine.travel | None = None


def pytest_configure(config):
    global _clock_ahead
    days = os.environ.get(CLOCK_AHEAD_ENV, "").strip()
    if days and int(days):
        # tick=True: time goes on from there; a test's own travel(...) nests inside this one.
        _clock_ahead = time_machine.travel(
            dt.datetime.now(dt.UTC) + dt.timedelta(days=int(days)), tick=True
        )
        _clock_ahead.start()


def pytest_unconfigure(config):
    if _clock_ahead is not None:
        _clock_ahead.stop()


def pytest_report_header(config):
    days = os.environ.get(CLOCK_AHEAD_ENV, "").strip()
    if days and int(days):
        return f"wall clock moved {days} days ahead: now is {dt.datetime.now(dt.UTC):%Y-%m-%d}"
    return None


def _flush_as_a_deliberate_purge() -> None:
    """Transactional tests end with a flush (TRUNCATE of every table); on PostgreSQL the
    immutable tables refuse TRUNCATE unless the session says it is a deliberate purge."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    if getattr(DatabaseOperations.execute_sql_flush, "_wuye_purge", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL wuye.purge = 'on'", *sql_list])

    execute_sql_flush._wuye_purge = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush


_flush_as_a_deliberate_purge()


PACKAGE_LAST_YEAR = 2026
"""The last year whose State Council schedule the tests take from chinese-calendar.

The tests were written when the package knew 2004–2026, and many of them prove the fallback for
a year it does not know (weekends only, or the Holiday rows an administrator entered) on dates in
2027. A newer package that ships 2027 must not change what they expect, so the package is
explicitly told not to know any year after this one (and the unknown-year tests say so in
their names), rather than by the accident of the version installed."""


class _CalendarPackageUpTo:
    """chinese_calendar, as if it knew no year after ``last``: it raises what it raises for a
    year it does not know (NotImplementedError)."""

    def __init__(self, last: int) -> None:
        self.last = last

    def _check(self, day: dt.date) -> None:
        if day.year > self.last:
            raise NotImplementedError(
                f"no holiday schedule for {day.year} (tests: up to {self.last})"
            )

    def is_workday(self, day: dt.date) -> bool:
        self._check(day)
        return chinese_calendar.is_workday(day)

    def get_holiday_detail(self, day: dt.date):
        self._check(day)
        return chinese_calendar.get_holiday_detail(day)


def _clear_calendar_caches() -> None:
    working_calendar._official.cache_clear()
    working_calendar.package_knows.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _calendar_package_knows_up_to_2026():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(working_calendar, "chinese_calendar", _CalendarPackageUpTo(PACKAGE_LAST_YEAR))
        _clear_calendar_caches()
        yield
    _clear_calendar_caches()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 makes the world fixture's nine logins cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return make_world()


def make_world() -> SimpleNamespace:
    """The world's rows (see the module's docstring); the caller provides the database access."""
    company = CompanyFactory(name="测试物业")
    estate = EstateFactory(company=company, code="YG", name="阳光测试苑")
    other = EstateFactory(company=company, code="CH", name="翠湖测试苑")
    unit = UnitFactory(building=BuildingFactory(estate=estate, name="1栋"), name="2单元")
    room = RoomFactory(unit=unit, number="301")
    room2 = RoomFactory(unit=unit, number="302")
    other_room = RoomFactory(
        unit=UnitFactory(building=BuildingFactory(estate=other, name="8栋"), name="1单元"),
        number="101",
    )
    owner = make_resident_user(
        OccupancyFactory(room=room, relation=Relation.OWNER).resident, "owner"
    )
    neighbour = make_resident_user(
        OccupancyFactory(room=room2, relation=Relation.TENANT).resident, "neighbour"
    )
    other_owner = OccupancyFactory(room=other_room).resident
    w = SimpleNamespace(
        company=company,
        estate=estate,
        other_estate=other,
        room=room,
        room2=room2,
        other_room=other_room,
        owner=owner,
        neighbour=neighbour,
        other_owner=other_owner,
        password=PASSWORD,
        agent=make_staff(
            company, "agent", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, [estate]
        ),
        tech=make_staff(company, "tech", Role.TECHNICIAN, DepartmentKind.ENGINEERING, [estate]),
        head=make_staff(
            company, "head", Role.DEPARTMENT_HEAD, DepartmentKind.CUSTOMER_SERVICE, [estate]
        ),
        exec=make_staff(company, "exec", Role.EXECUTIVE, DepartmentKind.EXECUTIVE, []),
        outsider=make_staff(
            company, "outsider", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, [other]
        ),
        contractor=make_contractor(company, "lift", [estate]),
    )
    return w


@pytest.fixture
def login(client):
    """``login("agent")`` logs the test client in as that user and returns the client."""

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads (workflow attachments) go to the test's own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The test database on SQLite: a copy of a migrated one (tests/db_cache.py) --------------------


def _sqlite_tests(config) -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not (
        config.getoption("create_db", False)
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """On SQLite the session's test database is a file copied from the migrated one, kept (not
    re-created) by Django and removed here at the end."""
    if not _sqlite_tests(request.config):
        yield
        return
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from tests.db_cache import copy_migrated_sqlite

    folder = Path(tempfile.mkdtemp(prefix="wuye-testdb-"))
    path = copy_migrated_sqlite(folder / "test.sqlite3")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(path)
    yield
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_keepdb(request) -> bool:
    # On SQLite the copied database is the test database: Django must use it, not re-create it.
    return bool(request.config.getvalue("reuse_db")) or _sqlite_tests(request.config)
