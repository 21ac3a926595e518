"""Four sweepers at once over 10,000 late clocks: each clock escalated exactly once (PostgreSQL)."""

import datetime as dt
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tests.workflow.toy import TOY
from wuye.workflow import services
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Case, Event, SlaClock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

N = 10_000


def make_late_clocks(world, n: int) -> None:
    now = timezone.now()
    start = now - dt.timedelta(hours=2)
    cases = Case.objects.bulk_create(
        Case(
            estate=world.estate,
            process=TOY.code,
            number=f"TY-BULK-{i:05d}",
            title="批量",
            status="new",
            assignee=world.tech.user,
            created_at=start,
            updated_at=start,
        )
        for i in range(n)
    )
    SlaClock.objects.bulk_create(
        SlaClock(
            case=case,
            key="dispatch",
            rule="TOY-01",
            name="派单时限",
            state=ClockState.RUNNING,
            target_amount=60,
            target_unit="minutes",
            started_at=start,
            warn_at=start + dt.timedelta(minutes=45),
            due_at=start + dt.timedelta(minutes=60),
        )
        for case in cases
    )


def test_four_concurrent_sweepers_escalate_every_clock_exactly_once(world):
    make_late_clocks(world, N)
    counts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def sweep():
        try:
            barrier.wait(timeout=30)
            counts.append(services.sla_sweep(batch=500))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert sum(counts) == N
    per_case = Counter(
        Event.objects.filter(action="sla_breached").values_list("case_id", flat=True)
    )
    assert len(per_case) == N and set(per_case.values()) == {1}
    assert not Event.objects.filter(action="sla_warning").exists()  # late already: breach only
    assert SlaClock.objects.filter(state=ClockState.BREACHED).count() == N
    assert services.sla_sweep() == 0


def test_cases_opened_at_the_same_moment_get_distinct_consecutive_numbers(world):
    opened: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def open_one(i: int):
        try:
            barrier.wait(timeout=30)
            case = services.case_open(
                process=TOY, estate=world.estate, title=f"并发{i}", by=world.agent.user
            )
            opened.append(case.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    day = timezone.localtime(timezone.now(), ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    assert sorted(opened) == [f"TY-{day}-{n:04d}" for n in range(1, 9)]
