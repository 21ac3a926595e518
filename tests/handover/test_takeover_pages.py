"""The takeover pages: the list with the gate to move-in (TAKEOVER-15), the plan form
(TAKEOVER-14), the phone checklist (TAKEOVER-12, a failed item with its photo), the notice and
the confirmation refused with open defects (TAKEOVER-06/08), a defect's steps, the documents
(TAKEOVER-10), the PDFs, and who may see and do what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_staff
from tests.handover.test_takeover import frozen, inspect_all, item_of, make_plan, tw
from tests.images import make_jpeg
from wuye.core.choices import DepartmentKind, Role
from wuye.facilities.models import Equipment
from wuye.handover.models import CheckItem, TakeoverDefect, TakeoverPlan
from wuye.handover.services import takeover as services

__all__ = ["frozen", "tw"]  # the shared fixtures


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def plan(tw):
    return make_plan(tw)


def test_list_shows_plans_and_whether_move_in_is_allowed__TAKEOVER_15(tw, plan, login):
    client = login("eng")
    page = client.get(reverse("handover:takeover_list")).content.decode()
    assert plan.case.number in page and "未通过接管验收，不能办理入住" in page
    assert "制定接管验收方案" in page
    filtered = client.get(reverse("handover:takeover_list"), {"status": "confirmed"})
    assert plan.case.number not in filtered.content.decode()
    assert "没有符合条件" in filtered.content.decode()


def test_list_without_a_project_offers_to_register_one(world, login):
    make_staff(world.company, "eng", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
               [world.estate])  # fmt: skip
    client = login("eng")
    assert "登记接管项目" in client.get(reverse("handover:takeover_list")).content.decode()
    response = client.post(reverse("handover:takeover_project_new"),
                           {"developer": "阳光置业", "contractor": "华建"})  # fmt: skip
    assert response.status_code == 302
    assert world.estate.handover.developer == "阳光置业"


def test_plan_form_requires_owner_representatives__TAKEOVER_14(tw, login):
    client = login("eng")
    data = {"scope_structure": "on", "scope_equipment": "on", "standards": "国标", "tools": "卷尺",
            "planned_on": "2026-09-25", "owner_representatives": "",
            "team": [tw.agent.pk, tw.tech.pk, tw.guard.pk]}  # fmt: skip
    response = client.post(reverse("handover:takeover_new"), data)
    assert response.status_code == 200 and "受邀业主代表" in response.content.decode()
    assert not TakeoverPlan.objects.exists()
    data["owner_representatives"] = "业主代表 张三"
    response = client.post(reverse("handover:takeover_new"), data)
    plan = TakeoverPlan.objects.get()
    assert response.url == reverse("handover:takeover_detail", args=[plan.pk])
    assert plan.items.filter(system="elevator").count() == 1
    assert plan.scope_equipment and not plan.scope_public  # the box left unticked
    page = client.get(response.url).content.decode()
    assert "业主代表 张三" in page and "开始现场检查" in page


def test_phone_checklist_elevator_needs_three_runs__TAKEOVER_12(tw, plan, login):
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    client = login("tech")
    page = client.get(reverse("handover:takeover_checklist", args=[plan.pk])).content.decode()
    assert "已检查 0 /" in page and "检查下一项" in page
    lift = item_of(plan, "elevator")
    url = reverse("handover:takeover_item", args=[lift.pk])
    response = client.post(url, {"result": "passed", "run1": "on", "run2": "on"})
    assert response.status_code == 400 and "空载运行3次均无异常" in response.content.decode()
    lift.refresh_from_db()
    assert lift.result == "pending"
    response = client.post(url, {"result": "passed", "run1": "on", "run2": "on", "run3": "on"})
    assert response.status_code == 302
    lift.refresh_from_db()
    assert (lift.result, lift.elevator_runs_ok) == ("passed", 3)
    following = CheckItem.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert following.result == "pending"


def test_phone_failed_item_with_photo_becomes_a_defect__TAKEOVER_05(tw, plan, login):
    services.takeover_plan_act(plan=plan, action="start_inspection", by=tw.eng.user)
    client = login("tech")
    wall = item_of(plan, "wall")
    url = reverse("handover:takeover_item", args=[wall.pk])
    response = client.post(url, {"result": "failed", "description": "墙面裂缝"})
    assert response.status_code == 400 and "不合格项请拍照留证" in response.content.decode()
    response = client.post(url, {"result": "failed", "description": "墙面裂缝",
                                 "location": "1栋3层", "photos": make_jpeg()})  # fmt: skip
    assert response.status_code == 302
    defect = TakeoverDefect.objects.get()
    assert (defect.location, defect.case.status) == ("1栋3层", "found")
    page = client.get(reverse("handover:takeover_defect", args=[defect.pk])).content.decode()
    assert "墙面裂缝" in page and "attachment" in page and "15 个工作日" in page


def test_notice_and_confirmation_refused_with_open_defects__TAKEOVER_06_08(tw, plan, login, frozen):
    inspect_all(tw, plan, failures=("wall",))
    client = login("tech")
    response = client.post(reverse("handover:takeover_notice_issue", args=[plan.pk]))
    assert "只有部门负责人" in said(response) and not plan.notices.exists()
    client = login("eng")
    response = client.post(reverse("handover:takeover_notice_issue", args=[plan.pk]))
    assert "已发出整改通知书" in said(response)
    notice = plan.notices.get()
    response = client.get(reverse("handover:takeover_notice_pdf", args=[notice.pk]))
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
    response = client.post(
        reverse("handover:takeover_confirm", args=[plan.pk]),
        {"property_signatory": "王工", "developer_signatory": "赵经理"},
    )
    assert "不能签署接管验收确认书" in said(response)
    plan.refresh_from_db()
    assert plan.case.status == "rectifying" and plan.confirmed_at is None
    page = client.get(reverse("handover:takeover_detail", args=[plan.pk])).content.decode()
    assert "现在还不能签署" in page and notice.number in page
    export = client.get(reverse("handover:takeover_defects_export", args=[plan.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "问题编号" and len(rows) == 2
    assert rows[1][6] == notice.number and rows[1][7] == dt.datetime(2026, 10, 19, 23, 59, 59)


def test_defect_steps_on_its_page(tw, plan, login, frozen):
    inspect_all(tw, plan, failures=("wall",))
    services.rectification_notice_issue(plan=plan, by=tw.eng.user)
    defect = TakeoverDefect.objects.get()
    client = login("tech")
    url = reverse("handover:takeover_defect_act", args=[defect.pk, "report_fixed"])
    assert "请填写说明" in said(client.post(url, {"note": ""}))
    client.post(url, {"note": "已修补"})
    defect.case.refresh_from_db()
    assert defect.case.status == "fixed"
    client.post(reverse("handover:takeover_defect_act", args=[defect.pk, "reinspect_pass"]))
    defect.case.refresh_from_db()
    assert defect.case.status == "closed"


def test_confirm_and_documents_pages__TAKEOVER_08_10(tw, plan, login):
    inspect_all(tw, plan)
    client = login("eng")
    response = client.post(reverse("handover:takeover_confirm", args=[plan.pk]),
                           {"property_signatory": "王工", "developer_signatory": "赵经理",
                            "photos": make_jpeg("scan.jpg")})  # fmt: skip
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.case.status == "confirmed" and plan.confirmation_scan is not None
    url = reverse("handover:takeover_document_add", args=[plan.pk])
    response = client.post(url, {"category": "warranty", "name": "水泵保修卡", "copies": 1})
    assert response.status_code == 400 and "请填写保修截止日" in response.content.decode()
    response = client.post(url, {
        "category": "warranty", "name": "水泵保修卡", "copies": 1, "new_code": "SB-01",
        "new_name": "生活水泵", "new_category": "water", "warranty_until": "2028-12-31",
        "warranty_unit": "格兰富",
    })  # fmt: skip
    assert response.status_code == 302
    pump = Equipment.objects.get(code="SB-01")
    assert (pump.warranty_until, pump.warranty_unit) == (dt.date(2028, 12, 31), "格兰富")
    page = client.get(reverse("handover:takeover_detail", args=[plan.pk])).content.decode()
    assert "水泵保修卡" in page and "可以办理入住" in page
    for name in ("takeover_confirmation_pdf", "takeover_documents_pdf"):
        assert client.get(reverse(f"handover:{name}", args=[plan.pk])).status_code in (200, 503)
    client.post(reverse("handover:takeover_act", args=[plan.pk, "hand_over_documents"]))
    plan.case.refresh_from_db()
    assert plan.case.status == "documented"


def test_checklist_edit_while_preparing(tw, plan, login):
    client = login("eng")
    response = client.post(
        reverse("handover:takeover_item_add", args=[plan.pk]),
        {"system": "wall", "name": "外立面", "standard": "无脱落"},
    )
    assert response.status_code == 302 and plan.items.filter(name="外立面").exists()
    item = plan.items.get(name="外立面")
    client.post(reverse("handover:takeover_item_remove", args=[item.pk]))
    assert not plan.items.filter(name="外立面").exists()
    response = client.post(
        reverse("handover:takeover_item_add", args=[plan.pk]),
        {"system": "wall", "name": "", "standard": "x"},
    )
    assert response.status_code == 400


def test_who_may_see_the_pages(tw, plan, login):
    detail = reverse("handover:takeover_detail", args=[plan.pk])
    assert login("outsider").get(detail).status_code == 404
    assert login("owner").get(detail).status_code == 403
    make_staff(tw.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [tw.estate])
    assert login("cleaner").get(detail).status_code == 403
    assert login("agent").get(detail).status_code == 200
    assert login("agent").get(reverse("handover:takeover_new")).status_code == 403
    wall = item_of(plan, "wall")
    assert login("outsider").get(reverse("handover:takeover_item", args=[wall.pk])).status_code \
        == 404  # fmt: skip


def test_a_check_before_the_inspection_starts_is_refused_on_the_page(tw, plan, login):
    client = login("tech")
    wall = item_of(plan, "wall")
    response = client.post(reverse("handover:takeover_item", args=[wall.pk]),
                           {"result": "passed"})  # fmt: skip
    assert response.status_code == 302 and "验收准备" in said(response)
    wall.refresh_from_db()
    assert wall.result == "pending"
