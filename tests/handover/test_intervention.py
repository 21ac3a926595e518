"""Pre-intervention (前期介入, INTAKE-*) through its services, with frozen time: the steps in order,
the agreement and the team before the design review, written suggestions tracked to an answer,
concealed works with photos, the inspection interval, weekly meeting gaps, the report."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import BuildingFactory, RoomFactory, UnitFactory, make_staff
from tests.images import photo_of
from tests.pdf_tools import needs_font, pdf_text
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.facilities.models import Equipment
from wuye.handover.documents.intervention_report import (
    intervention_report_pdf,
    suggestion_letter_pdf,
)
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SiteInspection,
    SuggestionStatus,
    TeamMember,
    WeeklyMeeting,
)
from wuye.handover.processes import intervention_page
from wuye.handover.services import intervention as svc
from wuye.notify.models import Message
from wuye.workflow.models import Attachment, Event
from wuye.workflow.services import case_act_routed

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    # Monday 2 March 2026.
    time_machine.move_to(at("2026-03-02 10:00"), tick=False)
    return time_machine


@pytest.fixture
def people(world):
    """The engineering head leads; the desk agent (客服), the technician (工程) and a guard
    (秩序) make up the team."""
    world.lead = make_staff(
        world.company,
        "enghead",
        Role.DEPARTMENT_HEAD,
        DepartmentKind.ENGINEERING,
        [world.estate],
        name="王工",
    )
    world.guard = make_staff(
        world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate], name="李保安"
    )
    return world


@pytest.fixture
def project(people):
    from wuye.handover.services.takeover import project_create

    project = project_create(
        estate=people.estate,
        developer="阳光置业有限公司",
        design_unit="华东建筑设计院",
        total_floor_area="56000.00",
        by=people.lead.user,
    )
    svc.intervention_start(project, people.lead.user)
    project.refresh_from_db()
    return project


def ready(w, project):
    """Liaison done: the agreement and a full team (INTAKE-02/04)."""
    svc.agreement_record(
        project=project,
        signed_on=dt.date(2026, 3, 1),
        scope="规划设计评审至竣工验收",
        duties="甲方提供图纸，乙方提出书面建议",
        by=w.lead.user,
    )
    svc.team_member_add(project=project, staff=w.agent, role="customer_service", by=w.lead.user)
    svc.team_member_add(project=project, staff=w.tech, role="engineering", by=w.lead.user)
    svc.team_member_add(project=project, staff=w.guard, role="security", by=w.lead.user)


def act(w, project, action, **kwargs):
    project.refresh_from_db()
    return svc.intervention_act(project=project, action=action, by=w.lead.user, **kwargs)


def status(project) -> str:
    project.refresh_from_db()
    return project.intervention_case.status


REVIEW = (  # INTAKE-05: premises, supporting facilities, concealed works
    ("premises", "物业服务用房移至一楼", "物业服务用房位于地下一层，建议调整至一楼临街位置。"),
    ("elevator", "9栋增设一部无障碍电梯", "每单元仅一部电梯，建议增设一部可容纳担架的电梯。"),
    ("concealed", "管道封闭前通知物业验看", "给排水管道封闭前通知物业到场拍照留档。"),
)


def review(w, project):
    """The design review's written suggestions on each area of INTAKE-05."""
    for topic, title, content in REVIEW:
        svc.suggestion_submit(project=project, topic=topic, title=title, content=content,
                              by=w.tech.user)  # fmt: skip


def completion_checked(w, project):
    """INTAKE-07: the completion acceptance checked the premises and the equipment."""
    project.refresh_from_db()
    svc.inspection_record(
        project=project, inspected_on=svc.local_today(project), location="物业用房、电梯机房",
        findings="物业用房水电到位；电梯、消防设施安装完好", checks=["premises", "equipment"],
        by=w.tech.user,
    )  # fmt: skip


def to_construction(w, project, frozen):
    ready(w, project)
    act(w, project, "start_design_review")
    review(w, project)
    act(w, project, "start_construction")


# --- Stage (INTAKE-03) ----------------------------------------------------------------------------


