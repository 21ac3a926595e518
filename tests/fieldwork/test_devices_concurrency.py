"""On PostgreSQL: the same alarm posted 20 times at once with one deduplication key is one event,
one anomaly case, and its handler ran once (issue 15's done-when line; EQUIP-OPS-08)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.fieldwork.devices_helpers import (
    INTAKE,
    body,
    handler,
    make_device,
    open_anomaly,
    signed_headers,
)
from wuye.fieldwork.models.devices import DeviceEvent
from wuye.workflow.models import Case

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

N = 20


def _together(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results, errors


def test_the_same_alarm_twenty_times_at_once_is_one_anomaly_and_one_case__EQUIP_OPS_08(world):
    device, secret = make_device(world)
    raw = json.dumps(body(dedup_key="lift1-trapped-0812")).encode()
    headers = signed_headers(device, secret, raw)
    calls = []

    def counting(event):
        calls.append(event.pk)
        return open_anomaly(event)

    def deliver():
        r = Client().post(INTAKE, raw, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    with handler("trapped", counting):
        answers, errors = _together(N, deliver)
    assert not errors, errors
    codes = sorted(code for code, _body in answers)
    assert codes == [200] * (N - 1) + [201]
    event = DeviceEvent.objects.get()
    case = Case.objects.get()
    assert event.case == case and case.data["device_event"] == event.pk
    assert event.repeats == N - 1
    assert len(calls) == 1
    assert {b["case"] for _code, b in answers} == {case.number}
