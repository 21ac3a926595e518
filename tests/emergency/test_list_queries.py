"""Query counts of the emergency lists (STYLE: an N+1 is caught): the group, plan and supply
pages and their API lists, the public-health event's page (closures with their rounds, who is
on duty, deliveries), the close-contact register, the deliveries — a fixed number of queries
however many rows, proved by counting with a few rows and with many."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DepartmentKind, Role, RoomFactory, UnitFactory, make_staff
from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import CloseContact, Delivery, GroupMember
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.plans import plan_ensure, plan_step_add
from wuye.emergency.services.ppe import GLOVES, MASK
from wuye.emergency.services.supplies import item_create, supply_restock
from wuye.fieldwork.services import shifts as fieldwork

pytestmark = pytest.mark.django_db


def count(get: Callable) -> int:
    get()  # warm: the session, the estate, the caches
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def bounded(get: Callable, add_rows: Callable, ceiling: int, assert_max) -> None:
    """No more queries with many rows than with a few (rows of each kind there already), and
    at most ``ceiling``."""
    add_rows()
    few = count(get)
    add_rows()
    add_rows()
    many = count(get)
    assert many <= few, f"{few} queries with a few rows, {many} with many"
    with assert_max(ceiling):
        get()


def api(client, path: str, **params):
    return lambda: client.get(f"/api/v1{path}", params)


def page(client, name: str, *args):
    return lambda: client.get(reverse(name, args=args))


# --- Groups, plans, supplies --------------------------------------------------------------------


def test_the_group_page_and_list_are_bounded__EMERG_01_02(
    emg, login, django_assert_max_num_queries
):
    w = emg
    client = login("order_head")
    counter = iter(range(100))

    def more():
        for _ in range(8):
            n = next(counter)
            staff = make_staff(w.company, f"g{n}", Role.GUARD, DepartmentKind.ORDER, [w.estate])
            GroupMember.objects.create(group=w.onsite, staff=staff, order=10 + n, on_call=True)

    bounded(page(client, "emergency:group_list"), more, 18, django_assert_max_num_queries)
    groups = api(client, "/emergency/groups", estate=w.estate.pk)
    bounded(groups, more, 12, django_assert_max_num_queries)


def test_the_plan_pages_and_list_are_bounded(emg, login, django_assert_max_num_queries):
    w = emg
    client = login("exec")
    plan = plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.exec.user)
    # The company's plan and the estate's own of every other kind, two at a time.
    others = [k for k in IncidentKind.values if k != IncidentKind.FIRE]
    plans = iter([(k, None) for k in others] + [(k, w.estate) for k in others])

    def more_plans():
        for _ in range(2):
            kind, estate = next(plans)
            plan_ensure(company=w.company, kind=kind, by=w.exec.user, estate=estate)

    def more_steps():
        for n in range(6):
            plan_step_add(plan=plan, by=w.exec.user, title=f"补充步骤{n}", department="order",
                          checklist=["已确认"])  # fmt: skip

    bounded(page(client, "emergency:plan_list"), more_plans, 12, django_assert_max_num_queries)
    bounded(api(client, "/emergency/plans"), more_plans, 10, django_assert_max_num_queries)
    detail = page(client, "emergency:plan_detail", plan.pk)
    bounded(detail, more_steps, 13, django_assert_max_num_queries)


def test_the_supply_pages_and_lists_are_bounded__EMERG_03(
    emg, login, django_assert_max_num_queries
):
    w = emg
    client = login("clerk")
    counter = iter(range(100))

    def more():
        for _ in range(6):
            n = next(counter)
            item = item_create(estate=w.estate, by=w.clerk.user, category="water",
                               name=f"物资{n}", unit="箱", quantity=2, minimum=5)  # fmt: skip
            supply_restock(item=item, quantity=3, by=w.clerk.user)

    item_create(estate=w.estate, by=w.clerk.user, category="lighting", name="应急灯", unit="个")
    for get, ceiling in (
        (page(client, "emergency:supply_list"), 16),
        (page(client, "emergency:supply_check"), 12),
        (page(client, "emergency:supply_movements"), 13),
        (api(client, "/emergency/supplies", estate=w.estate.pk), 9),
        (api(client, "/emergency/supply-movements", estate=w.estate.pk), 9),
    ):
        bounded(get, more, ceiling, django_assert_max_num_queries)


# --- Public health ------------------------------------------------------------------------------


def test_the_health_event_page_is_bounded__EMERG_HEALTH_05_11_12(
    hw, login, django_assert_max_num_queries
):
    w = hw
    client = login("agent")
    counter = iter(range(100))

    def more():
        n = next(counter)
        building = w.buildings[2 + n]
        unit = UnitFactory(building=building, name="1单元")
        incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                     data={"scope": "unit", "unit": unit.pk, "days": 14})  # fmt: skip
        room = RoomFactory(unit=unit, number="101")
        Delivery.objects.create(incident=w.incident, room=room, items="米",
                                requested_at=timezone.now())  # fmt: skip
        guards = [make_staff(w.company, f"s{n}{k}", Role.GUARD, DepartmentKind.ORDER,
                             [w.estate]) for k in range(3)]  # fmt: skip
        extra = fieldwork.post_create(estate=w.estate, name=f"岗{n}", department="order",
                                      by=w.order_head.user)  # fmt: skip
        shift = fieldwork.shift_create(post=extra, starts_at=timezone.now(),
                                       ends_at=timezone.now() + dt.timedelta(hours=8),
                                       staff=guards, by=w.order_head.user)  # fmt: skip
        fieldwork.shift_start(shift=shift, by=guards[0].user, checks=[MASK, GLOVES])

    detail = page(client, "emergency:health_detail", w.incident.pk)
    bounded(detail, more, 30, django_assert_max_num_queries)
    closures = api(client, "/emergency/closures", estate=w.estate.pk)
    bounded(closures, more, 9, django_assert_max_num_queries)


def test_the_register_and_the_deliveries_are_bounded__EMERG_HEALTH_08_12(
    hw, login, django_assert_max_num_queries
):
    w = hw
    counter = iter(range(100))

    def more():
        for _ in range(5):
            n = next(counter)
            room = RoomFactory(unit=UnitFactory(building=w.buildings[n % 10 + 1]))
            CloseContact.objects.create(incident=w.incident, name=f"密接{n}", room=room,
                                        registered_at=timezone.now())  # fmt: skip
            Delivery.objects.create(incident=w.incident, room=room, items="药",
                                    assignee=w.guard, requested_at=timezone.now())  # fmt: skip

    boss = login("exec")
    # Every look at the register is logged: one row written per look, however many rows.
    register = page(boss, "emergency:health_contacts", w.incident.pk)
    bounded(register, more, 19, django_assert_max_num_queries)
    guard = login("guard")
    bounded(page(guard, "emergency:health_deliveries"), more, 12, django_assert_max_num_queries)
    deliveries = api(guard, "/emergency/deliveries", estate=w.estate.pk)
    bounded(deliveries, more, 10, django_assert_max_num_queries)