def test_the_steps_run_in_order__INTAKE_03(people, project, frozen):
    w = people
    assert status(project) == "liaison"
    ready(w, project)
    with pytest.raises(Conflict, match="须按顺序"):
        act(w, project, "start_construction")
    with pytest.raises(Conflict):
        act(w, project, "submit_report")
    frozen.move_to(at("2026-03-10 09:00"))
    act(w, project, "start_design_review")
    with pytest.raises(Conflict):
        act(w, project, "start_summary")
    frozen.move_to(at("2026-04-01 09:00"))
    review(w, project)
    act(w, project, "start_construction")
    frozen.move_to(at("2026-09-01 09:00"))
    act(w, project, "start_completion")
    frozen.move_to(at("2026-10-12 09:00"))
    completion_checked(w, project)
    act(w, project, "start_summary")
    with pytest.raises(Conflict):
        act(w, project, "start_design_review")
    frozen.move_to(at("2026-10-20 09:00"))
    act(w, project, "submit_report")
    assert status(project) == "closed"
    steps = {s["code"]: s for s in svc.step_timeline(project)}
    assert [s["on"] for s in svc.step_timeline(project)] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 10),
        dt.date(2026, 4, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 20),
    ]
    assert all(s["state"] == "done" for s in steps.values())


def test_the_current_step_is_shown_with_the_ones_to_come__INTAKE_03(people, project):
    ready(people, project)
    act(people, project, "start_design_review")
    states = [(s["code"], s["state"]) for s in svc.step_timeline(project)]
    assert states == [
        ("liaison", "done"),
        ("design_review", "current"),
        ("construction", "todo"),
        ("completion", "todo"),
        ("summary", "todo"),
        ("closed", "todo"),
    ]


def test_a_project_is_started_once_by_a_lead(people, project):
    with pytest.raises(Conflict):
        svc.intervention_start(project, people.lead.user)
    other = HandoverProject.objects.create(
        estate=people.other_estate,
        developer="翠湖置业",
        created_at=project.created_at,
        created_by=people.lead.user,
    )
    with pytest.raises(Http404):
        svc.intervention_start(other, people.lead.user)  # not the lead's estate
    third = HandoverProject.objects.get(pk=project.pk)
    with pytest.raises(PermissionDenied):
        svc.intervention_start(third, people.agent.user)


# --- Agreement and team (INTAKE-02/04) ------------------------------------------------------------


def test_design_review_is_refused_until_the_agreement_is_recorded__INTAKE_04(people, project):
    w = people
    for member, role in (
        (w.agent, "customer_service"),
        (w.tech, "engineering"),
        (w.guard, "security"),
    ):
        svc.team_member_add(project=project, staff=member, role=role, by=w.lead.user)
    events = Event.objects.count()
    with pytest.raises(Conflict, match="前期介入协议"):
        act(w, project, "start_design_review")
    assert status(project) == "liaison"
    assert Event.objects.count() == events
    svc.agreement_record(
        project=project, signed_on="2026-03-01", scope="全过程", duties="双方职责", by=w.lead.user
    )
    act(w, project, "start_design_review")
    assert status(project) == "design_review"


def test_design_review_is_refused_until_the_team_has_all_three_parts__INTAKE_02(people, project):
    w = people
    svc.agreement_record(
        project=project, signed_on="2026-03-01", scope="全过程", duties="双方职责", by=w.lead.user
    )
    svc.team_member_add(project=project, staff=w.agent, role="customer_service", by=w.lead.user)
    with pytest.raises(Conflict, match="工程、秩序"):
        act(w, project, "start_design_review")
    svc.team_member_add(project=project, staff=w.tech, role="engineering", by=w.lead.user)
    svc.team_member_add(project=project, staff=w.guard, role="security", by=w.lead.user)
    act(w, project, "start_design_review")
    assert status(project) == "design_review"


def test_a_team_member_comes_from_the_department_of_the_part__INTAKE_02(people, project):
    w = people
    with pytest.raises(ValidationError) as error:
        svc.team_member_add(project=project, staff=w.agent, role="engineering", by=w.lead.user)
    assert "staff" in error.value.message_dict
    with pytest.raises(ValidationError):  # not staff of this estate
        svc.team_member_add(
            project=project, staff=w.outsider, role="customer_service", by=w.lead.user
        )
    with pytest.raises(PermissionDenied):  # only a lead forms the team
        svc.team_member_add(
            project=project, staff=w.agent, role="customer_service", by=w.agent.user
        )
    assert not TeamMember.objects.exists()


