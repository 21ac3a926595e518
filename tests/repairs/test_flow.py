"""The whole repair flow through the service layer, with frozen time: charges and acceptance,
revisit and follow-up, auto-close, repeat faults, reclassification, comments, dispatch by
workload, the price list and the escalation of a late clock to the head of engineering."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_staff
from tests.images import photo_of, signature_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from wuye.billing.models import Bill
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import PublicArea
from wuye.notify.models import Message
from wuye.repairs import services
from wuye.repairs.choices import RepeatCause
from wuye.repairs.models import RepairOrder, RepairSettings
from wuye.repairs.selectors import orders as selectors
from wuye.workflow.choices import ClockState
from wuye.workflow.services import sla_sweep


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def prices(world):
    tap = services.price_item_save(estate=world.estate, name="更换水龙头", category="plumbing",
                                   unit="个", price="35", by=world.exec.user)  # fmt: skip
    hose = services.price_item_save(estate=world.estate, name="更换软管", category="plumbing",
                                    unit="根", price="12.5", by=world.exec.user)  # fmt: skip
    return tap, hose


photo, signature = photo_of, signature_of


def to_completion(world, order, charges=(), frozen=None):
    tech = world.tech.user
    act(order, "dispatch", world.agent.user, assignee=tech)
    act(order, "accept", tech)
    act(order, "arrive", tech, data=ARRIVAL)
    act(order, "complete", tech, attachments=[photo(tech)],
        data={"diagnosis": "阀芯老化", "charges": list(charges),
              "materials": [{"name": "生料带", "quantity": 1, "unit": "卷"}]})  # fmt: skip
    return RepairOrder.objects.get(pk=order.pk)


def status(order) -> str:
    order.case.refresh_from_db()
    return order.case.status


def clocks(order) -> dict:
    return {c.rule: c for c in order.case.clocks.all()}


# --- Charges and acceptance (REPAIR-10, REPAIR-11) ----------------------------------------------


def test_charges_come_from_the_price_list_and_become_a_billing_item_on_acceptance__REPAIR_11(
    world, prices
):
    tap, hose = prices
    order = to_completion(world, report(world), charges=[
        {"item": tap.pk, "quantity": 1}, {"item": hose.pk, "quantity": "2"}])  # fmt: skip
    assert order.charge_total == Decimal("60.00")
    assert [(c.name, c.amount) for c in order.charges.all()] == [
        ("更换水龙头", Decimal("35.00")), ("更换软管", Decimal("25.00"))]  # fmt: skip
    assert [m.name for m in order.materials.all()] == ["生料带"]
    assert not Bill.objects.exists()  # nothing is charged before the owner confirms
    with pytest.raises(Conflict):  # the owner must confirm the amount shown
        act(order, "confirm", world.owner.user, data={"amount": "35.00"})
    act(order, "confirm", world.owner.user, data={"amount": "60.00"})
    bill = Bill.objects.get()
    assert (bill.amount, bill.room, bill.source_ref) == (Decimal("60.00"), world.room,
                                                         order.case.number)  # fmt: skip
    assert bill.item.kind == "repair" and "更换水龙头" in bill.description
    from wuye.billing.services import room_balance

    assert bill.status == "unpaid" and room_balance(world.room.pk) == Decimal("60.00")
    order.refresh_from_db()
    assert (order.acceptance, order.accepted_by) == ("portal", world.owner.user)
    assert status(order) == "waiting_revisit"


def test_a_price_changed_later_does_not_change_a_recorded_charge__REPAIR_11(world, prices):
    tap, _hose = prices
    order = to_completion(world, report(world), charges=[{"item": tap.pk, "quantity": 1}])
    services.price_item_save(estate=world.estate, item=tap, name=tap.name, category=tap.category,
                             unit=tap.unit, price="50", by=world.exec.user)  # fmt: skip
    assert order.charges.get().unit_price == Decimal("35.00")


def test_charges_outside_the_price_list_are_refused_and_nothing_changes__REPAIR_11(world, prices):
    foreign = services.price_item_save(estate=world.other_estate, name="更换水龙头",
                                       category="plumbing", unit="个", price="1",
                                       by=world.exec.user)  # fmt: skip
    order = report(world)
    tech = world.tech.user
    act(order, "grab", tech)
    act(order, "accept", tech)
    act(order, "arrive", tech, data=ARRIVAL)
    for bad in ([{"item": foreign.pk, "quantity": 1}], [{"item": prices[0].pk, "quantity": 0}],
                [{"item": "x"}], "tap"):  # fmt: skip
        with pytest.raises(ValidationError) as err:
            act(order, "complete", tech, attachments=[photo(tech)], data={"charges": bad})
        assert "charges" in err.value.message_dict
    assert status(order) == "in_progress" and not order.charges.exists()


def test_the_owner_signs_on_the_technicians_phone__REPAIR_10(world, prices):
    order = to_completion(world, report(world), charges=[{"item": prices[0].pk, "quantity": 1}])
    tech = world.tech.user
    with pytest.raises(ValidationError) as err:  # no signature
        act(order, "sign_off", tech, data={"amount": "35"})
    assert "signature" in err.value.message_dict
    act(order, "sign_off", tech, data={"amount": "35"}, attachments=[signature(tech)])
    order.refresh_from_db()
    assert order.acceptance == "signature" and order.accepted_at == at("2026-11-26 10:00")
    event = order.case.events.get(action="sign_off")
    assert [a["kind"] for a in event.data["attachments"]] == ["signature"]
    assert Bill.objects.get().amount == Decimal("35.00")


def test_free_repairs_bill_nothing(world):
    order = to_completion(world, report(world))
    act(order, "confirm", world.owner.user)
    assert not Bill.objects.exists()


def test_rejection_needs_a_reason_and_tells_the_technician__REPAIR_10(world):
    order = to_completion(world, report(world))
    with pytest.raises(ValidationError):
        act(order, "reject", world.owner.user)
    act(order, "reject", world.owner.user, note="还在滴水")
    assert status(order) == "in_progress"
    msg = Message.objects.get(template="repair_rejected")
    assert msg.recipient == world.tech.user and "还在滴水" in msg.body


def test_a_neighbour_cannot_accept_someone_elses_repair(world):
    from django.http import Http404

    order = to_completion(world, report(world))
    with pytest.raises(Http404):
        act(order, "confirm", world.neighbour.user)


# --- Revisit (REPAIR-12) -----------------------------------------------------------------------


def test_revisit_within_24_hours_of_completion__REPAIR_12(world, frozen):
    order = report(world)
    frozen.move_to(at("2026-11-26 14:00"), tick=False)
    order = to_completion(world, order)
    assert clocks(order)["REPAIR-12"].due_at == at("2026-11-27 14:00")
    act(order, "confirm", world.owner.user)
    frozen.move_to(at("2026-11-27 15:00"), tick=False)
    assert sla_sweep() >= 1
    assert clocks(order)["REPAIR-12"].state == ClockState.BREACHED
    act(order, "revisit", world.agent.user,
        data={"satisfaction": 4, "quality": 4, "attitude": 5, "comment": "师傅很细心"})  # fmt: skip
    order.refresh_from_db()
    assert (order.satisfaction, order.quality_score, order.attitude_score) == (4, 4, 5)
    assert order.revisit_source == "desk" and status(order) == "done"
    assert clocks(order)["REPAIR-12"].state == ClockState.BREACHED  # late stays late


def test_a_call_before_acceptance_is_recorded_and_finishes_on_acceptance__REPAIR_12(world):
    order = to_completion(world, report(world))
    act(order, "revisit_early", world.agent.user, data={"satisfaction": 5})
    assert status(order) == "waiting_acceptance"
    assert clocks(order)["REPAIR-12"].state == ClockState.MET
    act(order, "confirm", world.owner.user)
    assert status(order) == "done"
    assert list(order.case.events.values_list("action", flat=True))[-3:] == [
        "revisit_early", "confirm", "finish"]  # fmt: skip


def test_the_resident_rates_first_in_the_portal__REPAIR_12(world):
    order = to_completion(world, report(world))
    act(order, "confirm", world.owner.user)
    with pytest.raises(ValidationError):
        act(order, "rate", world.owner.user, data={"satisfaction": 6})
    act(order, "rate", world.owner.user, data={"satisfaction": 5, "quality": 5,
                                                       "attitude": 5})  # fmt: skip
    order.refresh_from_db()
    assert order.revisit_source == "resident" and status(order) == "done"
    assert order.follow_up is None


def test_a_low_score_opens_a_follow_up_for_customer_service__REPAIR_12(world):
    order = to_completion(world, report(world))
    act(order, "confirm", world.owner.user)
    act(order, "rate", world.owner.user, data={"satisfaction": 2, "attitude": 1})
    order.refresh_from_db()
    follow_up = order.follow_up
    assert follow_up.process == "repair_follow_up" and follow_up.status == "open"
    msg = Message.objects.get(template="repair_follow_up")
    assert msg.recipient == world.head.user and follow_up.number in msg.body


def test_the_follow_up_threshold_is_the_estates(world):
    RepairSettings.objects.create(estate=world.estate, follow_up_below=5)
    order = to_completion(world, report(world))
    act(order, "confirm", world.owner.user)
    act(order, "rate", world.owner.user, data={"satisfaction": 4})
    order.refresh_from_db()
    assert order.follow_up is not None


# --- Auto-close --------------------------------------------------------------------------------


def test_unaccepted_orders_close_after_the_estates_days(world, frozen):
    RepairSettings.objects.create(estate=world.estate, auto_close_days=3)
    order = to_completion(world, report(world))
    frozen.move_to(at("2026-11-29 09:59"), tick=False)
    assert services.repair_auto_close() == 0
    frozen.move_to(at("2026-11-29 10:00"), tick=False)
    assert services.repair_auto_close() == 1
    assert services.repair_auto_close() == 0  # idempotent
    order.refresh_from_db()
    assert status(order) == "closed" and order.acceptance == "auto_closed"
    event = order.case.events.get(action="auto_close")
    assert event.actor is None and event.role == "system"
    assert Message.objects.filter(template="repair_auto_closed", recipient=world.owner.user)


def test_auto_close_is_a_job_and_no_person_can_take_it(world):
    from wuye.jobs import JOBS

    assert any(j.path == "wuye.repairs.services.repair_auto_close" for j in JOBS)
    order = to_completion(world, report(world))
    with pytest.raises(PermissionDenied):
        act(order, "auto_close", world.agent.user)


# --- Repeat faults (REPAIR-13) -----------------------------------------------------------------


def test_a_repeat_within_30_days_is_flagged_and_linked__REPAIR_13(world, frozen):
    first = to_completion(world, report(world))  # completed 2026-11-26 10:00
    # 30 calendar days end at 23:59:59 of the 30th date (2026-12-26), not 720 hours later.
    frozen.move_to(at("2026-12-26 23:59"), tick=False)
    again = report(world, description="水龙头又漏了")
    assert again.repeat_of == first
    assert again.repeat_cause == ""  # the desk chooses why it came back
    assert again.repeat_of.completed_by == world.tech.user
    other_category = report(world, description="灯不亮", category="electrical")
    assert other_category.repeat_of is None
    frozen.move_to(at("2026-12-27 00:00"), tick=False)
    assert report(world, description="又漏了").repeat_of is None  # day 31: not a repeat


def test_parts_quality_is_the_manuals_exception__REPAIR_13(world):
    first = to_completion(world, report(world))
    again = report(world, description="新换的水龙头又漏了")
    assert again.repeat_of == first
    with pytest.raises(ValidationError):
        act(again, "repeat_cause", world.agent.user, data={"cause": "luck"})
    act(again, "repeat_cause", world.agent.user, data={"cause": "parts_quality"})
    again.refresh_from_db()
    assert again.repeat_cause == RepeatCause.PARTS_QUALITY
    assert selectors.repair_order_list(actor=_actor(world.agent), repeat=True).count() == 1
    with pytest.raises(ValidationError):  # not a repeat: no cause to record
        act(first, "repeat_cause", world.agent.user, data={"cause": "parts_quality"})


def test_public_area_repeats_too__REPAIR_13(world):
    lobby = PublicArea.objects.create(estate=world.estate, kind="lobby", name="1栋大堂")
    first = to_completion(world, report(world, room=None, public_area=lobby, category="walls"))
    assert report(world, room=None, public_area=lobby, category="walls").repeat_of == first


def _actor(staff):
    from wuye.core.scoping import actor_for

    return actor_for(staff.user)


# --- Reclassification (REPAIR-04) swaps the clocks ----------------------------------------------


def test_reclassifying_to_emergency_swaps_the_clocks_from_the_report_time__REPAIR_04(world, frozen):
    order = report(world, description="墙角渗水")
    assert set(clocks(order)) == {"REPAIR-08", "REPAIR-05"}
    frozen.move_to(at("2026-11-26 10:02"), tick=False)
    with pytest.raises(ValidationError):  # a reason is required
        act(order, "reclassify", world.agent.user, data={"urgency": "emergency"})
    act(order, "reclassify", world.agent.user, note="业主说水越来越多",
        data={"urgency": "emergency"})  # fmt: skip
    c = clocks(order)
    assert c["REPAIR-08"].state == c["REPAIR-05"].state == ClockState.CANCELLED
    assert c["REPAIR-09"].due_at == at("2026-11-26 10:05")  # from the report time
    assert c["REPAIR-06"].due_at == at("2026-11-26 10:30")
    assert c["REPAIR-09"].state == ClockState.RUNNING
    order.refresh_from_db()
    assert order.urgency == "emergency" and order.case.data["urgency"] == "emergency"
    event = order.case.events.get(action="reclassify")
    assert event.data["previous"]["urgency"] == "general"
    frozen.move_to(at("2026-11-26 10:06"), tick=False)
    assert sla_sweep() == 1  # the new dispatch clock breaches; the cancelled ones never do


def test_reclassifying_after_dispatch_records_the_dispatch_against_the_new_clock(world, frozen):
    order = report(world, description="厨房水管爆裂")  # emergency
    frozen.move_to(at("2026-11-26 10:03"), tick=False)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    frozen.move_to(at("2026-11-26 10:10"), tick=False)
    act(order, "reclassify", world.agent.user, note="只是轻微滴水",
        data={"urgency": "general"})  # fmt: skip
    c = clocks(order)
    assert c["REPAIR-08"].state == ClockState.MET
    assert c["REPAIR-08"].stopped_at == at("2026-11-26 10:03")
    assert c["REPAIR-05"].due_at == at("2026-11-27 10:00")
    assert c["REPAIR-06"].state == ClockState.CANCELLED


# --- Comments ----------------------------------------------------------------------------------


def test_internal_comments_are_hidden_from_the_resident(world):
    from wuye.core.scoping import actor_for

    order = report(world)
    act(order, "comment", world.agent.user, note="业主脾气急，注意沟通",
        data={"internal": True})  # fmt: skip
    act(order, "comment", world.agent.user, note="师傅今天下午到")
    act(order, "comment", world.owner.user, note="好的", data={"internal": True})
    events = list(order.case.events.all())
    seen = selectors.comments_visible(events, actor=actor_for(world.owner.user))
    notes = [e.note for e in seen if e.action == "comment"]
    assert notes == ["师傅今天下午到", "好的"]  # a resident cannot write an internal one
    told = Message.objects.filter(template="repair_comment", recipient=world.owner.user)
    assert [m.body.split("：")[-1] for m in told] == ["师傅今天下午到"]


# --- Dispatch by workload ----------------------------------------------------------------------


def test_round_robin_by_workload(world):
    tech2 = make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                       [world.estate])  # fmt: skip
    make_staff(world.company, "far", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
               [world.other_estate])  # fmt: skip
    given = []
    for n in range(4):
        order = report(world, description=f"第{n}处漏水", room=world.room2)
        services.repair_order_dispatch_auto(order=order, by=world.agent.user)
        order.case.refresh_from_db()
        given.append(order.case.assignee.username)
    assert sorted(given) == ["tech", "tech", "tech2", "tech2"]
    assert given[0] != given[1]
    assert tech2.user.username in given


def test_auto_dispatch_without_technicians_says_so(world):
    world.tech.is_active = False
    world.tech.save()
    order = report(world)
    with pytest.raises(ValidationError) as err:
        services.repair_order_dispatch_auto(order=order, by=world.agent.user)
    assert "assignee" in err.value.message_dict
    assert status(order) == "waiting_dispatch"


# --- The price list ----------------------------------------------------------------------------


def test_only_engineering_heads_and_executives_keep_the_price_list(world):
    with pytest.raises(PermissionDenied):
        services.price_item_save(estate=world.estate, name="疏通", category="plumbing",
                                 unit="次", price=50, by=world.agent.user)  # fmt: skip
    with pytest.raises(PermissionDenied):  # a head, but of customer service
        services.price_item_save(estate=world.estate, name="疏通", category="plumbing",
                                 unit="次", price=50, by=world.head.user)  # fmt: skip
    eng = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    item = services.price_item_save(estate=world.estate, name="疏通", category="plumbing",
                                    unit="次", price="50", by=eng.user)  # fmt: skip
    assert item.price == Decimal("50.00")
    with pytest.raises(ValidationError):
        services.price_item_save(estate=world.estate, name="疏通", category="plumbing",
                                 unit="次", price="abc", by=eng.user)  # fmt: skip
    with pytest.raises(ValidationError):  # the same name twice
        services.price_item_save(estate=world.estate, name="疏通", category="plumbing",
                                 unit="次", price="60", by=eng.user)  # fmt: skip


# --- Escalation to the head of engineering --------------------------------------------------------


def test_a_breach_escalates_to_the_head_of_engineering__REPAIR_08(world, frozen):
    eng = make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    order = report(world, description="墙面裂缝")
    frozen.move_to(at("2026-11-26 11:01"), tick=False)
    assert sla_sweep() == 1
    assert clocks(order)["REPAIR-08"].state == ClockState.BREACHED
    told = set(Message.objects.filter(template="sla_breached").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert eng.user.username in told and world.head.user.username not in told


# --- Roles (REPAIR-01) -------------------------------------------------------------------------


def test_customer_service_receives_and_engineering_repairs__REPAIR_01(world):
    order = report(world)  # the desk records it
    with pytest.raises(PermissionDenied):  # the desk does not repair
        act(order, "accept", world.agent.user)
    with pytest.raises(PermissionDenied):  # a technician does not dispatch
        act(order, "dispatch", world.tech.user, assignee=world.tech.user)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    with pytest.raises(PermissionDenied):
        act(order, "complete", world.agent.user, attachments=[photo(world.agent.user)])
    from wuye.workflow.engine import get_process

    assert get_process("repair").department == DepartmentKind.ENGINEERING  # escalates there
