"""The takeover acceptance (接管验收, TAKEOVER-*) through the service layer, with frozen time: the
plan and its checklist, the on-site checks (elevators: three empty runs), defects and the
《整改通知书》 with its 15-working-day clock over 国庆 2026 and over a year the calendar package
does not know, escalation of an overdue defect, the confirmation only once every defect is
closed, the documents with warranty cards, the gate to move-in and the PDFs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import BuildingFactory, make_staff
from tests.images import photo_of
from tests.pdf_tools import needs_font, pdf_text
from wuye.core.choices import DepartmentKind, PublicAreaKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import PublicArea
from wuye.facilities import services as facilities
from wuye.facilities.models import Equipment
from wuye.handover.documents import takeover as pdf
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    CheckSystem,
    HandoverDocument,
    RectificationNotice,
    TakeoverDefect,
    TeamMember,
)
from wuye.handover.selectors import takeover_confirmed
from wuye.handover.services import takeover as services
from wuye.notify.models import Message
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Event, Holiday, HolidayKind
from wuye.workflow.services import case_act_routed, sla_sweep

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 23, 59, 59, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-09-21 09:00"), tick=False)
    return time_machine


@pytest.fixture
def tw(world):
    """The world with an engineering head, a guard, the project and an elevator of 1栋."""
    world.eng = make_staff(world.company, "eng", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                           [world.estate], name="王工")  # fmt: skip
    world.guard = make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER,
                             [world.estate], name="李保安")  # fmt: skip
    world.building = world.room.building
    world.lift = facilities.equipment_create(
        estate=world.estate, building=world.building, code="DT-1-01", name="1栋1号客梯",
        category="elevator", by=world.eng.user,
    )  # fmt: skip
    world.project = services.project_create(
        estate=world.estate, developer="阳光置业有限公司", contractor="华建集团",
        total_floor_area="56000.5", by=world.eng.user,
    )  # fmt: skip
    return world


def make_plan(w, **kwargs):
    kwargs.setdefault("team", [w.agent, w.tech, w.guard])
    return services.takeover_plan_create(
        project=w.project, standards="《建筑工程质量验收统一标准》", tools="验房仪、卷尺",
        planned_on=dt.date(2026, 9, 25), owner_representatives="业主代表 张三 13800000001",
        by=w.eng.user, **kwargs,
    )  # fmt: skip


def item_of(plan, system):
    return plan.items.filter(system=system).first()


def status(obj) -> str:
    obj.case.refresh_from_db()
    return obj.case.status


def check(w, item, result="passed", runs=0, **kwargs):
    user = kwargs.pop("by", w.tech.user)
    if result == "failed" and "attachments" not in kwargs:
        kwargs["attachments"] = [photo_of(user)]
    return services.check_item_record(item=item, result=result, elevator_runs_ok=runs, by=user,
                                      **kwargs)  # fmt: skip


def inspect_all(w, plan, failures=()):
    """Check every item: the named systems fail (with a photo), the rest pass."""
    services.takeover_plan_act(plan=plan, action="start_inspection", by=w.eng.user)
    for item in plan.items.all():
        if item.system in failures:
            check(w, item, "failed", description=f"{item.name}问题", runs=1)
        else:
            check(w, item, runs=3)


# --- The whole takeover -----------------------------------------------------------------------


@needs_font
def test_takeover_from_plan_to_signed_confirmation_with_two_defects__TAKEOVER_03_06_07_08(
    tw, frozen
):
    w = tw
    plan = make_plan(w)
    assert status(plan) == "preparing"
    inspect_all(w, plan, failures=(CheckSystem.WALL, CheckSystem.ELEVATOR))
    wall, lift = (TakeoverDefect.objects.get(item__system=s) for s in ("wall", "elevator"))
    assert status(wall) == status(lift) == "found"
    assert not takeover_confirmed(w.building)

    # TAKEOVER-06/07: the notice before 国庆, due 15 working days later.
    frozen.move_to(at("2026-09-30 10:00"), tick=False)
    notice = services.rectification_notice_issue(plan=plan, by=w.eng.user)
    assert notice.due_at == end_of(2026, 10, 27)
    assert notice.addressed_to == "阳光置业有限公司"
    assert set(notice.defects.all()) == {wall, lift}
    assert status(plan) == "rectifying"
    for defect in (wall, lift):
        assert status(defect) == "rectifying"
        assert defect.case.clocks.get().due_at == notice.due_at
    text = pdf_text(pdf.rectification_notice_pdf(notice))
    for words in ("整改通知书", "阳光置业有限公司", "2026年10月27日", "墙面问题", notice.number,
                  wall.case.number, "15个工作日"):  # fmt: skip
        assert words in text

    # TAKEOVER-08: no confirmation while a defect is open; nothing changes.
    events = Event.objects.filter(case=plan.case).count()
    with pytest.raises(Conflict) as err:
        services.takeover_confirm(plan=plan, property_signatory="王工",
                                  developer_signatory="赵经理", by=w.eng.user)  # fmt: skip
    assert wall.case.number in err.value.message and "不能签署接管验收确认书" in err.value.message
    plan.refresh_from_db()
    assert (status(plan), plan.confirmed_at, plan.property_signatory) == ("rectifying", None, "")
    assert Event.objects.filter(case=plan.case).count() == events

    # The wall: fixed, sent back once (the clock keeps running), fixed again, closed on time.
    frozen.move_to(at("2026-10-12 10:00"), tick=False)
    act = services.takeover_defect_act
    act(defect=wall, action="report_fixed", note="已修补裂缝", by=w.tech.user)
    act(defect=wall, action="reinspect_fail", note="修补处仍有裂纹", by=w.tech.user)
    clock = wall.case.clocks.get()
    assert (status(wall), clock.state, clock.stopped_at) == ("rectifying", ClockState.RUNNING, None)
    frozen.move_to(at("2026-10-15 10:00"), tick=False)
    act(defect=wall, action="report_fixed", note="重新批荡", by=w.tech.user)
    act(defect=wall, action="reinspect_pass", by=w.tech.user, attachments=[photo_of(w.tech.user)])
    assert status(wall) == "closed" and wall.case.clocks.get().state == ClockState.MET

    # The elevator: warned to the head of engineering, then breached up to the executives.
    clock = lift.case.clocks.get()
    frozen.move_to(clock.warn_at + dt.timedelta(minutes=1), tick=False)
    assert sla_sweep() == 1
    warned = set(Message.objects.filter(template="sla_warning").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert warned == {"eng"}
    frozen.move_to(at("2026-10-28 00:00"), tick=False)
    assert sla_sweep() == 1
    breached = set(Message.objects.filter(template="sla_breached").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert breached == {"eng", "exec"}  # not the head of customer service
    assert lift.case.clocks.get().state == ClockState.BREACHED
    assert lift.case.events.filter(action="sla_breached").exists()
    frozen.move_to(at("2026-11-02 10:00"), tick=False)
    act(defect=lift, action="report_fixed", note="更换导轨", by=w.tech.user)
    act(defect=lift, action="reinspect_pass", by=w.tech.user)
    assert status(lift) == "closed" and lift.case.clocks.get().state == ClockState.BREACHED

    # Signed by both sides, with the scan.
    frozen.move_to(at("2026-11-03 15:00"), tick=False)
    scan = photo_of(w.eng.user)
    services.takeover_confirm(plan=plan, property_signatory="王工", developer_signatory="赵经理",
                              scan=scan, by=w.eng.user)  # fmt: skip
    plan.refresh_from_db()
    assert status(plan) == "confirmed" and plan.confirmed_at == at("2026-11-03 15:00")
    assert (plan.property_signatory, plan.developer_signatory) == ("王工", "赵经理")
    scan.refresh_from_db()
    assert plan.confirmation_scan == scan and scan.event.action == "confirm"
    assert takeover_confirmed(w.building)  # TAKEOVER-15: move-in may start
    text = pdf_text(pdf.confirmation_pdf(plan))
    for words in ("接管验收确认书", "王工", "赵经理", "阳光置业有限公司", "2026年11月3日",
                  wall.case.number, "业主代表张三"):  # fmt: skip
        assert words in text

    # Documents (TAKEOVER-09/10), then the plan ends.
    with pytest.raises(Conflict):  # TAKEOVER-10: a warranty card is required
        services.takeover_plan_act(plan=plan, action="hand_over_documents", by=w.eng.user)
    services.handover_document_add(plan=plan, category="drawing", name="竣工图纸", copies=3,
                                   by=w.tech.user)  # fmt: skip
    services.handover_document_add(
        plan=plan, category="warranty", name="电梯保修卡", equipment=w.lift,
        warranty_from=dt.date(2026, 11, 1), warranty_until=dt.date(2028, 10, 31),
        warranty_unit="奥的斯电梯（中国）有限公司", by=w.tech.user,
    )  # fmt: skip
    services.takeover_plan_act(plan=plan, action="hand_over_documents", by=w.eng.user)
    assert status(plan) == "documented"
    text = pdf_text(pdf.documents_pdf(plan))
    for words in ("资料移交清单", "竣工图纸", "电梯保修卡", "2028-10-31", "奥的斯电梯"):
        assert words in text


# --- The plan (TAKEOVER-04/14/02) and its checklist (TAKEOVER-05/11/12/13) ----------------------


def test_plan_requires_invited_owner_representatives__TAKEOVER_14(tw):
    with pytest.raises(ValidationError) as err:
        services.takeover_plan_create(
            project=tw.project, standards="国标", tools="卷尺", planned_on=dt.date(2026, 9, 25),
            owner_representatives="  ", team=[tw.agent, tw.tech, tw.guard], by=tw.eng.user,
        )  # fmt: skip
    assert "owner_representatives" in err.value.message_dict
    assert not tw.project.plans.exists()


def test_plan_records_scope_standards_tools_and_team_of_three_departments__TAKEOVER_04_02(tw):
    with pytest.raises(ValidationError) as err:  # no one from order maintenance
        make_plan(tw, team=[tw.agent, tw.tech])
    assert "秩序" in err.value.message_dict["team"][0]
    with pytest.raises(ValidationError):  # staff of another estate
        make_plan(tw, team=[tw.agent, tw.tech, tw.guard, tw.outsider])
    plan = make_plan(tw)
    assert (plan.standards, plan.tools) == ("《建筑工程质量验收统一标准》", "验房仪、卷尺")
    assert plan.case.process == "takeover" and plan.case.number.startswith("JG-")
    roles = dict(TeamMember.objects.filter(project=tw.project, team="takeover")
                 .values_list("staff__name", "role"))  # fmt: skip
    assert roles == {"agent": "customer_service", "tech": "engineering", "李保安": "security"}
    with pytest.raises(Conflict):  # one open plan per scope
        make_plan(tw)


def test_default_checklist_covers_walls_floors_water_power_elevators_fire_public__TAKEOVER_05(tw):
    PublicArea.objects.create(estate=tw.estate, building=tw.building,
                              kind=PublicAreaKind.LOBBY, name="1栋大堂")  # fmt: skip
    BuildingFactory(estate=tw.estate, name="2栋")
    plan = make_plan(tw)
    items = list(plan.items.all())
    per_building = {(i.building.name if i.building else "", i.system) for i in items}
    for b in ("1栋", "2栋"):
        for system in ("structure", "wall", "floor", "water", "power", "fire"):
            assert (b, system) in per_building
    lifts = [i for i in items if i.system == "elevator"]
    assert [i.name for i in lifts] == ["电梯：1栋1号客梯"]  # one item per elevator
    assert "3次" in lifts[0].standard
    assert [i.name for i in items if i.system == "public"] == ["公共区域：1栋大堂"]


def test_a_building_plan_without_equipment_scope_checks_only_that_building(tw):
    other = BuildingFactory(estate=tw.estate, name="2栋")
    plan = make_plan(tw, building=other, scope_equipment=False, scope_public=False)
    assert {i.building_id for i in plan.items.all()} == {other.pk}
    assert not plan.items.filter(system__in=("elevator", "fire")).exists()


def test_checklist_is_editable_only_while_preparing(tw):
    plan = make_plan(tw)
    extra = services.check_item_add(plan=plan, system="elevator", name="货梯", standard="",
                                    building=tw.building, by=tw.eng.user)  # fmt: skip
    assert "3次" in extra.standard
    services.check_item_remove(item=item_of(plan, "floor"), by=tw.eng.user)
    assert not plan.items.filter(system="floor").exists()
    with pytest.raises(PermissionDenied):
        services.check_item_add(plan=plan, system="wall", name="外墙", standard="平整",
                                by=tw.tech.user)  # fmt: skip
    with pytest.raises(ValidationError):
        services.check_item_add(plan=plan, system="nope", name="", standard="x", by=tw.eng.user)
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    with pytest.raises(Conflict):
        services.check_item_add(plan=plan, system="wall", name="外墙", standard="平整",
                                by=tw.eng.user)  # fmt: skip
    with pytest.raises(Conflict):
        services.check_item_remove(item=extra, by=tw.eng.user)


# --- On-site checks ---------------------------------------------------------------------------


def test_elevator_passes_only_after_three_empty_runs__TAKEOVER_12(tw):
    plan = make_plan(tw)
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    lift = item_of(plan, "elevator")
    for runs in (0, 2):
        with pytest.raises(ValidationError) as err:
            check(tw, lift, "passed", runs=runs)
        assert "空载运行3次均无异常" in err.value.message_dict["elevator_runs_ok"][0]
    lift.refresh_from_db()
    assert lift.result == CheckResult.PENDING and lift.event is None
    check(tw, lift, "passed", runs=3, note="三次空载运行平稳")
    lift.refresh_from_db()
    assert (lift.result, lift.elevator_runs_ok, lift.checked_by) == ("passed", 3, tw.tech.user)
    assert lift.event.action == "check" and lift.event.data["elevator_runs_ok"] == 3


def test_a_failed_item_becomes_a_defect_with_its_photos_on_the_check_event__TAKEOVER_05(tw):
    plan = make_plan(tw)
    with pytest.raises(Conflict):  # not before the inspection starts
        check(tw, item_of(plan, "wall"), "passed")
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    wall = item_of(plan, "wall")
    with pytest.raises(ValidationError) as err:  # a failed item needs a description and a photo
        services.check_item_record(item=wall, result="failed", by=tw.tech.user)
    assert {"description", "photos"} <= set(err.value.message_dict)
    photo = photo_of(tw.tech.user)
    check(tw, wall, "failed", description="3层走廊墙面裂缝约50厘米", location="1栋3层走廊",
          attachments=[photo])  # fmt: skip
    defect = TakeoverDefect.objects.get()
    assert (defect.description, defect.location, defect.item) == (
        "3层走廊墙面裂缝约50厘米", "1栋3层走廊", wall)  # fmt: skip
    assert defect.case.process == "takeover_defect" and defect.case.status == "found"
    wall.refresh_from_db()
    photo.refresh_from_db()
    assert photo.event == wall.event and wall.event.case == plan.case
    with pytest.raises(Conflict):  # closed by re-inspection, not by checking it again
        check(tw, wall, "passed")


def test_only_the_takeover_team_records_checks__TAKEOVER_02(tw):
    plan = make_plan(tw, team=[tw.agent, tw.tech, tw.guard])
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    stranger = make_staff(tw.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                          [tw.estate])  # fmt: skip
    with pytest.raises(PermissionDenied):
        check(tw, item_of(plan, "wall"), by=stranger.user)
    with pytest.raises(Http404):
        check(tw, item_of(plan, "wall"), by=tw.outsider.user)
    with pytest.raises(PermissionDenied):  # a resident
        check(tw, item_of(plan, "wall"), by=tw.owner.user)
    check(tw, item_of(plan, "wall"), by=tw.guard.user)
    check(tw, item_of(plan, "floor"), by=tw.exec.user)  # a lead


# --- Deadlines (TAKEOVER-07) -------------------------------------------------------------------


def _notice_at(w, frozen, when: str):
    plan = make_plan(w)
    inspect_all(w, plan, failures=("wall",))
    frozen.move_to(at(when), tick=False)
    return services.rectification_notice_issue(plan=plan, by=w.eng.user)


def test_rectification_deadline_is_15_working_days_over_national_day_2026__TAKEOVER_07(tw, frozen):
    # Sep 30: Oct 1–7 off; Oct 8, 9, the make-up Saturday Oct 10, then Oct 12…16, 19…23, 26, 27.
    notice = _notice_at(tw, frozen, "2026-09-30 10:00")
    assert notice.due_at == end_of(2026, 10, 27)
    assert notice.due_at.astimezone(SH).isoformat() == "2026-10-27T23:59:59+08:00"


def test_rectification_deadline_a_week_before_national_day__TAKEOVER_07(tw, frozen):
    # Tue Sep 22: 23, 24, (中秋节 Fri Sep 25 off, then the weekend), 28, 29, 30,
    # Oct 8, 9, 10 (make-up), 12…16 (13), 19, 20.
    notice = _notice_at(tw, frozen, "2026-09-22 16:00")
    assert notice.due_at == end_of(2026, 10, 20)


def test_rectification_deadline_into_a_year_the_package_does_not_know__TAKEOVER_07(tw, frozen):
    # Thu Dec 31 2026; 2027 is unknown to chinese-calendar: weekends only (Jan 1 2027 a Friday).
    notice = _notice_at(tw, frozen, "2026-12-31 10:00")
    assert notice.due_at == end_of(2027, 1, 21)


def test_rectification_deadline_uses_the_holiday_rows_entered_for_2027__TAKEOVER_07(tw, frozen):
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    notice = _notice_at(tw, frozen, "2026-12-31 10:00")
    assert notice.due_at == end_of(2027, 1, 22)


def test_notice_needs_open_defects_and_a_lead__TAKEOVER_06(tw, frozen):
    plan = make_plan(tw)
    inspect_all(tw, plan, failures=("wall",))
    with pytest.raises(PermissionDenied):
        services.rectification_notice_issue(plan=plan, by=tw.tech.user)
    with pytest.raises(Http404):
        services.rectification_notice_issue(plan=plan, by=tw.outsider.user)
    notice = services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    assert notice.number.startswith(f"ZGTZ-{tw.estate.pk}-20260921-")
    with pytest.raises(Conflict):  # nothing left waiting for a notice
        services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    assert RectificationNotice.objects.count() == 1


# --- The generic case page and API go through these rules ----------------------------------------


def test_the_generic_case_route_keeps_the_takeover_rules__TAKEOVER_08(tw, frozen):
    plan = make_plan(tw)
    inspect_all(tw, plan, failures=("wall",))
    defect = TakeoverDefect.objects.get()
    with pytest.raises(Conflict):
        case_act_routed(
            case=plan.case,
            action="confirm",
            by=tw.eng.user,
            data={"property_signatory": "王工", "developer_signatory": "赵经理"},
        )
    case_act_routed(case=defect.case, action="notify", by=tw.eng.user)  # issues a notice
    defect.refresh_from_db()
    assert defect.notice is not None and defect.case.status == "rectifying"
    with pytest.raises(ValidationError):  # a check without its item
        case_act_routed(case=plan.case, action="check", by=tw.tech.user)


def test_confirmation_needs_every_item_checked_and_signatories__TAKEOVER_08(tw):
    plan = make_plan(tw)
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    check(tw, item_of(plan, "wall"))
    with pytest.raises(Conflict) as err:
        services.takeover_confirm(plan=plan, property_signatory="王工",
                                  developer_signatory="赵经理", by=tw.eng.user)  # fmt: skip
    assert "未完成" in err.value.message
    with pytest.raises(ValidationError) as err:
        services.takeover_confirm(plan=plan, property_signatory="", developer_signatory="",
                                  by=tw.eng.user)  # fmt: skip
    assert set(err.value.message_dict) == {"property_signatory", "developer_signatory"}
    for item in plan.items.filter(result="pending"):
        check(tw, item, runs=3)
    with pytest.raises(PermissionDenied):  # a technician does not sign for the company
        services.takeover_confirm(plan=plan, property_signatory="王工",
                                  developer_signatory="赵经理", by=tw.tech.user)  # fmt: skip
    services.takeover_confirm(plan=plan, property_signatory="王工", developer_signatory="赵经理",
                              by=tw.eng.user)  # fmt: skip
    assert status(plan) == "confirmed"


# --- Documents and warranty cards (TAKEOVER-09/10) ----------------------------------------------


@pytest.fixture
def confirmed(tw):
    plan = make_plan(tw)
    inspect_all(tw, plan)
    services.takeover_confirm(plan=plan, property_signatory="王工", developer_signatory="赵经理",
                              by=tw.eng.user)  # fmt: skip
    return plan


def test_documents_only_after_confirmation__TAKEOVER_03(tw):
    plan = make_plan(tw)
    with pytest.raises(Conflict):
        services.handover_document_add(plan=plan, category="drawing", name="竣工图纸",
                                       by=tw.tech.user)  # fmt: skip


def test_warranty_card_updates_the_equipment__TAKEOVER_10(tw, confirmed):
    with pytest.raises(ValidationError) as err:
        services.handover_document_add(plan=confirmed, category="warranty", name="电梯保修卡",
                                       by=tw.tech.user)  # fmt: skip
    assert {"equipment", "warranty_until", "warranty_unit"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError):  # the period backwards
        services.handover_document_add(
            plan=confirmed, category="warranty", name="电梯保修卡", equipment=tw.lift,
            warranty_from=dt.date(2028, 1, 1), warranty_until=dt.date(2027, 1, 1),
            warranty_unit="奥的斯", by=tw.tech.user,
        )  # fmt: skip
    assert not HandoverDocument.objects.exists()
    doc = services.handover_document_add(
        plan=confirmed, category="warranty", name="电梯保修卡", equipment=tw.lift,
        warranty_from=dt.date(2026, 10, 1), warranty_until=dt.date(2028, 9, 30),
        warranty_unit="奥的斯电梯（中国）有限公司", warranty_contact="400-800-0000",
        by=tw.tech.user,
    )  # fmt: skip
    tw.lift.refresh_from_db()
    assert (tw.lift.warranty_from, tw.lift.warranty_until, tw.lift.warranty_unit,
            tw.lift.warranty_contact) == (dt.date(2026, 10, 1), dt.date(2028, 9, 30),
                                          "奥的斯电梯（中国）有限公司", "400-800-0000")  # fmt: skip
    assert doc.equipment == tw.lift
    assert confirmed.case.events.filter(action="comment", data__document=doc.pk).exists()


def test_warranty_card_registers_new_equipment__TAKEOVER_10(tw, confirmed):
    services.handover_document_add(
        plan=confirmed, category="warranty", name="生活水泵保修卡",
        new_equipment={"code": "SB-01", "name": "生活水泵1号", "category": "water",
                       "location": "地下一层水泵房"},
        warranty_until=dt.date(2028, 12, 31), warranty_unit="格兰富水泵", by=tw.tech.user,
    )  # fmt: skip
    pump = Equipment.objects.get(code="SB-01")
    assert (pump.estate, pump.warranty_until, pump.warranty_unit) == (
        tw.estate, dt.date(2028, 12, 31), "格兰富水泵")  # fmt: skip
    with pytest.raises(ValidationError) as err:  # the same code again
        services.handover_document_add(
            plan=confirmed, category="warranty", name="保修卡",
            new_equipment={"code": "SB-01", "name": "另一台", "category": "water"},
            warranty_until=dt.date(2028, 12, 31), warranty_unit="格兰富", by=tw.tech.user,
        )  # fmt: skip
    assert "code" in err.value.message_dict
    with pytest.raises(PermissionDenied):  # the register is engineering's
        services.handover_document_add(
            plan=confirmed, category="warranty", name="保修卡", equipment=pump,
            warranty_until=dt.date(2029, 1, 1), warranty_unit="格兰富", by=tw.agent.user,
        )  # fmt: skip
    pump.refresh_from_db()
    assert pump.warranty_until == dt.date(2028, 12, 31)


def test_equipment_register_checks_scope_and_role(tw):
    with pytest.raises(PermissionDenied):
        facilities.equipment_create(estate=tw.estate, code="X1", name="泵", category="water",
                                    by=tw.agent.user)  # fmt: skip
    with pytest.raises(Http404):
        facilities.equipment_create(estate=tw.estate, code="X1", name="泵", category="water",
                                    by=tw.outsider.user)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        facilities.equipment_create(estate=tw.estate, code="", name="", category="rocket",
                                    building=tw.other_room.building, by=tw.tech.user)  # fmt: skip
    assert set(err.value.message_dict) == {"code", "name", "category", "building"}
    changed = facilities.equipment_update(equipment=tw.lift, location="1栋1单元",
                                          by=tw.tech.user)  # fmt: skip
    assert changed.location == "1栋1单元"


# --- The project -------------------------------------------------------------------------------


def test_one_project_per_estate_and_leads_only(tw):
    with pytest.raises(Conflict):
        services.project_create(estate=tw.estate, developer="另一家", by=tw.eng.user)
    with pytest.raises(PermissionDenied):
        services.project_create(estate=tw.estate, developer="x", by=tw.agent.user)
    with pytest.raises(Http404):
        services.project_create(estate=tw.other_estate, developer="x", by=tw.eng.user)
    with pytest.raises(ValidationError) as err:
        services.project_create(estate=tw.other_estate, developer=" ", total_floor_area="abc",
                                by=tw.exec.user)  # fmt: skip
    assert set(err.value.message_dict) == {"developer", "total_floor_area"}
    project = services.project_create(estate=tw.other_estate, developer="翠湖地产",
                                      by=tw.exec.user)  # fmt: skip
    assert project.estate == tw.other_estate and project.created_by == tw.exec.user


# --- The gate (TAKEOVER-15) --------------------------------------------------------------------


def test_move_in_allowed_per_building_follows_the_confirmation__TAKEOVER_15(tw):
    other = BuildingFactory(estate=tw.estate, name="2栋")
    plan = make_plan(tw, building=tw.building)
    assert services.move_in_allowed(tw.estate) == [(tw.building, False), (other, False)]
    inspect_all(tw, plan)
    services.takeover_confirm(plan=plan, property_signatory="王工", developer_signatory="赵经理",
                              by=tw.eng.user)  # fmt: skip
    assert services.move_in_allowed(tw.estate) == [(tw.building, True), (other, False)]
    assert takeover_confirmed(tw.building) and not takeover_confirmed(other)


def test_check_items_are_numbered_in_order(tw):
    plan = make_plan(tw)
    sorts = sorted(CheckItem.objects.filter(plan=plan).values_list("sort", flat=True))
    assert sorts == list(range(1, len(sorts) + 1))
