"""The cleaning plan (《清洁卫生计划》): zones first, the manual's frequencies, the disinfection
dilution, every change a revision that keeps the day whole (CLEAN-03..11)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, day_tasks, line_of, local_times
from wuye.environment.models import PlanRevision
from wuye.environment.services import cleaning
from wuye.environment.services.zones import zone_create
from wuye.workflow.models import PlannedTaskStatus
from wuye.workflow.schedules import schedule_generate

clean = clean_helpers.clean
planned = clean_helpers.planned


def test_a_days_tasks_match_the_plans_frequencies__CLEAN_05_06_08_09(planned, time_machine):
    w = planned
    day = "2026-07-07"
    assert local_times(day_tasks(line_of(w, "小区主干道", "sweep"), day)) == ["07:00", "14:00"]
    toilet = local_times(day_tasks(line_of(w, "会所公共卫生间", "clean"), day))
    assert toilet == ["07:00", "09:00", "11:00", "13:00", "15:00", "17:00", "19:00", "21:00"]
    assert len(day_tasks(line_of(w, "会所公共卫生间", "disinfect"), day)) == 1
    assert len(day_tasks(line_of(w, "1栋电梯间及轿厢", "disinfect"), day)) == 1
    assert len(day_tasks(line_of(w, "1栋电梯间及轿厢", "clean"), day)) == 1
    assert len(day_tasks(line_of(w, "2栋楼道及楼梯间", "clean"), day)) == 1
    # CLEAN-07: the rain sweep recurs never.
    assert day_tasks(line_of(w, "小区主干道", "rain_sweep"), day) == []


def test_other_opening_hours_give_other_toilet_times__CLEAN_08(planned, time_machine):
    w = planned
    cleaning.profile_update(
        estate=w.estate, by=w.env_head.user, toilets_open=clean_helpers.dt.time(8, 30),
        toilets_close=clean_helpers.dt.time(20, 0),
    )  # fmt: skip
    schedule_generate(now=at("2026-07-06 18:05"))
    line = line_of(w, "会所公共卫生间", "clean")
    times = local_times(day_tasks(line, "2026-07-08"))
    assert times == ["08:30", "10:30", "12:30", "14:30", "16:30", "18:30"]
    assert cleaning.frequency_text(line) == "08:30–20:00 每 2 小时"
    revision = PlanRevision.objects.filter(line=line).first()
    assert "开放时间" in revision.reason and revision.changes["times"][1][0] == "08:30"


def test_a_revision_mid_day_keeps_the_day_whole__CLEAN_05_CLEAN_15(planned, time_machine):
    w = planned
    road = line_of(w, "小区主干道", "sweep")
    time_machine.move_to(at("2026-07-07 10:00"), tick=False)
    cleaning.line_update(
        line=road, by=w.env_head.user, reason="下午人流多，推迟清扫", times=["08:00", "15:30"]
    )
    schedule_generate(now=at("2026-07-07 10:00"))
    tasks = day_tasks(road, "2026-07-07")
    # 07:00 (its time passed) stays, 14:00 is replaced by 15:30; 08:00 is gone by.
    assert local_times(tasks) == ["07:00", "15:30"]
    all_tasks = day_tasks(road, "2026-07-07", cancelled=True)
    assert [t.status for t in all_tasks if t.status == PlannedTaskStatus.CANCELLED] == ["cancelled"]
    assert local_times(day_tasks(road, "2026-07-08")) == ["08:00", "15:30"]
    rev = PlanRevision.objects.filter(line=road).first()
    assert rev.reason == "下午人流多，推迟清扫"
    assert rev.changes["times"] == [["07:00", "14:00"], ["08:00", "15:30"]]


def test_a_running_task_of_the_old_timing_is_replaced_not_doubled__CLEAN_06(planned, time_machine):
    w = planned
    road = line_of(w, "小区主干道", "sweep")
    time_machine.move_to(at("2026-07-07 07:30"), tick=False)
    cleaning.line_update(line=road, by=w.env_head.user, reason="改早", times=["07:15", "14:00"])
    tasks = day_tasks(road, "2026-07-07")
    assert local_times(tasks) == ["07:15", "14:00"]
    # Back again the same morning: the cancelled 07:00 comes back, nothing doubles.
    cleaning.line_update(line=road, by=w.env_head.user, reason="恢复", times=["07:00", "14:00"])
    assert local_times(day_tasks(road, "2026-07-07")) == ["07:00", "14:00"]
    assert PlanRevision.objects.filter(line=road).count() == 3  # added, changed, changed back


def test_a_zone_without_a_named_cleaner_gets_no_plan__CLEAN_03_04(clean):
    w = clean
    zone = zone_create(estate=w.estate, name="北广场", kind="square", by=w.env_head.user)
    with pytest.raises(ValidationError) as err:
        cleaning.line_create(zone=zone, work="sweep", by=w.env_head.user, reason="新增",
                             times=["08:00"])  # fmt: skip
    assert "责任人" in str(err.value)
    assert cleaning.cleaning_plan_seed(estate=w.estate, by=w.env_head.user) == []


def test_only_the_leads_change_the_plan__CLEAN_02(planned):
    w = planned
    with pytest.raises(PermissionDenied):
        cleaning.line_update(line=line_of(w, "小区主干道", "sweep"), by=w.cleaner.user,
                             reason="x", times=["09:00"])  # fmt: skip
    with pytest.raises(ValidationError) as err:
        cleaning.line_update(line=line_of(w, "小区主干道", "sweep"), by=w.env_head.user,
                             reason="  ", times=["09:00"])  # fmt: skip
    assert "reason" in err.value.message_dict


@pytest.mark.parametrize(
    ("litres", "ml", "water"),
    [("10", 99, 9901), ("15", 149, 14851), ("8.5", 84, 8416), ("20", 198, 19802)],
)
def test_dilution_is_one_part_to_a_hundred_parts_water__CLEAN_10(litres, ml, water):
    assert cleaning.dilution(Decimal(litres)) == (ml, water)


def test_the_disinfection_checklist_carries_the_buckets_amounts__CLEAN_10_11_16(planned):
    w = planned
    line = line_of(w, "会所公共卫生间", "disinfect")
    labels = [i.label for i in line.schedule.spec.checklist.items.order_by("position")]
    assert labels[0] == "按 1:100 配制：10 升桶加 84消毒液 99 毫升，再加清水至 9.90 升"
    assert "佩戴手套、口罩" in labels and any("环保消毒液" in x for x in labels)
    cleaning.profile_update(estate=w.estate, by=w.env_head.user, bucket_litres=Decimal("15"))
    line.schedule.spec.refresh_from_db()
    labels = [i.label for i in line.schedule.spec.checklist.items.order_by("position")]
    assert labels[0] == "按 1:100 配制：15 升桶加 84消毒液 149 毫升，再加清水至 14.85 升"
    assert PlanRevision.objects.filter(line=line, reason="消毒桶容量调整为 15 升").exists()


def test_stopping_a_line_cancels_its_future_tasks_only(planned, time_machine):
    w = planned
    road = line_of(w, "小区主干道", "sweep")
    time_machine.move_to(at("2026-07-07 12:00"), tick=False)
    cleaning.line_stop(line=road, by=w.env_head.user, reason="道路施工")
    assert local_times(day_tasks(road, "2026-07-07")) == ["07:00"]
    road.refresh_from_db()
    assert not road.active and PlanRevision.objects.filter(line=road, reason="道路施工").exists()


def test_seeding_twice_adds_nothing(planned):
    w = planned
    assert cleaning.cleaning_plan_seed(estate=w.estate, by=w.env_head.user) == []
