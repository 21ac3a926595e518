"""Twenty technicians grab the same pool order at once: exactly one gets it (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from tests.factories import make_staff
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.repairs import services
from wuye.repairs.models import RepairOrder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_twenty_technicians_grab_one_order_one_wins(world):
    techs = [
        make_staff(world.company, f"grab{i}", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                   [world.estate])
        for i in range(20)
    ]  # fmt: skip
    order = services.repair_order_create(
        estate=world.estate, room=world.room, description="水管漏水", contact_name="张先生",
        contact_phone="13800138000", channel="phone", by=world.agent.user,
    )  # fmt: skip
    barrier = threading.Barrier(20)
    won, lost, other = [], [], []

    def grab(staff):
        try:
            barrier.wait(timeout=30)
            mine = RepairOrder.objects.select_related("case").get(pk=order.pk)
            services.repair_order_act(order=mine, action="grab", by=staff.user)
            won.append(staff.user.pk)
        except Conflict:
            lost.append(staff.user.pk)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=grab, args=(s,)) for s in techs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    assert len(won) == 1 and len(lost) == 19
    order.case.refresh_from_db()
    assert order.case.assignee_id == won[0]
    assert order.case.events.filter(action="grab").count() == 1


def test_twenty_technicians_grab_through_the_api_one_gets_it_the_rest_a_clear_409(world):
    from django.test import Client

    from wuye.core.services import api_token_issue

    techs = [
        make_staff(world.company, f"api{i}", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                   [world.estate])
        for i in range(20)
    ]  # fmt: skip
    tokens = [api_token_issue(user=s.user)[0] for s in techs]
    order = services.repair_order_create(
        estate=world.estate, room=world.room, description="水管漏水", contact_name="张先生",
        contact_phone="13800138000", channel="phone", by=world.agent.user,
    )  # fmt: skip
    barrier = threading.Barrier(20)
    answers, other = [], []

    def grab(token):
        try:
            client = Client()
            barrier.wait(timeout=30)
            r = client.post(f"/api/v1/repairs/{order.pk}/grab", {},
                            content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
            answers.append((r.status_code, r.json()))
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=grab, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not other, other
    codes = sorted(code for code, _body in answers)
    assert codes == [200] + [409] * 19
    refused = [body["error"] for code, body in answers if code == 409]
    assert all(e["code"] == "invalid_state" and "抢单" in e["message"] for e in refused)
    order.case.refresh_from_db()
    assert order.case.status == "waiting_accept"
    assert order.case.events.filter(action="grab").count() == 1
