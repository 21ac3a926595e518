"""The operation log's API and pages (EQUIP-OPS-05/07/08): the phone form, an amendment, an
out-of-range entry opening an anomaly from the same screen, the day grid, the printed sheet."""

from __future__ import annotations

from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.facilities.models import Anomaly, OperationLogEntry

from .equip_helpers import POWER_OK, Api, at


def test_phone_form_records_then_amends__EQUIP_OPS_05(eng, login, time_machine):
    time_machine.move_to(at(2026, 11, 26, 14, 20), tick=False)
    client = login("tech")
    form = client.get(f"/facilities/equipment/{eng.transformer.pk}/log/").content.decode()
    assert "电压（V）" in form and "正常范围 353.4–406.6" in form
    response = client.post(f"/facilities/equipment/{eng.transformer.pk}/log/", POWER_OK)
    assert response.status_code == 302
    again = client.post(f"/facilities/equipment/{eng.transformer.pk}/log/", POWER_OK)
    assert again.status_code == 200 and "更正时请说明原因" in again.content.decode()
    client.post(
        f"/facilities/equipment/{eng.transformer.pk}/log/",
        {**POWER_OK, "current": "125", "note": "抄错"},
    )
    page = client.get(f"/facilities/equipment/{eng.transformer.pk}/log/").content.decode()
    assert "本时段已有记录" in page and "电流 120A" in page and "电流 125A" in page
    assert OperationLogEntry.objects.count() == 2


def test_out_of_range_on_the_form_goes_to_the_anomaly__EQUIP_OPS_08(eng, login, time_machine):
    time_machine.move_to(at(2026, 11, 26, 14, 20), tick=False)
    client = login("tech")
    response = client.post(
        f"/facilities/equipment/{eng.transformer.pk}/log/",
        {**POWER_OK, "transformer_temperature": "96"},
    )
    anomaly = Anomaly.objects.get()
    assert response["Location"] == f"/facilities/anomalies/{anomaly.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "变压器温度 96°C" in page and "工程部接报" in page


def test_form_refuses_other_roles_and_estates(eng, login):
    assert (
        login("outsider").get(f"/facilities/equipment/{eng.transformer.pk}/log/").status_code == 404
    )
    response = login("agent").post(f"/facilities/equipment/{eng.transformer.pk}/log/", POWER_OK)
    assert response.status_code == 200 and "只有工程部值班人员" in response.content.decode()
    assert not OperationLogEntry.objects.exists()


def test_api_records_amends_and_shows_the_day(client, eng, time_machine):
    time_machine.move_to(at(2026, 11, 27, 1, 30), tick=False)
    eng.transformer.created_at = at(2026, 11, 1)
    eng.transformer.save(update_fields=["created_at"])
    api = Api(client, eng.tech.user)
    url = f"/equipment/{eng.transformer.pk}/logs"
    first = api.post(url, {"values": POWER_OK}, expect=201)
    assert first["hour"] == "2026-11-26T17:00:00Z"  # 01:00 local
    api.post(url, {"values": POWER_OK}, expect=400)
    second = api.post(url, {"values": POWER_OK, "note": "复核"}, expect=201)
    assert second["amends"] == first["id"]
    bad = api.post(url, {"values": {**POWER_OK, "voltage": "abc"}, "note": "x"}, expect=400)
    assert "voltage" in bad["error"]["fields"]
    day = api.get(f"{url}?day=2026-11-27")
    assert day["missing"] == 1 and [h["state"] for h in day["hours"][:3]] == [
        "missing",
        "logged",
        "future",
    ]
    assert len(day["entries"]) == 2
    grid = api.get(f"/operation-logs?estate={eng.estate.pk}&day=2026-11-27")
    assert {g["equipment"] for g in grid} == {eng.transformer.pk, eng.lift.pk}
    Api(client, eng.agent.user).post(url, {"values": POWER_OK}, expect=403)
    Api(client, eng.outsider.user).get(url, expect=404)


def test_api_parameters(client, eng):
    head = Api(client, eng.eng_head.user)
    table = head.get(f"/operation-parameters?estate={eng.estate.pk}&category=water")
    assert [p["code"] for p in table] == ["outlet_pressure", "tank_level"]
    saved = head.post(
        "/operation-parameters",
        {
            "estate": eng.estate.pk,
            "category": "water",
            "code": "tank_level",
            "name": "水箱水位",
            "unit": "m",
            "low": "0.8",
            "high": "2.5",
        },
    )
    assert saved["id"] and saved["low"] == "0.800"
    Api(client, eng.tech.user).post(
        "/operation-parameters",
        {"estate": eng.estate.pk, "category": "water", "code": "x", "name": "x"},
        expect=403,
    )


def test_day_grid_page_marks_missing_hours__EQUIP_OPS_07(eng, login, time_machine):
    time_machine.move_to(at(2026, 11, 26, 3, 10), tick=False)
    eng.transformer.created_at = at(2026, 11, 1)
    eng.transformer.save(update_fields=["created_at"])
    page = login("tech").get("/facilities/logs/?day=2026-11-26").content.decode()
    assert "PD-01" in page and page.count("hour-missing") >= 3
    assert login("eng_head").get("/facilities/parameters/").status_code == 200


@needs_pdf_tools
def test_day_sheet_pdf_in_chinese__EQUIP_OPS_05(eng, login, time_machine):
    time_machine.move_to(at(2026, 11, 26, 9, 10), tick=False)
    eng.transformer.created_at = at(2026, 11, 1)
    eng.transformer.save(update_fields=["created_at"])
    client = login("tech")
    client.post(f"/facilities/equipment/{eng.transformer.pk}/log/", POWER_OK)
    response = client.get("/facilities/logs/sheet.pdf?day=2026-11-26&category=power")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "设施设备运行记录表" in text and "1号变压器" in text and "09:00" in text
    assert "缺记" in text and "客梯" not in text
    assert "工程设备部负责人签字" in text and "共1页" in text  # one page per piece of equipment
