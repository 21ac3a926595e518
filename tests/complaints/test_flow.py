"""Complaints through the service layer, with frozen time: intake, classification, assignment,
handling in working days (holidays, make-up days, a year the calendar package does not know),
major complaints, the reply rules, archive, reopen and the escalation of a late one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import make_staff
from wuye.complaints.models import CONTENT_MAX, Complaint, ComplaintSettings
from wuye.complaints.services import complaints as services
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.notify.models import Message
from wuye.workflow.choices import ClockState
from wuye.workflow.models import Holiday
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)  # a Thursday
    return time_machine


@pytest.fixture
def eng(world):
    return make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [world.estate])  # fmt: skip


def receive(world, content="1栋301室业主投诉电梯经常故障", by=None, **kwargs):
    kwargs.setdefault("room", world.room)
    kwargs.setdefault("type", "engineering_quality")
    kwargs.setdefault("channel", "phone")
    kwargs.setdefault("contact_phone", "13800138000")
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士",
        by=by or world.agent.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


def clocks(complaint) -> dict:
    return {c.rule: c for c in complaint.case.clocks.all()}


def status(complaint) -> str:
    complaint.case.refresh_from_db()
    return complaint.case.status


REPLY = ("王女士您好，给您带来不便，我们深表歉意。经工程部检修，已更换电梯门机板。"
         "改进措施：电梯维保频次提高至每10天一次。我们会尽力避免类似问题。")  # fmt: skip
RESOLVED = {"resolution": "更换电梯门机板", "measure": "电梯维保频次提高至每10天一次"}


# --- Intake and classification --------------------------------------------------------------------


def test_intake_records_content_contact_and_channel__COMPLAINT_05(world):
    c = receive(world)
    assert c.case.number == "TS-20261126-0001" and status(c) == "waiting_assign"
    assert (c.content, c.contact_name, c.contact_phone, c.channel) == (
        "1栋301室业主投诉电梯经常故障", "王女士", "13800138000", "phone")  # fmt: skip
    email = receive(world, channel="email", contact_email="wang@example.com")
    assert email.channel == "email"
    with pytest.raises(ValidationError) as err:
        receive(world, channel="email")
    assert "contact_email" in err.value.message_dict


@pytest.mark.parametrize("kind", ["service_attitude", "engineering_quality", "fees", "management"])
def test_the_manuals_types__COMPLAINT_02_COMPLAINT_06(world, kind):
    assert receive(world, type=kind).type == kind


def test_other_type_needs_its_words__COMPLAINT_06(world):
    with pytest.raises(ValidationError) as err:
        receive(world, type="other")
    assert "type_other" in err.value.message_dict
    c = receive(world, type="other", type_other="快递柜")
    assert c.type_label == "其他（快递柜）"


def test_urgency_is_general_or_urgent__COMPLAINT_07(world):
    assert set(clocks(receive(world))) == {"COMPLAINT-08", "COMPLAINT-09"}
    assert set(clocks(receive(world, urgency="urgent"))) == {"COMPLAINT-08", "COMPLAINT-10"}
    with pytest.raises(ValidationError):
        receive(world, urgency="very")


def test_content_has_a_sane_limit_and_bad_input_writes_nothing(world):
    with pytest.raises(ValidationError) as err:
        receive(world, content="很" * (CONTENT_MAX + 1))
    assert "5000" in err.value.message_dict["content"][0]
    with pytest.raises(ValidationError) as err:
        receive(world, content=" ", contact_phone="12", type="x")
    assert {"content", "contact_phone", "type"} <= set(err.value.message_dict)
    assert not Complaint.objects.exists()
    assert len(receive(world, content="很" * CONTENT_MAX).content) == CONTENT_MAX


def test_a_resident_complains_for_themselves_through_the_app(world):
    c = receive(world, by=world.owner.user)
    assert c.channel == "app" and c.complainant == world.owner
    with pytest.raises(Http404):
        receive(world, by=world.owner.user, room=world.room2)
    with pytest.raises(Http404):
        receive(world, by=world.outsider.user)


# --- Assignment and handling deadlines ----------------------------------------------------------


def test_assignment_within_one_hour_and_the_department_is_told__COMPLAINT_08(world, eng, frozen):
    c = receive(world)
    assert clocks(c)["COMPLAINT-08"].due_at == at("2026-11-26 11:00")
    frozen.move_to(at("2026-11-26 10:40"), tick=False)
    with pytest.raises(ValidationError):  # a department is required
        act(c, "assign", world.agent.user)
    with pytest.raises(ValidationError):  # the person must be of that department
        act(c, "assign", world.agent.user, data={"department": "engineering"},
            assignee=world.head.user)  # fmt: skip
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    c.refresh_from_db()
    assert c.department == "engineering" and c.assigned_at == at("2026-11-26 10:40")
    assert clocks(c)["COMPLAINT-08"].state == ClockState.MET
    assert Message.objects.filter(template="complaint_assigned", recipient=eng.user).exists()


def test_general_complaint_handled_within_3_working_days__COMPLAINT_09(world):
    c = receive(world)  # Thursday → Fri, Mon, Tue
    assert clocks(c)["COMPLAINT-09"].due_at == at("2026-12-01 23:59:59")


def test_urgent_complaint_handled_within_1_working_day__COMPLAINT_10(world):
    c = receive(world, content="家里漏水，楼上一直渗下来", urgency="urgent")
    assert clocks(c)["COMPLAINT-10"].due_at == at("2026-11-27 23:59:59")


def test_received_before_national_day_is_due_after_it__COMPLAINT_09(world, frozen):
    # 2026: 1–7 October off, Saturday 10 October a make-up working day.
    frozen.move_to(at("2026-09-30 16:00"), tick=False)
    c = receive(world)
    assert clocks(c)["COMPLAINT-09"].due_at == dt.datetime(
        2026, 10, 10, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )


def test_deadline_in_a_year_the_calendar_does_not_know__COMPLAINT_10(world, frozen):
    frozen.move_to(at("2026-12-31 15:00"), tick=False)
    # 2027 is not in the calendar package: only weekends are days off until it is entered.
    assert clocks(receive(world, urgency="urgent"))["COMPLAINT-10"].due_at == at(
        "2027-01-01 23:59:59"
    )
    # The State Council's 2027 schedule entered in the admin: New Year's Day is off.
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    assert clocks(receive(world, urgency="urgent"))["COMPLAINT-10"].due_at == at(
        "2027-01-04 23:59:59"
    )
    assert clocks(receive(world))["COMPLAINT-09"].due_at == at("2027-01-06 23:59:59")


def test_reclassifying_to_urgent_swaps_the_deadline__COMPLAINT_07(world):
    c = receive(world)
    act(c, "reclassify", world.agent.user, note="业主家中漏水", data={"urgency": "urgent"})
    cl = clocks(c)
    assert cl["COMPLAINT-09"].state == ClockState.CANCELLED
    assert cl["COMPLAINT-10"].due_at == at("2026-11-27 23:59:59")


# --- The whole loop ------------------------------------------------------------------------------


def test_general_complaint_through_every_step__COMPLAINT_01_COMPLAINT_04(world, eng, frozen):
    c = receive(world, contact_phone=world.owner.mobile)  # the owner, recognised by the mobile
    assert c.complainant == world.owner
    act(c, "assign", world.agent.user, data={"department": "engineering"}, assignee=eng.user)
    frozen.move_to(at("2026-11-27 09:00"), tick=False)
    act(c, "progress", eng.user, note="已联系电梯维保单位，明日检修")
    guard = make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])
    with pytest.raises(PermissionDenied):  # another department does not handle it
        act(c, "progress", guard.user, note="x")
    # COMPLAINT-11: customer service tracks it and may write the ledger's note of the day …
    act(c, "progress", world.head.user, note="已催办工程部，明日上午检修")
    with pytest.raises(PermissionDenied):  # … but the department resolves it
        act(c, "resolve", world.head.user, data=RESOLVED)
    frozen.move_to(at("2026-11-30 16:00"), tick=False)
    with pytest.raises(ValidationError):  # the result and the measure are both required
        act(c, "resolve", eng.user, data={"resolution": "已修好"})
    act(c, "resolve", eng.user, data=RESOLVED)
    assert status(c) == "waiting_reply"
    cl = clocks(c)
    assert cl["COMPLAINT-09"].state == ClockState.MET
    assert cl["COMPLAINT-12"].due_at == at("2026-12-01 16:00")  # reply within 24 hours
    frozen.move_to(at("2026-12-01 10:00"), tick=False)
    act(c, "reply", world.agent.user, data={"channel": "sms", "text": REPLY})
    assert status(c) == "replied" and clocks(c)["COMPLAINT-12"].state == ClockState.MET
    told = Message.objects.filter(template="complaint_replied", recipient=world.owner.user)
    assert {m.channel for m in told} == {"inbox", "sms"}  # the complainant has a login
    act(c, "rate", world.owner.user, data={"satisfaction": 4, "comment": "处理及时"})
    c.refresh_from_db()
    assert status(c) == "archived" and c.satisfaction == 4
    assert [e.action for e in c.case.events.all()] == [
        "created", "assign", "progress", "progress", "resolve", "reply", "rate"]  # fmt: skip


LAZY_REPLIES = (
    "已经修好了。",
    "非常抱歉给您带来不便。",
    "非常抱歉，改进措施见公告，我们一定解决。",
    # The template phrase alone: an apology and the word 改进措施, but no measure.
    "给您带来不便，我们深表歉意。我们将改进措施。",
    "非常抱歉。我们的改进措施：加强管理。",  # a measure, but not the one recorded
    "电梯维保频次提高至每10天一次。",  # the measure without an apology
)


@pytest.mark.parametrize("text", LAZY_REPLIES)
def test_a_lazy_reply_is_refused_and_nothing_changes__COMPLAINT_12_COMPLAINT_13(world, eng, text):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data=RESOLVED)
    with pytest.raises(ValidationError) as err:
        act(c, "reply", world.agent.user, data={"channel": "phone", "text": text})
    assert "text" in err.value.message_dict
    c.refresh_from_db()
    assert status(c) == "waiting_reply" and c.reply_text == "" and c.replied_at is None


@pytest.mark.parametrize(
    "text",
    [
        REPLY,
        # Other apology words; the measure quoted with other spacing and punctuation.
        "王女士，对不起，让您久等了。电梯已修复。今后 电梯维保频次提高至每10天一次！",
        "就此事向您致歉。我们已将电梯维保频次提高至每 10 天一次，欢迎监督。",
    ],
)
def test_a_reply_with_an_apology_and_the_recorded_measure_is_sent__COMPLAINT_13(world, eng, text):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data=RESOLVED)
    act(c, "reply", world.agent.user, data={"channel": "phone", "text": text})
    c.refresh_from_db()
    assert status(c) == "replied" and c.reply_text == text


@pytest.mark.parametrize("measure", ["我们将改进措施", "改进", "加强改进措施。", "会进一步完善"])
def test_a_measure_without_substance_is_refused_at_resolve__COMPLAINT_13(world, eng, measure):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    with pytest.raises(ValidationError) as err:
        act(c, "resolve", eng.user, data={"resolution": "已修复", "measure": measure})
    assert "具体的改进措施" in err.value.message_dict["measure"][0]
    c.refresh_from_db()
    assert status(c) == "handling" and c.measure == ""


def test_a_complaint_resolved_without_a_concrete_measure_cannot_be_replied__COMPLAINT_13(
    world, eng
):
    # A row from before the rule (measure written as a phrase): the desk is told to get one.
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data=RESOLVED)
    Complaint.objects.filter(pk=c.pk).update(measure="我们将改进措施")
    lazy = "给您带来不便，我们深表歉意。我们将改进措施。"
    with pytest.raises(ValidationError) as err:
        act(c, "reply", world.agent.user, data={"channel": "phone", "text": lazy})
    assert "改进措施不具体" in err.value.message_dict["text"][0]


def test_never_promise_it_will_definitely_be_solved__COMPLAINT_17(world, eng):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data=RESOLVED)
    c.refresh_from_db()
    problems = services.reply_check(REPLY.replace("尽力避免", "一定解决"), c)
    assert any("一定解决" in p for p in problems)
    assert services.reply_check(REPLY, c) == []


def test_a_major_complaint_needs_an_executives_approval__COMPLAINT_03(world, eng, frozen):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "mark_major", world.head.user, note="多次投诉，涉及安全")
    act(c, "resolve", eng.user, data=RESOLVED)
    assert status(c) == "waiting_approval"
    assert "COMPLAINT-12" not in clocks(c)  # the reply clock waits for the approval
    assert Message.objects.filter(template="complaint_approval", recipient=world.exec.user)
    with pytest.raises(PermissionDenied):
        act(c, "approve", world.head.user)
    act(c, "send_back", world.exec.user, note="请先确认维保单位的整改报告")
    assert status(c) == "handling"
    act(c, "resolve", eng.user, data=RESOLVED)
    frozen.move_to(at("2026-11-26 15:00"), tick=False)
    act(c, "approve", world.exec.user)
    assert status(c) == "waiting_reply"
    assert clocks(c)["COMPLAINT-12"].due_at == at("2026-11-27 15:00")


def test_a_late_complaint_warns_the_desk_and_head_then_becomes_major(world, eng, frozen):
    c = receive(world, urgency="urgent")  # due Fri 27 23:59:59
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    frozen.move_to(at("2026-11-27 20:00"), tick=False)
    sla_sweep()
    warned = set(Message.objects.filter(template="sla_warning").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert {"eng_head", "agent"} <= warned
    frozen.move_to(at("2026-11-28 00:00:01"), tick=False)
    sla_sweep()
    assert clocks(c)["COMPLAINT-10"].state == ClockState.BREACHED
    assert services.complaint_escalate_breached() == 1
    assert services.complaint_escalate_breached() == 0
    c.refresh_from_db()
    assert c.is_major and c.case.events.filter(action="escalate_major", role="system").exists()


def test_reopen_within_the_estates_days(world, eng, frozen):
    ComplaintSettings.objects.create(estate=world.estate, reopen_days=3)
    c = receive(world, by=world.owner.user)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data=RESOLVED)
    act(c, "reply", world.agent.user, data={"channel": "app", "text": REPLY})
    frozen.move_to(at("2026-11-28 10:00"), tick=False)
    act(c, "reopen", world.owner.user, note="电梯又坏了")
    again = Complaint.objects.get(reopened_from=c)
    assert status(c) == "archived" and status(again) == "waiting_assign"
    assert again.complainant == world.owner and "电梯又坏了" in again.content
    assert clocks(again)["COMPLAINT-09"].started_at == at("2026-11-28 10:00")
    other = receive(world, by=world.owner.user)
    act(other, "assign", world.agent.user, data={"department": "engineering"})
    act(other, "resolve", eng.user, data=RESOLVED)
    act(other, "reply", world.agent.user, data={"channel": "app", "text": REPLY})
    frozen.move_to(at("2026-12-01 10:01"), tick=False)
    with pytest.raises(Conflict):
        act(other, "reopen", world.owner.user, note="还是不行")


def test_a_complaint_links_to_its_repair_orders(world):
    from tests.repairs.helpers import report

    order = report(world, description="电梯门关不上", room=None,
                   public_area=_lobby(world), category="elevator")  # fmt: skip
    c = receive(world)
    act(c, "link_repair", world.agent.user, data={"repair_order": order.pk})
    assert list(c.repair_orders.all()) == [order]
    with pytest.raises(ValidationError):
        act(c, "link_repair", world.agent.user, data={"repair_order": 999999})


def _lobby(world):
    from wuye.core.models import PublicArea

    return PublicArea.objects.create(estate=world.estate, kind="elevator", name="1栋电梯")


def test_residents_see_only_their_own_and_never_internal_notes(world):
    from wuye.complaints.selectors import complaints as selectors
    from wuye.core.scoping import actor_for

    mine = receive(world, by=world.owner.user)
    receive(world)  # by the desk, for nobody's login
    act(mine, "comment", world.agent.user, note="该业主多次投诉", data={"internal": True})
    act(mine, "comment", world.agent.user, note="已安排专人跟进")
    owner = actor_for(world.owner.user)
    assert list(selectors.complaint_list(actor=owner)) == [mine]
    notes = [e.note for e in selectors.timeline_for(mine, owner) if e.action == "comment"]
    assert notes == ["已安排专人跟进"]
    with pytest.raises(Http404):
        act(mine, "comment", world.neighbour.user, note="看看")
