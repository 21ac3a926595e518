"""The takeover acceptance (接管验收) through the API: the same services as the pages, scoped the
same way — the project and the gate (TAKEOVER-15), a plan with its team and owners'
representatives (TAKEOVER-02/04/14), the checklist while preparing, the on-site checks
(TAKEOVER-05/12), the 《整改通知书》 (TAKEOVER-06/07), a defect's steps, the confirmation refused
with open defects (TAKEOVER-08), the documents with warranty cards (TAKEOVER-09/10), the PDFs and
the spreadsheet; who may call what (403 by role, 404 outside the caller's estates)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.factories import BuildingFactory, EstateFactory, make_staff
from tests.handover.test_takeover import frozen, inspect_all, item_of, make_plan, tw
from tests.images import photo_of
from tests.pdf_tools import needs_font
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.facilities import services as facilities
from wuye.facilities.models import Equipment
from wuye.handover.models import (
    CheckItem,
    HandoverDocument,
    HandoverProject,
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
)
from wuye.handover.services import takeover as services

__all__ = ["frozen", "tw"]  # the shared fixtures

API = "/api/v1/handover"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, who, path, **params):
    return client.get(path, params, **auth(who.user))


def post(client, who, path, body=None):
    return client.post(path, body or {}, content_type="application/json", **auth(who.user))


def fields(response) -> dict:
    return response.json()["error"]["fields"]


@pytest.fixture
def plan(tw):
    return make_plan(tw)


@pytest.fixture
def cleaner(tw):
    return make_staff(tw.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [tw.estate])


@pytest.fixture
def other_head(tw):
    """An engineering head of the other estate: a lead, but not here."""
    return make_staff(tw.company, "other_eng", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [tw.other_estate])  # fmt: skip


# --- The project and the gate (TAKEOVER-15) -----------------------------------------------------


def test_the_overview_shows_the_project_and_the_gate_per_building__TAKEOVER_15(
    client, tw, plan, other_head
):
    r = get(client, tw.eng, f"{API}/estates/{tw.estate.pk}/takeover")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["project"]["developer"] == "阳光置业有限公司" and body["can_lead"] is True
    assert body["gate"] == [{"building": tw.building.pk, "name": "1栋", "move_in_allowed": False}]
    assert get(client, tw.agent, f"{API}/estates/{tw.estate.pk}/takeover").json()["can_lead"] \
        is False  # fmt: skip
    assert get(client, other_head, f"{API}/estates/{tw.estate.pk}/takeover").status_code == 404
    assert get(client, tw.owner, f"{API}/estates/{tw.estate.pk}/takeover").status_code == 403


def test_a_lead_registers_the_project_once(client, world):
    eng = make_staff(world.company, "eng", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                     [world.estate])  # fmt: skip
    path = f"{API}/estates/{world.estate.pk}/takeover-project"
    bad = post(client, eng, path, {"developer": "阳光置业", "total_floor_area": "1.001"})
    assert bad.status_code == 400 and "total_floor_area" in fields(bad)
    blank = post(client, eng, path, {"developer": "  "})
    assert blank.status_code == 400 and "developer" in fields(blank)
    assert post(client, world.agent, path, {"developer": "阳光置业"}).status_code == 403
    assert post(client, world.outsider, path, {"developer": "阳光置业"}).status_code == 404
    assert post(client, world.owner, path, {"developer": "阳光置业"}).status_code == 403
    assert not HandoverProject.objects.exists()
    r = post(client, eng, path, {"developer": "阳光置业", "contractor": "华建",
                                 "total_floor_area": "56000.50"})  # fmt: skip
    assert r.status_code == 201, r.json()
    assert r.json()["total_floor_area"] in ("56000.50", "56000.5", 56000.5)
    assert world.estate.handover.developer == "阳光置业"
    again = post(client, eng, path, {"developer": "另一家"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "exists"


# --- Plans (TAKEOVER-02/04/14) ------------------------------------------------------------------


def plan_body(w, **overrides) -> dict:
    body = {"standards": "国标", "tools": "卷尺", "planned_on": "2026-09-25",
            "owner_representatives": "业主代表 张三", "scope_public": False,
            "team": [w.agent.pk, w.tech.pk, w.guard.pk]}  # fmt: skip
    return {**body, **overrides}


def test_a_plan_needs_the_owners_representatives_and_a_team_of_three__TAKEOVER_02_14(client, tw):
    path = f"{API}/estates/{tw.estate.pk}/takeover-plans"
    r = post(client, tw.eng, path, plan_body(tw, owner_representatives=""))
    assert r.status_code == 400 and "owner_representatives" in fields(r)
    r = post(client, tw.eng, path, plan_body(tw, team=[tw.agent.pk, tw.tech.pk]))
    assert r.status_code == 400 and "还缺" in fields(r)["team"][0]
    r = post(client, tw.eng, path, plan_body(tw, team=[tw.agent.pk, tw.outsider.pk]))
    assert r.status_code == 400 and "outsider" not in str(fields(r))  # no name of another estate
    other = BuildingFactory(estate=tw.other_estate, name="9栋")
    r = post(client, tw.eng, path, plan_body(tw, building=other.pk))
    assert r.status_code == 400 and "building" in fields(r)
    r = post(client, tw.eng, path, plan_body(tw, planned_on="2026-13-01", team="x"))
    assert r.status_code == 400 and {"planned_on", "team"} <= set(fields(r))
    assert not TakeoverPlan.objects.exists()

    r = post(client, tw.eng, path, plan_body(tw, building=tw.building.pk))
    assert r.status_code == 201, r.json()
    body = r.json()
    plan = TakeoverPlan.objects.get()
    assert (body["id"], body["status"], body["building"]) == (plan.pk, "preparing", tw.building.pk)
    assert body["items"] == plan.items.count() > 0 and not plan.scope_public
    assert {m["role"] for m in body["team"]} == {"customer_service", "engineering", "security"}
    assert [a["name"] for a in body["actions"]] == ["start_inspection", "comment"]
    again = post(client, tw.eng, path, plan_body(tw, building=tw.building.pk))
    assert again.status_code == 409 and again.json()["error"]["code"] == "plan_open"


def test_who_may_draw_up_a_plan(client, tw, other_head):
    path = f"{API}/estates/{tw.estate.pk}/takeover-plans"
    assert post(client, tw.agent, path, plan_body(tw)).status_code == 403
    assert post(client, other_head, path, plan_body(tw)).status_code == 404
    assert post(client, tw.owner, path, plan_body(tw)).status_code == 403
    assert not TakeoverPlan.objects.exists()
    estate = EstateFactory(company=tw.company, code="XY", name="新苑")
    tw.eng.estates.add(estate)
    r = post(client, tw.eng, f"{API}/estates/{estate.pk}/takeover-plans", plan_body(tw))
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_project"


def test_the_list_and_a_plan_as_their_pages_show_them(client, tw, plan, cleaner, other_head):
    r = get(client, tw.agent, f"{API}/takeover-plans", estate=tw.estate.pk)
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["count"] == 1 and body["items"][0]["number"] == plan.case.number
    assert body["items"][0]["items"] == plan.items.count()
    assert body["items"][0]["open_defects"] == 0 and body["items"][0]["building_name"] == "全项目"
    assert get(client, tw.agent, f"{API}/takeover-plans", status="confirmed").json()["count"] == 0
    assert get(client, tw.outsider, f"{API}/takeover-plans").json()["count"] == 0
    assert get(client, tw.owner, f"{API}/takeover-plans").status_code == 403
    assert get(client, cleaner, f"{API}/takeover-plans").status_code == 403

    detail = get(client, tw.agent, f"{API}/takeover-plans/{plan.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["pending"] == plan.items.count() and body["actions"] == [
        {"name": "comment", "label": "备注"}
    ]
    assert body["owner_representatives"] == "业主代表 张三 13800000001"
    assert body["gate"][0]["move_in_allowed"] is False
    assert get(client, other_head, f"{API}/takeover-plans/{plan.pk}").status_code == 404
    assert get(client, tw.owner, f"{API}/takeover-plans/{plan.pk}").status_code == 403
    assert get(client, cleaner, f"{API}/takeover-plans/{plan.pk}").status_code == 403


def test_plan_steps_and_an_unknown_one(client, tw, plan, other_head):
    path = f"{API}/takeover-plans/{plan.pk}"
    assert post(client, tw.agent, f"{path}/start_inspection").status_code == 403
    assert post(client, other_head, f"{path}/start_inspection").status_code == 404
    assert post(client, tw.eng, f"{path}/fly").status_code == 404
    r = post(client, tw.agent, f"{path}/comment", {"note": ""})
    assert r.status_code == 400
    r = post(client, tw.agent, f"{path}/comment", {"note": "业主代表已确认到场"})
    assert r.status_code == 200 and r.json()["status"] == "preparing"
    assert plan.case.events.filter(action="comment").count() == 1
    r = post(client, tw.eng, f"{path}/start_inspection")
    assert r.status_code == 200 and r.json()["status"] == "inspecting"
    again = post(client, tw.eng, f"{path}/start_inspection")
    assert again.status_code == 409


# --- The checklist while preparing ---------------------------------------------------------------


def test_the_checklist_is_edited_while_preparing__TAKEOVER_11(client, tw, plan, other_head):
    path = f"{API}/takeover-plans/{plan.pk}/items"
    listed = get(client, tw.tech, path, limit=200).json()
    assert listed["count"] == plan.items.count()
    assert listed["items"][0]["building"] == tw.building.pk  # building by building, then the rest
    n = plan.items.count()
    body = {"system": "wall", "name": "外立面", "standard": "无脱落", "building": tw.building.pk}
    assert post(client, tw.tech, path, body).status_code == 403
    assert post(client, other_head, path, body).status_code == 404
    bad = post(client, tw.eng, path, {**body, "name": "", "system": "roof"})
    assert bad.status_code == 400 and {"name", "system"} <= set(fields(bad))
    assert post(client, tw.eng, path, {**body, "name": "x" * 101}).status_code == 400
    assert plan.items.count() == n
    r = post(client, tw.eng, path, body)
    assert r.status_code == 201, r.json()
    item = CheckItem.objects.get(pk=r.json()["id"])
    assert (item.name, item.building_id, item.result) == ("外立面", tw.building.pk, "pending")

    url = f"{API}/takeover-items/{item.pk}"
    assert get(client, tw.tech, url).json()["name"] == "外立面"
    assert get(client, other_head, url).status_code == 404
    assert client.delete(url, **auth(tw.tech.user)).status_code == 403
    assert client.delete(url, **auth(other_head.user)).status_code == 404
    assert client.delete(url, **auth(tw.eng.user)).status_code == 204
    assert not CheckItem.objects.filter(pk=item.pk).exists()
    structure = item_of(plan, "structure")
    r = client.delete(f"{API}/takeover-items/{structure.pk}", **auth(tw.eng.user))
    assert r.status_code == 409 and r.json()["error"]["code"] == "required_item"


# --- The on-site checks (TAKEOVER-05/12) ---------------------------------------------------------


def test_on_site_checks_elevator_runs_and_a_failed_line_with_its_photo__TAKEOVER_05_12(
    client, tw, plan, other_head, cleaner
):
    lift, wall = item_of(plan, "elevator"), item_of(plan, "wall")
    before = post(client, tw.tech, f"{API}/takeover-items/{lift.pk}/check", {"result": "passed",
                  "elevator_runs_ok": 3})  # fmt: skip
    assert before.status_code == 409  # the inspection has not started
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    url = f"{API}/takeover-items/{lift.pk}/check"
    r = post(client, tw.tech, url, {"result": "passed", "elevator_runs_ok": 2})
    assert r.status_code == 400 and "elevator_runs_ok" in fields(r)
    assert post(client, tw.tech, url, {"result": "passed", "elevator_runs_ok": 4}).status_code \
        == 400  # fmt: skip
    assert post(client, other_head, url, {"result": "passed", "elevator_runs_ok": 3}) \
        .status_code == 404  # fmt: skip
    assert post(client, cleaner, url, {"result": "passed", "elevator_runs_ok": 3}).status_code \
        == 403  # fmt: skip
    lift.refresh_from_db()
    assert lift.result == "pending"
    r = post(client, tw.tech, url, {"result": "passed", "elevator_runs_ok": 3})
    assert r.status_code == 200, r.json()
    assert (r.json()["result"], r.json()["elevator_runs_ok"]) == ("passed", 3)

    url = f"{API}/takeover-items/{wall.pk}/check"
    r = post(client, tw.tech, url, {"result": "failed", "description": "墙面裂缝"})
    assert r.status_code == 400 and "photos" in fields(r)
    assert not TakeoverDefect.objects.exists()
    photo = photo_of(tw.tech.user)
    failed = {"result": "failed", "description": "墙面裂缝", "location": "1栋3层"}
    r = post(client, tw.tech, url, {**failed, "attachments": [str(photo.pk)]})
    assert r.status_code == 200, r.json()
    defect = TakeoverDefect.objects.get()
    assert r.json()["defects"] == [defect.pk]
    assert (defect.location, defect.case.status) == ("1栋3层", "found")
    shown = get(client, tw.agent, f"{API}/defects/{defect.pk}").json()
    assert shown["description"] == "墙面裂缝" and shown["photos"][0]["id"] == str(photo.pk)
    assert shown["clocks"] == []  # the 15 working days start with the notice


# --- The notice, a defect's steps, the refused confirmation (TAKEOVER-06/07/08) -----------------


def test_notice_defect_steps_and_confirmation_refused_with_open_defects__TAKEOVER_06_07_08(
    client, tw, plan, other_head, frozen
):
    inspect_all(tw, plan, failures=("wall",))
    notices = f"{API}/takeover-plans/{plan.pk}/rectification-notices"
    assert post(client, tw.tech, notices).status_code == 403
    assert post(client, other_head, notices).status_code == 404
    assert not RectificationNotice.objects.exists()
    r = post(client, tw.eng, notices)
    assert r.status_code == 201, r.json()
    notice = RectificationNotice.objects.get()
    defect = TakeoverDefect.objects.get()
    assert r.json()["number"] == notice.number and r.json()["defects"] == [defect.pk]
    assert dt.datetime.fromisoformat(r.json()["due_at"]) == notice.due_at
    again = post(client, tw.eng, notices)
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_notify"

    listed = get(client, tw.agent, f"{API}/takeover-plans/{plan.pk}/defects").json()
    assert listed["count"] == 1 and listed["items"][0]["notice_number"] == notice.number
    assert listed["items"][0]["clocks"][0]["rule"] == "TAKEOVER-07"
    detail = get(client, tw.agent, f"{API}/takeover-plans/{plan.pk}").json()
    assert detail["status"] == "rectifying" and detail["notices"][0]["id"] == notice.pk
    assert get(client, tw.eng, f"{API}/takeover-plans/{plan.pk}").json()["blockers"]

    confirm = f"{API}/takeover-plans/{plan.pk}/confirm"
    names = {"property_signatory": "王工", "developer_signatory": "赵经理"}
    r = post(client, tw.eng, confirm, names)
    assert r.status_code == 409 and r.json()["error"]["code"] == "defects_open"
    plan.refresh_from_db()
    assert plan.confirmed_at is None and plan.case.status == "rectifying"

    steps = f"{API}/defects/{defect.pk}"
    assert post(client, tw.tech, f"{steps}/notify").status_code == 404  # not a button here
    assert post(client, other_head, f"{steps}/report_fixed", {"note": "已修补"}).status_code \
        == 404  # fmt: skip
    r = post(client, tw.tech, f"{steps}/report_fixed", {"note": ""})
    assert r.status_code == 400
    r = post(client, tw.tech, f"{steps}/report_fixed", {"note": "已修补"})
    assert r.status_code == 200 and r.json()["status"] == "fixed"
    assert [a["name"] for a in r.json()["actions"]] == ["reinspect_pass", "reinspect_fail",
                                                          "comment"]  # fmt: skip
    assert post(client, tw.tech, f"{steps}/report_fixed", {"note": "又修"}).status_code == 409
    r = post(client, tw.tech, f"{steps}/reinspect_pass")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["clocks"][0]["state"] == "met"

    r = post(client, tw.eng, confirm, names)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "confirmed" and r.json()["gate"][0]["move_in_allowed"] is True


def test_the_spreadsheet_of_defects(client, tw, plan, other_head, frozen):
    inspect_all(tw, plan, failures=("wall",))
    notice = services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    path = f"{API}/takeover-plans/{plan.pk}/defects.xlsx"
    r = get(client, tw.agent, path)
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "问题编号" and len(rows) == 2 and rows[1][6] == notice.number
    assert get(client, other_head, path).status_code == 404
    assert get(client, tw.owner, path).status_code == 403


@needs_font
def test_the_notice_as_a_pdf__TAKEOVER_06(client, tw, plan, other_head, frozen):
    inspect_all(tw, plan, failures=("wall",))
    notice = services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    path = f"{API}/rectification-notices/{notice.pk}.pdf"
    r = get(client, tw.agent, path)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert get(client, other_head, path).status_code == 404
    assert get(client, tw.owner, path).status_code == 403


# --- The confirmation and the documents (TAKEOVER-08/09/10) -------------------------------------


@pytest.fixture
def confirmed(client, tw, plan):
    inspect_all(tw, plan)
    scan = photo_of(tw.eng.user)
    r = post(client, tw.eng, f"{API}/takeover-plans/{plan.pk}/confirm",
             {"property_signatory": "王工", "developer_signatory": "赵经理",
              "scan": str(scan.pk)})  # fmt: skip
    assert r.status_code == 200, r.json()
    plan.refresh_from_db()
    assert plan.confirmation_scan_id == scan.pk and plan.property_signatory == "王工"
    return plan


def test_the_confirmation_validates_the_signatories_and_the_scan(client, tw, plan, other_head):
    inspect_all(tw, plan)
    path = f"{API}/takeover-plans/{plan.pk}/confirm"
    r = post(client, tw.eng, path, {"property_signatory": " ", "developer_signatory": "赵经理"})
    assert r.status_code == 400 and "property_signatory" in fields(r)
    someone_elses = photo_of(tw.agent.user)
    r = post(client, tw.eng, path, {"property_signatory": "王工", "developer_signatory": "赵经理",
                                    "scan": str(someone_elses.pk)})  # fmt: skip
    assert r.status_code == 400 and "scan" in fields(r)
    names = {"property_signatory": "王工", "developer_signatory": "赵经理"}
    assert post(client, tw.tech, path, names).status_code == 403
    assert post(client, other_head, path, names).status_code == 404
    plan.refresh_from_db()
    assert plan.confirmed_at is None
    assert get(client, tw.eng, f"{API}/takeover-plans/{plan.pk}/confirmation.pdf").status_code \
        == 404  # fmt: skip


def test_documents_with_a_warranty_card_then_the_handover__TAKEOVER_09_10(
    client, tw, confirmed, other_head
):
    plan = confirmed
    path = f"{API}/takeover-plans/{plan.pk}/documents"
    act = f"{API}/takeover-plans/{plan.pk}/hand_over_documents"
    r = post(client, tw.eng, act)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_documents"
    card = {"category": "warranty", "name": "水泵保修卡", "copies": 1}
    r = post(client, tw.eng, path, card)
    assert r.status_code == 400 and {"equipment", "warranty_until", "warranty_unit"} <= set(
        fields(r)
    )
    foreign = facilities.equipment_create(
        estate=tw.other_estate, code="X-1", name="别处水泵", category="water",
        by=tw.exec.user,
    )  # fmt: skip
    warranty = {"warranty_until": "2028-12-31", "warranty_unit": "格兰富"}
    r = post(client, tw.eng, path, {**card, "equipment": foreign.pk, **warranty})
    assert r.status_code == 400 and "equipment" in fields(r)
    assert post(client, tw.eng, path, {**card, "copies": 0}).status_code == 400
    assert post(client, other_head, path, {**card, "category": "drawing"}).status_code == 404
    assert post(client, tw.owner, path, {**card, "category": "drawing"}).status_code == 403
    assert not HandoverDocument.objects.exists()

    r = post(client, tw.agent, path, {"category": "drawing", "name": "竣工图", "copies": 2})
    assert r.status_code == 201 and r.json()["equipment"] is None
    r = post(client, tw.eng, path, {
        **card, "new_equipment": {"code": "SB-01", "name": "生活水泵", "category": "water"},
        "warranty_until": "2028-12-31", "warranty_unit": "格兰富",
    })  # fmt: skip
    assert r.status_code == 201, r.json()
    pump = Equipment.objects.get(code="SB-01")
    assert (pump.warranty_until, pump.warranty_unit) == (dt.date(2028, 12, 31), "格兰富")
    assert r.json()["equipment"] == pump.pk and r.json()["category_label"] == "设施设备保修卡"
    lift = {"equipment": tw.lift.pk, "warranty_until": "2029-06-30", "warranty_unit": "奥的斯"}
    r = post(client, tw.eng, path, {**card, **lift})
    assert r.status_code == 201
    detail = get(client, tw.agent, f"{API}/takeover-plans/{plan.pk}").json()
    assert sorted(d["name"] for d in detail["documents"]) == ["水泵保修卡", "水泵保修卡", "竣工图"]

    assert post(client, tw.agent, act).status_code == 403
    r = post(client, tw.eng, act)
    assert r.status_code == 200 and r.json()["status"] == "documented"


@needs_font
def test_the_confirmation_and_the_documents_as_pdfs__TAKEOVER_08_09(
    client, tw, confirmed, other_head
):
    for name in ("confirmation.pdf", "documents.pdf"):
        path = f"{API}/takeover-plans/{confirmed.pk}/{name}"
        r = get(client, tw.agent, path)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
        assert get(client, other_head, path).status_code == 404
        assert get(client, tw.owner, path).status_code == 403


def test_the_generic_case_route_confirms_with_a_scan_id_too(client, tw, plan):
    """POST /cases/{case}/confirm hands the scan's id to the same service: it is recorded as the
    confirmation's scan (the engine's attachment, not the bare id)."""
    inspect_all(tw, plan)
    scan = photo_of(tw.eng.user)
    body = {"data": {"property_signatory": "王工", "developer_signatory": "赵经理"},
            "attachments": [str(scan.pk)]}  # fmt: skip
    r = post(client, tw.eng, f"/api/v1/cases/{plan.case_id}/confirm", body)
    assert r.status_code == 200, r.json()
    plan.refresh_from_db()
    assert plan.confirmation_scan_id == scan.pk and plan.case.status == "confirmed"
