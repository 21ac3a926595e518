"""An incident's paging reaches every household and every paged person exactly once, though the
outbox workers delivering it are killed mid-batch (issue 18: "delivered by the outbox workers
without loss or duplicates"). Real worker processes on PostgreSQL (they share the test database;
SQLite's test database lives in the test process's memory), killed with SIGKILL, the rows they
held reclaimed after the lease, the rest delivered by new workers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import (
    BuildingFactory,
    OccupancyFactory,
    UnitFactory,
    make_resident_user,
)
from wuye.emergency.choices import IncidentKind, Level
from wuye.emergency.services.incidents import incident_act, incident_open
from wuye.notify.choices import MessageStatus
from wuye.notify.models import Message, SmsRecord
from wuye.notify.services import SENDING_LEASE, outbox_reclaim

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 150


def _workers(count: int, offset: float) -> list[subprocess.Popen]:
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")  # fmt: skip
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src") + os.pathsep
           + str(ROOT)}  # fmt: skip
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.emergency.outbox_worker", str(offset)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]


def _households(w, count: int) -> None:
    unit = UnitFactory(building=BuildingFactory(estate=w.estate, name="20栋"), name="1单元")
    for n in range(count):
        occupancy = OccupancyFactory(room__unit=unit, room__number=f"{n + 1:04d}")
        make_resident_user(occupancy.resident, f"r{n:04d}")


def test_paging_is_delivered_once_though_workers_die_mid_delivery(emg):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share (PostgreSQL)")
    w = emg
    _households(w, HOUSEHOLDS)
    incident = incident_open(
        estate=w.estate, kind=IncidentKind.HEALTH, place="全小区", whole_estate=True,
        description="疫情防控，全小区封闭管理", by=w.agent.user,
    )  # fmt: skip
    assert incident.level == Level.I
    release = {"title": "全小区封闭管理", "body": "请业主居家，物资由物业配送。"}
    incident_act(incident=incident, action="release", by=w.agent.user, data=release)
    sms = Message.objects.filter(channel="sms")
    total = sms.count()
    assert total >= HOUSEHOLDS  # every household by SMS, and the paged staff
    # The workers read the wall clock (they are processes of their own); this test passes its
    # times explicitly from what they wrote.

    workers = _workers(2, 0)
    deadline = time.monotonic() + 120
    while SmsRecord.objects.count() < total // 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    for proc in workers:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    sent = sms.filter(status=MessageStatus.SENT).count()
    held = sms.filter(status=MessageStatus.SENDING)
    assert 0 < sent < total, "the workers must die mid-delivery"
    assert held.exists(), "the killed workers held rows they never finished"

    # After the lease the held rows are queued again; new workers deliver everything left.
    latest = max(held.values_list("sending_since", flat=True))
    later = latest + SENDING_LEASE + dt.timedelta(seconds=1)
    outbox_reclaim(now=later)
    offset = (later - latest).total_seconds() + 1
    for proc in _workers(2, offset):
        output, _ = proc.communicate(timeout=180)
        assert proc.returncode == 0, output

    assert sms.exclude(status=MessageStatus.SENT).count() == 0  # nothing lost
    assert SmsRecord.objects.count() == total  # nothing twice
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
