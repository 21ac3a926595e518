"""Two gates scan the last entry of a pass at the same moment: one is accepted, the other is
refused as used up, and both scans are recorded (PostgreSQL; the pass row is locked)."""

import threading

import pytest
from django.db import connection

from tests.security.visitors_helpers import at, make_guard
from wuye.security.choices import PassKind, ScanResult
from wuye.security.models import PassScan, TemporaryPass, Visitor
from wuye.security.services import passes as services

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_two_gates_scanning_the_last_entry_at_once_accept_one__GUARD_10(world, time_machine):
    east, north = make_guard(world, "guard_east"), make_guard(world, "guard_north")
    time_machine.move_to(at("2026-12-07 14:30"), tick=False)
    p = services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="王芳", room=world.room,
        valid_until=at("2026-12-07 16:00"), max_entries=2, by=world.agent.user,
    )  # fmt: skip
    services.pass_scan(estate=world.estate, code=p.code, gate="东门", by=east.user)
    results, errors = _together(
        lambda: services.pass_scan(estate=world.estate, code=p.code, gate="东门", by=east.user),
        lambda: services.pass_scan(estate=world.estate, code=p.code, gate="北门", by=north.user),
    )
    assert not errors, errors
    assert sorted(r.result for r in results) == [ScanResult.ACCEPTED, ScanResult.USED_UP]
    assert TemporaryPass.objects.get(pk=p.pk).entries_used == 2
    assert PassScan.objects.filter(temporary_pass=p).count() == 3
    assert Visitor.objects.filter(temporary_pass=p).count() == 2
