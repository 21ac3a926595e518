"""REPAIR-14/15: the arrival checklist (badge and uniform, dust sheets) is no optional step — an
order cannot be completed until the technician who has it now confirmed their arrival, through
the service, the API, the generic case service and the pages. A reassigned technician arrives
themselves. Frozen time."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import make_staff
from tests.images import make_jpeg, photo_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from tests.repairs.test_api_flow import Api
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.repairs import services
from wuye.repairs.models import RepairOrder


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def tech2(world):
    return make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                      [world.estate], name="李师傅")  # fmt: skip


@pytest.fixture
def accepted(world):
    """Dispatched to ``world.tech`` and accepted; nobody has arrived."""
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    return order


def complete(order, user):
    return act(order, "complete", user, attachments=[photo_of(user)],
               data={"diagnosis": "角阀老化"})  # fmt: skip


def events(order) -> list[str]:
    return list(order.case.events.values_list("action", flat=True))


def test_no_completion_without_arrival__REPAIR_14_REPAIR_15(world, accepted):
    with pytest.raises(Conflict) as err:
        complete(accepted, world.tech.user)
    assert err.value.code == "not_arrived" and "到达现场" in err.value.message
    order = RepairOrder.objects.get(pk=accepted.pk)
    assert order.case.status == "in_progress" and order.completed_at is None
    assert "complete" not in events(order)  # nothing was written
    assert not services.arrival_recorded(order)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    assert services.arrival_recorded(order)
    complete(order, world.tech.user)
    order.case.refresh_from_db()
    assert order.case.status == "waiting_acceptance"


def test_a_reassigned_technician_must_arrive_themselves__REPAIR_14_REPAIR_15(
    world, accepted, tech2
):
    act(accepted, "arrive", world.tech.user, data=ARRIVAL)
    act(accepted, "reassign", world.agent.user, assignee=tech2.user, note="原维修人请假")
    act(accepted, "accept", tech2.user)
    with pytest.raises(Conflict) as err:  # the first technician's arrival is not theirs
        complete(accepted, tech2.user)
    assert err.value.code == "not_arrived"
    act(accepted, "arrive", tech2.user, data=ARRIVAL)
    complete(accepted, tech2.user)
    assert events(accepted)[-2:] == ["arrive", "complete"]


def test_handed_back_and_dispatched_again_needs_a_new_arrival__REPAIR_14_REPAIR_15(
    world, accepted, tech2
):
    act(accepted, "arrive", world.tech.user, data=ARRIVAL)
    act(accepted, "hand_back", world.tech.user, note="缺少配件")
    act(accepted, "grab", tech2.user)
    act(accepted, "accept", tech2.user)
    with pytest.raises(Conflict):
        complete(accepted, tech2.user)


def test_wrong_role_and_wrong_state_keep_their_own_answers__REPAIR_14_REPAIR_15(world):
    order = report(world)
    with pytest.raises(Conflict) as err:  # waiting for dispatch: the state's answer
        complete(order, world.tech.user)
    assert err.value.code == "invalid_state"
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    with pytest.raises(PermissionDenied):  # the desk never completes a repair
        complete(order, world.agent.user)


def test_the_generic_case_service_refuses_too__REPAIR_14_REPAIR_15(world, accepted):
    from wuye.workflow.services import case_act_routed

    with pytest.raises(Conflict):
        case_act_routed(case=accepted.case, action="complete", by=world.tech.user,
                        attachments=[photo_of(world.tech.user)])  # fmt: skip


def test_api_refuses_completion_before_arrival_and_shows_it__REPAIR_14_REPAIR_15(
    world, client, accepted
):
    tech = Api(client, world.tech.user)
    body = tech.get(f"/repairs/{accepted.pk}").json()
    assert body["arrival_recorded"] is False
    r = tech.post(f"/repairs/{accepted.pk}/complete", {"attachments": [tech.upload()]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_arrived"
    assert "到达现场" in r.json()["error"]["message"]
    assert tech.get(f"/repairs/{accepted.pk}").json()["status"] == "in_progress"
    body = tech.step(accepted.pk, "arrive", data=ARRIVAL)
    assert body["arrival_recorded"] is True
    items = tech.get("/repairs").json()["items"]
    assert [o["arrival_recorded"] for o in items if o["id"] == accepted.pk] == [True]
    body = tech.step(accepted.pk, "complete", attachments=[tech.upload()])
    assert body["status"] == "waiting_acceptance"


def test_the_phone_page_offers_completion_only_after_arrival__REPAIR_14_REPAIR_15(
    world, login, accepted
):
    client = login("tech")
    url = reverse("repairs:tech_detail", args=[accepted.pk])
    page = client.get(url).content.decode()
    assert 'id="arrive-form"' in page and 'id="complete-form"' not in page
    assert "确认到达后才能提交完成" in page
    # A completion posted anyway (an old page): refused with the reason, nothing changes.
    response = client.post(
        reverse("repairs:act", args=[accepted.pk, "complete"]),
        {"next": url, "complete-diagnosis": "已修复", "photos": [make_jpeg()]},
        follow=True,
    )
    assert "请先确认到达现场" in response.content.decode()
    accepted.case.refresh_from_db()
    assert accepted.case.status == "in_progress"
    act(accepted, "arrive", world.tech.user, data=ARRIVAL)
    page = client.get(url).content.decode()
    assert 'id="complete-form"' in page and 'id="arrive-form"' not in page


def test_the_desk_page_says_the_technician_has_not_arrived__REPAIR_14_REPAIR_15(
    world, login, accepted
):
    url = reverse("repairs:detail", args=[accepted.pk])
    assert "尚未确认到场" in login("agent").get(url).content.decode()
    act(accepted, "arrive", world.tech.user, data=ARRIVAL)
    assert "尚未确认到场" not in login("agent").get(url).content.decode()