def test_the_agreement_keeps_its_scan_on_the_case__INTAKE_04(people, project):
    w = people
    scan = photo_of(w.lead.user)
    agreement = svc.agreement_record(
        project=project,
        signed_on=dt.date(2026, 2, 27),
        scope="规划设计评审、施工跟进",
        duties="甲乙双方职责",
        attachments=[scan],
        by=w.lead.user,
    )
    scan.refresh_from_db()
    assert agreement.attachment == scan
    assert scan.event is not None and scan.event.case_id == project.intervention_case_id


def test_bad_agreements_change_nothing__INTAKE_04(people, project):
    w = people
    for kwargs, field in (
        ({"signed_on": "2026-03-03", "scope": "全过程", "duties": "职责"}, "signed_on"),
        ({"signed_on": "not a date", "scope": "全过程", "duties": "职责"}, "signed_on"),
        ({"signed_on": "2026-03-01", "scope": "  ", "duties": "职责"}, "scope"),
        ({"signed_on": "2026-03-01", "scope": "全过程", "duties": ""}, "duties"),
    ):
        with pytest.raises(ValidationError) as error:
            svc.agreement_record(project=project, by=w.lead.user, **kwargs)
        assert field in error.value.message_dict
    with pytest.raises(PermissionDenied):
        svc.agreement_record(
            project=project, signed_on="2026-03-01", scope="全过程", duties="职责", by=w.agent.user
        )
    assert not InterventionAgreement.objects.exists()


# --- Suggestions (INTAKE-13) ----------------------------------------------------------------------


def test_a_written_suggestion_is_tracked_until_the_developer_answers__INTAKE_13(
    people, project, frozen
):
    w = people
    ready(w, project)
    act(w, project, "start_design_review")
    s = svc.suggestion_submit(
        project=project,
        topic="premises",
        title="物业用房面积",
        content="物业用房应不少于总建筑面积的 3‰，并设于一层",
        by=w.agent.user,
    )
    second = svc.suggestion_submit(
        project=project,
        topic="elevator",
        title="2栋电梯",
        content="2栋每单元增设一部电梯",
        by=w.tech.user,
    )
    assert (s.number, second.number) == ("JY-YG-2026-001", "JY-YG-2026-002")
    assert s.status == SuggestionStatus.SUBMITTED
    assert list(svc.suggestion_list(project, status="open")) == [second, s]
    assert list(svc.suggestion_list(project, topic="elevator")) == [second]
    frozen.move_to(at("2026-03-09 15:00"))
    svc.suggestion_answer(
        suggestion=s, outcome="adopted", answer="同意，调整至一层南侧", by=w.agent.user
    )
    s.refresh_from_db()
    assert (s.status, s.developer_answer) == ("adopted", "同意，调整至一层南侧")
    assert s.answered_at == at("2026-03-09 15:00")
    assert list(svc.suggestion_list(project, status="open")) == [second]
    with pytest.raises(Conflict, match="已登记答复"):
        svc.suggestion_answer(suggestion=s, outcome="rejected", answer="改主意", by=w.agent.user)
    actions = list(project.intervention_case.events.values_list("action", flat=True))
    assert actions.count("suggest") == 2 and actions.count("answer") == 1
    assert [p["text"] for p in svc.open_points(project)] == ["JY-YG-2026-002 2栋电梯"]


