"""Monthly scores (月度考核): each zone's, green area's and person's average inspection score out
of 100 (daily patrol CLEAN-12, weekly spot check CLEAN-13, weekly greening inspection GREEN-11;
a re-check CLEAN-15 is not scored), inspections and failures, tasks done on time of those due
(CLEAN-05, GREEN-05); the last twelve months; the Excel file — through the selector, the API and
the page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from wuye.environment.selectors import scores as selectors

from .board_helpers import Api, at, inspection
from .test_board import env  # noqa: F401  (the board's world: three plan lines, 2026-11-30)


@pytest.fixture
def scored(env):  # noqa: F811
    """November 2026's inspections: 小区主干道 90 (patrol) and 70 (spot check, failed), both
    naming 张阿姨; 1栋楼道 45/50 naming nobody (its cleaner today is 李阿姨); 中心草坪 80 (greening
    check, 刘师傅); a re-check of 100 (not scored); one at 00:10 on Nov 1st (local: November)
    and one at 00:30 on Dec 1st (local: December); October: one patrol of 60."""
    w = env
    inspection(w, w.road, at(2026, 11, 3, 10, 0), 90, responsible="张阿姨")
    inspection(w, w.road, at(2026, 11, 10, 10, 0), 70, kind="spot_check",
               responsible="张阿姨", passed=False)  # fmt: skip
    inspection(w, w.corridor, at(2026, 11, 12, 10, 0), 45, full=50)
    inspection(w, w.lawn, at(2026, 11, 20, 10, 0), 80, kind="green_weekly", responsible="刘师傅")
    inspection(w, w.road, at(2026, 11, 11, 10, 0), 100, kind="recheck", responsible="张阿姨")
    inspection(w, w.corridor, at(2026, 11, 1, 0, 10), 40, full=50, responsible="李阿姨、张阿姨",
               passed=False)  # fmt: skip
    inspection(w, w.road, at(2026, 12, 1, 0, 30), 10, responsible="张阿姨", passed=False)
    inspection(w, w.road, at(2026, 10, 15, 10, 0), 60, responsible="张阿姨", passed=False)
    return w


def _rows(rows):
    return {r["name"]: r for r in rows}


def test_month_scores_per_zone__CLEAN_12_CLEAN_13_GREEN_11(client, scored):
    s = Api(client, scored.env_head.user).get(
        f"/environment/scores?estate={scored.estate.pk}&month=2026-11"
    )
    assert s["month"] == "2026-11"
    places = _rows(s["places"])
    assert [p["name"] for p in s["places"]] == ["1栋楼道", "小区主干道", "中心草坪"]
    road = places["小区主干道"]
    # The re-check and December's 00:30 inspection are not November's patrol and spot checks.
    assert (road["average"], road["inspections"], road["failures"]) == ("80.0", 2, 1)
    corridor = places["1栋楼道"]  # 45/50 = 90 and 40/50 = 80 at 00:10 on the 1st
    assert (corridor["average"], corridor["inspections"], corridor["failures"]) == ("85.0", 2, 1)
    assert places["中心草坪"]["average"] == "80.0" and places["中心草坪"]["kind"] == "green_area"
    total = s["total"]
    assert (total["inspections"], total["failures"], total["average"]) == (5, 2, "82.0")


def test_a_persons_score_comes_from_who_was_responsible_that_day__CLEAN_04(client, scored):
    people = _rows(
        Api(client, scored.env_head.user).get(
            f"/environment/scores?estate={scored.estate.pk}&month=2026-11"
        )["people"]
    )
    # 张阿姨: 90, 70 and the shared 80 of the corridor on the 1st.
    assert (people["张阿姨"]["average"], people["张阿姨"]["inspections"]) == ("80.0", 3)
    # 李阿姨: the shared 80, and the 90 of an inspection that named nobody (her zone now).
    assert (people["李阿姨"]["average"], people["李阿姨"]["inspections"]) == ("85.0", 2)
    assert people["刘师傅"]["average"] == "80.0"


def test_completion_counts_the_tasks_due_by_now__CLEAN_05(client, scored):
    """At 17:30 on the 30th: 小区主干道's 08:00 sweep on time and its 15:00 not done; 1栋楼道's
    09:00 done late; 中心草坪's watering not due until midnight."""
    s = Api(client, scored.env_head.user).get(
        f"/environment/scores?estate={scored.estate.pk}&month=2026-11"
    )
    road = _rows(s["places"])["小区主干道"]
    assert (road["tasks_due"], road["tasks_on_time"], road["tasks_missed"]) == (2, 1, 1)
    assert road["completion"] == "50.0"
    corridor = _rows(s["places"])["1栋楼道"]
    assert (corridor["tasks_due"], corridor["tasks_late"], corridor["completion"]) == (
        1, 1, "0.0",
    )  # fmt: skip
    assert _rows(s["places"])["中心草坪"]["completion"] is None
    assert s["total"]["tasks_due"] == 3 and s["total"]["completion"] == "33.3"
    people = _rows(s["people"])
    assert people["张阿姨"]["tasks_due"] == 2 and people["李阿姨"]["tasks_late"] == 1


