"""The environment head's board (环境看板): a day's cleaning and greening tasks per zone and per
person (CLEAN-05, GREEN-05), the open rectifications (CLEAN-15), the week's spot-check sample
(CLEAN-13), stock below minimum (CLEAN-11/17) and the latest failed inspections (CLEAN-14) —
through the selector, the API and the page; a bounded number of queries; 403 for a cleaner, 404
for another estate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuye.core.scoping import actor_for
from wuye.environment.models import SpotSample
from wuye.environment.selectors import board as selectors
from wuye.fieldwork.services.records import task_complete
from wuye.workflow import schedules

from .board_helpers import (
    Api,
    at,
    department,
    green_area,
    inspection,
    line,
    product,
    rectification,
    task_at,
    zone,
)


@pytest.fixture
def env(world, time_machine):
    """Mon 2026-11-30 in 阳光测试苑: 小区主干道 swept at 08:00 and 15:00 by 张阿姨 (due in 2 hours),
    1栋楼道 cleaned at 09:00 by 李阿姨, 中心草坪 watered at 10:00 by 刘师傅 (due by the end of the
    day). The 08:00 sweep done at 09:00 (on time), the corridor at 11:30 (late); now 17:30."""
    time_machine.move_to(at(2026, 11, 29, 20, 0), tick=False)
    w = department(world)
    w.road = zone(w.estate, "小区主干道", "road", [w.cleaner])
    w.corridor = zone(w.estate, "1栋楼道", "corridor", [w.cleaner2])
    w.lawn = green_area(w.estate, "中心草坪", [w.gardener])
    anchor = dt.date(2026, 11, 30)
    w.sweep = line(w.env_head, w.road, "sweep", ["08:00", "15:00"], w.cleaner, anchor=anchor)
    w.clean = line(w.env_head, w.corridor, "clean", ["09:00"], w.cleaner2, anchor=anchor)
    w.water = line(w.env_head, w.lawn, "water", ["10:00"], w.gardener, due_hours=0, anchor=anchor)
    schedules.schedule_generate()
    time_machine.move_to(at(2026, 11, 30, 9, 0), tick=False)
    task_complete(task=task_at(w.sweep, at(2026, 11, 30, 8, 0)), answers=[], by=w.cleaner.user)
    time_machine.move_to(at(2026, 11, 30, 11, 30), tick=False)
    task_complete(task=task_at(w.clean, at(2026, 11, 30, 9, 0)), answers=[], by=w.cleaner2.user)
    time_machine.move_to(at(2026, 11, 30, 17, 30), tick=False)
    return w


def _by_name(rows):
    return {r["name"]: r for r in rows}


def test_board_counts_the_days_tasks_per_zone_and_person__CLEAN_05_GREEN_05(client, env):
    b = Api(client, env.env_head.user).get(f"/environment/board?estate={env.estate.pk}")
    assert b["day"] == "2026-11-30"
    total = b["tasks"]["total"]
    assert (total["planned"], total["done"], total["done_late"], total["late"],
            total["missed"], total["open"]) == (4, 1, 1, 1, 0, 1)  # fmt: skip
    places = b["tasks"]["places"]
    # The zone with a late task first; green areas after the zones.
    assert [p["name"] for p in places] == ["小区主干道", "1栋楼道", "中心草坪"]
    road = places[0]
    assert (road["kind"], road["id"], road["planned"], road["done"], road["late"]) == (
        "zone", env.road.pk, 2, 1, 1,
    )  # fmt: skip
    assert road["rate"] == 50.0  # one of the two due done on time
    assert places[2]["kind"] == "green_area" and places[2]["open"] == 1
    assert places[2]["rate"] is None  # nothing due yet
    people = _by_name(b["tasks"]["people"])
    assert people["张阿姨"]["late"] == 1 and people["李阿姨"]["done_late"] == 1
    assert people["刘师傅"]["id"] == env.gardener.user.pk


def test_a_task_the_sweep_marked_is_missed_not_late__CLEAN_05(client, env):
    schedules.planned_task_sweep_missed()
    b = Api(client, env.env_head.user).get(f"/environment/board?estate={env.estate.pk}")
    total = b["tasks"]["total"]
    assert (total["late"], total["missed"]) == (0, 1)
    # Done late after all: done late, no longer missed.
    task_complete(task=task_at(env.sweep, at(2026, 11, 30, 15, 0)), answers=[],
                  by=env.cleaner.user)  # fmt: skip
    total = Api(client, env.env_head.user).get(f"/environment/board?estate={env.estate.pk}")[
        "tasks"
    ]["total"]
    assert (total["missed"], total["done_late"], total["done"]) == (0, 2, 1)


def test_another_day_counts_its_own_tasks(client, env):
    api = Api(client, env.env_head.user)
    # Tomorrow: all four planned and none due yet; the day before the plan began: nothing.
    tomorrow = api.get(f"/environment/board?estate={env.estate.pk}&day=2026-12-01")
    assert tomorrow["tasks"]["total"]["planned"] == 4 and tomorrow["tasks"]["total"]["open"] == 4
    before = api.get(f"/environment/board?estate={env.estate.pk}&day=2026-11-29")
    assert before["tasks"]["total"]["planned"] == 0 and before["tasks"]["places"] == []


def test_a_day_is_the_estates_local_day(client, env):
    """The 08:00 sweep is 00:00 UTC: it belongs to the 30th in Shanghai, whatever UTC says."""
    tasks = selectors.day_tasks(env.estate, dt.date(2026, 11, 30))
    assert tasks.count() == 4
    assert min(t.scheduled_for for t in tasks) == at(2026, 11, 30, 8, 0)


def test_open_rectifications_nearest_deadline_first_overdue_marked__CLEAN_15(client, env):
    failed = inspection(env, env.corridor, at(2026, 11, 30, 10, 0), 60, passed=False)
    late = rectification(env, failed, env.cleaner2, at(2026, 11, 30, 16, 0), "楼梯扶手有灰尘")
    other = inspection(env, env.road, at(2026, 11, 30, 12, 0), 70, passed=False)
    rectification(env, other, env.cleaner, at(2026, 12, 1, 12, 0), "路面有落叶")
    closed = rectification(
        env, inspection(env, env.road, at(2026, 11, 29, 12, 0), 50, passed=False),
        env.cleaner, at(2026, 11, 29, 18, 0), "垃圾桶满溢",
    )  # fmt: skip
    closed.closed_at = timezone.now()
    closed.save(update_fields=["closed_at"])
    b = Api(client, env.env_head.user).get(f"/environment/board?estate={env.estate.pk}")
    items = b["rectifications"]["items"]
    assert b["rectifications"]["count"] == 2
    assert [i["problem"] for i in items] == ["楼梯扶手有灰尘", "路面有落叶"]
    assert items[0]["overdue"] is True and items[1]["overdue"] is False
    assert items[0]["id"] == late.pk and items[0]["zone"] == "1栋楼道"
    assert items[0]["assignee"] == "李阿姨" and items[0]["number"].startswith("HJ")
    # The latest failures, with the newest first.
    assert [f["zone"] for f in b["failed_inspections"]["items"]] == [
        "小区主干道", "1栋楼道", "小区主干道",
    ]  # fmt: skip


def test_the_weeks_spot_check_sample_and_what_is_inspected__CLEAN_13(client, env):
    sample = SpotSample.objects.create(
        estate=env.estate, week_start=dt.date(2026, 11, 30), seed=7,
        picks=[{"zone": env.corridor.pk, "task": None}, {"zone": env.road.pk, "task": None}],
        drawn_at=at(2026, 11, 30, 8, 0),
    )  # fmt: skip
    inspection(env, env.road, at(2026, 11, 30, 14, 0), 95, kind="spot_check", sample=sample)
    api = Api(client, env.env_head.user)
    spot = api.get(f"/environment/board?estate={env.estate.pk}")["spot_check"]
    assert spot["week_start"] == "2026-11-30" and spot["drawn"] and spot["inspected"] == 1
    assert [(p["name"], p["inspected"], p["passed"]) for p in spot["picks"]] == [
        ("1栋楼道", False, None), ("小区主干道", True, True),
    ]  # fmt: skip
    # Sunday 2026-12-06 is still that week; Monday 12-07 starts a new one, not drawn yet.
    sunday = api.get(f"/environment/board?estate={env.estate.pk}&day=2026-12-06")["spot_check"]
    assert sunday["week_start"] == "2026-11-30" and sunday["inspected"] == 1
    monday = api.get(f"/environment/board?estate={env.estate.pk}&day=2026-12-07")["spot_check"]
    assert monday["week_start"] == "2026-12-07" and not monday["drawn"] and monday["picks"] == []


def test_stock_below_minimum_of_the_estates_active_stores__CLEAN_11(client, env):
    product(env.estate, "84消毒液", 2, 5)
    product(env.estate, "一次性手套", 10, 5)
    product(env.estate, "环保清洁剂", 5, 5)  # at the minimum: enough
    product(env.estate, "旧消毒粉", 0, 3, active=False)
    product(env.other_estate, "别处的消毒液", 0, 9)
    stock = Api(client, env.env_head.user).get(f"/environment/board?estate={env.estate.pk}")[
        "low_stock"
    ]
    assert stock["count"] == 1
    (item,) = stock["items"]
    assert (item["name"], item["stock"], item["minimum"]) == ("84消毒液", "2.000", "5.000")


def test_board_refusals(client, env):
    url = f"/environment/board?estate={env.estate.pk}"
    Api(client, env.cleaner.user).get(url, expect=403)
    Api(client, env.outsider.user).get(url, expect=403)  # a desk agent of another estate
    Api(client, env.env_head.user).get(f"/environment/board?estate={env.other_estate.pk}",
                                       expect=404)  # fmt: skip
    Api(client, env.env_head.user).get("/environment/board?estate=0", expect=400)
    bad = Api(client, env.env_head.user).get(f"{url}&day=2026-13-01", expect=400)
    assert "日期" in bad["error"]["fields"]["day"][0]
    # The executive and the auditor read it.
    Api(client, env.exec.user).get(url)
    Api(client, env.auditor.user).get(url)


def test_board_page_blocks_and_bounded_queries(env, login, django_assert_max_num_queries):
    failed = inspection(env, env.road, at(2026, 11, 30, 9, 30), 50, passed=False)
    rectification(env, failed, env.cleaner, at(2026, 12, 1, 10, 0), "路面有积水")
    product(env.estate, "84消毒液", 1, 2)
    client = login("env_head")
    with django_assert_max_num_queries(25):
        response = client.get("/environment/")
    assert response.status_code == 200
    html = response.content.decode()
    for block in ("board-totals", "board-places", "board-people", "board-rectifications",
                  "board-spot", "board-stock", "board-failures"):  # fmt: skip
        assert f'id="{block}"' in html
    assert "小区主干道" in html and "张阿姨" in html and 'hx-trigger="every 60s"' in html
    with CaptureQueriesContext(connection) as before:
        client.get("/environment/")
    # More zones, people, rectifications and products: more rows, not more queries.
    for n in range(4):
        z = zone(env.estate, f"{n + 2}栋楼道", "corridor", [env.cleaner2])
        line(env.env_head, z, "clean", ["18:00"], env.cleaner2, anchor=dt.date(2026, 11, 30))
        failed = inspection(env, z, at(2026, 11, 30, 10, n), 50, passed=False)
        rectification(env, failed, env.cleaner2, at(2026, 12, 1, 10, 0), f"{n + 2}栋楼道有垃圾")
        product(env.estate, f"清洁剂{n}", 0, 2)
    schedules.schedule_generate()
    with CaptureQueriesContext(connection) as more:
        response = client.get("/environment/")
    assert len(more) == len(before)
    html = response.content.decode()
    assert "5栋楼道有垃圾" in html and "清洁剂3" in html
    # The HTMX refresh answers with the blocks only.
    fragment = client.get("/environment/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "board-places" in fragment


def test_board_page_refusals_and_bad_day(env, login):
    assert login("cleaner").get("/environment/").status_code == 403
    client = login("env_head")
    response = client.get("/environment/?day=2026-02-30")
    assert response.status_code == 200 and "日期格式" in response.content.decode()
    assert "环境看板" in client.get("/environment/").content.decode()


def test_tasks_behind_a_figure_page_and_api(client, env, login):
    api = Api(client, env.env_head.user)
    road = api.get(f"/environment/board/tasks?estate={env.estate.pk}&zone={env.road.pk}")
    assert road["count"] == 2
    assert [(t["state"], t["assignee"]) for t in road["items"]] == [
        ("done", "张阿姨"), ("late", "张阿姨"),
    ]  # fmt: skip
    late = api.get(f"/environment/board/tasks?estate={env.estate.pk}&state=late")
    assert [t["zone"] for t in late["items"]] == ["小区主干道"]
    person = api.get(
        f"/environment/board/tasks?estate={env.estate.pk}&person={env.cleaner2.user.pk}"
    )
    assert [t["state"] for t in person["items"]] == ["done_late"]
    assert person["items"][0]["done_by"] == "李阿姨"
    area = api.get(f"/environment/board/tasks?estate={env.estate.pk}&green_area={env.lawn.pk}")
    assert [t["state"] for t in area["items"]] == ["open"]
    api.get(f"/environment/board/tasks?estate={env.estate.pk}&state=nope", expect=400)
    page = login("env_head").get(f"/environment/board/tasks/?zone={env.road.pk}&day=2026-11-30")
    html = page.content.decode()
    assert page.status_code == 200 and "超时未完成" in html and "按时完成" in html
    assert "1栋楼道 clean" not in html  # another zone's task is not listed
    assert login("env_head").get("/environment/board/tasks/?zone=abc").status_code == 404


def test_board_selector_needs_the_leads_role():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.board_check(actor_for(AnonymousUser()))
