"""On PostgreSQL: the same camera event posted 10 times at once is one gate event and one stay
(one 《临时停车卡》); ten different reads of one car entering at once still open one card."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.security.vehicles_helpers import (
    GATE_INTAKE,
    camera_body,
    make_lanes,
    set_rule,
    signed,
)
from wuye.security.models import GateEvent, ParkingStay

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

N = 10


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


def test_the_same_camera_event_ten_times_at_once_is_one_stay__VEHICLE_04_11(world):
    set_rule(world)
    (lane, secret), _exit = make_lanes(world)
    raw = json.dumps(camera_body(plate="京B12345", event_id="E-0812")).encode()
    headers = signed(lane.device, secret, raw)

    def post(_i):
        return Client().post(GATE_INTAKE, raw, content_type="application/json", headers=headers)

    responses, errors = _together(N, post)
    assert not errors
    assert sorted(r.status_code for r in responses) == [200] * (N - 1) + [201]
    assert GateEvent.objects.count() == 1
    assert ParkingStay.objects.count() == 1
    assert len({r.json()["event"]["id"] for r in responses}) == 1


def test_ten_reads_of_one_car_entering_at_once_open_one_card__VEHICLE_11(world):
    set_rule(world)
    (lane, secret), _exit = make_lanes(world)

    def post(i):
        raw = json.dumps(camera_body(plate="京B12345", event_id=f"E-{i}")).encode()
        return Client().post(GATE_INTAKE, raw, content_type="application/json",
                             headers=signed(lane.device, secret, raw))  # fmt: skip

    responses, errors = _together(N, post)
    assert not errors and all(r.status_code == 201 for r in responses)
    assert GateEvent.objects.count() == N
    assert ParkingStay.objects.count() == 1
    outcomes = sorted(r.json()["event"]["outcome"] for r in responses)
    assert outcomes == ["already_inside"] * (N - 1) + ["temporary_in"]
