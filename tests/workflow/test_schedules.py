"""Recurring schedules: exact occurrences per frequency, generation, missed tasks, completion."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.notify.models import Message
from wuye.workflow import schedules
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import Frequency, PlannedTask, PlannedTaskStatus, Schedule

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def plan(**fields) -> Schedule:
    """An unsaved schedule: ``occurrences`` is pure and needs only the estate's time zone."""
    fields.setdefault("estate", Estate(time_zone="Asia/Shanghai"))
    fields.setdefault("interval", 1)
    fields.setdefault("times", [])
    fields.setdefault("months", [])
    return Schedule(**fields)


def starts(schedule: Schedule, start: str, end: str) -> list[str]:
    found = schedules.occurrences(schedule, at(start), at(end))
    assert all(moment.tzinfo == SH for moment in found)
    return [f"{moment:%Y-%m-%d %H:%M}" for moment in found]


# --- Recurrence -------------------------------------------------------------------------------


def test_every_two_hours_from_the_anchor_at_its_start_time():
    s = plan(frequency=Frequency.HOURLY, interval=2, times=["08:00"], anchor=day("2026-03-01"))
    assert starts(s, "2026-03-01 00:00", "2026-03-01 16:00") == [
        "2026-03-01 08:00",
        "2026-03-01 10:00",
        "2026-03-01 12:00",
        "2026-03-01 14:00",
    ]
    # A window starting between two occurrences begins at the next one, on the same grid.
    assert starts(s, "2026-03-05 09:30", "2026-03-05 14:00") == [
        "2026-03-05 10:00",
        "2026-03-05 12:00",
    ]


def test_hourly_without_a_time_starts_at_midnight_and_runs_across_days():
    s = plan(frequency=Frequency.HOURLY, interval=5, anchor=day("2026-03-01"))
    assert starts(s, "2026-03-01 18:00", "2026-03-02 12:00") == [
        "2026-03-01 20:00",
        "2026-03-02 01:00",
        "2026-03-02 06:00",
        "2026-03-02 11:00",
    ]


def test_daily_at_eight_and_four():
    s = plan(frequency=Frequency.DAILY, times=["16:00", "08:00"], anchor=day("2026-03-01"))
    assert starts(s, "2026-03-01 09:00", "2026-03-03 08:00") == [
        "2026-03-01 16:00",
        "2026-03-02 08:00",
        "2026-03-02 16:00",
    ]


def test_every_fifteen_days_from_the_anchor_at_nine_by_default():
    s = plan(frequency=Frequency.INTERVAL_DAYS, interval=15, anchor=day("2026-01-01"))
    assert starts(s, "2025-12-01 00:00", "2026-03-03 00:00") == [
        "2026-01-01 09:00",
        "2026-01-16 09:00",
        "2026-01-31 09:00",
        "2026-02-15 09:00",
        "2026-03-02 09:00",
    ]
    assert starts(s, "2026-02-01 00:00", "2026-03-03 00:00") == [
        "2026-02-15 09:00",
        "2026-03-02 09:00",
    ]


@pytest.mark.parametrize(
    ("year", "february"), [(2026, "2026-02-28 09:00"), (2028, "2028-02-29 09:00")]
)
def test_monthly_on_day_31_uses_the_last_day_of_shorter_months(year, february):
    s = plan(frequency=Frequency.MONTHLY, day_of_month=31, anchor=dt.date(year, 1, 1))
    assert starts(s, f"{year}-01-01 00:00", f"{year}-05-01 00:00") == [
        f"{year}-01-31 09:00",
        february,
        f"{year}-03-31 09:00",  # back to the 31st: months are counted from the anchor
        f"{year}-04-30 09:00",
    ]


def test_monthly_skips_a_day_before_the_anchor_and_honours_the_interval():
    s = plan(
        frequency=Frequency.MONTHLY,
        interval=2,
        day_of_month=5,
        times=["07:30"],
        anchor=day("2026-01-20"),
    )
    assert starts(s, "2026-01-01 00:00", "2026-08-01 00:00") == [
        "2026-03-05 07:30",
        "2026-05-05 07:30",
        "2026-07-05 07:30",
    ]


