"""The demo's two weeks of environment history (``_demo_history``): on the zones, green areas and
plan lines the other parts of the demo set up, the past 14 days of tasks (most done, a few late,
a few missed: CLEAN-05), daily patrols (CLEAN-12), weekly spot checks (CLEAN-13) and greening
checks (GREEN-11) with failures, every failure rectified and re-checked but one left open for
``cleaner`` (CLEAN-15); nothing when nothing is set up."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from wuye.environment.demo import _demo_history
from wuye.environment.models import Inspection, Rectification, SpotSample
from wuye.fieldwork.models import TaskRecord
from wuye.workflow.models import PlannedTask

from .board_helpers import Api, at, department, green_area, line, zone


@pytest.fixture
def set_up(world, time_machine):
    """What the cleaning and greening parts of the demo leave: zones with their cleaners and
    plan lines in both estates, made today (Wed 2026-12-02, 09:00)."""
    time_machine.move_to(at(2026, 12, 2, 9, 0), tick=False)
    w = department(world)
    w.env_head.estates.add(w.other_estate)
    for estate, cleaner in ((w.estate, w.cleaner), (w.other_estate, w.other_cleaner)):
        for n, (name, kind, times) in enumerate((
            ("小区主干道", "road", ["08:00", "15:00"]), ("1栋楼道", "corridor", ["09:00"]),
            ("1号电梯间", "elevator", ["07:30"]), ("东门公厕", "toilet", ["08:00", "10:00"]),
        )):  # fmt: skip
            z = zone(estate, name, kind, [cleaner] if n % 2 == 0 else [w.cleaner2]
                     if estate == w.estate else [cleaner])  # fmt: skip
            line(w.env_head, z, "sweep", times, cleaner if n % 2 == 0 else None)
    lawn = green_area(w.estate, "中心草坪", [w.gardener])
    line(w.env_head, lawn, "water", ["16:00"], w.gardener, due_hours=0)
    time_machine.move_to(at(2026, 12, 2, 10, 0), tick=False)
    return w


def test_two_weeks_of_history_with_one_rectification_open__CLEAN_12_CLEAN_13_CLEAN_15(
    set_up, client
):
    w = set_up
    started = time.perf_counter()
    counts = _demo_history([w.estate, w.other_estate], {})
    assert time.perf_counter() - started < 20
    first = PlannedTask.objects.filter(schedule__environment_line__isnull=False).order_by(
        "scheduled_for"
    )[0]
    assert first.scheduled_for == at(2026, 11, 18, 7, 30)  # the earliest time, 14 days back
    past = PlannedTask.objects.filter(
        schedule__environment_line__isnull=False, due_at__lt=at(2026, 12, 2, 10, 0)
    )
    done = past.filter(status="done").count()
    assert done == counts["environment_tasks_done"] and done > 0.9 * past.count()
    assert past.filter(status="missed").exists() and past.filter(status="planned").count() == 0
    assert TaskRecord.objects.filter(estate=w.estate).count() > 0
    assert any(t.late for t in past.filter(status="done"))
    # The inspections: patrols every day, greening on Thursdays, two weeks of spot checks.
    # Every zone every third day: 4 zones over 14 days, the first and fourth together.
    patrols = Inspection.objects.filter(kind="patrol", estate=w.estate)
    assert patrols.count() == 18
    assert all(patrols.filter(zone__name=n).count() >= 4 for n in ("小区主干道", "东门公厕"))
    assert Inspection.objects.filter(kind="green_weekly", estate=w.estate).count() == 2
    assert set(SpotSample.objects.filter(estate=w.estate).values_list("week_start", flat=True)) == {
        dt.date(2026, 11, 16), dt.date(2026, 11, 23),
    }  # fmt: skip
    assert Inspection.objects.filter(passed=False).count() >= 3
    (rect,) = Rectification.objects.filter(closed_at__isnull=True)
    assert rect.assignee.user.username == "cleaner" and rect.case.status == "open"
    assert rect.estate == w.estate and counts["environment_rectifications_open"] == 1
    closed = Rectification.objects.filter(closed_at__isnull=False)
    assert closed.count() >= 2 and all(r.case.status == "closed" for r in closed)
    assert all(r.rechecks.filter(passed=True).exists() for r in closed)
    # The board shows the history: yesterday's tasks done, the open rectification.
    b = Api(client, w.env_head.user).get(f"/environment/board?estate={w.estate.pk}&day=2026-12-01")
    assert b["tasks"]["total"]["planned"] > 0 and b["rectifications"]["count"] == 1
    s = Api(client, w.env_head.user).get(f"/environment/scores?estate={w.estate.pk}&month=2026-11")
    assert s["total"]["inspections"] > 10 and s["total"]["tasks_due"] > 50


def test_history_skips_what_is_not_set_up(world, time_machine):
    time_machine.move_to(at(2026, 12, 2, 10, 0), tick=False)
    assert _demo_history([world.estate, world.other_estate], {}) == {}  # no env_head at all
    department(world)
    counts = _demo_history([world.estate, world.other_estate], {})
    assert counts["environment_inspections"] == 0 and not Rectification.objects.exists()
