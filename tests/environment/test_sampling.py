"""The weekly spot check's sample (CLEAN-13): random but reproducible from its seed, each active
zone covered at least once a quarter (zones added mid-quarter too, several a week when there
are more zones than weeks), one completed task of each picked zone drawn at random."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers, at, zone
from wuye.environment.models import SpotSample
from wuye.environment.services.inspections import inspection_record
from wuye.environment.services.sampling import (
    quarter_mondays,
    spot_sample_draw,
    spot_sample_draw_next_week,
    spot_sample_picks,
)

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def zones_of(sample) -> list[int]:
    return [p["zone"] for p in sample.picks]


def test_quarter_weeks_are_the_mondays_of_the_calendar_quarter():
    q4 = quarter_mondays(dt.date(2026, 11, 9))
    assert q4[0] == dt.date(2026, 10, 5) and q4[-1] == dt.date(2026, 12, 28) and len(q4) == 13
    q1 = quarter_mondays(dt.date(2027, 1, 4))
    assert q1[0] == dt.date(2027, 1, 4) and q1[-1] == dt.date(2027, 3, 29)


def test_the_same_seed_draws_the_same_sample__CLEAN_13(env):
    w = env
    for i in range(20):
        zone(w.estate, f"{i + 2}栋楼道", w.cleaner)
    week = dt.date(2026, 9, 21)
    a = spot_sample_picks(estate=w.estate, week_start=week, seed=987654321)
    b = spot_sample_picks(estate=w.estate, week_start=week, seed=987654321)
    others = {
        tuple(p["zone"] for p in spot_sample_picks(estate=w.estate, week_start=week, seed=s))
        for s in range(1, 30)
    }
    assert a == b and len(others) > 5
    sample = spot_sample_draw(estate=w.estate, week_start=week, by=w.env_head.user, seed=987654321)
    assert sample.picks == a and sample.seed == 987654321


def test_a_drawn_sample_is_kept_a_second_draw_returns_it__CLEAN_13(env):
    w = env
    week = dt.date(2026, 9, 21)
    first = spot_sample_draw(estate=w.estate, week_start=week, by=w.env_head.user)
    again = spot_sample_draw(estate=w.estate, week_start=week, by=w.env_head.user, seed=5)
    assert again == first and SpotSample.objects.count() == 1
    with pytest.raises(ValidationError):
        spot_sample_draw(estate=w.estate, week_start=dt.date(2026, 9, 22), by=w.env_head.user)


@pytest.mark.parametrize("count,seed", [(3, 1), (20, 42), (31, 7)])
def test_every_zone_is_sampled_at_least_once_a_quarter__CLEAN_13(env, time_machine, count,
                                                                  seed):  # fmt: skip
    w = env
    w.lobby.delete(), w.road.delete(), w.toilet.delete()
    zones = [zone(w.estate, f"区域{i}", w.cleaner).pk for i in range(count)]
    mondays = quarter_mondays(dt.date(2026, 10, 1))
    late = None
    seen: set[int] = set()
    for index, monday in enumerate(mondays):
        time_machine.move_to(dt.datetime.combine(monday, dt.time(6), inspect_helpers.SH))
        if index == 6:  # a zone added mid-quarter
            late = zone(w.estate, "新增垃圾房", w.cleaner).pk
        sample = spot_sample_draw(estate=w.estate, week_start=monday, seed=seed + index)
        assert sample.picks and len(set(zones_of(sample))) == len(zones_of(sample))
        seen |= set(zones_of(sample))
    assert seen >= {*zones, late}


def test_more_zones_than_weeks_gives_several_a_week__CLEAN_13(env):
    w = env
    for i in range(40):
        zone(w.estate, f"区域{i}", w.cleaner)
    sample = spot_sample_draw(estate=w.estate, week_start=dt.date(2026, 9, 21), seed=3)
    # 43 zones, 2 weeks of Q3 left from 09-21: at least ceil(43 / 2) drawn
    assert len(sample.picks) >= 22


def test_a_picked_zones_task_is_drawn_from_its_completed_cleaning_tasks__CLEAN_13(
    env, time_machine
):
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.models import PlannedTask
    from wuye.workflow.schedules import planned_task_complete, schedule_generate

    w = env
    time_machine.move_to(at("2026-09-20 12:00"), tick=False)
    plan = plan_create(estate=w.estate, name="电梯间清洁", kind="cleaning", frequency="daily",
                       times=["08:00", "14:00"], assignee=w.cleaner.user, subject=w.lobby,
                       due_amount=2, due_unit="hours", by=w.env_head.user)  # fmt: skip
    schedule_generate()
    time_machine.move_to(at("2026-09-23 18:00"), tick=False)
    tasks = PlannedTask.objects.filter(schedule=plan, scheduled_for__lt=at("2026-09-23 18:00"))
    for task in tasks:
        planned_task_complete(task=task, by=w.cleaner.user)
    drawn = 0
    for seed in range(40):
        picks = spot_sample_picks(estate=w.estate, week_start=dt.date(2026, 9, 21), seed=seed)
        for p in picks:
            if p["zone"] == w.lobby.pk:
                assert p["task"] in {t.pk for t in tasks}
                drawn += 1
            else:
                assert p["task"] is None  # no cleaning task done there
    assert drawn > 0


def test_a_spot_check_follows_the_sample_nobody_chooses__CLEAN_13(env):
    w = env
    sample = spot_sample_draw(estate=w.estate, week_start=dt.date(2026, 9, 14), seed=2)
    picked = set(zones_of(sample))
    outside = [z for z in (w.lobby, w.road, w.toilet) if z.pk not in picked]
    inside = next(z for z in (w.lobby, w.road, w.toilet) if z.pk in picked)
    with pytest.raises(ValidationError):  # no sample
        inspection_record(kind="spot_check", zone=inside, answers=answers(w.clean_form),
                          by=w.env_head.user)  # fmt: skip
    if outside:
        with pytest.raises(ValidationError):
            inspection_record(kind="spot_check", zone=outside[0], sample=sample,
                              answers=answers(w.clean_form), by=w.env_head.user)  # fmt: skip
    record = inspection_record(kind="spot_check", zone=inside, sample=sample,
                               answers=answers(w.clean_form), by=w.env_head.user)  # fmt: skip
    assert record.sample == sample


def test_the_weekly_job_draws_this_and_next_week_once_for_every_estate__CLEAN_13(env):
    w = env
    zone(w.other_estate, "8栋楼道")
    assert spot_sample_draw_next_week() == 4
    assert spot_sample_draw_next_week() == 0
    weeks = set(SpotSample.objects.filter(estate=w.estate).values_list("week_start", flat=True))
    assert weeks == {dt.date(2026, 9, 14), dt.date(2026, 9, 21)}


def test_the_draw_reads_as_the_issue_writes_it__CLEAN_13(env):
    w = env
    sample = spot_sample_draw(w.estate, dt.date(2026, 9, 28), w.env_head.user)
    assert sample.drawn_by == w.env_head.user and sample.picks
    assert spot_sample_picks(estate=w.estate, week_start=sample.week_start,
                             seed=sample.seed) == sample.picks  # fmt: skip
