"""On PostgreSQL: a guard confirming the conduct check on two phones at once keeps one record;
two guards re-checking one obstruction at once count two re-checks, not one."""

import threading

import pytest
from django.db import connection

from tests.security.guards_helpers import order_fixture, photos, shift  # noqa: F401
from wuye.security.models import ConductCheck, Obstruction
from wuye.security.services.guards import conduct_check_record
from wuye.security.services.obstructions import obstruction_act, obstruction_open

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _together(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def run(target):
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_conduct_confirmed_twice_at_once_is_one_record__GUARD_12(world, order):
    g1 = order.guards[0]
    s = shift(order, "2026-10-08 08:00", "2026-10-08 20:00", g1)

    def confirm():
        return conduct_check_record(shift=s, by=g1.user, badge=True, uniform=True, polite=True).pk

    results, errors = _together([confirm] * 5)
    assert not errors, errors
    assert len(set(results)) == 1 and ConductCheck.objects.count() == 1


def test_two_rechecks_at_once_both_count__FIRE_14(world, order):
    g1, g2 = order.guards[0], order.guards[1]
    found = obstruction_open(
        estate=world.estate, kind="ebike", location="2栋楼梯间", description="电动车",
        attachments=photos(g1.user), by=g1.user,
    )  # fmt: skip
    pics = {g1.pk: photos(g1.user), g2.pk: photos(g2.user)}

    def recheck(g):
        return lambda: obstruction_act(obstruction=found.pk, action="recheck_fail", by=g.user,
                                       attachments=pics[g.pk]).pk  # fmt: skip

    _results, errors = _together([recheck(g1), recheck(g2)])
    assert not errors, errors
    assert Obstruction.objects.get().rechecks == 2
