"""The pre-intervention (前期介入, INTAKE-*) through the API: what the project pages show and do,
through the same services; bad input writes nothing; another estate's staff get a 404, residents
and roles the pages refuse a 403."""

import datetime as dt

from tests.handover.test_intervention import (
    at,
    completion_checked,
    frozen,
    needs_font,
    people,
    project,
    ready,
    review,
)
from tests.images import photo_of
from wuye.base import pdf as pdfkit
from wuye.core.services import api_token_issue
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SiteInspection,
    TeamMember,
    WeeklyMeeting,
)
from wuye.handover.services import intervention as svc
from wuye.workflow.models import Event

__all__ = ["frozen", "people", "project"]  # fixtures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def base(project) -> str:
    return f"/api/v1/handover/projects/{project.pk}"


def get(client, user, path, **params):
    return client.get(path, params, **auth(user))


def send(client, user, path, body=None, method="post"):
    call = getattr(client, method)
    return call(path, body or {}, content_type="application/json", **auth(user))


def error(response) -> dict:
    return response.json()["error"]


def to_construction(w, project):
    ready(w, project)
    svc.intervention_act(project=project, action="start_design_review", by=w.lead.user)
    review(w, project)
    project.refresh_from_db()
    svc.intervention_act(project=project, action="start_construction", by=w.lead.user)
    project.refresh_from_db()


def stage(project) -> str:
    project.refresh_from_db()
    return project.intervention_case.status


# --- Projects -------------------------------------------------------------------------------------


def test_the_list_shows_the_projects_of_my_estates_with_the_pages_filters(people, project, client):
    HandoverProject.objects.create(
        estate=people.other_estate, developer="翠湖置业有限公司",
        created_at=project.created_at, created_by=people.lead.user,
    )  # fmt: skip
    body = get(client, people.agent.user, "/api/v1/handover/projects").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["estate_name"] == "阳光测试苑" and item["stage"] == "liaison"
    assert item["stage_label"] == "项目对接" and item["case"] == project.intervention_case_id
    every = get(client, people.exec.user, "/api/v1/handover/projects").json()
    assert every["count"] == 2
    waiting = get(client, people.exec.user, "/api/v1/handover/projects", stage="not_started")
    assert [p["estate_name"] for p in waiting.json()["items"]] == ["翠湖测试苑"]
    found = get(client, people.exec.user, "/api/v1/handover/projects", q="阳光置业")
    assert [p["id"] for p in found.json()["items"]] == [project.pk]
    theirs = get(client, people.outsider.user, "/api/v1/handover/projects").json()["items"]
    assert [p["estate_name"] for p in theirs] == ["翠湖测试苑"]


def test_residents_are_refused_like_on_the_pages(people, project, client):
    for path in ("/api/v1/handover/projects", base(project), base(project) + "/suggestions",
                 base(project) + "/inspections", base(project) + "/meetings"):  # fmt: skip
        response = get(client, people.owner.user, path)
        assert response.status_code == 403, path
        assert error(response)["code"] == "forbidden"