def test_quarterly_every_three_months_on_the_anchors_day():
    s = plan(frequency=Frequency.QUARTERLY, times=["10:00"], anchor=day("2026-01-31"))
    assert starts(s, "2026-01-01 00:00", "2027-02-01 00:00") == [
        "2026-01-31 10:00",
        "2026-04-30 10:00",
        "2026-07-31 10:00",
        "2026-10-31 10:00",
        "2027-01-31 10:00",
    ]


def test_seasonal_months_three_to_five_only():
    monthly = plan(
        frequency=Frequency.SEASONAL, months=[3, 4, 5], day_of_month=1, anchor=day("2026-01-01")
    )
    assert starts(monthly, "2026-01-01 00:00", "2027-01-01 00:00") == [
        "2026-03-01 09:00",
        "2026-04-01 09:00",
        "2026-05-01 09:00",
    ]
    weekly = plan(
        frequency=Frequency.SEASONAL, months=[3, 4, 5], interval=7, anchor=day("2026-01-01")
    )
    found = schedules.occurrences(weekly, at("2026-01-01 00:00"), at("2027-01-01 00:00"))
    assert {moment.month for moment in found} == {3, 4, 5}
    assert (found[0], found[-1]) == (at("2026-03-05 09:00"), at("2026-05-28 09:00"))
    assert len(found) == 13


def test_nothing_before_the_anchor_or_after_the_end_date():
    s = plan(frequency=Frequency.DAILY, anchor=day("2026-03-10"), end=day("2026-03-12"))
    assert starts(s, "2026-03-01 00:00", "2026-04-01 00:00") == [
        "2026-03-10 09:00",
        "2026-03-11 09:00",
        "2026-03-12 09:00",
    ]


def test_eight_oclock_in_shanghai_is_midnight_utc():
    s = plan(frequency=Frequency.DAILY, times=["08:00"], anchor=day("2026-03-01"))
    found = schedules.occurrences(
        s, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    )
    assert found == [dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)]
    assert found[0].tzinfo == SH


def test_occurrences_need_aware_datetimes():
    s = plan(frequency=Frequency.DAILY, anchor=day("2026-03-01"))
    with pytest.raises(ValueError):
        schedules.occurrences(s, dt.datetime(2026, 3, 1), at("2026-03-02 00:00"))


# --- Creating schedules -----------------------------------------------------------------------


@pytest.fixture
def patrol(world, time_machine):
    """Created 2026-03-01 07:00: daily at 08:00 and 16:00, due 2 hours after each start."""
    time_machine.move_to(at("2026-03-01 07:00"), tick=False)
    return schedules.schedule_create(
        estate=world.estate,
        name="园区巡逻",
        kind="patrol",
        rule="ORDER-PATROL-01",
        frequency=Frequency.DAILY,
        times=["08:00", "16:00"],
        due_amount=2,
        due_unit=TargetUnit.HOURS,
        assignee=world.tech.user,
        by=world.head.user,
    )


def test_create_validates_each_field(world):
    with pytest.raises(ValidationError) as exc:
        schedules.schedule_create(
            estate=world.estate,
            name=" ",
            kind="Fire Check",
            frequency=Frequency.MONTHLY,
            interval=0,
            times=["8:00"],
            day_of_month=32,
            months=[13],
            anchor=day("2026-03-10"),
            end=day("2026-03-01"),
            due_amount=0,
            due_unit=TargetUnit.HOURS,
            by=world.head.user,
        )
    assert set(exc.value.message_dict) == {
        "name",
        "kind",
        "interval",
        "times",
        "day_of_month",
        "months",
        "end",
        "due_amount",
        "assignee",
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"frequency": Frequency.MONTHLY}, "day_of_month"),
        ({"frequency": Frequency.SEASONAL}, "months"),
        ({"frequency": Frequency.DAILY, "months": [3]}, "months"),
        ({"frequency": Frequency.DAILY, "day_of_month": 5}, "day_of_month"),
        ({"frequency": Frequency.HOURLY, "times": ["08:00", "09:00"]}, "times"),
        ({"frequency": Frequency.DAILY, "times": ["24:00"]}, "times"),
        ({"frequency": "weekly"}, "frequency"),
        ({"frequency": Frequency.DAILY, "assignee_role": "resident"}, "assignee_role"),
    ],
)
def test_create_rejects_recurrences_that_do_not_fit(world, fields, field):
    args = {"name": "检查", "kind": "inspection", "assignee_role": "technician"} | fields
    with pytest.raises(ValidationError) as exc:
        schedules.schedule_create(estate=world.estate, by=world.head.user, **args)
    assert list(exc.value.message_dict) == [field]


