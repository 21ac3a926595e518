"""On PostgreSQL: the week's spot-check sample drawn by many at once is one sample (CLEAN-13);
a rectification re-checked as passed and failed at the same moment takes one verdict with one
re-check record (CLEAN-15)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers
from tests.images import photo_of
from wuye.core.exceptions import Conflict
from wuye.environment.models import Inspection, Rectification, SpotSample
from wuye.environment.services.inspections import inspection_record
from wuye.environment.services.rectifications import rectification_act
from wuye.environment.services.sampling import spot_sample_draw

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]
env = inspect_helpers.env  # the fixture
N = 8


def _together(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_the_weeks_sample_drawn_by_many_at_once_is_one__CLEAN_13(env):
    w = env
    week = dt.date(2026, 9, 21)

    def draw(i):
        return spot_sample_draw(estate=w.estate, week_start=week, seed=None if i else 77).pk

    ids, errors = _together(N, draw)
    assert not errors
    assert len(set(ids)) == 1 and SpotSample.objects.count() == 1


def test_pass_and_fail_at_once_take_one_verdict__CLEAN_15(env):
    w = env
    record = inspection_record(kind="patrol", zone=w.lobby, by=w.env_head.user,
                               answers=answers(w.clean_form, w.env_head.user, p2=3))  # fmt: skip
    r = record.rectification
    rectification_act(rectification=r, action="done", by=w.cleaner.user, note="好了",
                      attachments=[photo_of(w.cleaner.user)])  # fmt: skip
    Rectification.objects.filter(pk=r.pk).update(cause_kind="method", cause="用品不当")
    verdicts = [
        ("recheck_pass", answers(w.clean_form)),
        ("recheck_fail", answers(w.clean_form, w.env_head.user, p3=1)),
    ]

    def act(i):
        action, rows = verdicts[i]
        return rectification_act(rectification=r.pk, action=action, by=w.env_head.user,
                                 note="复查", data={"answers": rows}).case.status  # fmt: skip

    statuses, errors = _together(2, act)
    assert len(statuses) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Inspection.objects.filter(rechecks=r).count() == 1
