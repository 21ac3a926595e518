"""Guards pressing the same step of a fire at once, and two desks publishing the same topic at
once (PostgreSQL): each step and each notice happens exactly once, the others are refused."""

import threading

import pytest
from django.db import connection

from tests.factories import make_staff
from tests.security.fireevents_helpers import fire_world, report
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.notify.models import Notice
from wuye.security.services.fires import fire_act
from wuye.security.services.publicity import publicity_publish, publicity_topic_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _at_once(users, call):
    barrier = threading.Barrier(len(users))
    done, refused, other = [], [], []

    def run(user):
        try:
            barrier.wait(timeout=30)
            call(user)
            done.append(user.pk)
        except Conflict:
            refused.append(user.pk)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    return done, refused


def test_three_guards_record_the_119_call_and_the_firefighting_once__FIRE_08_10(world):
    w = fire_world(world)
    guards = [w.g1.user, w.g2.user] + [
        make_staff(w.company, f"g{i}", Role.GUARD, DepartmentKind.ORDER, [w.estate]).user
        for i in (3,)
    ]
    fire = report(w)
    done, refused = _at_once(guards, lambda u: fire_act(fire=fire.pk, action="call_119", by=u))
    assert len(done) == 1 and len(refused) == 2
    assert fire.case.events.filter(action="call_119").count() == 1
    done, refused = _at_once(
        guards,
        lambda u: fire_act(
            fire=fire.pk, action="fight", by=u, data={"facilities": ["extinguisher"]}
        ),
    )
    assert len(done) == 1 and len(refused) == 2
    assert fire.case.events.filter(action="fight").count() == 1


def test_two_desks_publish_the_same_topic_once__FIRE_07(world):
    w = fire_world(world)
    topic = publicity_topic_create(
        estate=w.estate, year=2026, month=9, title="电动车不得进楼入户充电",
        body="请到集中充电点充电。", by=w.agent.user,
    )  # fmt: skip
    done, refused = _at_once([w.agent.user, w.head.user],
                             lambda u: publicity_publish(topic=topic.pk, by=u))  # fmt: skip
    assert len(done) == 1 and len(refused) == 1
    assert Notice.objects.filter(category="fire_safety").count() == 1