def test_assignee_must_work_in_the_estate(world):
    with pytest.raises(ValidationError) as exc:
        schedules.schedule_create(
            estate=world.estate,
            name="检查",
            kind="inspection",
            frequency=Frequency.DAILY,
            assignee=world.outsider.user,
            by=world.head.user,
        )
    assert list(exc.value.message_dict) == ["assignee"]


def test_only_heads_and_executives_of_the_estate_create_schedules(world):
    args = {"name": "检查", "kind": "inspection", "frequency": Frequency.DAILY}
    with pytest.raises(PermissionDenied):
        schedules.schedule_create(
            estate=world.estate, assignee_role="technician", by=world.agent.user, **args
        )
    with pytest.raises(Http404):
        schedules.schedule_create(
            estate=world.other_estate, assignee_role="technician", by=world.head.user, **args
        )
    made = schedules.schedule_create(
        estate=world.estate, assignee_role="technician", by=world.exec.user, **args
    )
    assert made.active and made.created_by == world.exec.user


# --- Generating -------------------------------------------------------------------------------


def test_generation_writes_a_week_ahead_once(patrol, time_machine):
    assert schedules.schedule_generate() == 14  # 03-01 08:00 … 03-07 16:00
    assert schedules.schedule_generate() == 0
    tasks = list(PlannedTask.objects.filter(schedule=patrol))
    assert (tasks[0].scheduled_for, tasks[0].due_at) == (
        at("2026-03-01 08:00"),
        at("2026-03-01 10:00"),
    )
    assert tasks[-1].scheduled_for == at("2026-03-07 16:00")
    assert {t.status for t in tasks} == {PlannedTaskStatus.PLANNED}
    assert {t.estate_id for t in tasks} == {patrol.estate_id}
    time_machine.move_to(at("2026-03-02 07:00"), tick=False)
    assert schedules.schedule_generate() == 2  # only 03-08
    assert schedules.schedule_generate() == 0
    assert PlannedTask.objects.filter(schedule=patrol).count() == 16


def test_generation_ignores_inactive_schedules_and_occurrences_before_creation(world, time_machine):
    time_machine.move_to(at("2026-03-01 12:00"), tick=False)
    monthly = schedules.schedule_create(
        estate=world.estate,
        name="消防检查",
        kind="fire_check",
        frequency=Frequency.MONTHLY,
        day_of_month=1,
        anchor=day("2026-01-01"),
        due_amount=3,
        due_unit=TargetUnit.DAYS,
        assignee_role="technician",
        by=world.head.user,
    )
    Schedule.objects.filter(pk=monthly.pk).update(active=False)
    assert schedules.schedule_generate(horizon=dt.timedelta(days=40)) == 0
    Schedule.objects.filter(pk=monthly.pk).update(active=True)
    # 01-01, 02-01 and 03-01 09:00 were before the schedule existed: only 04-01 is planned.
    assert schedules.schedule_generate(horizon=dt.timedelta(days=40)) == 1
    task = PlannedTask.objects.get(schedule=monthly)
    assert (task.scheduled_for, task.due_at) == (at("2026-04-01 09:00"), at("2026-04-04 23:59:59"))


def test_due_in_working_days_follows_the_holiday_calendar(world, time_machine):
    time_machine.move_to(at("2026-09-29 12:00"), tick=False)
    schedules.schedule_create(
        estate=world.estate,
        name="设备保养",
        kind="maintenance",
        rule="EQUIP-MAINT-03",
        frequency=Frequency.INTERVAL_DAYS,
        interval=15,
        anchor=day("2026-09-30"),
        due_amount=3,
        due_unit=TargetUnit.WORKING_DAYS,
        assignee=world.tech.user,
        by=world.head.user,
    )
    schedules.schedule_generate(horizon=dt.timedelta(days=2))
    task = PlannedTask.objects.get()
    # DESIGN.md's example: from 09-30, 3 working days end on the make-up workday 10-10.
    assert (task.scheduled_for, task.due_at) == (at("2026-09-30 09:00"), at("2026-10-10 23:59:59"))


