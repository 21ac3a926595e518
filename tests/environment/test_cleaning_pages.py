"""The 《清洁卫生计划》 pages: the plan per zone with frequencies in words and the dilution for the
estate's bucket, a line's forms (edit, stop, add) each with a reason, the revisions and the
Excel export — through the Django test client (CLEAN-05, 06, 08, 09, 10, 15)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.environment import clean_helpers, inspect_helpers
from tests.environment.clean_helpers import line_of
from tests.environment.inspect_helpers import answers
from tests.images import photo_of
from wuye.environment.models import PlanLine, PlanRevision
from wuye.environment.services.cleaning import cleaning_plan_seed, profile_update
from wuye.environment.services.inspections import inspection_record
from wuye.environment.services.rectifications import (
    rectification_act,
    rectification_cause_set,
    rectification_needs_plan_change,
)
from wuye.environment.services.zones import profile_get

pytestmark = pytest.mark.django_db
clean = clean_helpers.clean
planned = clean_helpers.planned
env = inspect_helpers.env


def test_the_plan_page_shows_frequencies_in_words_and_the_dilution__CLEAN_05_06_08_10(
    planned, login
):
    w = planned
    profile_update(estate=w.estate, by=w.env_head.user, bucket_litres=Decimal("15"),
                   toilets_open=dt.time(6, 0))  # fmt: skip
    page = login("env_head").get("/environment/cleaning/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "每天 2 次：07:00、14:00" in html  # CLEAN-06 the main road
    close = f"{profile_get(w.estate).toilets_close:%H:%M}"
    assert f"06:00–{close} 每 2 小时" in html  # CLEAN-08: the toilet's window, re-timed
    # CLEAN-10: 15 L → 15000/101 = 148.5 → 149 mL, the rest water
    assert "84消毒液 149 毫升 + 水 14.85 升" in html
    assert "按标准生成计划" in html and "CLEAN-" not in html
    zone = w.zones["小区主干道"]
    only = login("env_head").get(f"/environment/cleaning/plan/?zone={zone.pk}").content.decode()
    assert "小区主干道" in only and "会所公共卫生间" not in only


def test_a_cleaner_sees_the_plan_but_may_not_change_it__CLEAN_02(planned, login):
    w = planned
    line = line_of(w, "小区主干道", "sweep")
    client = login("cleaner")
    page = client.get("/environment/cleaning/plan/")
    assert page.status_code == 200 and "按标准生成计划" not in page.content.decode()
    assert client.get(f"/environment/cleaning/lines/{line.pk}/edit/").status_code == 403
    assert client.post(f"/environment/cleaning/lines/{line.pk}/stop/",
                       {"reason": "x"}).status_code == 403  # fmt: skip
    zone = w.zones["小区主干道"]
    assert client.get(f"/environment/cleaning/lines/new/?zone={zone.pk}").status_code == 403
    assert PlanLine.objects.get(pk=line.pk).active


def test_another_estates_lines_are_not_found(planned, login):
    w = planned
    line = line_of(w, "小区主干道", "sweep")
    client = login("cleaner_ch")
    assert client.get(f"/environment/cleaning/lines/{line.pk}/edit/").status_code == 404
    assert client.get(f"/environment/cleaning/lines/{line.pk}/stop/").status_code == 404
    zone = w.zones["小区主干道"]
    assert client.get(f"/environment/cleaning/lines/new/?zone={zone.pk}").status_code == 404


def test_a_bad_form_shows_errors_and_changes_nothing__CLEAN_15(planned, login):
    w = planned
    line = line_of(w, "小区主干道", "sweep")
    assignee = w.cleaner.pk
    before = PlanRevision.objects.count()
    client = login("env_head")
    url = f"/environment/cleaning/lines/{line.pk}/edit/"
    data = {"times": "06:30,14:00", "every_days": 1, "due_hours": 2, "assignee": assignee,
            "photos": 1, "reason": ""}  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 200 and "field-error" in page.content.decode()
    page = client.post(url, data | {"times": "25:00", "reason": "早高峰前清扫"})
    assert page.status_code == 200 and "HH:MM" in page.content.decode()
    line.schedule.refresh_from_db()
    assert list(line.schedule.times) == ["07:00", "14:00"]
    assert PlanRevision.objects.count() == before


def test_an_edit_changes_the_times_as_a_revision__CLEAN_06_15(planned, login):
    w = planned
    line = line_of(w, "小区主干道", "sweep")
    client = login("env_head")
    url = f"/environment/cleaning/lines/{line.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"times": "06:30，14:00", "every_days": 1, "due_hours": 2,
                                 "assignee": w.cleaner.pk, "photos": 1,
                                 "reason": "早高峰前清扫"})  # fmt: skip
    assert response.status_code == 302
    line.schedule.refresh_from_db()
    assert list(line.schedule.times) == ["06:30", "14:00"]
    revision = PlanRevision.objects.filter(line=line).first()
    assert revision.reason == "早高峰前清扫" and revision.rectification is None
    page = client.get("/environment/cleaning/revisions/").content.decode()
    assert "作业时间：07:00、14:00 → 06:30、14:00" in page and "早高峰前清扫" in page
    zone = w.zones["小区主干道"]
    other = w.zones["会所公共卫生间"] if "会所公共卫生间" in w.zones else None
    filtered = client.get(f"/environment/cleaning/revisions/?zone={zone.pk}").content.decode()
    assert "早高峰前清扫" in filtered
    if other is not None:
        elsewhere = client.get(f"/environment/cleaning/revisions/?zone={other.pk}")
        assert "早高峰前清扫" not in elsewhere.content.decode()
    later = client.get("/environment/cleaning/revisions/?from=2026-07-07").content.decode()
    assert "早高峰前清扫" not in later


def test_a_toilet_every_n_hours_within_its_opening_hours__CLEAN_08(planned, login):
    w = planned
    line = line_of(w, "会所公共卫生间", "clean")
    client = login("env_head")
    response = client.post(f"/environment/cleaning/lines/{line.pk}/edit/", {
        "times": "", "every_hours": 3, "every_days": 1, "due_hours": 2,
        "assignee": w.cleaner.pk, "photos": 0, "reason": "人流少，每3小时一次"})  # fmt: skip
    assert response.status_code == 302
    line.schedule.refresh_from_db()
    times = list(line.schedule.times)
    profile = profile_get(w.estate)
    assert (
        times[0] == f"{profile.toilets_open:%H:%M}"
        and times[-1] <= f"{profile.toilets_close:%H:%M}"
    )
    steps = {int(b[:2]) - int(a[:2]) for a, b in itertools.pairwise(times)}
    assert steps == {3}


def test_stop_and_create_a_line__CLEAN_05_09(planned, login):
    w = planned
    line = line_of(w, "小区主干道", "sweep")
    client = login("env_head")
    stop = f"/environment/cleaning/lines/{line.pk}/stop/"
    assert client.get(stop).status_code == 200
    assert client.post(stop, {"reason": ""}).status_code == 200
    assert PlanLine.objects.get(pk=line.pk).active
    assert client.post(stop, {"reason": "改由外包清扫"}).status_code == 302
    assert not PlanLine.objects.get(pk=line.pk).active
    zone = w.zones["小区主干道"]
    url = f"/environment/cleaning/lines/new/?zone={zone.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"work": "sweep", "times": "06:00,12:00,17:00", "every_days": 1,
                                 "due_hours": 2, "assignee": w.cleaner.pk, "photos": 1,
                                 "reason": "改为每天三次"})  # fmt: skip
    assert response.status_code == 302
    made = PlanLine.objects.get(zone=zone, work="sweep", active=True)
    assert list(made.schedule.times) == ["06:00", "12:00", "17:00"]
    bad = client.post(url, {"work": "sweep", "times": "", "every_days": 1, "due_hours": 2,
                            "assignee": w.cleaner.pk, "photos": 1, "reason": "再加"})  # fmt: skip
    assert bad.status_code == 200
    assert PlanLine.objects.filter(zone=zone, work="sweep", active=True).count() == 1


def test_seed_from_the_page_and_export__CLEAN_05(clean, login):
    from wuye.environment.services.zones import zones_build

    w = clean
    zones_build(estate=w.estate, by=w.env_head.user, cleaners=[w.cleaner])
    client = login("env_head")
    assert client.post("/environment/cleaning/plan/seed/", {"reason": "按标准"}).status_code == 302
    seeded = PlanLine.objects.filter(estate=w.estate, active=True).count()
    assert seeded > 0
    client.post("/environment/cleaning/plan/seed/", {"reason": "再来一次"})
    assert PlanLine.objects.filter(estate=w.estate, active=True).count() == seeded
    export = client.get("/environment/cleaning/plan/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "区域" and len(rows) == seeded + 1
    assert any(r[3] == "消毒" and "84消毒液 99 毫升" in r[9] for r in rows[1:])
    api = client.get(f"/api/v1/environment/cleaning-plan/export.xlsx?estate={w.estate.pk}")
    assert api.status_code == 200
    assert len(list(load_workbook(io.BytesIO(api.content)).active.iter_rows())) == seeded + 1
    outsider = login("cleaner_ch")
    assert (
        outsider.get(
            f"/api/v1/environment/cleaning-plan/export.xlsx?estate={w.estate.pk}"
        ).status_code
        == 404
    )


def _fail(w):
    return inspection_record(
        kind="patrol", zone=w.lobby, answers=answers(w.clean_form, w.env_head.user, p2=3),
        by=w.env_head.user,
    ).rectification  # fmt: skip


def _done(r):
    user = r.assignee.user
    return rectification_act(rectification=r, action="done", by=user, note="已清洗",
                             attachments=[photo_of(user)])  # fmt: skip


def _recheck(w, r, **extra):
    data = {"answers": answers(w.clean_form, w.env_head.user), **extra}
    return rectification_act(rectification=r, action="recheck_pass", by=w.env_head.user,
                             note="复查", data=data)  # fmt: skip


def test_an_edit_linked_to_a_recurring_rectification_lets_it_close__CLEAN_15(
    env, login, time_machine
):
    from tests.environment.inspect_helpers import at

    w = env
    cleaning_plan_seed(estate=w.estate, by=w.env_head.user)
    line = PlanLine.objects.get(zone=w.lobby, work="clean", active=True)
    first = _recheck(w, _done(_fail(w)), cause_kind="frequency", cause="频率不够")
    time_machine.move_to(at("2026-11-20 10:00"), tick=False)
    second = _done(_fail(w))
    rectification_cause_set(rectification=second, cause_kind="frequency", cause="仍然不够",
                            by=w.env_head.user)  # fmt: skip
    second.refresh_from_db()
    assert rectification_needs_plan_change(second)
    client = login("env_head")
    plan = client.get(f"/environment/cleaning/plan/?zone={w.lobby.pk}&rectification={second.pk}")
    assert f"本次调整将关联整改 {second.case.number}" in plan.content.decode()
    url = f"/environment/cleaning/lines/{line.pk}/edit/"
    form = client.get(f"{url}?rectification={second.pk}").content.decode()
    assert f"本次调整将关联整改 {second.case.number}" in form
    data = {"times": "08:00,14:00", "every_days": 1, "due_hours": 2, "assignee": w.cleaner.pk,
            "photos": 1, "reason": "电梯间改为每天两次清洁"}  # fmt: skip
    # the closed first one, or a rectification of another zone, is refused; nothing written
    refused = client.post(url, data | {"rectification": first.pk})
    assert refused.status_code == 200 and "已关闭" in refused.content.decode()
    assert not PlanRevision.objects.filter(line=line, reason=data["reason"]).exists()
    assert client.post(url, data | {"rectification": second.pk}).status_code == 302
    revision = PlanRevision.objects.get(line=line, reason=data["reason"])
    assert revision.rectification == second
    revisions = client.get("/environment/cleaning/revisions/").content.decode()
    assert second.case.number in revisions
    second = _recheck(w, second)
    assert second.case.status == "closed"