def test_a_lead_registers_a_project_and_starts_it(people, client):
    path = "/api/v1/handover/projects"
    body = {"estate": people.other_estate.pk, "developer": "", "total_floor_area": "56000.123"}
    response = send(client, people.exec.user, path, body)
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"total_floor_area"}
    response = send(client, people.exec.user, path, {**body, "total_floor_area": "56000"})
    assert response.status_code == 400 and set(error(response)["fields"]) == {"developer"}
    assert not HandoverProject.objects.exists()
    body = {"estate": people.other_estate.pk, "developer": "翠湖置业", "total_floor_area": "56000"}
    # The engineering head works in the other estate only: it is not his to register.
    assert send(client, people.lead.user, path, body).status_code == 404
    assert send(client, people.agent.user, path, body).status_code == 403  # not a lead
    response = send(client, people.exec.user, path, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["stage"] == "liaison" and created["total_floor_area"] == "56000.00"
    assert created["can_lead"] is True and created["actions"][0]["name"] == "start_design_review"
    project = HandoverProject.objects.get()
    assert project.intervention_case.status == "liaison"
    again = send(client, people.exec.user, path, body)
    assert again.status_code == 409 and error(again)["code"] == "exists"


def test_a_project_registered_without_starting_is_started_once(people, client):
    body = {"estate": people.estate.pk, "developer": "阳光置业", "start": False}
    created = send(client, people.lead.user, "/api/v1/handover/projects", body).json()
    assert created["stage"] == "not_started" and created["case"] is None
    path = f"/api/v1/handover/projects/{created['id']}/start"
    assert send(client, people.agent.user, path).status_code == 403
    assert send(client, people.outsider.user, path).status_code == 404
    response = send(client, people.lead.user, path)
    assert response.status_code == 200 and response.json()["stage"] == "liaison"
    again = send(client, people.lead.user, path)
    assert again.status_code == 409 and error(again)["code"] == "already_started"


def test_the_project_shows_the_stage_team_and_what_is_missing__INTAKE_03(people, project, client):
    body = get(client, people.agent.user, base(project)).json()
    assert [s["code"] for s in body["steps"]] == [
        "liaison", "design_review", "construction", "completion", "summary", "closed"
    ]  # fmt: skip
    assert body["steps"][0] == {"code": "liaison", "label": "项目对接", "state": "current",
                                "on": "2026-03-02"}  # fmt: skip
    assert body["actions"] == [] and body["can_lead"] is False and body["is_member"] is True
    assert body["agreement"] is None and body["team"] == []
    assert [r["code"] for r in body["missing_roles"]] == [
        "customer_service", "engineering", "security"
    ]  # fmt: skip
    assert body["suggestion_counts"] == {"submitted": 0, "adopted": 0, "rejected": 0, "total": 0}
    assert body["inspection_due"]["active"] is False
    lead = get(client, people.lead.user, base(project)).json()
    assert [a["name"] for a in lead["actions"]] == ["start_design_review"]
    assert get(client, people.outsider.user, base(project)).status_code == 404


def test_the_steps_run_in_order_with_the_reasons__INTAKE_03_INTAKE_04(
    people, project, client, frozen
):
    path = base(project) + "/start_design_review"
    response = send(client, people.lead.user, path)
    assert response.status_code == 409 and error(response)["code"] == "liaison_incomplete"
    assert "《前期介入协议》" in error(response)["message"]
    ready(people, project)
    assert send(client, people.agent.user, path).status_code == 403
    assert send(client, people.outsider.user, path).status_code == 404
    assert stage(project) == "liaison"
    response = send(client, people.lead.user, path, {"note": "x" * 2001})
    assert response.status_code == 400 and "note" in error(response)["fields"]
    response = send(client, people.lead.user, path, {"note": "对接完成"})
    assert response.status_code == 200 and response.json()["stage"] == "design_review"
    response = send(client, people.lead.user, base(project) + "/start_construction")
    assert response.status_code == 409 and error(response)["code"] == "review_incomplete"
    response = send(client, people.lead.user, base(project) + "/submit_report")
    assert response.status_code == 409 and "须按顺序" in error(response)["message"]
    review(people, project)
    assert send(client, people.lead.user, base(project) + "/start_construction").status_code == 200
    assert send(client, people.lead.user, base(project) + "/start_completion").status_code == 200
    response = send(client, people.lead.user, base(project) + "/start_summary")
    assert response.status_code == 409 and error(response)["code"] == "completion_incomplete"
    completion_checked(people, project)
    assert send(client, people.lead.user, base(project) + "/start_summary").status_code == 200
    response = send(client, people.lead.user, base(project) + "/submit_report")
    assert response.status_code == 200 and response.json()["stage"] == "closed"
    assert Event.objects.filter(case=project.intervention_case, action="submit_report").exists()


# --- Agreement and team (INTAKE-02/04) ------------------------------------------------------------


def test_the_agreement_with_its_scan__INTAKE_04(people, project, client):
    path = base(project) + "/agreement"
    assert get(client, people.agent.user, path).status_code == 404  # none yet
    body = {"signed_on": "2026-03-03", "scope": "全过程", "duties": "职责"}
    response = send(client, people.lead.user, path, body, method="put")
    assert response.status_code == 400 and error(response)["fields"]["signed_on"] == [
        "日期不能晚于今天"
    ]
    response = send(client, people.lead.user, path, {**body, "signed_on": "2026-03-01",
                                                     "scope": ""}, method="put")  # fmt: skip
    assert response.status_code == 400 and set(error(response)["fields"]) == {"scope"}
    body = {**body, "signed_on": "2026-03-01"}
    assert send(client, people.agent.user, path, body, method="put").status_code == 403
    assert send(client, people.outsider.user, path, body, method="put").status_code == 404
    assert not InterventionAgreement.objects.exists()
    scan = photo_of(people.lead.user)
    response = send(client, people.lead.user, path, {**body, "attachments": [str(scan.pk)]},
                    method="put")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["scan"]["id"] == str(scan.pk)
    assert InterventionAgreement.objects.get().attachment == scan
    shown = get(client, people.agent.user, path).json()
    assert shown["scope"] == "全过程" and shown["recorded_by"] == "王工"
    assert get(client, people.agent.user, base(project)).json()["agreement"]["signed_on"] == (
        "2026-03-01"
    )


def test_team_members_come_from_the_right_department__INTAKE_02(people, project, client):
    path = base(project) + "/team"
    candidates = get(client, people.lead.user, path + "/candidates").json()
    assert {c["name"] for c in candidates["items"]} >= {"李保安"}
    assert people.outsider.pk not in {c["staff"] for c in candidates["items"]}
    wrong = send(client, people.lead.user, path, {"staff": people.agent.pk, "role": "engineering"})
    assert wrong.status_code == 400 and "staff" in error(wrong)["fields"]
    for staff in (people.outsider.pk, 999_999):  # another estate's, or nobody: the same answer
        response = send(client, people.lead.user, path, {"staff": staff, "role": "security"})
        assert response.status_code == 400
        assert error(response)["fields"]["staff"] == ["请选择本项目的在职员工"]
    response = send(client, people.lead.user, path, {"staff": True, "role": "security"})
    assert response.status_code == 400
    body = {"staff": people.guard.pk, "role": "security"}
    assert send(client, people.agent.user, path, body).status_code == 403
    assert send(client, people.outsider.user, path, body).status_code == 404
    assert not TeamMember.objects.exists()
    response = send(client, people.lead.user, path, body)
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["name"] == "李保安" and member["role_label"] == "秩序"
    assert get(client, people.agent.user, path).json()["items"] == [member]
    gone = f"{path}/{member['id']}"
    assert client.delete(gone, **auth(people.outsider.user)).status_code == 404
    assert client.delete(gone, **auth(people.agent.user)).status_code == 403
    assert TeamMember.objects.count() == 1
    assert client.delete(gone, **auth(people.lead.user)).status_code == 204
    assert not TeamMember.objects.exists()
    assert client.delete(gone, **auth(people.lead.user)).status_code == 404


# --- Suggestions (INTAKE-05/10/13) ----------------------------------------------------------------


def test_a_written_suggestion_to_the_answer__INTAKE_13(people, project, client):
    path = base(project) + "/suggestions"
    body = {"topic": "premises", "title": "", "content": "物业用房位于地下一层"}
    response = send(client, people.tech.user, path, body)
    assert response.status_code == 400 and set(error(response)["fields"]) == {"title"}
    response = send(client, people.tech.user, path, {**body, "title": "t", "topic": "nope"})
    assert response.status_code == 400 and set(error(response)["fields"]) == {"topic"}
    body = {**body, "title": "物业服务用房移至一楼"}
    assert send(client, people.outsider.user, path, body).status_code == 404
    assert send(client, people.owner.user, path, body).status_code == 403
    assert not DesignSuggestion.objects.exists()
    response = send(client, people.tech.user, path, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["number"] == "JY-YG-2026-001" and created["status"] == "submitted"
    assert created["can_answer"] is True and created["elevators"] is None
    listed = get(client, people.agent.user, path, status="open").json()
    assert [s["number"] for s in listed["items"]] == ["JY-YG-2026-001"]
    assert get(client, people.agent.user, path, status="adopted").json()["count"] == 0
    assert get(client, people.agent.user, path, q="一楼").json()["count"] == 1
    assert get(client, people.agent.user, path, topic="parking").json()["count"] == 0
    one = f"{path}/{created['id']}"
    assert get(client, people.outsider.user, one).status_code == 404
    answer = f"{one}/answer"
    response = send(client, people.agent.user, answer, {"outcome": "maybe", "answer": "同意"})
    assert response.status_code == 400 and set(error(response)["fields"]) == {"outcome"}
    early = {"outcome": "adopted", "answer": "同意", "answered_on": "2026-03-01"}
    response = send(client, people.agent.user, answer, early)
    assert response.status_code == 400 and set(error(response)["fields"]) == {"answered_on"}
    assert send(client, people.outsider.user, answer,
                {"outcome": "adopted", "answer": "同意"}).status_code == 404  # fmt: skip
    response = send(client, people.agent.user, answer, {"outcome": "adopted", "answer": "同意"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "adopted" and response.json()["can_answer"] is False
    assert DesignSuggestion.objects.get().developer_answer == "同意"
    again = send(client, people.agent.user, answer, {"outcome": "rejected", "answer": "不同意"})
    assert again.status_code == 409 and error(again)["code"] == "already_answered"
    counts = get(client, people.agent.user, base(project)).json()["suggestion_counts"]
    assert counts == {"submitted": 0, "adopted": 1, "rejected": 0, "total": 1}


def test_an_auditor_reads_but_does_not_answer(people, project, client):
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    auditor = make_staff(people.company, "auditor", Role.AUDITOR, DepartmentKind.EXECUTIVE,
                         [people.estate])  # fmt: skip
    s = svc.suggestion_submit(project=project, topic="other", title="t", content="c",
                              by=people.agent.user)  # fmt: skip
    one = f"{base(project)}/suggestions/{s.pk}"
    assert get(client, auditor.user, one).json()["can_answer"] is False
    response = send(client, auditor.user, one + "/answer", {"outcome": "adopted", "answer": "好"})
    assert response.status_code == 403


def test_an_elevator_suggestion_shows_households_against_elevators__INTAKE_10(
    people, project, client
):
    s = svc.suggestion_submit(project=project, topic="elevator", title="电梯", content="增设",
                              by=people.agent.user)  # fmt: skip
    body = get(client, people.agent.user, f"{base(project)}/suggestions/{s.pk}").json()
    assert body["elevators"][0]["building"] == "1栋"
    ratio = get(client, people.agent.user, base(project) + "/elevators").json()
    assert ratio["items"] == body["elevators"]


def test_the_suggestions_download_as_a_spreadsheet(people, project, client):
    review(people, project)
    response = get(client, people.agent.user, base(project) + "/suggestions.xlsx", topic="elevator")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "9栋增设一部无障碍电梯"
    ]
    assert get(client, people.outsider.user, base(project) + "/suggestions.xlsx").status_code == 404
    assert get(client, people.owner.user, base(project) + "/suggestions.xlsx").status_code == 403


@needs_font
def test_the_suggestion_letter_downloads_as_pdf__INTAKE_13(people, project, client):
    s = svc.suggestion_submit(project=project, topic="parking", title="充电桩", content="预留管线",
                              by=people.agent.user)  # fmt: skip
    response = get(client, people.agent.user, f"{base(project)}/suggestions/{s.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_without_a_chinese_font_the_documents_are_a_503(people, project, client, monkeypatch):
    def no_font(*args, **kwargs):
        raise pdfkit.CJKFontMissing("服务器未安装中文字体")

    monkeypatch.setattr("wuye.handover.api.intervention.suggestion_letter_pdf", no_font)
    s = svc.suggestion_submit(project=project, topic="parking", title="充电桩", content="预留",
                              by=people.agent.user)  # fmt: skip
    path = f"{base(project)}/suggestions/{s.pk}/letter.pdf"
    assert get(client, people.outsider.user, path).status_code == 404
    response = get(client, people.agent.user, path)
    assert response.status_code == 503 and error(response)["code"] == "font_missing"


# --- Site inspections (INTAKE-06/07/11) -----------------------------------------------------------


def test_concealed_works_need_photos_and_show_in_the_gallery__INTAKE_11(people, project, client):
    path = base(project) + "/inspections"
    body = {"inspected_on": "2026-03-02", "location": "3栋地下室给水管", "findings": "待封闭",
            "concealed_works": True}  # fmt: skip
    response = send(client, people.tech.user, path, {**body, "concealed_works": False})
    assert response.status_code == 409 and error(response)["code"] == "invalid_state"
    to_construction(people, project)
    events = Event.objects.count()
    response = send(client, people.tech.user, path, body)
    assert response.status_code == 400 and set(error(response)["fields"]) == {"photos"}
    response = send(client, people.tech.user, path, {**body, "checks": ["premises"],
                                                     "attachments": []})  # fmt: skip
    assert set(error(response)["fields"]) == {"photos", "checks"}  # checks: at completion only
    photo = photo_of(people.tech.user)
    with_photo = {**body, "attachments": [str(photo.pk)]}
    assert send(client, people.outsider.user, path, with_photo).status_code == 404
    assert send(client, people.owner.user, path, with_photo).status_code == 403
    assert not SiteInspection.objects.exists() and Event.objects.count() == events
    response = send(client, people.tech.user, path, with_photo)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["inspector"] == people.tech.name and created["concealed_works"] is True
    assert [p["id"] for p in created["photos"]] == [str(photo.pk)]
    send(client, people.tech.user, path, {**body, "location": "屋面", "concealed_works": False})
    listed = get(client, people.agent.user, path).json()
    assert listed["count"] == 2
    assert get(client, people.agent.user, path, concealed="true").json()["items"] == [created]
    assert get(client, people.agent.user, path, location="屋面").json()["count"] == 1
    gallery = get(client, people.agent.user, path + "/photos").json()
    assert gallery["count"] == 1 and gallery["items"][0]["location"] == "3栋地下室给水管"
    assert gallery["items"][0]["items"][0]["photos"][0]["thumbnail_url"].endswith("?size=thumb")
    assert get(client, people.agent.user, path + "/photos", location="屋面").json()["count"] == 0


def test_the_inspection_interval_and_when_the_next_is_due__INTAKE_06(
    people, project, client, frozen
):
    to_construction(people, project)
    path = base(project) + "/inspections/interval"
    body = get(client, people.agent.user, path).json()
    assert body == {"days": 7, "due": {"active": True, "last": None, "next_due": "2026-03-09",
                                       "overdue_days": 0}}  # fmt: skip
    frozen.move_to(at("2026-03-12 09:00"))
    assert (
        get(client, people.agent.user, base(project)).json()["inspection_due"]["overdue_days"] == 3
    )
    for days in (0, 91, True, "30"):
        response = send(client, people.lead.user, path, {"days": days}, method="put")
        assert response.status_code == 400, days
    assert send(client, people.tech.user, path, {"days": 30}, method="put").status_code == 403
    assert send(client, people.outsider.user, path, {"days": 30}, method="put").status_code == 404
    project.refresh_from_db()
    assert project.inspection_interval_days == 7
    response = send(client, people.lead.user, path, {"days": 30}, method="put")
    assert response.status_code == 200 and response.json()["due"]["next_due"] == "2026-04-01"
    project.refresh_from_db()
    assert project.inspection_interval_days == 30


# --- Meetings (INTAKE-12) -------------------------------------------------------------------------


def test_weekly_meetings_and_the_weeks_without_one__INTAKE_12(people, project, client, frozen):
    path = base(project) + "/meetings"
    body = {"held_on": "2026-03-02", "attendees": "", "minutes": "对接"}
    response = send(client, people.agent.user, path, body)
    assert response.status_code == 400 and set(error(response)["fields"]) == {"attendees"}
    body = {**body, "attendees": "双方", "open_points": "提供图纸\n确认电梯"}
    assert send(client, people.outsider.user, path, body).status_code == 404
    assert not WeeklyMeeting.objects.exists()
    response = send(client, people.agent.user, path, body)
    assert response.status_code == 201 and response.json()["recorded_by"] == people.agent.name
    again = send(client, people.agent.user, path, body)
    assert again.status_code == 400 and set(error(again)["fields"]) == {"held_on"}
    frozen.move_to(at("2026-03-18 10:00"))
    weeks = get(client, people.agent.user, path + "/weeks").json()
    assert weeks == {"gaps": [{"monday": "2026-03-09", "sunday": "2026-03-15"}],
                     "this_week_pending": True}  # fmt: skip
    listed = get(client, people.agent.user, path).json()
    assert listed["count"] == 1 and listed["items"][0]["minutes"] == "对接"
    points = get(client, people.agent.user, base(project)).json()["open_points"]
    assert [p["text"] for p in points] == ["提供图纸", "确认电梯"]
    assert points[0]["since"] == "2026-03-02"


# --- 《前期介入报告》 (INTAKE-08) -----------------------------------------------------------------


def test_the_report_is_made_at_the_summary__INTAKE_08(people, project, client, monkeypatch):
    path = base(project) + "/report.pdf"
    response = get(client, people.lead.user, path)
    assert response.status_code == 409 and error(response)["code"] == "invalid_state"
    to_construction(people, project)
    svc.intervention_act(project=project, action="start_completion", by=people.lead.user)
    completion_checked(people, project)
    svc.intervention_act(project=project, action="start_summary", by=people.lead.user)
    assert get(client, people.outsider.user, path).status_code == 404
    assert get(client, people.owner.user, path).status_code == 403
    monkeypatch.setattr("wuye.handover.api.intervention.intervention_report_pdf",
                        lambda project: b"%PDF-1.4 report")  # fmt: skip
    response = get(client, people.lead.user, path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@needs_font
def test_the_report_renders_as_pdf__INTAKE_08(people, project, client):
    to_construction(people, project)
    svc.intervention_act(project=project, action="start_completion", by=people.lead.user)
    completion_checked(people, project)
    svc.intervention_act(project=project, action="start_summary", by=people.lead.user)
    response = get(client, people.agent.user, base(project) + "/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- Lists stay cheap -----------------------------------------------------------------------------


def test_the_lists_take_a_bounded_number_of_queries(
    people, project, client, django_assert_max_num_queries
):
    to_construction(people, project)
    for n in range(5):
        svc.suggestion_submit(project=project, topic="other", title=f"建议{n}", content="内容",
                              by=people.agent.user)  # fmt: skip
        svc.inspection_record(
            project=project, inspected_on="2026-03-02", location=f"{n}栋", findings="正常",
            concealed_works=True, attachments=[photo_of(people.tech.user)], by=people.tech.user,
        )  # fmt: skip
    headers = auth(people.agent.user)
    for path, most in (("/inspections", 12), ("/suggestions", 10), ("/inspections/photos", 12),
                       ("", 40)):  # fmt: skip
        with django_assert_max_num_queries(most):
            assert client.get(base(project) + path, **headers).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/handover/projects", **headers).status_code == 200
    assert dt.date(2026, 3, 2) == svc.local_today(project)