def test_deactivating_cancels_future_tasks_only(patrol, world, time_machine):
    schedules.schedule_generate()
    time_machine.move_to(at("2026-03-01 12:00"), tick=False)
    assert schedules.schedule_deactivate(schedule=patrol, by=world.head.user) == 13
    assert PlannedTask.objects.filter(status=PlannedTaskStatus.PLANNED).count() == 1
    assert schedules.schedule_generate() == 0


# --- Missed and done --------------------------------------------------------------------------


def test_a_task_not_done_by_its_due_time_is_missed_once_and_escalated(patrol, world, time_machine):
    schedules.schedule_generate()
    time_machine.move_to(at("2026-03-01 10:00"), tick=False)
    assert schedules.planned_task_sweep_missed() == 0  # due at 10:00: not late yet
    time_machine.move_to(at("2026-03-01 10:01"), tick=False)
    assert schedules.planned_task_sweep_missed() == 1
    assert schedules.planned_task_sweep_missed() == 0
    task = PlannedTask.objects.get(status=PlannedTaskStatus.MISSED)
    assert (task.scheduled_for, task.missed_at) == (at("2026-03-01 08:00"), at("2026-03-01 10:01"))
    messages = Message.objects.filter(ref=f"planned:{task.pk}")
    assert sorted(m.recipient.username for m in messages) == ["head", "tech"]
    assert "园区巡逻" in messages[0].subject and "2026-03-01 10:00" in messages[0].body
    assert PlannedTask.objects.count() == 14  # never deleted


def test_missed_notifies_the_staff_of_the_role_when_there_is_no_assignee(world, time_machine):
    time_machine.move_to(at("2026-03-01 07:00"), tick=False)
    schedules.schedule_create(
        estate=world.estate,
        name="水泵巡检",
        kind="inspection",
        frequency=Frequency.DAILY,
        assignee_role="technician",
        department="engineering",
        by=world.head.user,
    )
    schedules.schedule_generate(horizon=dt.timedelta(hours=3))
    time_machine.move_to(at("2026-03-02 00:00"), tick=False)
    assert schedules.planned_task_sweep_missed() == 1
    # The only department head is customer service's: engineering has none in this estate.
    assert [m.recipient.username for m in Message.objects.all()] == ["tech"]


def test_completing_on_time_and_late(patrol, world, time_machine):
    schedules.schedule_generate()
    first, second = PlannedTask.objects.all()[:2]
    time_machine.move_to(at("2026-03-01 09:00"), tick=False)
    done = schedules.planned_task_complete(task=first, by=world.tech.user, note=" 正常 ")
    assert (done.status, done.done_by, done.note, done.late) == (
        PlannedTaskStatus.DONE,
        world.tech.user,
        "正常",
        False,
    )
    with pytest.raises(Conflict):
        schedules.planned_task_complete(task=first, by=world.tech.user)
    time_machine.move_to(at("2026-03-01 19:00"), tick=False)
    assert schedules.planned_task_sweep_missed() == 1
    late = schedules.planned_task_complete(task=second, by=world.tech.user)
    late.refresh_from_db()
    assert (late.status, late.late, late.missed_at) == (
        PlannedTaskStatus.DONE,
        True,
        at("2026-03-01 19:00"),
    )


def test_only_staff_of_the_estate_complete_tasks(patrol, world):
    schedules.schedule_generate()
    task = PlannedTask.objects.first()
    with pytest.raises(Http404):
        schedules.planned_task_complete(task=task, by=world.outsider.user)
    with pytest.raises(PermissionDenied):
        schedules.planned_task_complete(task=task, by=world.owner.user)
    task.refresh_from_db()
    assert task.status == PlannedTaskStatus.PLANNED


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_two_generators_at_once_create_each_task_exactly_once(world):
    for i in range(40):
        schedules.schedule_create(
            estate=world.estate,
            name=f"巡逻 {i}",
            kind="patrol",
            frequency=Frequency.HOURLY,
            interval=1,
            assignee_role="guard",
            by=world.head.user,
        )
    now = timezone.now()
    counts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def generate():
        try:
            barrier.wait(timeout=30)
            counts.append(schedules.schedule_generate(now=now, batch=5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    total = PlannedTask.objects.count()
    assert total == sum(counts) and total >= 40 * 7 * 24
    assert schedules.schedule_generate(now=now) == 0
