"""Bad input gets a clear error and writes nothing, everywhere (issue 12): every free text is
bounded, a number with more decimal places than its field stores is refused (never rounded), and
a date or a stay outside a sane range is a ValidationError, not an overflow or a huge fee. The
services are what the web forms and the API both call, so these are the rules of both."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_staff
from tests.images import photo_of
from tests.repairs.helpers import ARRIVAL
from wuye.billing import services as billing
from wuye.billing.models import (
    Bill,
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    CollectionContact,
    LedgerEntry,
    Payment,
    Rate,
    Refund,
)
from wuye.billing.services import parking
from wuye.billing.services.adjustments import bill_one_off
from wuye.complaints.models import Complaint
from wuye.complaints.services import complaints
from wuye.core import services as core
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Room
from wuye.core.validators import DATA_MAX_BYTES, NOTE_MAX, TEXT_MAX, exact_decimal
from wuye.facilities import services as facilities
from wuye.facilities.models import Equipment
from wuye.notify.models import Message, Notice
from wuye.notify.notices import notice_create
from wuye.repairs import services as repairs
from wuye.repairs.models import PriceItem, RepairCharge, RepairOrder
from wuye.residents import services as residents
from wuye.residents.models import MoveInBatch
from wuye.workflow.models import Case, Event

SH = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)  # a Thursday
    return time_machine


@pytest.fixture
def finance(world):
    return make_staff(
        world.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE, [world.estate]
    )


def snapshot(case: Case) -> tuple:
    """What an action could write: the case's status, its events, any outbox message."""
    case.refresh_from_db()
    return case.status, Event.objects.filter(case=case).count(), Message.objects.count()


def test_the_bounds_are_named_once():
    assert (NOTE_MAX, TEXT_MAX, DATA_MAX_BYTES) == (2000, 5000, 16 * 1024)


# --- Notes and data of every action (the engine) -----------------------------------------------


def repair(world) -> RepairOrder:
    return repairs.repair_order_create(
        estate=world.estate,
        room=world.room,
        description="卫生间水管漏水",
        contact_name="张先生",
        contact_phone="13800138000",
        channel="phone",
        category="plumbing",
        by=world.agent.user,
    )


def test_a_15_mb_note_on_a_repair_action_is_refused_and_writes_nothing(world):
    order = repair(world)
    before = snapshot(order.case)
    with pytest.raises(ValidationError) as refused:
        repairs.repair_order_act(
            order=order,
            action="dispatch",
            by=world.agent.user,
            assignee=world.tech.user,
            note="漏" * (5 * 1024 * 1024),
        )  # 15 MB of UTF-8
    assert refused.value.message_dict == {"note": ["说明不能超过 2000 个字"]}
    assert snapshot(order.case) == before
    order.refresh_from_db()
    assert order.dispatched_at is None and order.case.assignee_id is None


def test_a_long_note_on_a_complaint_action_is_refused_and_writes_nothing(world):
    complaint = complaints.complaint_create(
        estate=world.estate,
        room=world.room,
        content="电梯经常故障",
        contact_name="王女士",
        contact_phone="13800138000",
        channel="phone",
        type="engineering_quality",
        by=world.agent.user,
    )
    before = snapshot(complaint.case)
    with pytest.raises(ValidationError) as refused:
        complaints.complaint_act(
            complaint=complaint, action="comment", by=world.agent.user, note="吵" * 2001
        )
    assert refused.value.message_dict == {"note": ["说明不能超过 2000 个字"]}
    assert snapshot(complaint.case) == before


def test_17_kb_of_action_data_is_refused_and_writes_nothing(world):
    order = repair(world)
    before = snapshot(order.case)
    with pytest.raises(ValidationError) as refused:
        repairs.repair_order_act(
            order=order,
            action="comment",
            by=world.agent.user,
            note="备注",
            data={"extra": "x" * (17 * 1024)},
        )
    assert refused.value.message_dict == {"data": ["提交的数据不能超过 16 KB"]}
    assert snapshot(order.case) == before


# --- Free text of every family -----------------------------------------------------------------


def test_a_repair_description_over_2000_characters_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        repairs.repair_order_create(
            estate=world.estate,
            room=world.room,
            description="漏" * 2001,
            contact_name="张先生",
            contact_phone="13800138000",
            channel="phone",
            by=world.agent.user,
        )
    assert refused.value.message_dict == {"description": ["报修内容不能超过 2000 个字"]}
    assert not RepairOrder.objects.exists() and not Case.objects.exists()


