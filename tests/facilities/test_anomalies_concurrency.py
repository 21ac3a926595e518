"""On PostgreSQL: the same anomaly reported 20 times at once with one deduplication key opens
one anomaly and one case (a monitoring alarm posted again and again); two operators logging the
same hour at once keep one first entry and one amendment of it."""

import threading

import pytest
from django.db import connection

from wuye.facilities.models import Anomaly, OperationLogEntry
from wuye.facilities.services import anomaly_report
from wuye.facilities.services.logs import log_entry_record
from wuye.workflow.models import Case

from .equip_helpers import POWER_OK

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


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


def test_twenty_reports_with_one_key_open_one_anomaly__EQUIP_OPS_08(eng):
    def report():
        return anomaly_report(
            equipment=eng.lift,
            source="monitoring",
            description="电梯困人报警",
            by=eng.tech.user,
            dedup="lift-alarm-42",
        ).pk

    cases, errors = _together(20, report)
    assert not errors, errors
    assert len(set(cases)) == 1
    assert Anomaly.objects.count() == 1
    assert Case.objects.filter(process="equipment_anomaly").count() == 1


def test_two_operators_log_the_same_hour_at_once__EQUIP_OPS_05(eng):
    def log():
        return log_entry_record(
            equipment=eng.transformer, values=POWER_OK, note="同时填写", by=eng.tech.user
        ).pk

    entries, errors = _together(2, log)
    assert not errors, errors
    first = OperationLogEntry.objects.get(amends__isnull=True)
    assert OperationLogEntry.objects.get(amends=first).pk in entries
