"""Equipment faults through the API and the pages: every step, refusals with their reasons, scope
(another estate 404, a contractor only the faults it was called to), the report's PDF."""

from __future__ import annotations

import pytest
import time_machine

from tests.fieldwork.faults_helpers import (
    RUNS,
    act,
    at,
    fault_world,
    open_lift_fault,
    through_repair,
)
from tests.pdf_tools import pdf_text, require_pdf_tools
from wuye.core.services import api_token_issue
from wuye.facilities.models import Fault, PreventiveMeasure

BASE = "/api/v1/facilities/faults"
REPORT = {"cause": "光幕传感器积灰", "handling": "清洁并调整光幕",
          "measures": [{"text": "每周清洁传感器", "interval_days": 7}]}  # fmt: skip


@pytest.fixture
def w(world):
    return fault_world(world)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 11, 30, 10, 0), tick=False):
        yield


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **auth(user))


def step(client, user, fault_id, action, **body):
    return post(client, user, f"{BASE}/{fault_id}/{action}", body)


def test_a_fault_through_the_api_to_its_report__EQUIP_FAULT_03_09(client, w):
    body = {"equipment": w.lift.pk, "severity": "general", "source": "monitoring",
            "description": "电梯停梯"}  # fmt: skip
    r = post(client, w.tech.user, BASE, body)
    assert r.status_code == 201, r.json()
    body = r.json()
    fault_id = body["id"]
    assert body["number"].startswith("GZ-20261130-") and body["status"] == "reported"
    assert [c["rule"] for c in body["sla"]] == ["EQUIP-FAULT-12"]
    assert body["sla"][0]["due_at"].startswith("2026-12-01T02:00:00")  # 10:00 +08:00 next day
    for action, user, extra in [
        ("arrive", w.tech.user, {}),
        ("investigate", w.tech.user, {"note": "门机故障"}),
        ("inform", w.agent.user, {"data": {"body": "电梯故障正在维修，预计1小时内恢复"}}),
        ("repair_done", w.tech.user, {"note": "更换门机板"}),
        *[(name, w.tech.user, {}) for name in RUNS],
        ("accept", w.tech.user, {}),
        ("inform_outcome", w.agent.user, {"data": {"body": "电梯已恢复运行"}}),
        ("write_report", w.enghead.user, {"data": REPORT}),
    ]:
        r = step(client, user, fault_id, action, **extra)
        assert r.status_code == 200, (action, r.json())
    body = r.json()
    assert body["status"] == "closed"
    assert [run["normal"] for run in body["test_runs"]] == [True, True, True]
    assert body["report"]["measures"][0]["text"] == "每周清洁传感器"
    assert body["report"]["measures"][0]["schedule"] == PreventiveMeasure.objects.get().schedule_id
    listed = client.get(BASE, {"open": "true"}, **auth(w.tech.user)).json()
    assert listed["count"] == 0


def test_refusals_carry_their_reason__EQUIP_FAULT_07(client, w):
    fault = open_lift_fault(w)
    r = step(client, w.tech.user, fault.pk, "accept")
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_state"
    r = step(client, w.agent.user, fault.pk, "arrive")
    assert r.status_code == 403
    r = step(client, w.tech.user, fault.pk, "fly")
    assert r.status_code == 404
    r = step(client, w.tech.user, fault.pk, "call_contractor", data={"contractor": "x"})
    assert r.status_code == 400 and "contractor" in r.json()["error"]["fields"]
    through_repair(w, fault)
    r = step(client, w.tech.user, fault.pk, "accept")
    assert r.status_code == 409 and r.json()["error"]["code"] == "runs_missing"
    r = post(client, w.tech.user, BASE, {"equipment": w.lift.pk, "severity": "x",
                                         "source": "monitoring", "description": "y"})  # fmt: skip
    assert r.status_code == 400 and "severity" in r.json()["error"]["fields"]


def test_scope_other_estate_and_contractor__EQUIP_FAULT_06(client, w):
    fault = open_lift_fault(w)
    assert client.get(f"{BASE}/{fault.pk}", **auth(w.outsider.user)).status_code == 404
    assert client.get(f"{BASE}/{fault.pk}", **auth(w.owner.user)).status_code == 404
    body = {"equipment": w.lift.pk, "severity": "general", "source": "monitoring",
            "description": "x"}  # fmt: skip
    r = post(client, w.outsider.user, BASE, body)
    assert r.status_code == 404
    lift_user = w.contractor.accounts.get().user
    assert client.get(f"{BASE}/{fault.pk}", **auth(lift_user)).status_code == 404
    assert client.get(BASE, **auth(lift_user)).json()["count"] == 0
    act(fault, "call_contractor", w.tech.user, data={"contractor": w.contractor.pk})
    open_lift_fault(w, description="另一台")
    listed = client.get(BASE, **auth(lift_user)).json()
    assert [f["id"] for f in listed["items"]] == [fault.pk]
    r = step(client, lift_user, fault.pk, "contractor_arrive")
    assert r.status_code == 200 and r.json()["contractor_arrived_at"]