def test_a_suggestion_without_its_writing_is_refused_and_changes_nothing__INTAKE_13(
    people, project
):
    w = people
    events = Event.objects.count()
    for kwargs, field in (
        ({"topic": "premises", "title": "物业用房", "content": "  "}, "content"),
        ({"topic": "premises", "title": "", "content": "内容"}, "title"),
        ({"topic": "nonsense", "title": "标题", "content": "内容"}, "topic"),
        (
            {"topic": "premises", "title": "标题", "content": "内容", "submitted_on": "2026-03-05"},
            "submitted_on",
        ),
    ):
        with pytest.raises(ValidationError) as error:
            svc.suggestion_submit(project=project, by=w.agent.user, **kwargs)
        assert field in error.value.message_dict
    s = svc.suggestion_submit(
        project=project,
        topic="parking",
        title="车位",
        content="增加充电桩",
        number="函2026-01",
        by=w.agent.user,
    )
    with pytest.raises(ValidationError, match="已被使用"):
        svc.suggestion_submit(
            project=project,
            topic="parking",
            title="车位",
            content="再提",
            number="函2026-01",
            by=w.agent.user,
        )
    with pytest.raises(ValidationError):  # adopted or rejected, nothing else
        svc.suggestion_answer(suggestion=s, outcome="submitted", answer="收到", by=w.agent.user)
    with pytest.raises(ValidationError):  # the answer itself is written down
        svc.suggestion_answer(suggestion=s, outcome="adopted", answer=" ", by=w.agent.user)
    assert DesignSuggestion.objects.count() == 1
    s.refresh_from_db()
    assert s.status == "submitted" and s.answered_at is None
    assert Event.objects.count() == events + 1


def test_the_elevator_helper_shows_households_per_elevator__INTAKE_10(people, project):
    w = people
    b2 = BuildingFactory(estate=w.estate, name="2栋")
    unit = UnitFactory(building=b2, name="1单元")
    for n in range(6):
        RoomFactory(unit=unit, number=f"{n + 1}01")
    Equipment.objects.create(
        estate=w.estate, building=b2, code="DT-2-1", name="2栋1号梯", category="elevator"
    )
    rows = {r["building"]: r for r in svc.elevator_ratio(project)}
    assert rows["2栋"] == {"building": "2栋", "households": 6, "elevators": 1, "per_elevator": 6.0}
    assert rows["1栋"]["elevators"] == 0 and rows["1栋"]["per_elevator"] is None


# --- Site inspections (INTAKE-06/11) --------------------------------------------------------------


def test_concealed_works_need_photos__INTAKE_11(people, project, frozen):
    w = people
    to_construction(w, project, frozen)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        svc.inspection_record(
            project=project,
            inspected_on="2026-03-02",
            location="3栋地下室给水管",
            findings="给水管已安装待封闭",
            concealed_works=True,
            by=w.tech.user,
        )
    assert "涉及隐蔽工程的巡查须上传施工照片" in error.value.message_dict["photos"][0]
    assert not SiteInspection.objects.exists() and Event.objects.count() == events
    photo = photo_of(w.tech.user)
    inspection = svc.inspection_record(
        project=project,
        inspected_on="2026-03-02",
        location="3栋地下室给水管",
        findings="给水管已安装待封闭",
        concealed_works=True,
        rectification="管卡间距过大，需加密",
        attachments=[photo],
        by=w.tech.user,
    )
    photo.refresh_from_db()
    assert photo.event_id == inspection.event_id
    gallery = svc.concealed_gallery(project)
    assert [g["location"] for g in gallery] == ["3栋地下室给水管"]
    assert gallery[0]["items"][0]["photos"] == [photo]
    # An inspection of ordinary works needs no photo.
    svc.inspection_record(
        project=project,
        inspected_on="2026-03-02",
        location="2栋外墙",
        findings="脚手架搭设中",
        by=w.guard.user,
    )
    assert SiteInspection.objects.count() == 2


def test_the_next_inspection_falls_due_on_the_interval_and_then_is_overdue__INTAKE_06(
    people, project, frozen
):
    w = people
    ready(w, project)
    act(w, project, "start_design_review")
    assert not svc.inspection_due(project).active  # not during the design review
    with pytest.raises(Conflict):
        svc.inspection_record(
            project=project,
            inspected_on="2026-03-02",
            location="工地",
            findings="尚未开工",
            by=w.tech.user,
        )
    frozen.move_to(at("2026-03-04 09:00"))  # Wednesday
    review(w, project)
    act(w, project, "start_construction")
    due = svc.inspection_due(project)
    assert (due.active, due.last, due.next_due, due.overdue) == (
        True,
        None,
        dt.date(2026, 3, 11),
        False,
    )
    frozen.move_to(at("2026-03-11 23:00"))
    assert not svc.inspection_due(project).overdue  # due that day
    frozen.move_to(at("2026-03-13 09:00"))
    due = svc.inspection_due(project)
    assert due.overdue and due.overdue_days == 2
    svc.inspection_record(
        project=project,
        inspected_on="2026-03-12",
        location="1栋主体",
        findings="主体施工至六层",
        by=w.tech.user,
    )
    due = svc.inspection_due(project)
    assert (due.last, due.next_due, due.overdue) == (
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 19),
        False,
    )
    svc.inspection_interval_set(project=project, days=3, by=w.lead.user)
    assert svc.inspection_due(project).next_due == dt.date(2026, 3, 15)
    with pytest.raises(ValidationError):
        svc.inspection_interval_set(project=project, days=0, by=w.lead.user)
    with pytest.raises(PermissionDenied):
        svc.inspection_interval_set(project=project, days=5, by=w.tech.user)
    project.refresh_from_db()
    assert project.inspection_interval_days == 3


