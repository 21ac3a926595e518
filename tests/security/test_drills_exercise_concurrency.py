"""Two guards pressing 开始演练 at once (PostgreSQL): the drill row is locked, so the drill opens
exactly one exercise incident (FIRE-13 + ch.7) and both presses succeed."""

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.security.fireevents_helpers import fire_world
from wuye.emergency.models import Incident
from wuye.security.services.drills import drill_act, drill_plan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_guards_start_the_same_drill_at_once_and_one_exercise_opens__FIRE_13(world):
    w = fire_world(world)
    drill = drill_plan(estate=w.estate, planned_on=dt.date(2026, 5, 20),
                       scenario="疏散演练", organiser=w.ohead, by=w.ohead.user)  # fmt: skip
    barrier = threading.Barrier(2)
    started, failed = [], []

    def start(user):
        try:
            barrier.wait(timeout=30)
            started.append(drill_act(drill=drill.pk, action="start", by=user).incident_id)
        except BaseException as exc:
            failed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(u,)) for u in (w.g1.user, w.g2.user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failed, failed
    assert len(started) == 2 and len(set(started)) == 1
    assert Incident.objects.count() == 1
    assert drill.case.events.filter(action="start").count() == 1
