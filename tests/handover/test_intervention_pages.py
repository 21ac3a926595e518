"""The pre-intervention pages (前期介入): what a lead, a team member, an outsider and a resident see
and can do, with frozen time; bad input keeps what was typed and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.handover.test_intervention import (
    at,
    completion_checked,
    frozen,
    needs_font,
    pdf_text,
    people,
    project,
    ready,
    review,
)
from tests.images import make_jpeg, photo_of
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SiteInspection,
    WeeklyMeeting,
)
from wuye.handover.services import intervention as svc
from wuye.workflow.models import Event

__all__ = ["frozen", "people", "project"]  # fixtures


def rows(page: bytes) -> str:
    """The list's table body (the estate switcher names every estate too)."""
    text = page.decode()
    return text[text.index("<tbody>") : text.index("</tbody>")] if "<tbody>" in text else ""


def url(name, project, *args):
    return reverse(f"handover:{name}", args=[project.pk, *args])


def to_construction(w, project):
    ready(w, project)
    svc.intervention_act(project=project, action="start_design_review", by=w.lead.user)
    review(w, project)
    svc.intervention_act(project=project, action="start_construction", by=w.lead.user)


# --- Projects -------------------------------------------------------------------------------------


def test_the_list_shows_the_projects_of_my_estates(people, project, login):
    HandoverProject.objects.create(
        estate=people.other_estate,
        developer="翠湖置业有限公司",
        created_at=project.created_at,
        created_by=people.lead.user,
    )
    page = rows(login("agent").get(reverse("handover:project_list")).content)
    assert "阳光测试苑" in page and "项目对接" in page and "翠湖" not in page
    page = rows(login("exec").get(reverse("handover:project_list") + "?stage=liaison").content)
    assert "阳光测试苑" in page and "翠湖测试苑" not in page
    page = rows(login("exec").get(reverse("handover:project_list") + "?stage=not_started").content)
    assert "翠湖测试苑" in page and "阳光测试苑" not in page


