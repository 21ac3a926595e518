"""Two people writing the same thing at the same moment (PostgreSQL only: SQLite serialises)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from wuye.core import services
from wuye.core.models import Room

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_agents_registering_the_same_room_get_one_room_and_one_clear_error(world):
    barrier = threading.Barrier(2)
    results: list[object] = []

    def register(user):
        try:
            barrier.wait(timeout=10)
            results.append(
                services.room_create(
                    building=world.room.building,
                    unit=world.room.unit,
                    number="1801",
                    floor=18,
                    area="120",
                    by=user,
                )
            )
        except ValidationError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=(u,)) for u in (world.agent.user, world.head.user)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert Room.objects.filter(unit=world.room.unit, number="1801").count() == 1
    assert sorted(type(r).__name__ for r in results) == ["Room", "ValidationError"]
