"""Two people drawing the last units of the same item at once (EMERG-03): the row lock makes
the second wait and be refused; the stock never goes below zero. PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from wuye.emergency.choices import IncidentKind, SupplyCategory
from wuye.emergency.models import SupplyItem, SupplyMovement
from wuye.emergency.services.incidents import incident_open
from wuye.emergency.services.supplies import item_create, supply_draw

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_draws_of_the_last_units_never_go_below_zero__EMERG_03(emg):
    w = emg
    item = item_create(estate=w.estate, by=w.clerk.user, category=SupplyCategory.WATER,
                       name="瓶装水", unit="箱", quantity=3)  # fmt: skip
    incident = incident_open(estate=w.estate, kind=IncidentKind.OUTAGE, place="3栋",
                             by=w.agent.user)  # fmt: skip
    barrier = threading.Barrier(2)
    results: list[str] = []

    def draw(user):
        from django.db import connections

        try:
            barrier.wait()
            supply_draw(item=item.pk, quantity=2, by=user, incident=incident.pk)
            results.append("ok")
        except Exception as error:
            results.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw, args=(u,)) for u in (w.guard.user, w.agent.user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ValidationError", "ok"]
    item = SupplyItem.objects.get(pk=item.pk)
    assert item.quantity == 1
    assert SupplyMovement.objects.filter(item=item, kind="draw").count() == 1
