"""The environment head's zone pages (CLEAN-01, CLEAN-04): the zone map with its cleaners,
frequencies and today's progress, a zone's page, its forms and building the standard zones —
the same services as the API; other estates' zones are 404, cleaners are refused the head's
pages, a bad form changes nothing. And the department's cleaning settings (CLEAN-07/08/10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, day_tasks, line_of
from tests.factories import DepartmentKind, Role, make_staff
from wuye.environment.models import CleaningZone, EnvironmentProfile, PlanRevision

pytestmark = pytest.mark.django_db
clean = clean_helpers.clean
planned = clean_helpers.planned


def test_zone_map_lists_cleaners_frequency_and_todays_progress__CLEAN_01_04(
    planned, login, time_machine
):
    w = planned
    time_machine.move_to(at("2026-07-07 09:00"), tick=False)
    client = login("env_head")
    page = client.get("/environment/zones/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "小区主干道" in text and "1栋楼道及楼梯间" in text and "张阿姨" in text
    assert "每天" in text and "已完成 0 /" in text
    assert "CLEAN-" not in text
    # Filter by kind and cleaner.
    text = client.get("/environment/zones/?kind=toilet").content.decode()
    assert "会所公共卫生间" in text and "1栋楼道及楼梯间" not in text
    text = client.get(f"/environment/zones/?cleaner={w.cleaner2.pk}").content.decode()
    assert "没有符合条件的清洁区域" in text


def test_todays_progress_counts_done_tasks__CLEAN_05(planned, login, time_machine):
    from wuye.workflow.models import PlannedTaskStatus

    w = planned
    time_machine.move_to(at("2026-07-07 10:00"), tick=False)
    tasks = day_tasks(line_of(w, "小区主干道", "sweep"), "2026-07-07")
    tasks[0].status = PlannedTaskStatus.DONE
    tasks[0].done_at = at("2026-07-07 08:10")
    tasks[0].save(update_fields=["status", "done_at"])
    zone = w.zones["小区主干道"]
    text = login("env_head").get(f"/environment/zones/{zone.pk}/").content.decode()
    assert f"已完成 1 / {len(tasks)}" in text


def test_zone_detail_shows_plan_revisions_and_recent_tasks(planned, login, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 09:00"), tick=False)
    zone = w.zones["小区主干道"]
    page = login("env_head").get(f"/environment/zones/{zone.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "张阿姨" in text and zone.code in text
    assert "清扫" in text and "近 7 天任务" in text
    assert f"/environment/z/{zone.code}/" in text


def test_other_estate_zone_is_404_and_cleaner_refused__CLEAN_04(planned, login):
    w = planned
    zone = w.zones["小区主干道"]
    make_staff(w.company, "env_head_ch", Role.DEPARTMENT_HEAD, DepartmentKind.ENVIRONMENT,
               [w.other_estate])  # fmt: skip
    client = login("env_head_ch")
    assert client.get(f"/environment/zones/{zone.pk}/").status_code == 404
    assert client.get(f"/environment/zones/{zone.pk}/edit/").status_code == 404
    assert (
        client.post(f"/environment/zones/{zone.pk}/deactivate/", {"reason": "x"}).status_code == 404
    )
    assert (
        f"/environment/zones/{zone.pk}/" not in client.get("/environment/zones/").content.decode()
    )
    cleaner = login("cleaner")
    assert cleaner.get("/environment/zones/").status_code == 403
    assert cleaner.get("/environment/zones/new/").status_code == 403
    assert cleaner.get(f"/environment/zones/{zone.pk}/edit/").status_code == 403
    assert cleaner.get("/environment/settings/").status_code == 403
    zone.refresh_from_db()
    assert zone.active


def test_create_edit_and_deactivate_through_the_forms__CLEAN_04(planned, login, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 09:00"), tick=False)
    client = login("env_head")
    assert client.get("/environment/zones/new/").status_code == 200
    r = client.post("/environment/zones/new/", {"name": "中心广场", "kind": "square",
                                                "cleaners": [w.cleaner2.pk]})  # fmt: skip
    zone = CleaningZone.objects.get(estate=w.estate, name="中心广场")
    assert r.status_code == 302 and list(zone.cleaners.all()) == [w.cleaner2]
    # Bad: a duplicate name, a cleaner of another estate — errors shown, nothing saved.
    bad = client.post("/environment/zones/new/", {"name": "中心广场", "kind": "square"})
    assert bad.status_code == 200 and "本项目已有同名清洁区域" in bad.content.decode()
    bad = client.post("/environment/zones/new/", {"name": "西广场", "kind": "square",
                                                  "cleaners": [w.other_cleaner.pk]})  # fmt: skip
    assert bad.status_code == 200 and not CleaningZone.objects.filter(name="西广场").exists()
    # Edit: the road's cleaner changes; its plan lines go to the new cleaner (a revision).
    road = w.zones["小区主干道"]
    r = client.post(f"/environment/zones/{road.pk}/edit/", {
        "name": "小区主干道", "kind": "road", "cleaners": [w.cleaner2.pk], "reason": "人员调整",
    })  # fmt: skip
    assert r.status_code == 302
    assert list(road.cleaners.all()) == [w.cleaner2]
    assert PlanRevision.objects.filter(zone=road, reason="人员调整").exists()
    # Deactivate: a reason is required.
    r = client.post(f"/environment/zones/{road.pk}/deactivate/", {"reason": ""})
    road.refresh_from_db()
    assert r.status_code == 200 and road.active
    r = client.post(f"/environment/zones/{road.pk}/deactivate/", {"reason": "道路改造"})
    road.refresh_from_db()
    assert r.status_code == 302 and not road.active
    assert not road.plan_lines.filter(active=True).exists()


def test_build_zones_confirms_the_list_then_creates__CLEAN_01(clean, login):
    w = clean
    client = login("env_head")
    page = client.get("/environment/zones/build/")
    text = page.content.decode()
    assert page.status_code == 200 and "2栋楼道及楼梯间" in text and "地下车库" in text
    assert not CleaningZone.objects.filter(estate=w.estate).exists()  # a preview only
    r = client.post("/environment/zones/build/", {"cleaners": [w.cleaner.pk]})
    assert r.status_code == 302
    zones = CleaningZone.objects.filter(estate=w.estate)
    assert zones.count() >= 5 and all(list(z.cleaners.all()) == [w.cleaner] for z in zones)
    # Second run: nothing to create.
    text = client.get("/environment/zones/build/").content.decode()
    assert "本项目的标准区域都已划分" in text
    assert login("cleaner").post("/environment/zones/build/", {}).status_code == 403


def test_settings_page_saves_through_the_service_with_a_reason__CLEAN_08_10(
    planned, login, time_machine
):
    w = planned
    time_machine.move_to(at("2026-07-07 09:00"), tick=False)
    client = login("env_head")
    page = client.get("/environment/settings/")
    text = page.content.decode()
    assert page.status_code == 200 and "99 毫升" in text and "9901 毫升" in text
    data = {"toilets_open": "06:30", "toilets_close": "22:30", "bucket_litres": "8",
            "rain_sweep_hours": "3", "heat_threshold": "33.5"}  # fmt: skip
    bad = client.post("/environment/settings/", data)  # no reason
    assert bad.status_code == 200
    assert EnvironmentProfile.objects.get(estate=w.estate).bucket_litres == Decimal("10.0")
    bad = client.post("/environment/settings/", {**data, "toilets_close": "06:00",
                                                 "reason": "夏季延长"})  # fmt: skip
    assert bad.status_code == 200 and "关闭时间须晚于开放时间" in bad.content.decode()
    r = client.post("/environment/settings/", {**data, "reason": "夏季延长开放"})
    assert r.status_code == 302
    profile = EnvironmentProfile.objects.get(estate=w.estate)
    assert profile.bucket_litres == Decimal("8") and profile.rain_sweep_hours == 3
    assert profile.heat_threshold == Decimal("33.5")  # GREEN-12: the head's own threshold
    text = client.get("/environment/settings/").content.decode()
    assert "79 毫升" in text and "7921 毫升" in text
