"""Inspections through the service: the daily patrol (CLEAN-12), the record form with points and
photos (CLEAN-14), the greening weekly inspection (GREEN-11), and the rounds they complete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers, at
from wuye.environment.models import Inspection, Rectification
from wuye.environment.processes import GREEN_CHECK_KIND, PATROL_KIND
from wuye.environment.services.inspections import inspection_record, round_close, round_progress
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import schedule_generate

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def test_forms_are_scored_items_with_full_points_and_pass_mark__CLEAN_14_GREEN_11(env):
    w = env
    items = list(w.clean_form.items.order_by("position"))
    assert w.clean_form.name == "清洁卫生检查记录表"
    assert w.green_form.name == "绿化养护检查记录表"
    assert items[0].label == "地面无垃圾杂物" and items[0].unit == "分"
    assert (items[0].high, items[0].low) == (Decimal("10"), Decimal("6"))
    assert "修剪整齐、树形美观" in [i.label for i in w.green_form.items.all()]


def test_a_passing_patrol_is_recorded_item_by_item__CLEAN_12_CLEAN_14(env):
    w = env
    record = inspection_record(kind="patrol", zone=w.lobby, answers=answers(w.clean_form),
                               by=w.env_head.user)  # fmt: skip
    assert record.passed and record.score == record.full_score == Decimal("100")
    assert record.items.count() == 10 and record.responsible_name == "张阿姨、李师傅"
    assert record.checklist_name == "清洁卫生检查记录表"
    assert not Rectification.objects.exists()


def test_a_failed_item_needs_its_note_and_photo_nothing_written__CLEAN_14(env):
    w = env
    rows = answers(w.clean_form, p2=3)  # no photo
    with pytest.raises(ValidationError) as error:
        inspection_record(kind="patrol", zone=w.lobby, answers=rows, by=w.env_head.user)
    assert "请拍照留证" in str(error.value)
    rows[1]["note"] = ""
    with pytest.raises(ValidationError):
        inspection_record(kind="patrol", zone=w.lobby, answers=rows, by=w.env_head.user)
    assert not Inspection.objects.exists()


def test_every_item_is_scored_within_its_full_points__CLEAN_14(env):
    w = env
    rows = answers(w.clean_form)
    for bad in ("11", "-1", "abc", "2.25", None):
        rows[0]["score"] = bad
        with pytest.raises(ValidationError):
            inspection_record(kind="patrol", zone=w.lobby, answers=rows, by=w.env_head.user)
    with pytest.raises(ValidationError):
        inspection_record(kind="patrol", zone=w.lobby, answers=rows[1:], by=w.env_head.user)
    assert not Inspection.objects.exists()


def test_a_total_below_the_pass_percentage_fails_though_every_item_passes__CLEAN_14(env):
    w = env
    rows = answers(w.clean_form, **{f"p{i}": 7 for i in range(1, 11)})  # 70 of 100
    record = inspection_record(kind="patrol", zone=w.road, answers=rows, by=w.env_head.user)
    assert not record.passed and record.score == Decimal("70")
    assert record.rectification.problem.startswith("总分 70/100")


def test_only_the_environment_head_inspects_and_only_their_estate__CLEAN_02(env):
    w = env
    with pytest.raises(PermissionDenied):
        inspection_record(kind="patrol", zone=w.lobby, answers=answers(w.clean_form),
                          by=w.cleaner.user)  # fmt: skip
    with pytest.raises(PermissionDenied):  # a head of another department
        inspection_record(kind="patrol", zone=w.lobby, answers=answers(w.clean_form),
                          by=w.head.user)  # fmt: skip
    with pytest.raises(Http404):
        inspection_record(kind="patrol", zone=w.lobby, answers=answers(w.clean_form),
                          by=w.other_head.user)  # fmt: skip


def test_the_patrol_task_is_done_when_every_active_zone_is_in__CLEAN_12(env, time_machine):
    w = env
    time_machine.move_to(at("2026-09-16 07:00"), tick=False)
    schedule_generate()
    task = PlannedTask.objects.get(schedule=w.rounds[PATROL_KIND],
                                   scheduled_for=at("2026-09-16 08:00"))  # fmt: skip
    time_machine.move_to(at("2026-09-16 09:00"), tick=False)
    for z in (w.lobby, w.road):
        inspection_record(kind="patrol", zone=z, answers=answers(w.clean_form), by=w.env_head.user)
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.PLANNED
    progress = round_progress(task)
    assert [r["result"] is not None for r in progress["rows"]].count(False) == 1
    inspection_record(kind="patrol", zone=w.toilet, answers=answers(w.clean_form),
                      by=w.env_head.user)  # fmt: skip
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.DONE


def test_closing_a_patrol_early_names_the_zones_not_reached__CLEAN_12(env, time_machine):
    w = env
    time_machine.move_to(at("2026-09-16 07:00"), tick=False)
    schedule_generate()
    task = PlannedTask.objects.get(schedule=w.rounds[PATROL_KIND],
                                   scheduled_for=at("2026-09-16 08:00"))  # fmt: skip
    inspection_record(kind="patrol", zone=w.lobby, answers=answers(w.clean_form),
                      by=w.env_head.user)  # fmt: skip
    with pytest.raises(ValidationError):
        round_close(task=task, by=w.env_head.user, note="")
    done = round_close(task=task, by=w.env_head.user, note="下午防汛")
    assert done.status == PlannedTaskStatus.DONE
    assert (
        "会所公共卫生间" in done.note and "小区主干道" in done.note and "1栋电梯间" not in done.note
    )


def test_a_missed_patrol_is_marked_missed_by_the_sweep__CLEAN_12(env, time_machine):
    from wuye.workflow.schedules import planned_task_sweep_missed

    w = env
    time_machine.move_to(at("2026-09-16 07:00"), tick=False)
    schedule_generate()
    time_machine.move_to(at("2026-09-17 00:30"), tick=False)
    planned_task_sweep_missed()
    task = PlannedTask.objects.get(schedule=w.rounds[PATROL_KIND],
                                   scheduled_for=at("2026-09-16 08:00"))  # fmt: skip
    assert task.status == PlannedTaskStatus.MISSED


def test_greening_weekly_failure_goes_to_the_areas_first_gardener__GREEN_11(env, time_machine):
    w = env
    time_machine.move_to(at("2026-09-20 12:00"), tick=False)  # Sunday: next week's task exists
    schedule_generate()
    time_machine.move_to(at("2026-09-22 10:00"), tick=False)
    task = PlannedTask.objects.get(schedule=w.rounds[GREEN_CHECK_KIND])
    assert task.scheduled_for == at("2026-09-21 08:00")
    assert task.due_at == at("2026-09-27 23:59:59")
    rows = answers(w.green_form, w.env_head.user, p1=2)
    record = inspection_record(kind="green_weekly", green_area=w.lawn, answers=rows,
                               by=w.env_head.user)  # fmt: skip
    assert not record.passed and record.round_task == task
    assert record.rectification.assignee == w.gardener
    assert "修剪整齐、树形美观（2/10）" in record.rectification.problem
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.DONE  # its only area is in


def test_patrol_on_a_green_area_is_refused(env):
    w = env
    with pytest.raises(ValidationError):
        inspection_record(kind="patrol", green_area=w.lawn, answers=answers(w.green_form),
                          by=w.env_head.user)  # fmt: skip