def test_a_revisit_comment_is_refused_not_cut(world):
    order = repair(world)
    repairs.repair_order_act(
        order=order, action="dispatch", by=world.agent.user, assignee=world.tech.user
    )
    repairs.repair_order_act(order=order, action="accept", by=world.tech.user)
    repairs.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    repairs.repair_order_act(
        order=order,
        action="complete",
        by=world.tech.user,
        data={"diagnosis": "更换阀门"},
        attachments=[photo_of(world.tech.user)],
    )
    with pytest.raises(ValidationError) as refused:
        repairs.repair_order_act(
            order=order,
            action="revisit_early",
            by=world.agent.user,
            data={"satisfaction": 5, "comment": "好" * 1001},
        )
    assert refused.value.message_dict == {"comment": ["业主意见不能超过 1000 个字"]}
    order.refresh_from_db()
    assert order.satisfaction is None and order.revisit_comment == ""


def test_a_complaint_resolution_over_its_bound_is_refused(world):
    complaint = complaints.complaint_create(
        estate=world.estate,
        room=world.room,
        content="楼道灯不亮",
        contact_name="王女士",
        contact_phone="13800138000",
        channel="phone",
        type="engineering_quality",
        by=world.agent.user,
    )
    complaints.complaint_act(
        complaint=complaint,
        action="assign",
        by=world.agent.user,
        data={"department": DepartmentKind.CUSTOMER_SERVICE},
    )
    with pytest.raises(ValidationError) as refused:
        complaints.complaint_act(
            complaint=complaint,
            action="resolve",
            by=world.head.user,
            data={"resolution": "修" * 2001, "measure": "加强巡查"},
        )
    assert "resolution" in refused.value.message_dict
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.resolution == "" and complaint.resolved_at is None


def test_a_notice_body_over_5000_characters_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        notice_create(estate=world.estate, title="停水通知", body="停" * 5001, by=world.agent.user)
    assert refused.value.message_dict == {"body": ["正文不能超过 5000 个字"]}
    assert not Notice.objects.exists()


def test_a_move_in_batchs_documents_over_2000_characters_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        residents.batch_create(
            building=world.room.building,
            title="1栋第一批入住",
            starts_at=at("2026-12-30 09:00"),
            ends_at=at("2026-12-30 17:00"),
            place="会所",
            documents="证" * 2001,
            fees="物业费",
            by=world.agent.user,
        )
    assert refused.value.message_dict == {"documents": ["需携带资料不能超过 2000 个字"]}
    assert not MoveInBatch.objects.exists()


def test_a_refund_reason_is_refused_not_cut(world, finance):
    payment = billing.payment_record(
        room=world.room, amount="500.00", channel="cash", by=finance.user
    )
    with pytest.raises(ValidationError) as refused:
        billing.refund_request(payment=payment, amount="100", reason="退" * 201, by=finance.user)
    assert refused.value.message_dict == {"reason": ["原因不能超过 200 个字"]}
    assert not Refund.objects.exists()


# --- Decimals are refused, not rounded ---------------------------------------------------------


def test_a_three_decimal_area_is_refused_and_writes_nothing(world):
    rooms = Room.objects.count()
    with pytest.raises(ValidationError) as refused:
        core.room_create(
            building=world.room.building,
            unit=world.room.unit,
            number="999",
            floor=9,
            area="89.505",
            by=world.agent.user,
        )
    assert refused.value.message_dict == {"area": ["建筑面积最多两位小数"]}
    assert Room.objects.count() == rooms
    room = core.room_create(
        building=world.room.building,
        unit=world.room.unit,
        number="999",
        floor=9,
        area="89.50",
        by=world.agent.user,
    )
    assert room.area == D("89.50")


def test_a_three_decimal_amount_is_refused_and_writes_nothing(world, finance):
    with pytest.raises(ValidationError) as refused:
        billing.payment_record(room=world.room, amount="10.001", channel="cash", by=finance.user)
    assert "amount" in refused.value.message_dict
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_a_three_decimal_price_or_quantity_of_a_repair_is_refused(world):
    head = make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    with pytest.raises(ValidationError) as refused:
        repairs.price_item_save(
            estate=world.estate,
            name="更换水龙头",
            category="plumbing",
            unit="个",
            price="35.005",
            by=head.user,
        )
    assert refused.value.message_dict == {"price": ["单价最多两位小数"]}
    assert not PriceItem.objects.exists()
    item = repairs.price_item_save(
        estate=world.estate,
        name="更换水龙头",
        category="plumbing",
        unit="个",
        price="35.00",
        by=head.user,
    )
    order = repair(world)
    repairs.repair_order_act(
        order=order, action="dispatch", by=world.agent.user, assignee=world.tech.user
    )
    repairs.repair_order_act(order=order, action="accept", by=world.tech.user)
    repairs.repair_order_act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    before = snapshot(order.case)
    with pytest.raises(ValidationError) as refused:
        repairs.repair_order_act(
            order=order,
            action="complete",
            by=world.tech.user,
            data={"charges": [{"item": item.pk, "quantity": "1.005"}]},
        )
    assert refused.value.message_dict == {"charges": ["数量最多两位小数"]}
    assert snapshot(order.case) == before and not RepairCharge.objects.exists()


