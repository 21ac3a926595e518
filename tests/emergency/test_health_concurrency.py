"""On PostgreSQL: two members of staff take the same delivery at once — one wins, the other is
told it is taken (the delivery row is locked, EMERG-HEALTH-12)."""

import threading

import pytest
from django.db import connection

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import DeliveryStatus
from wuye.emergency.models import Delivery
from wuye.emergency.services import deliveries

from .health_helpers import close_unit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


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


def test_two_staff_take_the_same_delivery_at_once_one_wins__EMERG_HEALTH_12(hw):
    w = hw
    close_unit(w, days=14)
    d = deliveries.delivery_request(room=w.room.pk, items="米、药", by=w.owner.user)
    takers = [w.guard, w.agent]

    def take(i):
        return deliveries.delivery_take(delivery=d.pk, by=takers[i].user).assignee_id

    done, errors = _together(2, take)
    assert len(done) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict), errors
    d = Delivery.objects.get(pk=d.pk)
    assert d.status == DeliveryStatus.DELIVERING and d.assignee_id == done[0]
