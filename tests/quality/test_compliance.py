"""Compliance with the manual, per rule (QUALITY-02/03): the month's shares of deadlines kept, the
cases that broke one, the export and the API agree on a known set of clocks (conftest.py)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.core.scoping import actor_for
from wuye.quality.selectors import (
    compliance_breaches,
    compliance_scope,
    compliance_table,
    month_parse,
)

from .conftest import NOW, at

PAGE = reverse("quality:compliance")
BREACHES = reverse("quality:compliance_breaches")
EXPORT = reverse("quality:compliance_export")
NOVEMBER = dt.date(2026, 11, 1)


def _row(table, process: str, key: str):
    group = next(g for g in table.groups if g.process == process)
    return next(r for r in group.rows if r.key == key)


def _table(user, estate_id, month=NOVEMBER):
    scope = compliance_scope(actor=actor_for(user), estate_id=estate_id, month=month, now=NOW)
    return compliance_table(scope=scope, now=NOW)


def test_shares_count_the_month_s_decided_clocks_exactly__QUALITY_02(month):
    w = month.world
    table = _table(w.head.user, w.estate.pk)
    handle = _row(table, "repair", "handle")
    # Kept: met1, met2, last (23:59 on the 30th). Broken: late, open and paused past due, the
    # escalated one still open. Not counted: cancelled, not yet due, October, December (00:01
    # local on 1 December is still November in UTC), the other estate's.
    assert (handle.kept, handle.decided, handle.breached) == (3, 7, 4)
    assert handle.pct == "42.9 %"
    assert handle.rule == "REPAIR-05" and handle.name == "处理时限"
    dispatch = _row(table, "repair", "dispatch_emergency")
    assert (dispatch.kept, dispatch.decided, dispatch.pct) == (1, 1, "100.0 %")
    assert (table.kept, table.decided) == (4, 8)
    # A declared clock with nothing due shows, with no share.
    revisit = _row(table, "repair", "revisit")
    assert (revisit.decided, revisit.share, revisit.pct) == (0, None, "—")


def test_a_clock_running_before_its_due_time_counts_once_past_it__QUALITY_02(month):
    w = month.world
    later = dt.datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)
    scope = compliance_scope(actor=actor_for(w.head.user), estate_id=w.estate.pk,
                             month=NOVEMBER, now=later)  # fmt: skip
    handle = _row(compliance_table(scope=scope, now=later), "repair", "handle")
    assert (handle.kept, handle.decided) == (3, 8)


def test_previous_and_next_months_hold_their_own_clocks__QUALITY_02(month):
    w = month.world
    october = _row(_table(w.head.user, w.estate.pk, dt.date(2026, 10, 1)), "repair", "handle")
    december = _row(_table(w.head.user, w.estate.pk, dt.date(2026, 12, 1)), "repair", "handle")
    assert (october.kept, october.decided) == (1, 1)
    assert (december.kept, december.decided) == (0, 1)


def test_executives_see_every_estate_at_once__QUALITY_02(month):
    w = month.world
    handle = _row(_table(w.exec.user, None), "repair", "handle")
    assert (handle.kept, handle.decided) == (3, 8)
    assert _row(_table(w.exec.user, w.other_estate.pk), "repair", "handle").decided == 1


def test_the_drill_down_lists_exactly_the_breaking_cases__QUALITY_02(month):
    w = month.world
    scope = compliance_scope(actor=actor_for(w.head.user), estate_id=w.estate.pk,
                             month=NOVEMBER, now=NOW)  # fmt: skip
    clocks = list(compliance_breaches(scope=scope, process="repair", key="handle", now=NOW))
    assert clocks == month.broken


def test_the_page_shows_the_shares_by_process_and_clock_name__QUALITY_02(month, login):
    w = month.world
    html = login("head").get(PAGE, {"estate": w.estate.pk, "month": "2026-11"}).content.decode()
    assert "报修" in html and "处理时限" in html and "24 小时内" in html
    assert "42.9 %" in html and "3 / 7" in html and "100.0 %" in html
    assert "REPAIR-05" not in html and "REPAIR-09" not in html  # users never see rule IDs
    assert BREACHES in html


def test_the_breaches_page_links_each_broken_case__QUALITY_02(month, login):
    w = month.world
    query = {"estate": w.estate.pk, "month": "2026-11", "process": "repair", "clock": "handle"}
    response = login("head").get(BREACHES, query)
    assert response.status_code == 200
    html = response.content.decode()
    for clock in month.broken:
        assert reverse("workflow:case_detail", args=[clock.case.pk]) in html
        assert clock.case.number in html
    for clock in (month.met1, month.cancelled, month.waiting, month.other, month.after):
        assert clock.case.number not in html
    assert "1 天" in html  # 漏水: stopped a day late
    assert "未完成" in html
    assert "2026-11-12 09:00" in html
    assert "REPAIR-05" not in html


def test_the_breaches_page_pages__QUALITY_02(month, login, settings):
    settings.WUYE = {**settings.WUYE, "PAGE_SIZE": 3}
    w = month.world
    query = {"estate": w.estate.pk, "month": "2026-11", "process": "repair", "clock": "handle"}
    client = login("head")
    first = client.get(BREACHES, query).content.decode()
    second = client.get(BREACHES, {**query, "page": 2}).content.decode()
    assert month.escalated.case.number not in first and month.escalated.case.number in second
    assert month.late.case.number in first


def test_an_unknown_clock_is_a_404(month, login):
    w = month.world
    query = {"estate": w.estate.pk, "month": "2026-11", "process": "repair", "clock": "nope"}
    assert login("head").get(BREACHES, query).status_code == 404


def test_staff_of_another_estate_get_a_404_and_other_roles_a_403(month, login, client):
    w = month.world
    query = {"estate": w.estate.pk, "month": "2026-11"}
    assert login("otherhead").get(PAGE, query).status_code == 404
    assert login("outsider").get(PAGE, query).status_code in (403, 404)
    assert login("agent").get(PAGE, query).status_code == 403
    assert login("head").get(PAGE, {**query, "estate": "all"}).status_code == 403
    assert login("auditor").get(PAGE, query).status_code == 200
    assert login("exec").get(PAGE, {**query, "estate": "all"}).status_code == 200
    api = "/api/v1/quality/compliance"
    assert login("otherhead").get(api, query).status_code == 404
    assert login("agent").get(api, query).status_code == 403
    assert login("head").get(api, {"month": "2026-11"}).status_code == 400


def test_a_bad_month_is_refused(month, login):
    w = month.world
    client = login("head")
    assert (
        client.get(
            "/api/v1/quality/compliance", {"estate": w.estate.pk, "month": "2026-13"}
        ).status_code
        == 400
    )
    response = client.get(PAGE, {"estate": w.estate.pk, "month": "2026-13"})
    assert response.status_code == 200 and "月份格式" in response.content.decode()
    with pytest.raises(Exception):  # noqa: B017  (a ValidationError on ``month``)
        month_parse("11-2026")


def test_the_export_carries_the_page_s_figures__QUALITY_02(month, login):
    w = month.world
    response = login("head").get(EXPORT, {"estate": w.estate.pk, "month": "2026-11"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True)]
    handle = next(r for r in rows if r[0] == "报修" and r[1] == "处理时限" and r[2] == "24 小时内")
    assert handle[3:6] == (7, 3, 4)
    assert handle[6] == pytest.approx(3 / 7)
    assert rows[-1][0] == "合计" and rows[-1][3:6] == (8, 4, 4)
    assert "阳光测试苑" in sheet["A1"].value and "2026-11" in sheet["A1"].value
    assert all("REPAIR" not in str(v) for r in rows for v in r if v is not None)


def test_the_api_answers_the_page_s_figures__QUALITY_02(month, login):
    w = month.world
    client = login("head")
    body = client.get(
        "/api/v1/quality/compliance", {"estate": w.estate.pk, "month": "2026-11"}
    ).json()
    table = _table(w.head.user, w.estate.pk)
    assert (body["kept"], body["decided"], body["month"]) == (table.kept, table.decided, "2026-11")
    repair = next(p for p in body["processes"] if p["process"] == "repair")
    handle = next(c for c in repair["clocks"] if c["key"] == "handle")
    assert (handle["kept"], handle["decided"], handle["breached"]) == (3, 7, 4)
    assert handle["share"] == pytest.approx(3 / 7)
    assert "rule" not in handle
    breaches = client.get("/api/v1/quality/compliance/breaches", {
        "estate": w.estate.pk, "month": "2026-11", "process": "repair", "clock": "handle",
    }).json()  # fmt: skip
    assert breaches["count"] == 4
    assert [b["case_id"] for b in breaches["items"]] == [c.case_id for c in month.broken]
    late = breaches["items"][0]
    assert late["late_seconds"] == 24 * 3600 and late["case_number"] == month.late.case.number
    assert breaches["items"][2]["stopped_at"] is None
    xlsx = client.get("/api/v1/quality/compliance.xlsx", {"estate": w.estate.pk,
                                                          "month": "2026-11"})  # fmt: skip
    assert xlsx.status_code == 200
    everything = login("exec").get("/api/v1/quality/compliance", {"month": "2026-11"}).json()
    assert everything["estate_id"] is None and everything["decided"] == 9


def test_the_page_s_queries_do_not_grow_with_the_clocks__QUALITY_02(month, login):
    w = month.world
    client = login("head")
    query = {"estate": w.estate.pk, "month": "2026-11"}
    client.get(PAGE, query)  # warm the session and the calendar caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE, query).status_code == 200
    for i in range(30):
        month.clocks.make(
            w.estate,
            "handle",
            "met" if i % 3 else "breached",
            f"2026-11-{i % 28 + 1:02d} 09:00",
            f"2026-11-{i % 28 + 1:02d} 10:00",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE, query).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    # The shell's own (session, user, menu, inbox) and ours: two of estates, one aggregate.
    assert len(few.captured_queries) <= 16
    aggregates = [q["sql"] for q in many.captured_queries if "workflow_slaclock" in q["sql"]]
    assert len(aggregates) == 1 and "GROUP BY" in aggregates[0]


def test_the_menu_shows_the_page_to_heads_auditors_and_executives(month, login):
    for user, shown in (("head", True), ("auditor", True), ("exec", True), ("agent", False)):
        html = login(user).get(reverse("core:room_list")).content.decode()
        assert (PAGE in html) is shown, user


def test_a_late_met_time_is_in_the_estate_s_local_month(month):
    # 00:01 on 1 December in Shanghai is 16:01 UTC on 30 November: December's.
    assert month.after.due_at == at("2026-12-01 00:01")
    assert month.after.due_at.astimezone(dt.UTC).day == 30


def test_an_executive_s_company_view_drills_into_every_estate__QUALITY_02(month, login):
    w = month.world
    client = login("exec")
    html = client.get(PAGE, {"estate": "all", "month": "2026-11"}).content.decode()
    assert "全部项目" in html and "3 / 8" in html
    query = {"estate": "all", "month": "2026-11", "process": "repair", "clock": "handle"}
    html = client.get(BREACHES, query).content.decode()
    assert month.other.case.number in html and w.other_estate.name in html
    assert all(c.case.number in html for c in month.broken)