def test_twelve_months_across_the_year_boundary(client, scored):
    s = Api(client, scored.env_head.user).get(
        f"/environment/scores?estate={scored.estate.pk}&month=2027-01"
    )
    months = [m["month"] for m in s["trend"]]
    assert months[0] == "2026-02" and months[-1] == "2027-01" and len(months) == 12
    trend = {m["month"]: m for m in s["trend"]}
    assert trend["2026-10"]["average"] == "60.0" and trend["2026-10"]["failures"] == 1
    assert trend["2026-11"]["average"] == "82.0" and trend["2026-11"]["completion"] == "33.3"
    assert trend["2026-12"]["average"] == "10.0" and trend["2027-01"]["average"] is None
    assert s["places"] == [] and s["total"]["inspections"] == 0


def test_month_defaults_to_this_month_and_bad_months_are_refused(client, scored):
    api = Api(client, scored.env_head.user)
    assert api.get(f"/environment/scores?estate={scored.estate.pk}")["month"] == "2026-11"
    for bad in ("2026-13", "11-2026", "2026/11", "1999-12"):
        error = api.get(f"/environment/scores?estate={scored.estate.pk}&month={bad}", expect=400)
        assert "月份" in error["error"]["fields"]["month"][0]
    Api(client, scored.cleaner.user).get(f"/environment/scores?estate={scored.estate.pk}",
                                         expect=403)  # fmt: skip
    api.get(f"/environment/scores?estate={scored.other_estate.pk}", expect=404)


def test_scores_excel_export_api_and_page(client, scored, login):
    r = Api(client, scored.env_head.user).get(
        f"/environment/scores/export.xlsx?estate={scored.estate.pk}&month=2026-11", json=False
    )
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["区域", "人员", "近12个月"]
    rows = list(book["区域"].iter_rows(values_only=True))
    assert rows[0][:3] == ("类型", "区域", "平均得分（百分制）")
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["小区主干道"][2] == 80.0 and by_name["小区主干道"][9] == 50.0
    assert by_name["合计"][0] == "合计"
    people = {row[0]: row for row in book["人员"].iter_rows(min_row=2, values_only=True)}
    assert people["张阿姨"][1] == 80.0
    months = [row[0] for row in book["近12个月"].iter_rows(min_row=2, values_only=True)]
    assert months[-1] == "2026-11" and len(months) == 12
    page = login("env_head").get("/environment/scores/export.xlsx?month=2026-11")
    assert page.status_code == 200 and "202611" in page["Content-Disposition"]
    assert login("env_head").get("/environment/scores/export.xlsx?month=x").status_code == 400
    assert login("cleaner").get("/environment/scores/export.xlsx").status_code == 403


def test_scores_page_table_and_charts(scored, login, django_assert_max_num_queries):
    client = login("env_head")
    with django_assert_max_num_queries(20):
        response = client.get("/environment/scores/?month=2026-11")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="env-scores-data"' in html and "echarts.min.js" in html and "scores.js" in html
    assert "<script>" not in html.replace('<script id="env-scores-data"', "")  # no inline JS
    assert "小区主干道" in html and "张阿姨" in html and "80.0" in html
    bad = client.get("/environment/scores/?month=2026-99")
    assert bad.status_code == 200 and "月份格式" in bad.content.decode()


def test_month_parse_and_shift():
    today = dt.date(2026, 12, 31)
    assert selectors.month_parse("", today) == dt.date(2026, 12, 1)
    assert selectors.month_parse("2027-1", today) == dt.date(2027, 1, 1)
    assert selectors.month_shift(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert selectors.month_shift(dt.date(2027, 1, 1), -12) == dt.date(2026, 1, 1)


def test_scores_of_other_full_scores_compare_out_of_100(scored):
    data = selectors.scores(scored.estate, dt.date(2026, 11, 1))
    corridor = next(r for r in data["places"] if r.name == "1栋楼道")
    assert corridor.points == [Decimal(80), Decimal(90)] or sorted(corridor.points) == [
        Decimal(80), Decimal(90),
    ]  # fmt: skip
