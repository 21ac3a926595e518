"""Two people of the incoming shift sign the same handover at the same moment: exactly one
acceptance is recorded and one shift starts; the other is told it was handled (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from tests.images import signature_of
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import Handover, Shift
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as services

from .shifts_helpers import at, duty, hand_over, shift

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_incoming_people_sign_one_handover_at_once_one_wins__EQUIP_OPS_10(world, time_machine):
    time_machine.move_to(at("2026-10-31 19:50"), tick=False)
    d = duty(world)
    night = shift(d, "2026-10-31 08:00", "2026-10-31 20:00", d.ops[0])
    day = shift(d, "2026-10-31 20:00", "2026-11-01 08:00", d.ops[1], d.ops[2])
    services.shift_start(shift=night, by=d.ops[0].user)
    handover = hand_over(d.ops[0].user, night)
    signatures = {op.user.pk: [signature_of(op.user)] for op in d.ops[1:3]}
    barrier = threading.Barrier(2)
    won, lost, other = [], [], []

    def sign(user):
        try:
            barrier.wait(timeout=30)
            handovers.handover_sign_incoming(
                handover=handover.pk, attachments=signatures[user.pk], by=user
            )
            won.append(user.pk)
        except Conflict:
            lost.append(user.pk)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(op.user,)) for op in d.ops[1:3]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    assert len(won) == 1 and len(lost) == 1
    handover = Handover.objects.get(pk=handover.pk)
    assert handover.status == "accepted" and handover.incoming_by_id == won[0]
    day.refresh_from_db()
    assert day.status == "on_duty" and day.taken_by_id == won[0]
    assert Shift.objects.filter(post=d.post, status="on_duty").count() == 1
