"""Owner move-in (MOVEIN-*): batches and notices, one owner's move-in through its steps in
order, fees through billing, house defects on the working-day calendar, the revisit clock, the
takeover gate (TAKEOVER-15) and who may do what. Time is frozen (Asia/Shanghai)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from PIL import Image, ImageDraw

from tests.factories import OccupancyFactory, RoomFactory, make_staff
from tests.pdf_tools import pdf_text as read_pdf
from wuye.billing.models import Bill, BillStatus, ChargeBasis, ChargeItem, ChargeKind, Rate
from wuye.billing.services import payment_record
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Occupancy
from wuye.core.scoping import actor_for
from wuye.handover.models import HandoverProject, TakeoverPlan
from wuye.notify.models import Message
from wuye.residents import services
from wuye.residents.models import FollowUpTask, HouseDefect, MoveIn, MoveInBatch, MoveInNotice
from wuye.workflow import services as engine
from wuye.workflow.attachments import attachment_store_signature
from wuye.workflow.models import Case, Event

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def signature_png() -> str:
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line((10, 50, 290, 60), fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


# --- Fixtures shared with test_move_in_pages ----------------------------------------------------


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(at("2026-09-10 10:00"), tick=False)
    return time_machine


@pytest.fixture
def building(world):
    return world.room.building


def confirm_takeover(world, building) -> TakeoverPlan:
    """The building's takeover confirmed through the engine (TAKEOVER-15's gate opens)."""
    user = world.exec.user
    project = HandoverProject.objects.create(
        estate=world.estate, developer="阳光地产", created_at=dt.datetime.now(SH), created_by=user
    )
    case = engine.case_open(process="takeover", estate=world.estate, title="1栋接管验收", by=user)
    plan = TakeoverPlan.objects.create(
        project=project, building=building, case=case, standards="国家标准", tools="卷尺",
        planned_on=dt.date(2026, 9, 1), owner_representatives="王业主", created_by=user,
        created_at=dt.datetime.now(SH),
    )  # fmt: skip
    engine.case_act(case=case, action="start_inspection", by=user)
    signed = {"property_signatory": "李经理", "developer_signatory": "赵总"}
    engine.case_act(case=case, action="confirm", by=user, data=signed)
    return plan


@pytest.fixture
def confirmed(world, building):
    return confirm_takeover(world, building)


@pytest.fixture
def fees(world):
    """The estate's property fee (2.80 元/㎡·月) and decoration deposit (2,000 元)."""
    fee = ChargeItem.objects.create(
        estate=world.estate, name="物业服务费", kind=ChargeKind.PROPERTY_FEE,
        basis=ChargeBasis.PER_M2_MONTH,
    )  # fmt: skip
    Rate.objects.create(item=fee, amount=Decimal("2.80"), effective_from=dt.date(2026, 1, 1))
    deposit = ChargeItem.objects.create(
        estate=world.estate, name="装修押金", kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED
    )
    Rate.objects.create(item=deposit, amount=Decimal("2000.00"), effective_from=dt.date(2026, 1, 1))
    return fee, deposit


