"""The complaints pages' remaining actions through the API: the list's .xlsx with its filters,
the daily ledger 《投诉处理台账》 as JSON and .xlsx (COMPLAINT-11), the analysis workbook and the
week's improvement measures (COMPLAINT-14/18), scoped like the pages."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wuye.complaints.models import WeeklyAnalysis
from wuye.complaints.services import complaints as services
from wuye.complaints.services.analysis import complaint_weekly_generate
from wuye.core.services import api_token_issue

SH = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONDAY = dt.date(2026, 11, 16)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **auth(user))


def post(client, user, path, body):
    return client.post(f"/api/v1{path}", body, content_type="application/json", **auth(user))


def sheets(response) -> dict[str, list[list]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def complain(world, content="电梯又坏了，困了十分钟", type="engineering_quality",
             when="2026-11-26 09:00", **extra):  # fmt: skip
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士", contact_phone="13800138000",
        channel="phone", type=type, received_at=at(when), by=world.agent.user, **extra,
    )  # fmt: skip


# --- The list as .xlsx ------------------------------------------------------------------------


def test_export_is_what_the_list_shows_with_its_filters(client, world):
    lift = complain(world)
    complain(world, "保安态度很差", type="service_attitude")
    path = "/complaints/export.xlsx"
    rows = next(iter(sheets(get(client, world.agent.user, path, estate=world.estate.pk)).values()))
    assert rows[0][:3] == ["投诉单号", "状态", "投诉类型"] and rows[0][-1] == "满意度"
    assert len(rows) == 3 and rows[1][9] == "13800138000"
    only = get(client, world.agent.user, path, estate=world.estate.pk, type="engineering_quality",
               tab="assign", sort="new")  # fmt: skip
    assert [r[0] for r in next(iter(sheets(only).values()))[1:]] == [lift.case.number]


def test_export_refuses_bad_filters_and_is_scoped(client, world):
    path = "/complaints/export.xlsx"
    r = get(client, world.agent.user, path, estate=world.estate.pk, department="kitchen")
    assert r.status_code == 400 and "department" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, path, estate=world.estate.pk, status="lost")
    assert r.status_code == 400 and "status" in r.json()["error"]["fields"]
    assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
    assert get(client, world.owner.user, path, estate=world.estate.pk).status_code == 403
    assert get(client, world.owner.user, path, estate=world.other_estate.pk).status_code == 404


# --- The ledger (COMPLAINT-11) ----------------------------------------------------------------


def test_ledger_lists_the_open_complaints_with_the_days_progress__COMPLAINT_11(
    client, world, frozen
):
    handled = complain(world, when="2026-11-25 15:00")
    waiting = complain(world, "楼下噪音", type="management")
    services.complaint_act(complaint=handled.pk, action="assign", by=world.agent.user,
                           data={"department": "customer_service"})  # fmt: skip
    r = get(client, world.agent.user, "/complaints/ledger", estate=world.estate.pk)
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["day"], body["is_today"], body["count"]) == ("2026-11-26", True, 2)
    assert (body["handling"], body["not_updated"]) == (1, 1)
    rows = {row["id"]: row for row in body["items"]}
    assert rows[handled.pk]["status"] == "handling" and rows[handled.pk]["today_progress"] is None
    assert rows[handled.pk]["department_label"] == "客户服务中心"
    assert rows[waiting.pk]["status_label"] == "待分派" and rows[waiting.pk]["due_text"]
    frozen.move_to(at("2026-11-26 11:00"), tick=False)
    services.complaint_act(complaint=handled.pk, action="progress", by=world.head.user,
                           note="已联系电梯维保单位")  # fmt: skip
    body = get(client, world.agent.user, "/complaints/ledger", estate=world.estate.pk).json()
    note = {row["id"]: row for row in body["items"]}[handled.pk]["today_progress"]
    assert note["note"] == "已联系电梯维保单位" and note["by_name"] == world.head.name
    assert body["not_updated"] == 0
    # Another day: yesterday's sheet had no note; a day to come is today's.
    past = get(client, world.agent.user, "/complaints/ledger", estate=world.estate.pk,
               day="2026-11-25").json()  # fmt: skip
    assert past["is_today"] is False and past["not_updated"] == 1
    later = get(client, world.agent.user, "/complaints/ledger", estate=world.estate.pk,
                day="2026-12-25").json()  # fmt: skip
    assert later["day"] == "2026-11-26"


def test_ledger_xlsx_and_refusals(client, world):
    complain(world)
    r = get(client, world.agent.user, "/complaints/ledger.xlsx", estate=world.estate.pk)
    rows = next(iter(sheets(r).values()))
    assert rows[0][:3] == ["序号", "投诉单号", "受理时间"] and len(rows) == 2
    assert "20261126" in r["Content-Disposition"]
    for path in ("/complaints/ledger", "/complaints/ledger.xlsx"):
        r = get(client, world.agent.user, path, estate=world.estate.pk, day="26/11/2026")
        assert r.status_code == 400 and "day" in r.json()["error"]["fields"]
        assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
        assert get(client, world.owner.user, path, estate=world.estate.pk).status_code == 403


# --- The analysis workbook and the measures (COMPLAINT-14/18) ---------------------------------


@pytest.fixture
def stored(world, frozen):
    complain(world, when="2026-11-17 10:00")
    complaint_weekly_generate(now=at("2026-11-23 12:00"))
    return WeeklyAnalysis.objects.get(estate=world.estate, week_start=MONDAY)


def test_analysis_workbook_as_the_page_shows_it(client, world, stored):
    stored.measures = "电梯维保频率提高至每10天一次"
    stored.save()
    path = "/complaints/analysis.xlsx"
    book = sheets(get(client, world.head.user, path, estate=world.estate.pk))
    overview = dict((row[0], row[1]) for row in book["概况"][1:])
    assert book["概况"][0] == ["指标", "数值"] and overview["投诉总数"] == 1
    assert overview["数据来源"] == "每周自动生成的周分析"
    assert overview["改进措施"] == "电梯维保频率提高至每10天一次"
    assert book["按类型"][0] == ["投诉类型", "其他类型说明", "件数", "占比"]
    live = sheets(get(client, world.head.user, path, estate=world.estate.pk,
                      start="2026-11-16", end="2026-11-26"))  # fmt: skip
    assert dict((r[0], r[1]) for r in live["概况"][1:])["数据来源"] == "按当前数据实时统计"
    r = get(client, world.head.user, path, estate=world.estate.pk, week="2026-11-09")
    assert r.status_code == 404
    r = get(client, world.head.user, path, estate=world.estate.pk, start="2026-11-20",
            end="2026-11-01")  # fmt: skip
    assert r.status_code == 400 and "start" in r.json()["error"]["fields"]
    assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
    assert get(client, world.owner.user, path, estate=world.estate.pk).status_code == 404


def test_heads_record_the_weeks_measures__COMPLAINT_18(client, world, stored):
    body = {"estate": world.estate.pk, "week": "2026-11-16", "measures": "  电梯每10天维保一次 "}
    r = post(client, world.head.user, "/complaints/analysis/measures", body)
    assert r.status_code == 200, r.json()
    assert r.json()["measures"] == "电梯每10天维保一次" and r.json()["id"] == stored.pk
    stored.refresh_from_db()
    assert (stored.measures, stored.measures_by) == ("电梯每10天维保一次", world.head.user)


def test_measures_refusals_write_nothing(client, world, stored):
    path = "/complaints/analysis/measures"
    good = {"estate": world.estate.pk, "week": "2026-11-16", "measures": "加强巡检"}
    cases = [
        (world.agent.user, good, 403),
        (world.tech.user, good, 403),
        (world.outsider.user, good, 404),
        (world.owner.user, good, 404),
        (world.head.user, {**good, "week": "2026-11-09"}, 404),
        (world.head.user, {**good, "measures": "长" * 2001}, 400),
        (world.head.user, {**good, "week": "someday"}, 400),
        (world.head.user, {"estate": world.estate.pk, "week": "2026-11-16"}, 400),
    ]
    for user, body, status in cases:
        r = post(client, user, path, body)
        assert r.status_code == status, (body, r.json())
    stored.refresh_from_db()
    assert stored.measures == "" and stored.measures_by is None
