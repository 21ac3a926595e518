"""The 《绿化养护计划》 by season (GREEN-05..10, GREEN-12, GREEN-14): seeded lines per area and
kind, tasks in the right months across the year boundary, changes as plan revisions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.environment.models import PlanLine, PlanRevision
from wuye.environment.services import greening as svc
from wuye.environment.services.green import green_area_create
from wuye.fieldwork.services.records import task_complete
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import schedule_generate

from . import green_helpers
from .green_helpers import SH, at, plan_landscape

pytestmark = pytest.mark.django_db
green = green_helpers.green  # the fixture


def _works(area) -> set[tuple[str, str]]:
    return set(PlanLine.objects.filter(green_area=area, active=True).values_list("work", "season"))


def _task_dates(line, until: dt.datetime, now: dt.datetime) -> list[dt.date]:
    schedule_generate(now=now, horizon=until - now)
    return [
        t.scheduled_for.astimezone(SH).date()
        for t in PlannedTask.objects.filter(schedule=line.schedule).order_by("scheduled_for")
    ]


def test_seed_writes_the_seasons_works_per_kind_of_area__GREEN_05_GREEN_06_GREEN_07(green):
    result = svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    # Only the hedge's pesticide work is left out: its gardener holds no certificate (GREEN-14).
    assert len(result.skipped) == 2 and all("红叶石楠绿篱" in t for t in result.skipped)
    # A lawn is not pruned and gets no aphid control; it is watered and fertilised.
    assert _works(green.lawn) == {
        ("fertilise", "spring"), ("pest_control", "spring"), ("water", "summer"),
        ("leaves", "autumn"), ("fertilise", "autumn"),
    }  # fmt: skip
    # GREEN-09: trees are wrapped for the winter; GREEN-06: pruned in spring.
    assert {("prune", "spring"), ("cold", "winter"), ("aphid", "summer")} <= _works(green.trees)
    assert ("cold", "winter") not in _works(green.roses)
    assert ("shade", "summer") in _works(green.roses)
    line = PlanLine.objects.get(green_area=green.trees, work="prune")
    assert line.schedule.kind == "greening"
    assert line.schedule.frequency == "seasonal" and line.schedule.months == [3, 4, 5]
    assert line.schedule.spec.subject == green.trees
    # Every line added is a revision with its reason.
    assert PlanRevision.objects.filter(green_area=green.trees).count() == len(_works(green.trees))


def test_seeding_again_adds_nothing_twice__GREEN_05(green):
    first = svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    again = svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    assert first.created and again.created == []
    assert PlanLine.objects.filter(active=True).count() == len(first.created)


def test_no_maintenance_plan_before_the_landscape_plan__GREEN_03(world, time_machine):
    from .green_helpers import make_areas, make_green_staff

    time_machine.move_to(at("2026-04-03 10:00"), tick=False)
    make_green_staff(world)
    make_areas(world)
    with pytest.raises(ValidationError) as error:
        svc.greening_plan_seed(estate=world.estate, by=world.env_head.user)
    assert "景观规划" in str(error.value)
    assert not PlanLine.objects.exists()
    plan_landscape(world)
    assert svc.greening_plan_seed(estate=world.estate, by=world.env_head.user).created


def test_an_area_without_a_gardener_gets_no_lines__GREEN_02(green):
    bare = green_area_create(
        estate=green.estate, by=green.env_head.user, name="北门草坪", kind="lawn"
    )
    result = svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    assert not PlanLine.objects.filter(green_area=bare).exists()
    assert any("北门草坪" in text for text in result.skipped)


def test_pest_lines_go_to_a_certified_gardener_or_none__GREEN_14(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    # 香樟林 has 小王 (no certificate, first by name order? no: 刘师傅 < 小王 by code point)
    pest = PlanLine.objects.get(green_area=green.trees, work="pest_control")
    assert pest.schedule.assignee == green.liu.user
    assert pest.schedule.spec.certificate == "plant_protection"
    # The hedge's only gardener 小王 holds none: no pest-control line, and it is said.
    assert not PlanLine.objects.filter(green_area=green.hedge, work="pest_control").exists()
    assert not PlanLine.objects.filter(green_area=green.hedge, work="aphid").exists()
    assert PlanLine.objects.filter(green_area=green.hedge, work="prune").exists()


def test_reassigning_a_pest_line_to_an_uncertified_gardener_is_refused__GREEN_14(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    pest = PlanLine.objects.get(green_area=green.trees, work="aphid")
    with pytest.raises(ValidationError) as error:
        svc.plan_line_update(line=pest, by=green.env_head.user, reason="调岗", assignee=green.wang)
    assert "小王" in str(error.value)
    pest.schedule.refresh_from_db()
    assert pest.schedule.assignee == green.liu.user
    assert not PlanRevision.objects.filter(line=pest).exclude(changes__has_key="added").exists()


def test_an_unqualified_gardener_cannot_complete_a_pest_task__GREEN_14(green, time_machine):
    from wuye.environment.services.green import green_area_update

    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.trees, work="pest_control")
    time_machine.move_to(at("2027-03-20 07:00"), tick=False)
    schedule_generate(now=at("2027-03-20 07:00"), horizon=dt.timedelta(days=1))
    task = PlannedTask.objects.get(schedule=line.schedule)
    with pytest.raises(ValidationError) as error:
        task_complete(task=task, answers=[], by=green.wang.user, note="喷药")
    assert "植保" in str(error.value)
    task_complete(task=task, answers=[], by=green.liu.user, note="喷药，先放瓢虫")
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.DONE
    assert green_area_update  # imported for the module's API


def test_winter_tasks_run_from_december_into_the_new_year_and_stop_in_march__GREEN_09(green):
    """Seeded 2026-11-17: cold protection every 7 days from 1 December 2026 through February
    2027, none in November or March."""
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.trees, work="cold")
    dates = _task_dates(line, at("2027-04-10 00:00"), at("2026-11-17 09:40"))
    assert dates[0] == dt.date(2026, 12, 1)
    assert {d.month for d in dates} == {12, 1, 2}
    assert dates[-1] <= dt.date(2027, 2, 28)
    assert dt.date(2027, 1, 5) in dates and dt.date(2027, 2, 23) in dates
    months = Counter((d.year, d.month) for d in dates)
    assert months[(2026, 12)] == 5 and months[(2027, 1)] == 4 and months[(2027, 2)] == 4
    # The next winter goes on: December 2027 has cold protection again.
    schedule_generate(now=at("2027-11-28 00:00"), horizon=dt.timedelta(days=10))
    later = PlannedTask.objects.filter(schedule=line.schedule, scheduled_for__gte=at("2027-03-01"))
    assert later.exists() and all(t.scheduled_for.astimezone(SH).month == 12 for t in later)


def test_a_plan_made_in_mid_january_runs_winter_now_and_spring_from_march__GREEN_09(
    green, time_machine
):
    time_machine.move_to(at("2027-01-19 15:25"), tick=False)
    PlanLine.objects.all().delete()
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    cold = PlanLine.objects.get(green_area=green.hedge, work="cold")
    prune = PlanLine.objects.get(green_area=green.hedge, work="prune")
    now = at("2027-01-19 15:25")
    cold_dates = _task_dates(cold, at("2027-06-01 00:00"), now)
    # Every 7 days from the day it was made; 19 Jan 08:00 had passed already at 15:25.
    assert cold_dates[:2] == [dt.date(2027, 1, 26), dt.date(2027, 2, 2)]
    assert max(cold_dates) < dt.date(2027, 3, 1)
    prune_dates = [
        t.scheduled_for.astimezone(SH).date()
        for t in PlannedTask.objects.filter(schedule=prune.schedule).order_by("scheduled_for")
    ]
    assert prune_dates[:3] == [dt.date(2027, 3, 1), dt.date(2027, 3, 15), dt.date(2027, 3, 29)]
    assert {d.month for d in prune_dates} == {3, 4, 5}


def test_summer_watering_once_a_day_at_seven_in_june_to_august__GREEN_10(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.lawn, work="water")
    schedule_generate(now=at("2027-05-30 00:00"), horizon=dt.timedelta(days=100))
    tasks = PlannedTask.objects.filter(schedule=line.schedule)
    local = [t.scheduled_for.astimezone(SH) for t in tasks]
    assert len(local) == 30 + 31 + 31
    assert {m.time() for m in local} == {dt.time(7, 0)}
    assert min(local).date() == dt.date(2027, 6, 1) and max(local).date() == dt.date(2027, 8, 31)
    assert len({m.date() for m in local}) == len(local)  # once a day


def test_fertilise_on_its_day_in_spring_and_autumn__GREEN_06_GREEN_08(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    spring = PlanLine.objects.get(green_area=green.roses, work="fertilise", season="spring")
    autumn = PlanLine.objects.get(green_area=green.roses, work="fertilise", season="autumn")
    schedule_generate(now=at("2026-11-17 09:40"), horizon=dt.timedelta(days=400))

    def dates(line):
        return [
            t.scheduled_for.astimezone(SH).date()
            for t in PlannedTask.objects.filter(schedule=line.schedule).order_by("scheduled_for")
        ]

    assert dates(spring) == [dt.date(2027, 3, 10), dt.date(2027, 4, 10), dt.date(2027, 5, 10)]
    # 17 Nov 2026 is past the 15th: autumn starts again in September 2027.
    assert dates(autumn) == [dt.date(2027, 9, 15), dt.date(2027, 10, 15), dt.date(2027, 11, 15)]


def test_changing_a_lines_time_mid_day_is_a_revision_and_replans__GREEN_12(green, time_machine):
    time_machine.move_to(at("2027-07-14 06:10"), tick=False)
    PlanLine.objects.all().delete()
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.lawn, work="water")
    schedule_generate(now=at("2027-07-14 06:10"), horizon=dt.timedelta(days=3))
    time_machine.move_to(at("2027-07-14 12:30"), tick=False)
    svc.plan_line_update(
        line=line, by=green.env_head.user, reason="正午太晒，改为傍晚浇水", times=["17:30"]
    )
    rev = PlanRevision.objects.filter(line=line).exclude(changes__has_key="added").get()
    assert rev.changes["times"] == [["07:00"], ["17:30"]]
    assert rev.reason == "正午太晒，改为傍晚浇水"
    schedule_generate(now=at("2027-07-14 12:30"), horizon=dt.timedelta(days=3))
    planned = PlannedTask.objects.filter(
        schedule=line.schedule, status=PlannedTaskStatus.PLANNED
    ).order_by("scheduled_for")
    # The morning's watering stays (it was due before the change); 15-16 July move to 17:30.
    assert [t.scheduled_for.astimezone(SH) for t in planned] == [
        at("2027-07-14 07:00"), at("2027-07-14 17:30"), at("2027-07-15 17:30"),
        at("2027-07-16 17:30"),
    ]  # fmt: skip
    assert (
        PlannedTask.objects.filter(
            schedule=line.schedule, status=PlannedTaskStatus.CANCELLED
        ).count()
        == 2
    )


def test_stop_and_add_a_line_need_a_reason__GREEN_05(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.roses, work="shade")
    with pytest.raises(ValidationError):
        svc.plan_line_stop(line=line, by=green.env_head.user, reason="  ")
    svc.plan_line_stop(line=line, by=green.env_head.user, reason="月季已移栽到荫棚")
    line.refresh_from_db()
    assert not line.active and not line.schedule.active
    assert PlanRevision.objects.filter(line=line, changes__has_key="stopped").exists()
    added = svc.plan_line_add(
        area=green.roses, by=green.env_head.user, work="shade", season="summer",
        reason="新补种月季需遮阴", interval=5,
    )  # fmt: skip
    assert added.active and added.schedule.interval == 5
    with pytest.raises(ValidationError):
        svc.plan_line_add(
            area=green.roses, by=green.env_head.user, work="sweep", season="summer", reason="x"
        )


def test_only_leads_of_the_estate_change_the_plan__GREEN_02(green):
    with pytest.raises(PermissionDenied):
        svc.greening_plan_seed(estate=green.estate, by=green.liu.user)
    with pytest.raises(Http404):
        svc.greening_plan_seed(estate=green.estate, by=green.outsider.user)


def test_heat_wave_adds_a_second_watering_until_its_end__GREEN_12(green, time_machine):
    time_machine.move_to(at("2027-07-20 10:05"), tick=False)
    PlanLine.objects.all().delete()
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    lines = svc.greening_heat_adjust(
        estate=green.estate, by=green.env_head.user, start=dt.date(2027, 7, 21),
        end=dt.date(2027, 7, 24), times=["17:00"], reason="连续高温38℃，增加傍晚浇水",
    )  # fmt: skip
    assert {line.green_area for line in lines} == {
        green.lawn,
        green.trees,
        green.hedge,
        green.roses,
    }
    extra = next(line for line in lines if line.green_area == green.lawn)
    water = PlanLine.objects.get(green_area=green.lawn, work="water")
    assert extra.work == "extra_water" and extra.schedule.assignee == water.schedule.assignee
    schedule_generate(now=at("2027-07-20 10:05"), horizon=dt.timedelta(days=8))
    per_day = Counter(
        t.scheduled_for.astimezone(SH).date()
        for t in PlannedTask.objects.filter(schedule__in=[extra.schedule, water.schedule])
    )
    assert per_day[dt.date(2027, 7, 21)] == 2 and per_day[dt.date(2027, 7, 24)] == 2
    assert per_day[dt.date(2027, 7, 25)] == 1 and per_day[dt.date(2027, 7, 20)] == 0
    assert PlanRevision.objects.filter(line=extra, reason__contains="高温").exists()


def test_heat_adjustment_refuses_bad_dates__GREEN_12(green):
    svc.greening_plan_seed(estate=green.estate, by=green.env_head.user)
    with pytest.raises(ValidationError) as error:
        svc.greening_heat_adjust(
            estate=green.estate, by=green.env_head.user, start=dt.date(2026, 11, 20),
            end=dt.date(2026, 11, 18), times=["25:00"], reason="",
        )  # fmt: skip
    assert set(error.value.message_dict) == {"end", "times", "reason"}
    assert not PlanLine.objects.filter(work="extra_water").exists()
