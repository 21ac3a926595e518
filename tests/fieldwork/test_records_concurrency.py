"""Two people complete the same planned task at the same moment: one record is written, the
other person gets a 409 (PostgreSQL: the task row is locked)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.fieldwork.checks_helpers import task
from tests.fieldwork.test_records_api import API, body, post
from wuye.fieldwork.models import TaskRecord

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_people_completing_the_same_task_at_once_one_wins_the_other_409(world):
    t = task(world)
    users = (world.tech.user, world.head.user)
    bodies = {u.pk: body(Client(), t, u) for u in users}
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(user):
        try:
            c = Client()
            barrier.wait(timeout=30)
            r = post(c, f"{API}/fieldwork/tasks/{t.pk}/complete", bodies[user.pk], user)
            results.append(r.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == [201, 409]
    assert TaskRecord.objects.count() == 1
    t.refresh_from_db()
    assert t.record.done_by_id in {u.pk for u in users}


def test_the_database_refuses_to_change_or_delete_a_record__EQUIP_MAINT_07(world):
    from django.db import IntegrityError, transaction

    from tests.fieldwork.checks_helpers import good_answers
    from tests.images import photo_of, signature_of
    from wuye.fieldwork.services.records import task_complete

    t = task(world)
    photo = photo_of(world.tech.user)
    record = task_complete(task=t, answers=good_answers(t, photo), by=world.tech.user,
                           photos=[photo_of(world.tech.user).pk],
                           signature=signature_of(world.tech.user).pk)  # fmt: skip
    for sql in (
        "UPDATE fieldwork_taskrecord SET note = 'x' WHERE id = %s",
        "DELETE FROM fieldwork_taskrecord WHERE id = %s",
        "UPDATE fieldwork_checklistanswer SET passed = false WHERE record_id = %s",
        "DELETE FROM fieldwork_checklistanswer WHERE record_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])
    assert TaskRecord.objects.get(pk=record.pk).note == ""
