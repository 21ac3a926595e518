"""Emergency supplies (EMERG-03): items, restock, a draw during an incident with its event,
the count every 30 days, and the logistics group told of low, expiring and overdue stock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.emergency.helpers import at
from wuye.core.exceptions import Conflict
from wuye.emergency.choices import IncidentKind, MovementKind, SupplyCategory
from wuye.emergency.services.incidents import incident_act, incident_open
from wuye.emergency.services.supplies import (
    item_create,
    supply_check_record,
    supply_draw,
    supply_restock,
    supply_status,
    supply_sweep,
)
from wuye.notify.models import Message
from wuye.workflow.models import Event

pytestmark = pytest.mark.django_db


def water(w, **extra):
    values = {"category": SupplyCategory.WATER, "name": "瓶装水", "unit": "箱", "minimum": 10,
              "quantity": 12, **extra}  # fmt: skip
    return item_create(estate=w.estate, by=w.clerk.user, **values)


def test_logistics_keeps_the_stock_and_a_guard_does_not__EMERG_03(emg):
    w = emg
    item = water(w)
    assert item.quantity == 12 and item.movements.get().kind == MovementKind.RESTOCK
    with pytest.raises(PermissionDenied):
        supply_restock(item=item, quantity=5, by=w.guard.user)
    supply_restock(item=item, quantity=5, by=w.clerk.user, note="采购")
    item.refresh_from_db()
    assert item.quantity == 17
    with pytest.raises(ValidationError):
        water(w)  # the same name twice in an estate


def test_a_draw_during_an_incident_writes_the_movement_and_the_event__EMERG_03(emg):
    w = emg
    item = water(w)
    incident = incident_open(estate=w.estate, kind=IncidentKind.OUTAGE, place="3栋",
                             by=w.agent.user)  # fmt: skip
    movement = supply_draw(item=item, quantity=4, by=w.guard.user, incident=incident,
                           note="取水点")  # fmt: skip
    assert (movement.delta, movement.balance, movement.incident) == (-4, 8, incident)
    event = Event.objects.get(case=incident.case, action="draw")
    assert event.data["quantity"] == 4 and event.data["name"] == "瓶装水"
    with pytest.raises(ValidationError) as error:
        supply_draw(item=item, quantity=9, by=w.guard.user, incident=incident)
    assert "quantity" in error.value.message_dict
    item.refresh_from_db()
    assert item.quantity == 8


def test_no_draw_on_a_closed_incident_or_from_another_estate(emg):
    w = emg
    item = water(w)
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    incident_act(incident=incident, action="cancel", by=w.agent.user, note="误报")
    with pytest.raises(Conflict):
        supply_draw(item=item, quantity=1, by=w.guard.user, incident=incident)
    from django.http import Http404

    with pytest.raises(Http404):
        supply_draw(item=item, quantity=1, by=w.outsider.user, incident=incident)


def test_the_count_books_differences_and_counts_problems__EMERG_03(emg):
    w = emg
    item = water(w)
    lights = item_create(estate=w.estate, by=w.clerk.user, category=SupplyCategory.LIGHTING,
                         name="应急灯", unit="个", minimum=2, quantity=5)  # fmt: skip
    with pytest.raises(ValidationError):  # every item must be counted
        supply_check_record(estate=w.estate, by=w.clerk.user,
                            lines=[{"item": item.pk, "counted": 12}])  # fmt: skip
    check = supply_check_record(estate=w.estate, by=w.clerk.user, lines=[
        {"item": item.pk, "counted": 11, "usable": True},
        {"item": lights.pk, "counted": 5, "usable": False, "note": "电池漏液"},
    ])  # fmt: skip
    assert check.problems == 2
    item.refresh_from_db()
    assert item.quantity == 11
    assert item.movements.filter(kind=MovementKind.ADJUST, delta=-1).exists()


def test_overdue_check_low_and_expiring_items_are_flagged__EMERG_03(emg, time_machine):
    w = emg
    item = water(w, expires_on=dt.date(2026, 9, 5))
    status = supply_status(w.estate)
    assert status.check_overdue  # never counted
    supply_check_record(estate=w.estate, by=w.clerk.user,
                        lines=[{"item": item.pk, "counted": 12}])  # fmt: skip
    status = supply_status(w.estate)
    assert not status.check_overdue and status.expiring == [item] and status.low == []
    time_machine.move_to(at("2026-09-11 03:01"), tick=False)  # 30 days and a minute later
    status = supply_status(w.estate)
    assert status.check_overdue and status.expired == [item]


def test_the_logistics_group_is_told_once_a_day__EMERG_03(emg, time_machine):
    w = emg
    item = water(w)
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    supply_draw(item=item, quantity=5, by=w.guard.user, incident=incident)
    assert supply_sweep() == 1
    supply_sweep()
    told = Message.objects.filter(idempotency_key__startswith="emergency:supplies:")
    assert list(told.values_list("recipient__username", flat=True)) == ["clerk"]
    assert "瓶装水" in told.get().body
    time_machine.move_to(at("2026-08-13 03:00"), tick=False)
    supply_sweep()
    assert told.count() == 2
