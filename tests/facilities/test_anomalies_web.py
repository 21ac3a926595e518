"""Equipment anomalies through the API and the pages (EQUIP-OPS-08/09): report (idempotent on a
key), engineering's open list with the clock, the anomaly page and its actions, 403/404/409."""

from __future__ import annotations

from wuye.facilities.models import Anomaly

from .equip_helpers import Api, at


def test_api_report_dedup_and_steps__EQUIP_OPS_08_EQUIP_OPS_09(client, eng, time_machine):
    time_machine.move_to(at(2026, 11, 30, 23, 57), tick=False)
    guard = Api(client, eng.agent.user)
    body = {
        "equipment": eng.lift.pk,
        "source": "monitoring",
        "description": "电梯困人报警",
        "dedup": "lift-7781",
    }
    first = guard.post("/anomalies", body, expect=201)
    again = guard.post("/anomalies", body, expect=200)
    assert again["id"] == first["id"] and first["number"].startswith("YC-20261130-")
    (clock,) = first["clocks"]
    assert clock["rule"] == "EQUIP-OPS-09" and clock["due_at"] == "2026-11-30T16:07:00Z"
    tech = Api(client, eng.tech.user)
    listing = tech.get(f"/anomalies?estate={eng.estate.pk}&open=true")
    assert [a["id"] for a in listing["items"]] == [first["id"]]
    guard.post(f"/anomalies/{first['id']}/acknowledge", expect=403)
    acked = tech.post(f"/anomalies/{first['id']}/acknowledge")
    assert acked["status"] == "acknowledged" and acked["clocks"][0]["state"] == "met"
    tech.post(f"/anomalies/{first['id']}/acknowledge", expect=409)
    tech.post(f"/anomalies/{first['id']}/fix", {"note": ""}, expect=400)
    tech.post(
        f"/anomalies/{first['id']}/to_fault", {"data": {"fault_case": first["case"]}}, expect=400
    )
    fixed = tech.post(f"/anomalies/{first['id']}/fix", {"note": "复位安全回路，试运行正常"})
    assert fixed["status"] == "fixed" and fixed["resolution"] == "复位安全回路，试运行正常"
    tech.post(f"/anomalies/{first['id']}/explode", expect=404)
    assert tech.get(f"/anomalies?estate={eng.estate.pk}&open=true")["count"] == 0
    Api(client, eng.outsider.user).get(f"/anomalies/{first['id']}", expect=404)


def test_api_report_errors(client, eng):
    api = Api(client, eng.agent.user)
    bad = api.post(
        "/anomalies", {"equipment": eng.lift.pk, "source": "rumour", "description": "x"}, expect=400
    )
    assert "source" in bad["error"]["fields"]
    Api(client, eng.outsider.user).post(
        "/anomalies", {"equipment": eng.lift.pk, "description": "x"}, expect=404
    )
    assert not Anomaly.objects.exists()


def test_pages_report_list_and_act__EQUIP_OPS_08(eng, login, time_machine):
    time_machine.move_to(at(2026, 11, 26, 10, 0), tick=False)
    client = login("agent")
    response = client.post(
        f"/facilities/equipment/{eng.lift.pk}/anomaly/",
        {"description": "电梯停在5楼不动", "source": "operator"},
    )
    anomaly = Anomaly.objects.get()
    assert response["Location"] == f"/facilities/anomalies/{anomaly.pk}/"
    time_machine.move_to(at(2026, 11, 26, 10, 4), tick=False)
    tech = login("tech")
    listing = tech.get("/facilities/anomalies/").content.decode()
    assert anomaly.case.number in listing and "还剩 6 分钟" in listing
    page = tech.get(f"/facilities/anomalies/{anomaly.pk}/").content.decode()
    assert "工程部接报" in page and "转为故障处理" not in page
    tech.post(f"/facilities/anomalies/{anomaly.pk}/acknowledge/")
    anomaly.refresh_from_db()
    assert anomaly.case.status == "acknowledged"
    # A step without its reason stays where it was and says why.
    response = tech.post(f"/facilities/anomalies/{anomaly.pk}/dismiss/", {"note": ""}, follow=True)
    assert "请填写说明" in response.content.decode()
    tech.post(f"/facilities/anomalies/{anomaly.pk}/dismiss/", {"note": "误报"})
    anomaly.refresh_from_db()
    assert anomaly.case.status == "dismissed"
    assert login("outsider").get(f"/facilities/anomalies/{anomaly.pk}/").status_code == 404


def test_an_open_anomaly_goes_on_as_a_fault_from_its_page__EQUIP_OPS_08(eng, login, time_machine):
    """ "转为故障": the fault form opens prefilled from the anomaly; saving it closes the anomaly as
    turned into that fault. A closed anomaly offers no such button and prefills nothing."""
    time_machine.move_to(at(2026, 11, 26, 10, 0), tick=False)
    tech = login("tech")
    tech.post(
        f"/facilities/equipment/{eng.lift.pk}/anomaly/",
        {"description": "电梯运行异响", "source": "operator"},
    )
    anomaly = Anomaly.objects.get()
    page = tech.get(f"/facilities/anomalies/{anomaly.pk}/").content.decode()
    assert f"/facilities/faults/new/?anomaly={anomaly.pk}" in page
    form = tech.get(f"/facilities/faults/new/?anomaly={anomaly.pk}").content.decode()
    assert anomaly.case.number in form and "电梯运行异响" in form
    response = tech.post(
        "/facilities/faults/new/",
        {"equipment": eng.lift.pk, "severity": "general", "source": "anomaly",
         "source_number": anomaly.case.number, "description": "电梯运行异响"},
    )  # fmt: skip
    assert response.status_code == 302
    anomaly.refresh_from_db()
    assert anomaly.case.status == "fault" and anomaly.fault_case is not None
    page = tech.get(f"/facilities/anomalies/{anomaly.pk}/").content.decode()
    assert "?anomaly=" not in page
    assert (
        anomaly.case.number
        not in tech.get(f"/facilities/faults/new/?anomaly={anomaly.pk}").content.decode()
    )
    # Another estate's staff get nothing prefilled.
    assert (
        "电梯运行异响"
        not in login("outsider")
        .get(f"/facilities/faults/new/?anomaly={anomaly.pk}")
        .content.decode()
    )
