"""Repair orders through the service layer, with frozen time: intake, classification, clocks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.images import photo_of
from wuye.core.exceptions import Conflict
from wuye.repairs import services
from wuye.repairs.choices import Urgency
from wuye.repairs.models import RepairOrder
from wuye.workflow.choices import ClockState
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")
ARRIVAL = {"badge_uniform": True, "dust_sheet": True}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def report(world, description="卫生间水管漏水", by=None, **kwargs):
    kwargs.setdefault("room", world.room)
    return services.repair_order_create(
        estate=world.estate, description=description, contact_name="张先生",
        contact_phone="13800138000", channel="phone", by=by or world.agent.user, **kwargs,
    )  # fmt: skip


def clocks(order) -> dict:
    return {c.rule: c for c in order.case.clocks.all()}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def test_intake_records_place_contact_and_number__REPAIR_02(world):
    order = report(world)
    assert order.case.number == "BX-20261126-0001"
    assert order.place_label == "1栋2单元301室"
    assert (order.contact_name, order.contact_phone) == ("张先生", "13800138000")
    assert order.case.status == "waiting_dispatch"


@pytest.mark.parametrize(
    ("text", "urgency"),
    [("客厅墙面裂缝", "general"), ("厨房水管爆裂", "emergency"), ("电梯困人", "emergency"),
     ("插座漏电冒烟", "emergency"), ("门锁坏了", "general")],
)  # fmt: skip
def test_classification_is_suggested_from_the_description__REPAIR_04(world, text, urgency):
    order = report(world, description=text)
    assert order.suggested_urgency == order.urgency == urgency


def test_the_agent_may_overrule_the_suggestion__REPAIR_04(world):
    order = report(world, description="水管爆裂（已关阀）", urgency=Urgency.GENERAL)
    assert (order.suggested_urgency, order.urgency) == ("emergency", "general")
    assert set(clocks(order)) == {"REPAIR-08", "REPAIR-05"}


def test_general_repair_clocks__REPAIR_08_REPAIR_05(world):
    order = report(world, description="客厅墙面裂缝")
    c = clocks(order)
    assert set(c) == {"REPAIR-08", "REPAIR-05"}
    assert c["REPAIR-08"].due_at == at("2026-11-26 11:00")  # dispatch within 1 hour
    assert c["REPAIR-05"].due_at == at("2026-11-27 10:00")  # handled within 24 hours


def test_emergency_repair_clocks__REPAIR_09_REPAIR_06(world):
    order = report(world, description="厨房水管爆裂")
    c = clocks(order)
    assert set(c) == {"REPAIR-09", "REPAIR-06"}
    assert c["REPAIR-09"].due_at == at("2026-11-26 10:05")  # dispatch within 5 minutes
    assert c["REPAIR-06"].due_at == at("2026-11-26 10:30")  # on site within 30 minutes


def test_clocks_start_at_the_report_time_not_the_entry_time__REPAIR_09(world):
    order = report(world, description="水管爆裂", reported_at=at("2026-11-26 09:58"))
    assert clocks(order)["REPAIR-09"].due_at == at("2026-11-26 10:03")


def test_emergency_walk_through_with_late_arrival_escalated__REPAIR_06(world, frozen):
    order = report(world, description="厨房水管爆裂")
    frozen.move_to(at("2026-11-26 10:03"), tick=False)
    services.repair_order_act(order=order, action="dispatch", by=world.agent.user,
                              assignee=world.tech.user)  # fmt: skip
    assert clocks(order)["REPAIR-09"].state == ClockState.MET
    services.repair_order_act(order=order, action="accept", by=world.tech.user)
    frozen.move_to(at("2026-11-26 10:31"), tick=False)
    assert sla_sweep() == 1  # the on-site clock breached and escalated
    assert clocks(order)["REPAIR-06"].state == ClockState.BREACHED
    with pytest.raises(ValidationError):  # REPAIR-14/15: badge, uniform and dust sheet first
        services.repair_order_act(order=order, action="arrive", by=world.tech.user)
    services.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    assert clocks(order)["REPAIR-06"].stopped_at == at("2026-11-26 10:31")
    frozen.move_to(at("2026-11-26 11:30"), tick=False)
    services.repair_order_act(order=order, action="complete", by=world.tech.user,
                              attachments=[photo_of(world.tech.user)])  # fmt: skip
    assert clocks(order)["REPAIR-12"].due_at == at("2026-11-27 11:30")  # revisit within 24 h


def test_general_walk_through_to_revisit__REPAIR_03_REPAIR_10_REPAIR_12(world, frozen):
    order = report(world, description="客厅墙面裂缝")
    services.repair_order_act(order=order, action="grab", by=world.tech.user)
    services.repair_order_act(order=order, action="accept", by=world.tech.user)
    services.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    frozen.move_to(at("2026-11-26 15:00"), tick=False)
    services.repair_order_act(order=order, action="complete", by=world.tech.user,
                              attachments=[photo_of(world.tech.user)])  # fmt: skip
    assert clocks(order)["REPAIR-05"].state == ClockState.MET
    services.repair_order_act(order=order, action="confirm", by=world.owner.user)
    frozen.move_to(at("2026-11-27 09:00"), tick=False)
    services.repair_order_act(order=order, action="revisit", by=world.agent.user,
                              data={"satisfaction": 5})  # fmt: skip
    order.case.refresh_from_db()
    assert order.case.status == "done"
    assert clocks(order)["REPAIR-12"].state == ClockState.MET
    assert [e.action for e in order.case.events.all()] == [
        "created", "grab", "accept", "arrive", "complete", "confirm", "revisit",
    ]  # fmt: skip


def test_a_resident_rejects_and_the_order_goes_back__REPAIR_10(world):
    order = report(world, description="门锁坏了")
    services.repair_order_act(order=order, action="grab", by=world.tech.user)
    services.repair_order_act(order=order, action="accept", by=world.tech.user)
    services.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    services.repair_order_act(order=order, action="complete", by=world.tech.user,
                              attachments=[photo_of(world.tech.user)])  # fmt: skip
    with pytest.raises(ValidationError):
        services.repair_order_act(order=order, action="reject", by=world.owner.user)
    services.repair_order_act(order=order, action="reject", by=world.owner.user, note="仍然松动")
    order.case.refresh_from_db()
    assert order.case.status == "in_progress"


def test_another_technician_cannot_work_someone_elses_order(world):
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    other = make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                       [world.estate])  # fmt: skip
    order = report(world)
    services.repair_order_act(order=order, action="grab", by=world.tech.user)
    with pytest.raises(Conflict):  # already taken
        services.repair_order_act(order=order, action="grab", by=other.user)
    with pytest.raises(PermissionDenied):
        services.repair_order_act(order=order, action="accept", by=other.user)


def test_resident_reports_for_own_room_only(world):
    order = report(world, by=world.owner.user)
    assert order.channel == "app"
    with pytest.raises(Http404):
        report(world, by=world.owner.user, room=world.room2)


def test_bad_intake_is_refused_field_by_field_and_writes_nothing(world):
    with pytest.raises(ValidationError) as err:
        services.repair_order_create(
            estate=world.estate, description=" ", contact_name="", contact_phone="123",
            channel="fax", by=world.agent.user,
        )  # fmt: skip
    assert {"description", "room", "contact_name", "contact_phone", "channel"} <= set(
        err.value.message_dict
    )
    assert not RepairOrder.objects.exists()


def test_outsider_cannot_report_in_another_estate(world):
    with pytest.raises(Http404):
        report(world, by=world.outsider.user)


def test_technician_and_resident_are_told_at_each_step(world):
    from wuye.notify.models import Message

    order = report(world, description="客厅墙面裂缝")
    services.repair_order_act(order=order, action="dispatch", by=world.agent.user,
                              assignee=world.tech.user)  # fmt: skip
    services.repair_order_act(order=order, action="accept", by=world.tech.user)
    services.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    services.repair_order_act(order=order, action="complete", by=world.tech.user,
                              attachments=[photo_of(world.tech.user)])  # fmt: skip
    sent = list(Message.objects.order_by("id").values_list("recipient__username", "template"))
    assert sent == [
        ("tech", "case_assigned"),
        ("owner", "repair_dispatched"),
        ("owner", "repair_arrived"),
        ("owner", "repair_completed"),
    ]
    assert "tech" in Message.objects.get(template="repair_dispatched").body


def test_a_refused_step_sends_nothing(world):
    from wuye.notify.models import Message

    order = report(world)
    with pytest.raises(PermissionDenied):
        services.repair_order_act(order=order, action="dispatch", by=world.tech.user,
                                  assignee=world.tech.user)  # fmt: skip
    assert not Message.objects.exists()