def test_a_lead_registers_a_project_and_starts_it(people, login):
    client = login("enghead")
    page = client.get(reverse("handover:project_create")).content.decode()
    assert "阳光测试苑" in page
    response = client.post(
        reverse("handover:project_create"),
        {"estate": people.estate.pk, "developer": "", "start": "on"},
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not HandoverProject.objects.exists()
    response = client.post(
        reverse("handover:project_create"),
        {
            "estate": people.estate.pk,
            "developer": "阳光置业有限公司",
            "total_floor_area": "56000",
            "start": "on",
        },
    )
    project = HandoverProject.objects.get()
    assert response.url == url("project_detail", project)
    assert project.intervention_case.status == "liaison"
    assert login("agent").get(reverse("handover:project_create")).status_code == 403


def test_the_project_page_shows_the_stage_team_and_what_is_missing__INTAKE_03(
    people, project, login
):
    page = login("agent").get(url("project_detail", project)).content.decode()
    assert "项目对接" in page and "规划设计评审" in page and "前期介入总结" in page
    assert "登记《前期介入协议》" in page and "INTAKE-04" not in page
    assert "客户服务、工程、秩序" in page
    assert "进入规划设计评审</button>" not in page  # the agent does not lead
    page = login("enghead").get(url("project_detail", project)).content.decode()
    assert "进入规划设计评审</button>" in page and "加入小组" in page


def test_moving_on_without_the_agreement_is_refused_with_the_reason__INTAKE_04(
    people, project, login
):
    client = login("enghead")
    response = client.post(url("project_act", project, "start_design_review"), follow=True)
    assert "不能进入规划设计评审" in response.content.decode()
    project.refresh_from_db()
    assert project.intervention_case.status == "liaison"
    ready(people, project)
    client.post(url("project_act", project, "start_design_review"))
    project.intervention_case.refresh_from_db()
    assert project.intervention_case.status == "design_review"
    response = client.post(url("project_act", project, "submit_report"), follow=True)
    assert "须按顺序" in response.content.decode()


def test_the_agreement_form_stores_the_scan__INTAKE_04(people, project, login):
    client = login("enghead")
    response = client.post(
        url("agreement", project), {"signed_on": "2026-03-03", "scope": "全过程", "duties": "职责"}
    )
    assert "日期不能晚于今天" in response.content.decode()
    assert 'value="全过程"' in response.content.decode() or "全过程" in response.content.decode()
    assert not InterventionAgreement.objects.exists()
    response = client.post(
        url("agreement", project),
        {
            "signed_on": "2026-03-01",
            "scope": "规划设计评审至竣工验收",
            "duties": "双方职责",
            "photos": make_jpeg("协议.jpg"),
        },
    )
    assert response.status_code == 302
    agreement = InterventionAgreement.objects.get()
    assert agreement.attachment is not None and agreement.attachment.event is not None
    assert login("agent").get(url("agreement", project)).status_code == 403


def test_team_members_are_added_from_the_right_department__INTAKE_02(people, project, login):
    client = login("enghead")
    response = client.post(
        url("team_add", project), {"staff": people.agent.pk, "role": "engineering"}, follow=True
    )
    assert "不能担任" in response.content.decode()
    client.post(url("team_add", project), {"staff": people.agent.pk, "role": "customer_service"})
    assert list(project.team.values_list("staff__name", flat=True)) == ["agent"]
    member = project.team.get()
    client.post(reverse("handover:team_remove", args=[project.pk, member.pk]))
    assert not project.team.exists()


# --- Suggestions ----------------------------------------------------------------------------------


def test_a_written_suggestion_from_the_form_to_the_answer__INTAKE_13(
    people, project, login, frozen
):
    client = login("agent")
    response = client.post(
        url("suggestion_create", project),
        {"topic": "premises", "title": "物业用房面积", "content": ""},
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert 'value="物业用房面积"' in response.content.decode()  # what was typed is kept
    assert not DesignSuggestion.objects.exists()
    response = client.post(
        url("suggestion_create", project),
        {
            "topic": "premises",
            "title": "物业用房面积",
            "content": "物业用房设于一层，面积不少于 300 m²",
        },
    )
    s = DesignSuggestion.objects.get()
    assert response.url == url("suggestion_detail", project, s.pk)
    client.post(
        url("suggestion_create", project),
        {"topic": "elevator", "title": "2栋电梯", "content": "增设一部"},
    )
    page = client.get(url("suggestion_list", project) + "?status=open&topic=premises").content
    page = page.decode()
    assert "物业用房面积" in page and "2栋电梯" not in page
    page = client.get(url("project_detail", project)).content.decode()
    assert "待开发企业答复" in page and s.number in page
    response = client.post(
        url("suggestion_detail", project, s.pk), {"outcome": "adopted", "answer": "同意"}
    )
    s.refresh_from_db()
    assert s.status == "adopted"
    page = client.get(url("suggestion_list", project) + "?status=open").content.decode()
    assert "物业用房面积" not in page and "2栋电梯" in page
    export = client.get(url("suggestion_export", project) + "?status=adopted")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_elevator_suggestion_shows_households_against_elevators__INTAKE_10(
    people, project, login
):
    s = svc.suggestion_submit(
        project=project, topic="elevator", title="电梯", content="增设", by=people.agent.user
    )
    page = login("agent").get(url("suggestion_detail", project, s.pk)).content.decode()
    assert "电梯数量与楼幢户数" in page and "1栋" in page


@needs_font
def test_the_suggestion_letter_opens_as_pdf__INTAKE_13(people, project, login):
    s = svc.suggestion_submit(
        project=project, topic="parking", title="充电桩", content="预留管线", by=people.agent.user
    )
    response = login("agent").get(url("suggestion_letter", project, s.pk))
    assert response["Content-Type"] == "application/pdf"
    assert "预留管线" in pdf_text(response.content)


# --- Inspections ----------------------------------------------------------------------------------


def test_concealed_works_without_photos_are_refused_on_the_form__INTAKE_11(people, project, login):
    to_construction(people, project)
    client = login("tech")
    data = {
        "inspected_on": "2026-03-02",
        "location": "3栋地下室给水管",
        "findings": "待封闭",
        "concealed_works": "on",
    }
    events = Event.objects.count()
    response = client.post(url("inspection_create", project), data)
    assert "涉及隐蔽工程的巡查须上传施工照片" in response.content.decode()
    assert not SiteInspection.objects.exists() and Event.objects.count() == events
    response = client.post(
        url("inspection_create", project), {**data, "photos": make_jpeg("给水管.jpg")}
    )
    assert response.status_code == 302
    page = client.get(url("concealed_gallery", project)).content.decode()
    assert "3栋地下室给水管" in page and "?size=thumb" in page


def test_an_overdue_inspection_shows_on_the_project_page__INTAKE_06(people, project, login, frozen):
    to_construction(people, project)
    page = login("agent").get(url("project_detail", project)).content.decode()
    assert "2026-03-09" in page and "inspection-overdue" not in page
    frozen.move_to(at("2026-03-12 09:00"))
    page = login("agent").get(url("project_detail", project)).content.decode()
    assert "inspection-overdue" in page and "工地巡查已逾期 3 天" in page
    response = login("tech").post(url("inspection_interval", project), {"days": "30"})
    project.refresh_from_db()
    assert project.inspection_interval_days == 7  # only a lead changes it
    login("enghead").post(url("inspection_interval", project), {"days": "30"})
    project.refresh_from_db()
    assert project.inspection_interval_days == 30
    assert response.status_code == 302


# --- Meetings -------------------------------------------------------------------------------------


def test_weeks_without_a_meeting_show_on_the_project_page__INTAKE_12(
    people, project, login, frozen
):
    client = login("agent")
    response = client.post(
        url("meeting_create", project),
        {"held_on": "2026-03-02", "attendees": "", "minutes": "对接"},
    )
    assert "field-error" in response.content.decode() and not WeeklyMeeting.objects.exists()
    client.post(
        url("meeting_create", project),
        {"held_on": "2026-03-02", "attendees": "双方", "minutes": "对接"},
    )
    assert WeeklyMeeting.objects.count() == 1
    frozen.move_to(at("2026-03-18 10:00"))
    client = login("agent")  # a new day's session
    page = client.get(url("project_detail", project)).content.decode()
    assert "meeting-gaps" in page and "2026-03-09～2026-03-15" in page
    assert "本周尚未召开例会" in page
    page = client.get(url("meeting_list", project)).content.decode()
    assert "2026-03-09～2026-03-15" in page and "对接" in page


# --- Report ---------------------------------------------------------------------------------------


@needs_font
def test_the_report_is_made_at_the_summary_and_submitted__INTAKE_08(people, project, login, frozen):
    client = login("enghead")
    assert client.get(url("report_pdf", project)).status_code == 302  # not yet
    to_construction(people, project)
    svc.intervention_act(project=project, action="start_completion", by=people.lead.user)
    completion_checked(people, project)
    svc.intervention_act(project=project, action="start_summary", by=people.lead.user)
    response = client.get(url("report_pdf", project))
    assert response["Content-Type"] == "application/pdf"
    assert "前期介入报告" in pdf_text(response.content)
    page = client.get(url("project_detail", project)).content.decode()
    assert "提交前期介入报告" in page
    client.post(url("project_act", project, "submit_report"))
    project.intervention_case.refresh_from_db()
    assert project.intervention_case.status == "closed"


# --- Permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["project_detail", "suggestion_list", "inspection_list", "meeting_list", "concealed_gallery"],
)
def test_outsiders_get_404_and_residents_403(people, project, login, name):
    assert login("outsider").get(url(name, project)).status_code == 404
    assert login("owner").get(url(name, project)).status_code == 403


def test_an_outsider_cannot_write(people, project, login):
    response = login("outsider").post(
        url("suggestion_create", project), {"topic": "other", "title": "t", "content": "c"}
    )
    assert response.status_code == 404
    assert (
        login("outsider").post(url("project_act", project, "start_design_review")).status_code
        == 404
    )
    assert not DesignSuggestion.objects.exists()
    assert dt.date(2026, 3, 2) == svc.local_today(project)


def test_the_list_and_the_project_page_take_a_bounded_number_of_queries(
    people, project, login, django_assert_max_num_queries
):
    to_construction(people, project)
    for n in range(5):
        svc.suggestion_submit(
            project=project, topic="other", title=f"建议{n}", content="内容", by=people.agent.user
        )
        svc.inspection_record(
            project=project,
            inspected_on="2026-03-02",
            location=f"{n}栋",
            findings="正常",
            concealed_works=True,
            attachments=[photo_of(people.tech.user)],
            by=people.tech.user,
        )
    client = login("agent")
    with django_assert_max_num_queries(32):
        assert client.get(url("project_detail", project)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url("inspection_list", project)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("handover:project_list")).status_code == 200
