"""The gates during a closure (EMERG-HEALTH-05/10): visitor registration and temporary passes
refuse unrelated people (visitors, couriers) for a closed unit, building or estate, with a clear
message; elsewhere and after the closure the gates work as before."""

from __future__ import annotations

import pytest

from tests.security.visitors_helpers import id_number
from wuye.core.exceptions import Conflict
from wuye.emergency.services.incidents import incident_act
from wuye.security.choices import PassKind
from wuye.security.models import TemporaryPass, Visitor
from wuye.security.services import passes, visitors

from .health_helpers import at, close_unit

pytestmark = pytest.mark.django_db


def _visit(w, room, reason="guest", **kw):
    return visitors.visitor_register(estate=w.estate, name="刘洋", id_number=id_number(),
                                     reason=reason, room=room, gate="东门", by=w.guard.user,
                                     **kw)  # fmt: skip


def _pass(w, room, start, end):
    return passes.pass_issue(estate=w.estate, kind=PassKind.GUEST, visitor_name="王小明",
                             valid_from=at(start), valid_until=at(end), room=room,
                             by=w.agent.user)  # fmt: skip


@pytest.mark.parametrize("reason", ["guest", "courier", "takeaway", "repair"])
def test_no_unrelated_person_enters_a_closed_unit__EMERG_HEALTH_10(hw, reason):
    w = hw
    close_unit(w, days=14)
    with pytest.raises(Conflict) as error:
        _visit(w, w.room2, reason=reason)
    assert "1栋2单元正在封闭管控" in str(error.value)
    assert not Visitor.objects.exists()
    _visit(w, w.far_room)  # another building: as before


def test_the_gate_opens_again_when_the_closure_ends__EMERG_HEALTH_05_10(hw, time_machine):
    w = hw
    closure = close_unit(w, starts_at=at("2026-08-12 03:00"), ends_at=at("2026-08-15 12:00"))
    time_machine.move_to(at("2026-08-15 12:00"), tick=False)
    assert _visit(w, w.room).room == w.room
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "unit", "unit": w.unit.pk, "days": 5})  # fmt: skip
    with pytest.raises(Conflict):
        _visit(w, w.room)
    latest = w.incident.closures.exclude(pk=closure.pk).get()
    incident_act(incident=w.incident, action="lift_closure", by=w.exec.user,
                 data={"closure": latest.pk}, note="疾控通知解除")  # fmt: skip
    assert _visit(w, w.room2).room == w.room2


def test_a_closed_estate_refuses_even_without_a_room__EMERG_HEALTH_10(hw):
    w = hw
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "estate", "days": 7})  # fmt: skip
    with pytest.raises(Conflict) as error:
        _visit(w, None, reason="other")
    assert "整个小区" in str(error.value)


def test_no_temporary_pass_into_a_closure__EMERG_HEALTH_10(hw):
    w = hw
    close_unit(w, starts_at=at("2026-08-14 00:00"), ends_at=at("2026-08-20 00:00"))
    # A pass whose period meets the closure is refused, even one issued before it starts.
    with pytest.raises(Conflict):
        _pass(w, w.room, "2026-08-13 10:00", "2026-08-14 10:00")
    with pytest.raises(Conflict):
        _pass(w, w.room2, "2026-08-19 10:00", "2026-08-21 10:00")
    assert not TemporaryPass.objects.exists()
    assert _pass(w, w.room, "2026-08-12 10:00", "2026-08-13 23:00").pk
    assert _pass(w, w.room, "2026-08-20 00:00", "2026-08-21 00:00").pk
    assert _pass(w, w.far_room, "2026-08-15 10:00", "2026-08-15 12:00").pk