@pytest.fixture
def cashier(world):
    return make_staff(world.company, "cashier", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip


@pytest.fixture
def letter_owner(world, building):
    """A second owner of the building, without a login: told by letter only."""
    room = RoomFactory(unit=world.room.unit, number="303")
    return OccupancyFactory(room=room, relation=Relation.OWNER).resident


def new_batch(world, building, starts="2026-09-30 09:00", ends="2026-09-30 17:00", by=None):
    return services.batch_create(
        building=building, title="1栋第一批入住", starts_at=at(starts), ends_at=at(ends),
        place="会所一楼入住大厅", documents="身份证、购房合同", fees="半年物业费、装修押金",
        by=by or world.agent.user,
    )  # fmt: skip


@pytest.fixture
def notified(world, building, confirmed, frozen):
    batch = new_batch(world, building)
    services.batch_notify(batch=batch, by=world.agent.user)
    return batch


def owner_move_in(world, batch) -> MoveIn:
    return MoveIn.objects.get(batch=batch, resident=world.owner)


def act(move_in, action, user, **kwargs) -> MoveIn:
    return services.move_in_act(move_in=move_in, action=action, by=user, **kwargs)


def documents(world) -> dict:
    return {"id_number": world.owner.id_number, "contract_no": "GF-2026-0301"}


def up_to_fees_paid(world, move_in, cashier):
    act(move_in, "arrive", world.agent.user)
    act(move_in, "check_documents", world.agent.user, data=documents(world))
    move_in = services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    total = sum(b.amount for b in services.move_in_bills(move_in))
    payment_record(room=move_in.room, amount=total, channel="cash", by=cashier.user,
                   bills=move_in.bills)  # fmt: skip
    services.move_in_invoice_issue(move_in=move_in, numbers=[f"FP{move_in.pk:08d}"],
                                   by=cashier.user)  # fmt: skip
    return act(move_in, "pay_fees", world.agent.user)


def agreements(user) -> dict:
    first = attachment_store_signature(data_url=signature_png(), by=user)
    second = attachment_store_signature(data_url=signature_png(), by=user)
    return {"data": {"service_agreement": str(first.pk), "covenant": str(second.pk)},
            "attachments": [first, second]}  # fmt: skip


def pdf_text(content: bytes, tmp_path) -> str:
    return read_pdf(content, layout=True, spaces=True)  # the tools checked first (CI: must exist)


# --- The whole move-in ---------------------------------------------------------------------------


def test_move_in_from_notice_to_revisit__MOVEIN_02(
    world, building, confirmed, fees, cashier, letter_owner, frozen, tmp_path
):
    env_head = make_staff(world.company, "envhead", Role.DEPARTMENT_HEAD,
                          DepartmentKind.ENVIRONMENT, [world.estate])  # fmt: skip
    # MOVEIN-03: 20 days ahead, to every owner of the building (the tenant of 302 is not one).
    batch = new_batch(world, building)
    result = services.batch_notify(batch=batch, by=world.agent.user)
    assert (result.notified, result.by_app, result.letter_only) == (2, 1, 1)
    notice = MoveInNotice.objects.get(batch=batch, resident=world.owner)
    assert notice.channels == "letter,inbox,sms" and notice.sent_at == at("2026-09-10 10:00")
    assert MoveInNotice.objects.get(resident=letter_owner).channels == "letter"
    sent = Message.objects.filter(recipient=world.owner.user)
    assert sorted(sent.values_list("channel", flat=True)) == ["inbox", "sms"]
    told = sent.get(channel="inbox")
    assert told.template == "move_in_notice" and batch.place in told.body
    assert batch.building.name in told.subject
    assert "身份证、购房合同" in sent.first().body and "会所一楼入住大厅" in sent.first().body
    batch.refresh_from_db()
    assert batch.status == "notified"

    # The day: documents, fees through billing, paid at the cashier.
    frozen.move_to(at("2026-09-30 09:30"), tick=False)
    move_in = owner_move_in(world, batch)
    assert move_in.case.status == "notified"
    act(move_in, "arrive", world.agent.user)
    act(move_in, "check_documents", world.agent.user,
        data={**documents(world), "household": "李四（配偶）"})  # fmt: skip
    move_in = services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    bills = services.move_in_bills(move_in)
    # MOVEIN-05: half a year from the month of move-in (2026-09～2027-02): 89.50 × 2.80 × 6.
    assert [(b.item.name, b.amount) for b in bills] == [
        ("物业服务费", Decimal("1503.60")), ("装修押金", Decimal("2000.00"))]  # fmt: skip
    assert "2026-09～2027-02" in bills[0].description
    payment_record(room=move_in.room, amount=Decimal("3503.60"), channel="wechat",
                   by=cashier.user, bills=move_in.bills)  # fmt: skip
    assert all(b.status == BillStatus.PAID for b in services.move_in_bills(move_in))
    services.move_in_invoice_issue(move_in=move_in, numbers=["04403260001"], by=cashier.user)
    act(move_in, "pay_fees", world.agent.user)

    # House inspection on the engineer's phone, one defect (MOVEIN-06/07).
    frozen.move_to(at("2026-09-30 15:00"), tick=False)
    act(move_in, "inspect", world.tech.user,
        data={"defects": [{"location": "主卧", "description": "墙面空鼓"}]})  # fmt: skip
    defect = HouseDefect.objects.get(move_in=move_in)
    assert defect.case.clocks.get().due_at == at("2026-10-15 23:59:59")

    frozen.move_to(at("2026-09-30 16:00"), tick=False)
    act(move_in, "hand_keys", world.agent.user,
        data={"key_count": "3", "access_cards": "A001, A002", "usage_explained": "on"})  # fmt: skip
    act(move_in, "complete", world.agent.user, **agreements(world.agent.user))
    move_in.refresh_from_db()
    assert move_in.case.status == "completed"
    assert (move_in.key_count, move_in.access_cards) == (3, "A001、A002")
    assert move_in.service_agreement.event is not None and move_in.covenant_id
    # The owner was on the roster already: no second occupancy.
    assert Occupancy.objects.filter(room=move_in.room, resident=world.owner).count() == 1
    revisit = move_in.case.clocks.get(key="revisit")
    assert (revisit.rule, revisit.due_at) == ("MOVEIN-10", at("2026-10-03 23:59:59"))

    # MOVEIN-10, MOVEIN-11: the visit within 3 days; the need goes to the environment department.
    frozen.move_to(at("2026-10-02 10:00"), tick=False)
    act(move_in, "revisit", world.agent.user, data={
        "method": "phone", "satisfaction": "5",
        "needs": [{"need": "需要开荒保洁服务", "department": "environment"}]})  # fmt: skip
    move_in.refresh_from_db()
    assert move_in.case.status == "revisited" and move_in.satisfaction == 5
    assert move_in.case.clocks.get(key="revisit").state == "met"
    task = FollowUpTask.objects.get(move_in=move_in)
    assert (task.department, task.case.process, task.case.data["department"]) == (
        "environment", "move_in_need", "environment")  # fmt: skip
    assert Message.objects.filter(recipient=env_head.user, ref=task.case.number).exists()
    needs = services.follow_up_list(actor=actor_for(env_head.user),
                                    department="environment")  # fmt: skip
    assert list(needs) == [task]

    # The two printed forms, in Chinese (MOVEIN-04/06).
    from wuye.residents.documents.move_in import application_pdf, inspection_pdf

    text = pdf_text(application_pdf(move_in), tmp_path)
    assert "业主入住申请表" in text and "GF-2026-0301" in text and "李四（配偶）" in text
    text = pdf_text(inspection_pdf(move_in), tmp_path)
    assert "房屋验收记录表" in text and "墙面空鼓" in text and "2026-10-15" in text


def test_completion_creates_the_owner_occupancy_when_there_is_none__MOVEIN_10(
    world, notified, fees, cashier, frozen
):
    move_in = owner_move_in(world, notified)
    # The roster only had a fixed-term entry for the owner: completion records the occupancy.
    Occupancy.objects.filter(room=move_in.room, resident=world.owner).update(
        end_date=dt.date(2026, 12, 31)
    )
    frozen.move_to(at("2026-09-30 09:30"), tick=False)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    act(move_in, "hand_keys", world.agent.user,
        data={"key_count": 2, "access_cards": "B9", "usage_explained": True})  # fmt: skip
    act(move_in, "complete", world.agent.user, **agreements(world.agent.user))
    move_in.refresh_from_db()
    occupancy = move_in.occupancy
    assert (occupancy.relation, occupancy.start_date, occupancy.end_date) == (
        Relation.OWNER, dt.date(2026, 9, 30), None)  # fmt: skip


# --- The gate and the 7-day notice ---------------------------------------------------------------


def test_batch_before_takeover_confirmed_is_refused_and_nothing_changes__TAKEOVER_15(
    world, building, frozen
):
    with pytest.raises(ValidationError) as refused:
        new_batch(world, building)
    assert "接管验收" in str(refused.value.message_dict["building"])
    assert not MoveInBatch.objects.exists()
    # A takeover still under way does not open the gate either.
    plan = confirm_takeover(world, building)
    Case.objects.filter(pk=plan.case_id).update(status="rectifying")
    with pytest.raises(ValidationError):
        new_batch(world, building)
    assert not MoveInBatch.objects.exists()


def test_an_estate_wide_takeover_opens_every_building__TAKEOVER_15(world, building, frozen):
    plan = confirm_takeover(world, building)
    TakeoverPlan.objects.filter(pk=plan.pk).update(building=None)
    assert new_batch(world, building).pk


def test_batch_less_than_7_days_ahead_is_refused_with_a_clear_message__MOVEIN_03(
    world, building, confirmed, frozen
):
    # 2026-09-10: the latest start whose notice is still on time is 2026-09-17.
    with pytest.raises(ValidationError) as refused:
        new_batch(world, building, starts="2026-09-16 09:00", ends="2026-09-16 17:00")
    message = refused.value.message_dict["starts_at"][0]
    assert "至少提前 7 天" in message and "2026-09-09" in message and "2026-09-17" in message
    assert not MoveInBatch.objects.exists()
    assert new_batch(world, building, starts="2026-09-17 09:00", ends="2026-09-17 17:00").pk


def test_notices_refused_once_less_than_7_days_before_the_start__MOVEIN_03(
    world, building, confirmed, frozen
):
    batch = new_batch(world, building)  # starts 2026-09-30: notices by 2026-09-23
    frozen.move_to(at("2026-09-23 23:00"), tick=False)
    frozen.move_to(at("2026-09-24 08:00"), tick=False)
    with pytest.raises(Conflict) as refused:
        services.batch_notify(batch=batch, by=world.agent.user)
    assert "2026-09-23" in refused.value.message
    assert not MoveInNotice.objects.exists() and not MoveIn.objects.exists()
    assert not Message.objects.exists() and not Case.objects.filter(process="move_in").exists()
    batch.refresh_from_db()
    assert batch.status == "planned" and batch.notified_at is None


def test_notices_go_once_and_late_owners_are_told_on_time__MOVEIN_03(
    world, building, notified, letter_owner
):
    # letter_owner was registered after the first sending: only they are told now.
    result = services.batch_notify(batch=notified, by=world.agent.user)
    assert result.notified == 1
    assert MoveInNotice.objects.filter(batch=notified).count() == 2
    with pytest.raises(Conflict):
        services.batch_notify(batch=notified, by=world.agent.user)


# --- Steps in order and their inputs ------------------------------------------------------------


def test_steps_out_of_order_are_refused__MOVEIN_02(world, notified, frozen):
    move_in = owner_move_in(world, notified)
    events = Event.objects.filter(case=move_in.case).count()
    keys = {"key_count": 2, "access_cards": "A1", "usage_explained": True}
    visit = {"method": "phone", "satisfaction": 5}
    for action, data in (("check_documents", documents(world)), ("pay_fees", {}),
                         ("hand_keys", keys), ("complete", {}), ("revisit", visit)):  # fmt: skip
        with pytest.raises(Conflict) as refused:
            act(move_in, action, world.agent.user, data=data)
        assert "不能执行" in refused.value.message
    move_in.refresh_from_db()
    assert move_in.case.status == "notified" and move_in.id_number == ""
    assert Event.objects.filter(case=move_in.case).count() == events


def test_id_number_is_checked_with_its_check_digit__MOVEIN_04(world, notified):
    move_in = owner_move_in(world, notified)
    act(move_in, "arrive", world.agent.user)
    good = world.owner.id_number
    wrong_digit = good[:17] + ("0" if good[17] != "0" else "1")
    for id_number, expected in ((wrong_digit, "校验位"), ("11010119800101", "18 位"),
                                ("", "身份证号")):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            act(move_in, "check_documents", world.agent.user,
                data={"id_number": id_number, "contract_no": "GF-1"})  # fmt: skip
        assert expected in refused.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as refused:
        act(move_in, "check_documents", world.agent.user, data={"id_number": good})
    assert "contract_no" in refused.value.message_dict
    move_in.refresh_from_db()
    assert move_in.case.status == "arrived" and move_in.contract_no == ""


def test_id_number_must_match_the_owner_on_file__MOVEIN_13(world, notified):
    from tests.factories import make_id_number

    move_in = owner_move_in(world, notified)
    act(move_in, "arrive", world.agent.user)
    with pytest.raises(ValidationError) as refused:
        act(move_in, "check_documents", world.agent.user,
            data={"id_number": make_id_number(777), "contract_no": "GF-1"})  # fmt: skip
    assert "不一致" in refused.value.message_dict["id_number"][0]


def test_fees_must_be_raised_and_paid_before_the_step__MOVEIN_05(
    world, notified, fees, cashier, frozen
):
    move_in = owner_move_in(world, notified)
    act(move_in, "arrive", world.agent.user)
    with pytest.raises(Conflict):  # before the documents: no fees yet
        services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    act(move_in, "check_documents", world.agent.user, data=documents(world))
    with pytest.raises(Conflict) as refused:
        act(move_in, "pay_fees", world.agent.user)
    assert "生成入住费用账单" in refused.value.message
    move_in = services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    # Twice: the same bills, none doubled.
    services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    assert Bill.objects.filter(room=move_in.room).count() == 2
    # The half year is a periodic bill: the estate's runs of those months leave the room out.
    fee = Bill.objects.get(pk=move_in.bills[0])
    assert fee.source_ref == "" and (fee.period_end - fee.period_start).days > 150
    from wuye.billing.services import billing_run

    billing_run(estate=move_in.room.estate, period_start=fee.period_start.replace(month=12)
                if fee.period_start.month < 12 else fee.period_start,
                period_end=dt.date(fee.period_start.year, 12, 31),
                due_date=dt.date(fee.period_start.year, 12, 31), by=cashier.user)  # fmt: skip
    assert Bill.objects.filter(room=move_in.room).count() == 2
    payment_record(room=move_in.room, amount=Decimal("2000.00"), channel="cash",
                   by=cashier.user, bills=move_in.bills[1:])  # fmt: skip
    with pytest.raises(Conflict) as refused:
        act(move_in, "pay_fees", world.agent.user)
    assert "尚未缴清" in refused.value.message and "1,503.60" in refused.value.message
    move_in.refresh_from_db()
    assert move_in.case.status == "documents_checked"


def test_fees_paid_is_refused_until_the_invoice_is_issued__MOVEIN_05(
    world, notified, fees, cashier, frozen
):
    move_in = owner_move_in(world, notified)
    act(move_in, "arrive", world.agent.user)
    act(move_in, "check_documents", world.agent.user, data=documents(world))
    move_in = services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    # Paid in two goes: the property fee by WeChat, the deposit in cash.
    payment_record(room=move_in.room, amount=Decimal("1503.60"), channel="wechat",
                   by=cashier.user, bills=move_in.bills[:1])  # fmt: skip
    payment_record(room=move_in.room, amount=Decimal("2000.00"), channel="cash",
                   by=cashier.user, bills=move_in.bills[1:])  # fmt: skip
    events = Event.objects.filter(case=move_in.case).count()
    with pytest.raises(Conflict) as refused:
        act(move_in, "pay_fees", world.agent.user)
    assert "发票尚未开具" in refused.value.message and "3,503.60" in refused.value.message
    move_in.refresh_from_db()
    assert move_in.case.status == "documents_checked"
    assert Event.objects.filter(case=move_in.case).count() == events
    # The desk may not issue invoices (FEE-06: finance); one number per payment.
    with pytest.raises(PermissionDenied):
        services.move_in_invoice_issue(move_in=move_in, numbers=["04403260001", "04403260002"],
                                       by=world.agent.user)  # fmt: skip
    with pytest.raises(ValidationError) as bad:
        services.move_in_invoice_issue(move_in=move_in, numbers=["04403260001"],
                                       by=cashier.user)  # fmt: skip
    assert "2 张发票" in bad.value.message_dict["numbers"][0]
    issued = services.move_in_invoice_issue(
        move_in=move_in, numbers=["04403260001", "04403260002"], by=cashier.user
    )
    assert [(i.title, i.amount, i.status) for i in issued] == [
        (world.owner.name, Decimal("1503.60"), "issued"),
        (world.owner.name, Decimal("2000.00"), "issued"),
    ]
    act(move_in, "pay_fees", world.agent.user)
    move_in.refresh_from_db()
    assert move_in.case.status == "fees_paid"
    event = Event.objects.filter(case=move_in.case, action="pay_fees").get()
    assert event.data["invoices"] == ["04403260001", "04403260002"]  # recorded with the step
    with pytest.raises(Conflict):  # nothing left to invoice
        services.move_in_invoice_issue(move_in=move_in, numbers=["04403260003"],
                                       by=cashier.user)  # fmt: skip


def test_fees_refused_without_the_estates_rates__MOVEIN_05(world, notified):
    move_in = owner_move_in(world, notified)
    act(move_in, "arrive", world.agent.user)
    act(move_in, "check_documents", world.agent.user, data=documents(world))
    with pytest.raises(ValidationError) as refused:
        services.move_in_fees_raise(move_in=move_in, by=world.agent.user)
    assert "物业服务费" in " ".join(refused.value.message_dict["fees"])
    assert not Bill.objects.exists()


def test_house_defect_deadline_is_7_working_days_over_national_day__MOVEIN_07(
    world, notified, fees, cashier, frozen
):
    move_in = owner_move_in(world, notified)
    frozen.move_to(at("2026-09-30 09:30"), tick=False)
    up_to_fees_paid(world, move_in, cashier)
    # Inspected on the eve of 国庆: Oct 1–7 off, then 8, 9, 10 (make-up Saturday), 12–15.
    frozen.move_to(at("2026-09-30 15:00"), tick=False)
    found = [{"location": "客厅", "description": "窗户变形"},
             {"location": "厨房", "description": "墙面空鼓"}]  # fmt: skip
    act(move_in, "inspect", world.tech.user, data={"defects": found})
    defects = list(HouseDefect.objects.filter(move_in=move_in))
    assert len(defects) == 2
    for defect in defects:
        clock = defect.case.clocks.get()
        assert (clock.rule, clock.due_at) == ("MOVEIN-07", at("2026-10-15 23:59:59"))
    # Fixed on time: the clock is met; the other breaches and escalates.
    frozen.move_to(at("2026-10-15 18:00"), tick=False)
    services.house_defect_act(defect=defects[0], action="fix", by=world.tech.user,
                              note="已重新安装窗框")  # fmt: skip
    frozen.move_to(at("2026-10-16 09:00"), tick=False)
    engine.sla_sweep()
    assert defects[0].case.clocks.get().state == "met"
    late = defects[1].case.clocks.get()
    assert late.state == "breached"
    assert Event.objects.filter(case=defects[1].case, action="sla_breached").exists()


def test_a_defect_with_half_a_location_is_refused__MOVEIN_06(world, notified, fees, cashier):
    move_in = owner_move_in(world, notified)
    up_to_fees_paid(world, move_in, cashier)
    with pytest.raises(ValidationError) as refused:
        act(move_in, "inspect", world.tech.user, data={"defects": [{"location": "主卧"}]})
    assert "defects" in refused.value.message_dict
    assert not HouseDefect.objects.exists()


def test_keys_need_cards_and_the_usage_explained__MOVEIN_08(world, notified, fees, cashier):
    move_in = owner_move_in(world, notified)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    with pytest.raises(ValidationError) as refused:
        act(move_in, "hand_keys", world.agent.user, data={"key_count": "0", "access_cards": ""})
    assert set(refused.value.message_dict) == {"key_count", "access_cards", "usage_explained"}
    move_in.refresh_from_db()
    assert move_in.case.status == "inspected"


def test_completion_needs_both_agreements_signed__MOVEIN_09(world, notified, fees, cashier):
    move_in = owner_move_in(world, notified)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    act(move_in, "hand_keys", world.agent.user,
        data={"key_count": 2, "access_cards": "A1", "usage_explained": True})  # fmt: skip
    one = attachment_store_signature(data_url=signature_png(), by=world.agent.user)
    with pytest.raises(ValidationError) as refused:
        act(move_in, "complete", world.agent.user,
            data={"service_agreement": str(one.pk)}, attachments=[one])  # fmt: skip
    assert set(refused.value.message_dict) == {"covenant"}
    move_in.refresh_from_db()
    assert move_in.case.status == "keys_handed"


# --- The revisit clock ---------------------------------------------------------------------------


def test_revisit_breach_escalates_to_customer_service__MOVEIN_10(
    world, notified, fees, cashier, frozen
):
    move_in = owner_move_in(world, notified)
    frozen.move_to(at("2026-09-30 09:30"), tick=False)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    act(move_in, "hand_keys", world.agent.user,
        data={"key_count": 2, "access_cards": "A1", "usage_explained": True})  # fmt: skip
    frozen.move_to(at("2026-09-30 16:00"), tick=False)
    act(move_in, "complete", world.agent.user, **agreements(world.agent.user))
    frozen.move_to(at("2026-10-04 00:00:30"), tick=False)
    engine.sla_sweep()
    clock = move_in.case.clocks.get(key="revisit")
    assert clock.state == "breached" and clock.due_at == at("2026-10-03 23:59:59")
    told = set(Message.objects.filter(template="sla_breached").values_list("recipient__username",
                                                                           flat=True))  # fmt: skip
    assert {"agent", "head"} <= told
    # A late visit is still recorded; the clock stays breached.
    act(move_in, "revisit", world.agent.user, data={"method": "visit", "satisfaction": 4})
    assert move_in.case.clocks.get(key="revisit").state == "breached"


def test_revisit_needs_a_method_and_a_score__MOVEIN_10(world, notified, fees, cashier):
    move_in = owner_move_in(world, notified)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    act(move_in, "hand_keys", world.agent.user,
        data={"key_count": 2, "access_cards": "A1", "usage_explained": True})  # fmt: skip
    act(move_in, "complete", world.agent.user, **agreements(world.agent.user))
    with pytest.raises(ValidationError) as refused:
        act(move_in, "revisit", world.agent.user, data={
            "method": "email", "satisfaction": "9", "needs": [{"need": "保洁"}]})  # fmt: skip
    assert set(refused.value.message_dict) == {"method", "satisfaction", "needs"}
    assert not FollowUpTask.objects.exists()


# --- Permissions --------------------------------------------------------------------------------


def test_only_the_desk_creates_batches_and_sends_notices__MOVEIN_01(
    world, building, confirmed, frozen
):
    with pytest.raises(PermissionDenied):
        new_batch(world, building, by=world.tech.user)
    with pytest.raises(Http404):
        new_batch(world, building, by=world.outsider.user)
    batch = new_batch(world, building, by=world.head.user)
    with pytest.raises(PermissionDenied):
        services.batch_notify(batch=batch, by=world.tech.user)
    with pytest.raises(Http404):
        services.batch_notify(batch=batch, by=world.outsider.user)
    assert not MoveInNotice.objects.exists()


def test_engineers_inspect_and_the_desk_hands_keys__MOVEIN_01(world, notified, fees, cashier):
    move_in = owner_move_in(world, notified)
    with pytest.raises(PermissionDenied):
        act(move_in, "arrive", world.tech.user)
    up_to_fees_paid(world, move_in, cashier)
    act(move_in, "inspect", world.tech.user)
    with pytest.raises(PermissionDenied):
        act(move_in, "hand_keys", world.tech.user,
            data={"key_count": 2, "access_cards": "A1", "usage_explained": True})  # fmt: skip
    with pytest.raises(Http404):
        act(move_in, "hand_keys", world.outsider.user)
    with pytest.raises(Http404):
        act(move_in, "hand_keys", world.owner.user)
    with pytest.raises(PermissionDenied):  # fees are raised by the desk, not by engineering
        services.move_in_fees_raise(move_in=move_in, by=world.tech.user)


# --- The order department's vehicle guidance (MOVEIN-01) -----------------------------------------


def test_notices_ask_the_order_department_to_guide_vehicles__MOVEIN_01(
    world, building, confirmed, letter_owner, frozen
):
    order_head = make_staff(world.company, "order_head", Role.DEPARTMENT_HEAD,
                            DepartmentKind.ORDER, [world.estate])  # fmt: skip
    batch = new_batch(world, building)
    assert services.vehicle_guidance_case(batch) is None  # nothing before the notices go out
    services.batch_notify(batch=batch, by=world.agent.user)
    case = services.vehicle_guidance_case(batch)
    assert case is not None and case.status == "open"
    assert case.data["department"] == "order"  # 秩序部, not the desk
    assert "车辆引导" in case.title and batch.place in case.title
    assert "2026-09-30 09:00" in case.title
    told = Message.objects.filter(template="move_in_guidance", recipient=order_head.user)
    assert told.count() == 1 and "车辆引导" in told.get().body
    # A later notice to owners added since does not ask twice.
    RoomFactory(unit=world.room.unit, number="305")
    OccupancyFactory(room=world.room.unit.rooms.get(number="305"), relation=Relation.OWNER)
    services.batch_notify(batch=batch, by=world.agent.user)
    assert Case.objects.filter(process="move_in_need", data__batch=batch.pk).count() == 1
    # The order department closes it like any of its tasks; the batch page shows where it is.
    engine.case_act(case=case, action="done", by=order_head.user, note="已安排2名秩序员引导")
    case.refresh_from_db()
    assert case.status == "done"


def test_the_batch_page_shows_the_vehicle_guidance__MOVEIN_01(
    world, building, confirmed, frozen, login
):
    from django.urls import reverse

    batch = new_batch(world, building)
    client = login("agent")
    page = client.get(reverse("residents:batch", args=[batch.pk])).content.decode()
    assert "秩序部车辆引导" in page and "自动通知秩序部" in page
    services.batch_notify(batch=batch, by=world.agent.user)
    case = services.vehicle_guidance_case(batch)
    page = client.get(reverse("residents:batch", args=[batch.pk])).content.decode()
    assert case.number in page and "待处理" in page