def test_link_a_repair_order_through_the_api__EQUIP_FAULT_04(client, w):
    from wuye.core.models import PublicArea
    from wuye.repairs.services import repair_order_create

    hall = PublicArea.objects.create(estate=w.estate, name="1栋电梯厅", kind="elevator")
    order = repair_order_create(
        estate=w.estate, public_area=hall, description="电梯按钮失灵", contact_name="张先生",
        contact_phone="13800000001", channel="phone", by=w.agent.user,
    )  # fmt: skip
    r = post(
        client, w.tech.user, f"{BASE}/link-repair", {"order": order.pk, "equipment": w.lift.pk}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["source"] == "repair" and r.json()["source_case"] == order.case_id
    r = post(client, w.tech.user, f"{BASE}/link-repair", {"order": order.pk})
    assert r.status_code == 400


def _closed_fault(w):
    fault = open_lift_fault(w)
    through_repair(w, fault)
    for name in (*RUNS, "accept"):
        act(fault, name, w.tech.user)
    act(fault, "inform_outcome", w.agent.user, data={"body": "已修复"})
    act(fault, "write_report", w.enghead.user, data=REPORT)
    return Fault.objects.get(pk=fault.pk)


def test_the_report_pdf_in_chinese__EQUIP_FAULT_09(client, w):
    require_pdf_tools()
    fault = _closed_fault(w)
    r = client.get(f"{BASE}/{fault.pk}/report.pdf", **auth(w.tech.user))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    for words in (
        "故障处理报告",
        fault.case.number,
        "光幕传感器积灰",
        "每周清洁传感器",
        "每7天",
        "原因分析",
    ):
        assert words in text
    assert client.get(f"{BASE}/{fault.pk}/report.pdf", **auth(w.outsider.user)).status_code == 404


def test_pages_list_detail_steps_and_report(client, login, w):
    fault = open_lift_fault(w, entrapment=True)
    login("tech")
    session = client.session
    session["wuye_estate_id"] = w.estate.pk
    session.save()
    page = client.get("/facilities/faults/")
    assert page.status_code == 200
    assert fault.case.number in page.content.decode()
    page = client.get(f"/facilities/faults/{fault.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "到达现场" in html and "被困人员已解救" in html
    assert "EQUIP-FAULT" not in html  # no rule IDs on screen
    r = client.post(f"/facilities/faults/{fault.pk}/arrive/")
    assert r.status_code == 302
    r = client.post(f"/facilities/faults/{fault.pk}/investigate/", {"note": ""})
    assert r.status_code == 400 and "请填写说明" in r.content.decode()
    fault.refresh_from_db()
    assert fault.case.status == "investigating"
    # Another estate's staff: 404; a resident: 403.
    login("outsider")
    assert client.get(f"/facilities/faults/{fault.pk}/").status_code == 404
    login("owner")
    assert client.get("/facilities/faults/").status_code == 403


def test_report_page_writes_the_report_and_its_schedules__EQUIP_FAULT_15(client, login, w):
    fault = open_lift_fault(w)
    through_repair(w, fault)
    for name in (*RUNS, "accept"):
        act(fault, name, w.tech.user)
    act(fault, "inform_outcome", w.agent.user, data={"body": "已修复"})
    login("enghead")
    url = f"/facilities/faults/{fault.pk}/report/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"cause": "", "handling": "x", "measure_text_0": "清洁"})
    assert r.status_code == 400 and "请填写原因分析" in r.content.decode()
    assert not PreventiveMeasure.objects.exists()
    r = client.post(url, {"cause": "积灰", "handling": "清洁", "measure_text_0": "每周清洁传感器",
                          "measure_days_0": "7", "measure_text_1": "每月检查门机",
                          "measure_days_1": "30"})  # fmt: skip
    assert r.status_code == 302
    assert sorted(PreventiveMeasure.objects.values_list("interval_days", flat=True)) == [7, 30]
    require_pdf_tools()
    assert client.get(f"/facilities/faults/{fault.pk}/report.pdf").status_code == 200


def test_lists_cost_the_same_for_many_faults(client, login, w, django_assert_max_num_queries):
    for i in range(6):
        fault = open_lift_fault(w, description=f"故障{i}")
        act(fault, "arrive", w.tech.user)
    with django_assert_max_num_queries(12):
        r = client.get(BASE, **auth(w.tech.user))
    assert r.json()["count"] == 6
    login("tech")
    with django_assert_max_num_queries(20):
        page = client.get("/facilities/faults/", {"open_only": "on"})
    assert page.status_code == 200 and page.content.decode().count("GZ-2026") == 6


def test_the_called_contractor_opens_the_fault_page__EQUIP_FAULT_06(client, login, w):
    fault = open_lift_fault(w)
    login("lift")
    assert client.get(f"/facilities/faults/{fault.pk}/").status_code == 404
    act(fault, "call_contractor", w.agent.user, data={"contractor": w.contractor.pk})
    page = client.get(f"/facilities/faults/{fault.pk}/")
    assert page.status_code == 200 and "维保单位到场" in page.content.decode()
    listed = client.get("/facilities/faults/")
    assert fault.case.number in listed.content.decode()
    r = client.post(f"/facilities/faults/{fault.pk}/contractor_arrive/")
    assert r.status_code == 302
    fault.refresh_from_db()
    assert fault.contractor_arrived_at is not None
