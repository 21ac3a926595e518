"""The equipment register's API and pages (EQUIP-OPS-01): list with filters and the missing-hours
count, create and change, 400/403/404, the Excel export and the QR label sheet in Chinese."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.facilities.models import Equipment

from .equip_helpers import Api, at


def test_api_create_list_detail_update(client, eng, time_machine):
    time_machine.move_to(at(2026, 11, 26, 10, 0), tick=False)
    api = Api(client, eng.tech.user)
    body = api.post(
        "/equipment",
        {
            "estate": eng.estate.pk,
            "code": "XF-01",
            "name": "消防喷淋泵1号",
            "category": "fire",
            "contractor": eng.contractor.pk,
            "inspection_name": "消防检测",
            "inspection_due_on": "2026-12-10",
        },
        expect=201,
    )
    assert body["logs_hourly"] is False and body["inspection_state"] == "due"
    assert body["qr_url"].startswith("/facilities/q/")
    listing = api.get(f"/equipment?estate={eng.estate.pk}&inspection_due=true")
    assert [i["code"] for i in listing["items"]] == ["XF-01"] and listing["count"] == 1
    power = api.get("/equipment?category=power")["items"][0]
    assert power["missing_hours"] is not None  # logged hourly: counted
    changed = api.patch(f"/equipment/{body['id']}", {"status": "under_repair", "building": None})
    assert changed["status"] == "under_repair"
    assert api.get(f"/equipment/{body['id']}")["status"] == "under_repair"
    by_qr = api.get(f"/equipment/qr/{Equipment.objects.get(pk=body['id']).qr_token}")
    assert by_qr["id"] == body["id"]


def test_api_errors_400_403_404(client, eng):
    api = Api(client, eng.tech.user)
    bad = api.post(
        "/equipment",
        {"estate": eng.estate.pk, "code": "PD-01", "name": "重复", "category": "power"},
        expect=400,
    )
    assert "code" in bad["error"]["fields"]
    api.post(
        "/equipment",
        {"estate": eng.other_estate.pk, "code": "Z", "name": "别处", "category": "other"},
        expect=404,
    )
    Api(client, eng.agent.user).patch(f"/equipment/{eng.lift.pk}", {"name": "x"}, expect=403)
    Api(client, eng.outsider.user).get(f"/equipment/{eng.lift.pk}", expect=404)
    api.patch(f"/equipment/{eng.lift.pk}", {"contractor": 999999}, expect=400)
    assert Equipment.objects.get(pk=eng.lift.pk).name == "1栋1号客梯"


def test_api_qr_regenerate_and_history(client, eng):
    api = Api(client, eng.tech.user)
    old = eng.lift.qr_token
    api.post(f"/equipment/{eng.lift.pk}/qr-regenerate")
    api.get(f"/equipment/qr/{old}", expect=404)
    assert api.get(f"/equipment/{eng.lift.pk}/history") == []


def test_list_page_filters_paginates_and_exports(eng, login):
    client = login("tech")
    page = client.get("/facilities/equipment/?category=elevator")
    assert page.status_code == 200
    text = page.content.decode()
    assert "DT-1-01" in text and "PD-01" not in text
    export = client.get("/facilities/equipment/export.xlsx?category=power")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["PD-01"]
    assert sheet["C2"].value == "供配电设备"


def test_create_and_edit_pages_keep_input_on_error(eng, login):
    client = login("tech")
    response = client.post(
        "/facilities/equipment/new/",
        {"code": "PD-01", "name": "重复编号", "category": "power", "status": "in_use"},
    )
    assert response.status_code == 200 and "本项目已有编号" in response.content.decode()
    assert "重复编号" in response.content.decode()
    response = client.post(
        "/facilities/equipment/new/",
        {"code": "KT-01", "name": "物业中心空调", "category": "hvac", "status": "in_use"},
    )
    created = Equipment.objects.get(code="KT-01")
    assert response.status_code == 302 and response["Location"].endswith(f"/{created.pk}/")
    response = client.post(
        f"/facilities/equipment/{created.pk}/edit/",
        {"code": "KT-01", "name": "物业中心空调", "category": "hvac", "status": "stopped"},
    )
    created.refresh_from_db()
    assert response.status_code == 302 and created.status == "stopped"


def test_pages_scope_and_role(eng, login):
    assert login("outsider").get(f"/facilities/equipment/{eng.lift.pk}/").status_code == 404
    assert login("agent").get("/facilities/equipment/new/").status_code == 403
    assert login("owner").get("/facilities/equipment/").status_code == 403


def test_qr_label_opens_the_equipment_page(eng, login):
    client = login("tech")
    response = client.get(f"/facilities/q/{eng.lift.qr_token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/facilities/equipment/{eng.lift.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "填写运行记录" in detail and "上报设备异常" in detail
    assert client.get("/facilities/q/not-a-token/").status_code == 404


@needs_pdf_tools
def test_qr_label_sheet_renders_chinese__EQUIP_OPS_01(eng, login):
    response = login("tech").get("/facilities/equipment/labels.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "1栋1号客梯" in text and "1号变压器" in text and "扫码查看设备" in text
    api = Api(login("tech"), eng.tech.user)
    r = api.call("get", f"/equipment/labels.pdf?estate={eng.estate.pk}&category=power")
    assert "1号变压器" in pdf_text(r.content) and "客梯" not in pdf_text(r.content)


def test_list_page_and_api_queries_do_not_grow_with_the_page(
    client, eng, login, django_assert_max_num_queries
):
    from wuye.facilities.services import equipment_create

    for n in range(12):
        equipment_create(
            estate=eng.estate,
            code=f"DT-9-{n:02d}",
            name=f"9栋{n}号客梯",
            category="elevator",
            contractor=eng.contractor,
            by=eng.tech.user,
        )
    page_client = login("tech")
    with django_assert_max_num_queries(20):
        assert page_client.get("/facilities/equipment/").status_code == 200
    api = Api(client, eng.tech.user)
    with django_assert_max_num_queries(15):
        assert api.get("/equipment")["count"] == 14