def test_an_inspection_in_the_future_or_without_a_place_is_refused(people, project, frozen):
    w = people
    to_construction(w, project, frozen)
    for kwargs, field in (
        ({"inspected_on": "2026-03-03", "location": "1栋", "findings": "x"}, "inspected_on"),
        ({"inspected_on": "2026-03-02", "location": "", "findings": "x"}, "location"),
        ({"inspected_on": "2026-03-02", "location": "1栋", "findings": ""}, "findings"),
    ):
        with pytest.raises(ValidationError) as error:
            svc.inspection_record(project=project, by=w.tech.user, **kwargs)
        assert field in error.value.message_dict
    assert not SiteInspection.objects.exists()


# --- Weekly meetings (INTAKE-12) ------------------------------------------------------------------


def test_weeks_without_a_meeting_with_the_developer_are_shown__INTAKE_12(people, project, frozen):
    w = people
    svc.meeting_record(
        project=project,
        held_on="2026-03-02",
        attendees="开发企业、前期介入小组",
        minutes="项目对接",
        open_points="提供总平面图\n确定物业用房位置",
        by=w.agent.user,
    )
    frozen.move_to(at("2026-03-25 10:00"))  # Wednesday of the fourth week
    weeks = svc.meeting_weeks(project)
    assert weeks.gaps == [
        (dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 22)),
    ]
    assert weeks.this_week_pending
    svc.meeting_record(
        project=project, held_on="2026-03-20", attendees="双方", minutes="补开例会", by=w.agent.user
    )
    svc.meeting_record(
        project=project,
        held_on="2026-03-25",
        attendees="双方",
        minutes="规划设计评审",
        by=w.agent.user,
    )
    weeks = svc.meeting_weeks(project)
    assert weeks.gaps == [(dt.date(2026, 3, 9), dt.date(2026, 3, 15))]
    assert not weeks.this_week_pending
    assert [p["text"] for p in svc.open_points(project)] == []  # the latest meeting has none


def test_a_meeting_is_recorded_once_a_day_with_its_minutes__INTAKE_12(people, project):
    w = people
    svc.meeting_record(
        project=project,
        held_on=dt.date(2026, 3, 2),
        attendees="双方",
        minutes="纪要",
        by=w.agent.user,
    )
    for kwargs, field in (
        ({"held_on": "2026-03-02", "attendees": "双方", "minutes": "再开"}, "held_on"),
        ({"held_on": "2026-03-09", "attendees": "双方", "minutes": "未来"}, "held_on"),
        ({"held_on": "2026-03-01", "attendees": "", "minutes": "纪要"}, "attendees"),
        ({"held_on": "2026-03-01", "attendees": "双方", "minutes": ""}, "minutes"),
    ):
        with pytest.raises(ValidationError) as error:
            svc.meeting_record(project=project, by=w.agent.user, **kwargs)
        assert field in error.value.message_dict
    assert WeeklyMeeting.objects.count() == 1


# --- Summary (INTAKE-08) --------------------------------------------------------------------------