@pytest.mark.parametrize(
    ("typed", "places", "exact"),
    [("10", 2, "10.00"), ("10.5", 2, "10.50"), ("10.50", 2, "10.50"), ("2.5000", 4, "2.5000")],
)
def test_a_number_within_its_places_is_kept_as_typed(typed, places, exact):
    assert str(exact_decimal(typed, places=places, field="x", label="金额")) == exact


@pytest.mark.parametrize("typed", ["10.001", "1e-3", "NaN", "Infinity", "abc", "1e40"])
def test_a_number_beyond_its_places_or_not_a_number_is_refused(typed):
    with pytest.raises(ValidationError):
        exact_decimal(typed, places=2, field="amount", label="金额")


# --- Dates and durations -----------------------------------------------------------------------


@pytest.fixture
def rule(world, finance):
    return parking.parking_rule_set(
        estate=world.estate,
        free_minutes=15,
        per_hour="2.00",
        daily_cap="20.00",
        effective_from=dt.date(2026, 1, 1),
        by=finance.user,
    )


def test_an_8000_year_parking_stay_is_refused_not_charged(world, rule):
    with pytest.raises(ValidationError) as refused:
        parking.parking_fee(
            estate=world.estate, entered_at=at("1026-11-26 10:00"), left_at=at("9026-11-26 10:00")
        )
    assert set(refused.value.message_dict) == {"entered_at", "left_at"}
    with pytest.raises(ValidationError):  # the edge of the calendar: no OverflowError
        parking.parking_fee(
            estate=world.estate,
            entered_at=at("2026-11-26 10:00"),
            left_at=dt.datetime.max.replace(tzinfo=dt.UTC),
        )


def test_a_parking_stay_is_at_most_366_days(world, rule):
    fee = parking.parking_fee(
        estate=world.estate, entered_at=at("2026-01-01 10:00"), left_at=at("2027-01-02 10:00")
    )  # 366 days: 366 capped days
    assert fee == D("7320.00")
    with pytest.raises(ValidationError) as refused:
        parking.parking_fee(
            estate=world.estate, entered_at=at("2026-01-01 10:00"), left_at=at("2027-01-02 10:01")
        )
    assert refused.value.message_dict == {"left_at": ["停车时长不能超过 366 天，请到服务台核实"]}


def test_billing_dates_out_of_range_are_refused_and_write_nothing(world, finance):
    item = ChargeItem.objects.create(
        estate=world.estate, name="物业服务费", kind="property_fee", basis=ChargeBasis.PER_M2_MONTH
    )
    with pytest.raises(ValidationError) as refused:
        billing.rate_set(
            item=item, amount="2.50", effective_from=dt.date(9999, 1, 1), by=finance.user
        )
    assert refused.value.message_dict == {
        "effective_from": ["生效日期应在 1900-01-01 至 2100-12-31 之间"]
    }
    assert not Rate.objects.exists()
    with pytest.raises(ValidationError) as refused:
        billing.billing_run(
            estate=world.estate,
            period_start=dt.date(9999, 12, 1),
            period_end=dt.date(9999, 12, 31),
            due_date=dt.date(9999, 12, 31),
            by=finance.user,
        )
    assert set(refused.value.message_dict) == {"period_start", "period_end", "due_date"}
    with pytest.raises(ValidationError):
        billing.collection_contact_record(
            room=world.room,
            method="phone",
            result="承诺月底缴清",
            promised_on=dt.date(9999, 12, 31),
            by=finance.user,
        )
    assert not CollectionContact.objects.exists()
    deposit = ChargeItem.objects.create(
        estate=world.estate, name="装修押金", kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED
    )
    with pytest.raises(ValidationError) as refused:
        bill_one_off(
            room=world.room,
            item=deposit,
            amount="2000",
            due_date=dt.date(9999, 12, 31),
            by=finance.user,
        )
    assert list(refused.value.message_dict) == ["due_date"]
    assert not Bill.objects.exists()


def test_a_warranty_date_out_of_range_is_refused(world):
    head = make_staff(
        world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )
    lift = facilities.equipment_create(
        estate=world.estate, code="DT-1-01", name="1栋1号客梯", category="elevator", by=head.user
    )
    with pytest.raises(ValidationError) as refused:
        facilities.equipment_warranty_set(
            equipment=lift,
            warranty_until=dt.date(9999, 1, 1),
            warranty_unit="某电梯公司",
            by=head.user,
        )
    assert list(refused.value.message_dict) == ["warranty_until"]
    lift = Equipment.objects.get(pk=lift.pk)
    assert lift.warranty_until is None and lift.warranty_unit == ""
