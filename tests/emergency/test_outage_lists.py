"""The outage list: its Excel file holds exactly what the filters show (page and API), and the
list page and the API list cost a bounded number of queries, whatever the number of outages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from wuye.core.services import api_token_issue

from .outage_helpers import plan_water, report_power

pytestmark = pytest.mark.django_db
OUTAGES = "/api/v1/emergency/outages"
HEADERS = ["工单号", "项目", "类型", "范围", "涉及户数", "响应级别", "停水停电时间", "预计恢复时间",
           "实际恢复时间", "通知提前", "状态", "事件状态", "注意事项", "原因"]  # fmt: skip


def _sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _bearer(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _two(w):
    sudden = report_power(w)
    planned = plan_water(w, start="2026-08-20 09:00", end="2026-08-20 12:00", cause="水箱清洗")
    return sudden, planned


def test_the_page_exports_exactly_what_is_filtered(emg, login):
    w = emg
    sudden, planned = _two(w)
    client = login("agent")
    page = client.get("/emergency/outages/?utility=water").content.decode()
    assert "/emergency/outages/export.xlsx?utility=water" in page  # the button keeps the filters
    rows = _sheet(client.get("/emergency/outages/export.xlsx"))
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == [planned.incident.case.number, sudden.incident.case.number]
    rows = _sheet(client.get("/emergency/outages/export.xlsx?utility=water"))
    assert len(rows) == 2
    number, estate, kind, scope, households, level, starts, *rest = rows[1]
    assert (number, estate, kind, scope, households) == (
        planned.incident.case.number, "阳光测试苑", "计划停水", "1栋", 2,
    )  # fmt: skip
    assert level == "Ⅳ级 一般应急" and starts.strftime("%Y-%m-%d %H:%M") == "2026-08-20 09:00"
    assert rest[2] == "8 天 6 小时 0 分钟" and rest[3] == "未开始" and rest[-1] == "水箱清洗"
    assert len(_sheet(client.get("/emergency/outages/export.xlsx?state=restored"))) == 1
    assert login("owner").get("/emergency/outages/export.xlsx").status_code == 403


def test_the_api_exports_exactly_what_is_filtered(client, emg):
    w = emg
    sudden, _planned = _two(w)
    r = client.get(f"{OUTAGES}/export.xlsx?utility=power&state=ongoing", **_bearer(w.agent.user))
    rows = _sheet(r)
    assert rows[0] == HEADERS and len(rows) == 2
    assert rows[1][0] == sudden.incident.case.number and rows[1][2] == "突发停电"
    r = client.get(f"{OUTAGES}/export.xlsx", **_bearer(w.outsider.user))  # another estate's
    assert len(_sheet(r)) == 1
    assert client.get(f"{OUTAGES}/export.xlsx?state=x", **_bearer(w.agent.user)).status_code == 400


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_list_page_and_api_cost_the_same_queries_for_2_or_8_outages(
    emg, login, client, django_assert_max_num_queries
):
    w = emg
    _two(w)
    web = login("agent")
    headers = _bearer(w.agent.user)

    def page():
        assert web.get("/emergency/outages/").status_code == 200

    def api():
        r = client.get(OUTAGES, **headers)
        assert r.status_code == 200 and r.json()["count"] >= 2

    page(), api()  # the first use of a token stamps it: not the list's cost
    small = (_queries(page), _queries(api))
    for n in range(3):  # 6 more, across several buildings each
        report_power(w, buildings=w.buildings[n : n + 3])
        plan_water(w, start=f"2026-08-2{n + 1} 09:00", end=f"2026-08-2{n + 1} 12:00",
                   buildings=w.buildings[n + 3 : n + 5])  # fmt: skip
    assert (_queries(page), _queries(api)) == small
    with django_assert_max_num_queries(20):
        page()
    with django_assert_max_num_queries(20):
        api()
