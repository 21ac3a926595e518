"""Supply deliveries to isolated households (EMERG-HEALTH-12): only a resident whose room is
closed asks; staff take (one of them), deliver and record; the resident confirms."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import DeliveryStatus as D
from wuye.emergency.models import Delivery
from wuye.emergency.services import deliveries as svc

from .health_helpers import at, close_unit

pytestmark = pytest.mark.django_db


def test_a_closed_household_asks_and_staff_deliver_and_it_confirms__EMERG_HEALTH_12(
    hw, time_machine
):
    w = hw
    close_unit(w, days=14)
    time_machine.move_to(at("2026-08-13 09:00"), tick=False)
    d = svc.delivery_request(room=w.room.pk, items="大米5斤、青菜、布洛芬", by=w.owner.user)
    assert d.status == D.REQUESTED and d.incident == w.incident
    time_machine.move_to(at("2026-08-13 09:10"), tick=False)
    svc.delivery_take(delivery=d.pk, by=w.guard.user)
    with pytest.raises(Conflict):
        svc.delivery_take(delivery=d.pk, by=w.agent.user)  # taken already
    with pytest.raises(PermissionDenied):
        svc.delivery_deliver(delivery=d.pk, by=w.agent.user)  # not the one who took it
    time_machine.move_to(at("2026-08-13 10:00"), tick=False)
    svc.delivery_deliver(delivery=d.pk, by=w.guard.user, note="放门口，已电话告知")
    with pytest.raises(Http404):
        svc.delivery_confirm(delivery=d.pk, by=w.far_owner.user)
    svc.delivery_confirm(delivery=d.pk, by=w.owner.user)
    d.refresh_from_db()
    assert (d.status, d.assignee, d.taken_at, d.delivered_at, d.confirmed_at) == (
        D.CONFIRMED, w.guard, at("2026-08-13 09:10"), at("2026-08-13 10:00"),
        at("2026-08-13 10:00"))  # fmt: skip


def test_only_residents_of_a_closed_room_may_ask__EMERG_HEALTH_12(hw, time_machine):
    w = hw
    close_unit(w, days=3)
    with pytest.raises(Conflict):  # the far building is not closed
        svc.delivery_request(room=w.far_room.pk, items="米", by=w.far_owner.user)
    with pytest.raises(Http404):  # not their room
        svc.delivery_request(room=w.room.pk, items="米", by=w.far_owner.user)
    with pytest.raises(PermissionDenied):  # staff do not ask for themselves
        svc.delivery_request(room=w.room.pk, items="米", by=w.agent.user)
    with pytest.raises(ValidationError):
        svc.delivery_request(room=w.room.pk, items="  ", by=w.owner.user)
    time_machine.move_to(at("2026-08-16 00:00"), tick=False)  # the closure has ended
    with pytest.raises(Conflict):
        svc.delivery_request(room=w.room.pk, items="米", by=w.owner.user)
    assert not Delivery.objects.exists()


def test_a_request_nobody_took_may_be_withdrawn__EMERG_HEALTH_12(hw):
    w = hw
    close_unit(w, days=3)
    d = svc.delivery_request(room=w.room2.pk, items="药品", by=w.neighbour.user)
    with pytest.raises(Http404):
        svc.delivery_take(delivery=d.pk, by=w.outsider.user)  # another estate's staff
    svc.delivery_cancel(delivery=d.pk, by=w.neighbour.user)
    with pytest.raises(Conflict):
        svc.delivery_take(delivery=d.pk, by=w.guard.user)