def _summary(w, project, frozen):
    to_construction(w, project, frozen)
    s = svc.suggestion_submit(
        project=project,
        topic="premises",
        title="物业用房面积",
        content="物业用房设于一层",
        by=w.agent.user,
    )
    svc.suggestion_answer(suggestion=s, outcome="adopted", answer="同意", by=w.agent.user)
    svc.suggestion_submit(
        project=project,
        topic="parking",
        title="地下车库充电桩",
        content="预留充电桩管线",
        by=w.agent.user,
    )
    svc.inspection_record(
        project=project,
        inspected_on="2026-03-02",
        location="3栋地下室给水管",
        findings="给水管待封闭",
        concealed_works=True,
        attachments=[photo_of(w.tech.user)],
        by=w.tech.user,
    )
    svc.meeting_record(
        project=project,
        held_on="2026-03-02",
        attendees="双方",
        minutes="例会",
        open_points="提供管线竣工图",
        by=w.agent.user,
    )
    act(w, project, "start_completion")
    completion_checked(w, project)
    act(w, project, "start_summary")


def test_submitting_the_report_tells_the_executives__INTAKE_08(people, project, frozen):
    w = people
    _summary(w, project, frozen)
    with pytest.raises(PermissionDenied):
        svc.intervention_act(project=project, action="submit_report", by=w.agent.user)
    case = act(w, project, "submit_report")
    assert case.status == "closed"
    event = case.events.get(action="submit_report")
    assert event.data["sent_to"] == ["阳光置业有限公司", "企业高层"]
    messages = Message.objects.filter(recipient=w.exec.user)
    assert messages.count() == 1 and "前期介入报告" in messages.get().body
    assert not Message.objects.filter(recipient=w.agent.user).exists()


@needs_font
def test_the_report_pdf_lists_the_work__INTAKE_08(people, project, frozen):
    w = people
    _summary(w, project, frozen)
    text = pdf_text(intervention_report_pdf(project))
    for expected in (
        "前期介入报告",
        "阳光测试苑",
        "阳光置业有限公司",
        "规划设计评审至竣工验收",
        "李保安",
        "客户服务",
        "JY-YG-2026-001",
        "已采纳",
        "待答复4条",  # the three review suggestions (INTAKE-05) and the parking one
        "3栋地下室给水管",
        "隐蔽工程影像记录",
        "1张",
        "共召开例会1次",
        "提供管线竣工图",
        "地下车库充电桩",
    ):
        assert expected in text, expected


@needs_font
def test_the_suggestion_letter_is_printable__INTAKE_13(people, project):
    s = svc.suggestion_submit(
        project=project,
        topic="concealed",
        title="给排水管道",
        content="给排水立管设检修口",
        by=people.agent.user,
    )
    text = pdf_text(suggestion_letter_pdf(s))
    for expected in (
        "前期介入建议函",
        "阳光置业有限公司",
        "JY-YG-2026-001",
        "给排水立管设检修口",
        "隐蔽工程",
    ):
        assert expected in text, expected


# --- Scope and the generic case path --------------------------------------------------------------


def test_outsiders_and_residents_cannot_see_or_act(people, project):
    w = people
    with pytest.raises(Http404):
        svc.project_get_for_user(w.outsider.user, project.pk)
    with pytest.raises(Http404):
        svc.project_get_for_user(w.owner.user, project.pk)
    assert svc.project_get_for_user(w.exec.user, project.pk) == project
    with pytest.raises(Http404):
        svc.suggestion_submit(
            project=project, topic="other", title="t", content="c", by=w.outsider.user
        )
    with pytest.raises(Http404):
        svc.intervention_act(project=project, action="start_design_review", by=w.outsider.user)
    assert not DesignSuggestion.objects.exists()


def test_the_generic_case_page_goes_through_these_rules__INTAKE_04(people, project):
    w = people
    case = project.intervention_case
    with pytest.raises(Conflict, match="前期介入协议"):
        case_act_routed(case=case, action="start_design_review", by=w.lead.user, note="")
    # A written suggestion from the generic page: its note is the writing.
    case_act_routed(case=case, action="suggest", by=w.agent.user, note="建议增设垃圾分类房")
    assert DesignSuggestion.objects.get().content == "建议增设垃圾分类房"
    with pytest.raises(ValidationError):  # a meeting needs its attendees: not a note alone
        case_act_routed(case=case, action="meeting", by=w.agent.user, note="例会")
    assert intervention_page(case) == f"/handover/projects/{project.pk}/"
    assert Attachment.objects.count() == 0
