"""Recurrence from the last completion ("15 days after the last service"): one open occurrence,
the next written at completion, a late completion pushing it, a miss that does not stop the
work; across a month boundary, a 31st and the national-day holiday. Plus schedule_update."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from wuye.workflow import schedules
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import (
    Frequency,
    PlannedTask,
    PlannedTaskStatus,
    RecurrenceBasis,
    Schedule,
)

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def local(moment: dt.datetime) -> str:
    return f"{moment.astimezone(SH):%Y-%m-%d %H:%M}"


def tasks(schedule: Schedule) -> list[tuple[str, str]]:
    rows = PlannedTask.objects.filter(schedule=schedule).order_by("scheduled_for")
    return [(local(t.scheduled_for), t.status) for t in rows]


def service(world, time_machine, *, created: str, **fields) -> Schedule:
    time_machine.move_to(at(created), tick=False)
    fields.setdefault("frequency", Frequency.INTERVAL_DAYS)
    fields.setdefault("interval", 15)
    fields.setdefault("due_amount", 5)
    return schedules.schedule_create(
        estate=world.estate,
        name="电梯保养",
        kind="maintenance",
        rule="EQUIP-MAINT-03",
        basis=RecurrenceBasis.COMPLETION,
        assignee=world.tech.user,
        by=world.head.user,
        **fields,
    )


def complete(task: PlannedTask, world, time_machine, when: str) -> None:
    time_machine.move_to(at(when), tick=False)
    schedules.planned_task_complete(task=task, by=world.tech.user)


def open_task(schedule: Schedule) -> PlannedTask:
    return PlannedTask.objects.get(schedule=schedule, status=PlannedTaskStatus.PLANNED)


def test_only_one_open_occurrence_first_at_the_anchor(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"))
    # Whatever the horizon: one open task, at the anchor at the schedule's time.
    assert schedules.schedule_generate(horizon=dt.timedelta(days=60)) == 1
    time_machine.move_to(at("2026-01-11 08:00"), tick=False)
    assert schedules.schedule_generate(horizon=dt.timedelta(days=60)) == 0
    assert tasks(s) == [("2026-01-20 09:00", "planned")]


def test_next_is_written_at_completion_across_a_month_boundary(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"))
    schedules.schedule_generate()
    complete(open_task(s), world, time_machine, "2026-01-22 15:30")
    # 15 days after the completion's local date (01-22), at 09:00: in February.
    assert tasks(s) == [("2026-01-20 09:00", "done"), ("2026-02-06 09:00", "planned")]
    assert open_task(s).due_at == at("2026-02-11 23:59:59")
    assert schedules.schedule_generate() == 0  # still one open occurrence


def test_a_late_completion_pushes_the_next_one(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"))
    schedules.schedule_generate()
    time_machine.move_to(at("2026-01-26 00:01"), tick=False)
    assert schedules.planned_task_sweep_missed() == 1
    missed = PlannedTask.objects.get(schedule=s, status=PlannedTaskStatus.MISSED)
    complete(missed, world, time_machine, "2026-01-27 10:00")
    assert tasks(s) == [("2026-01-20 09:00", "done"), ("2026-02-11 09:00", "planned")]


def test_a_missed_task_never_done_does_not_stop_the_work(world, time_machine):
    """Decided: the next occurrence counts from the due time of the task that was missed, so
    the plan goes on; the missed one stays missed and visible. Done late after all, it pushes
    the open occurrence to count from that completion."""
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"))
    schedules.schedule_generate()
    time_machine.move_to(at("2026-01-26 00:01"), tick=False)
    schedules.planned_task_sweep_missed()
    time_machine.move_to(at("2026-01-26 00:06"), tick=False)
    assert schedules.schedule_generate() == 1
    # Due 01-25 23:59:59 → 15 days from 01-25.
    assert tasks(s) == [("2026-01-20 09:00", "missed"), ("2026-02-09 09:00", "planned")]
    assert schedules.schedule_generate(now=at("2026-01-26 00:11")) == 0
    missed = PlannedTask.objects.get(schedule=s, status=PlannedTaskStatus.MISSED)
    complete(missed, world, time_machine, "2026-01-30 16:00")
    assert tasks(s) == [("2026-01-20 09:00", "done"), ("2026-02-14 09:00", "planned")]
    assert open_task(s).due_at == at("2026-02-19 23:59:59")
    missed.refresh_from_db()
    assert missed.late and missed.missed_at == at("2026-01-26 00:01")


def test_completing_an_older_missed_task_does_not_move_the_plan(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"),
                due_amount=0)  # fmt: skip
    schedules.schedule_generate()
    for now in ("2026-01-21 00:01", "2026-02-05 00:01"):
        time_machine.move_to(at(now), tick=False)
        schedules.planned_task_sweep_missed()
        schedules.schedule_generate()
    assert tasks(s) == [
        ("2026-01-20 09:00", "missed"),
        ("2026-02-04 09:00", "missed"),
        ("2026-02-19 09:00", "planned"),
    ]
    first = PlannedTask.objects.filter(schedule=s).order_by("scheduled_for").first()
    complete(first, world, time_machine, "2026-02-06 09:00")
    assert tasks(s)[1:] == [("2026-02-04 09:00", "missed"), ("2026-02-19 09:00", "planned")]


def test_done_early_the_next_is_never_before_the_previous_occurrence(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-02-06"))
    schedules.schedule_generate()
    complete(open_task(s), world, time_machine, "2026-01-15 10:00")
    # 01-15 + 15 days = 01-30, before the task's own date: counted from 02-06 instead.
    assert tasks(s) == [("2026-02-06 09:00", "done"), ("2026-02-21 09:00", "planned")]


@pytest.mark.parametrize(
    ("anchor", "after_january"), [("2027-01-31", "2027-02-28"), ("2028-01-31", "2028-02-29")]
)
def test_monthly_from_a_31st_lands_on_the_last_day_of_february(
    world, time_machine, anchor, after_january
):
    s = service(world, time_machine, created=f"{anchor} 08:00", anchor=day(anchor),
                frequency=Frequency.MONTHLY, interval=1, day_of_month=31)  # fmt: skip
    schedules.schedule_generate()
    complete(open_task(s), world, time_machine, f"{anchor} 11:00")
    assert open_task(s).scheduled_for == at(f"{after_january} 09:00")
    complete(open_task(s), world, time_machine, f"{after_january} 11:00")
    # Counted from the last completion (the 28th/29th), not from the anchor's 31st.
    march = after_january[:5] + "03-" + after_january[8:]
    assert open_task(s).scheduled_for == at(f"{march} 09:00")


def test_calendar_days_run_through_the_national_day_holiday(world, time_machine):
    s = service(world, time_machine, created="2026-09-20 08:00", anchor=day("2026-09-25"),
                interval=5, due_amount=1, due_unit=TargetUnit.WORKING_DAYS)  # fmt: skip
    schedules.schedule_generate()
    complete(open_task(s), world, time_machine, "2026-09-28 17:00")
    task = open_task(s)
    # 5 calendar days from 09-28 is 10-03, in the holiday; its 1 working day ends on 10-08.
    assert (task.scheduled_for, task.due_at) == (at("2026-10-03 09:00"), at("2026-10-08 23:59:59"))


def test_every_two_hours_after_the_last_round(world, time_machine):
    s = service(world, time_machine, created="2026-03-01 07:00", anchor=day("2026-03-01"),
                frequency=Frequency.HOURLY, interval=2, times=["08:00"], due_amount=1,
                due_unit=TargetUnit.HOURS)  # fmt: skip
    schedules.schedule_generate()
    assert tasks(s) == [("2026-03-01 08:00", "planned")]
    complete(open_task(s), world, time_machine, "2026-03-01 08:37")
    assert open_task(s).scheduled_for == at("2026-03-01 10:37")


def test_nothing_after_the_end_date_or_once_stopped(world, time_machine):
    s = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"),
                end=day("2026-02-01"))  # fmt: skip
    schedules.schedule_generate()
    complete(open_task(s), world, time_machine, "2026-01-20 10:00")
    assert tasks(s) == [("2026-01-20 09:00", "done")]  # 02-04 is after the end
    t = service(world, time_machine, created="2026-01-10 08:00", anchor=day("2026-01-20"))
    schedules.schedule_generate()
    open_task(t)  # the anchor's occurrence is planned
    time_machine.move_to(at("2026-01-19 08:00"), tick=False)
    schedules.schedule_deactivate(schedule=t, by=world.head.user)
    assert tasks(t) == [("2026-01-20 09:00", "cancelled")]


def test_a_calendar_plan_is_not_changed_by_completions(world, time_machine):
    time_machine.move_to(at("2026-01-10 08:00"), tick=False)
    s = schedules.schedule_create(
        estate=world.estate, name="巡检", kind="inspection", frequency=Frequency.INTERVAL_DAYS,
        interval=15, assignee=world.tech.user, by=world.head.user,
    )  # fmt: skip
    schedules.schedule_generate(horizon=dt.timedelta(days=20))
    before = tasks(s)
    complete(
        PlannedTask.objects.filter(schedule=s).first(), world, time_machine, "2026-01-10 10:00"
    )
    assert [moment for moment, _ in tasks(s)] == [moment for moment, _ in before]


def test_completion_basis_takes_one_time_and_a_known_basis(world):
    with pytest.raises(ValidationError) as error:
        schedules.schedule_create(
            estate=world.estate, name="保养", kind="maintenance", frequency=Frequency.DAILY,
            basis=RecurrenceBasis.COMPLETION, times=["08:00", "16:00"],
            assignee=world.tech.user, by=world.head.user,
        )  # fmt: skip
    assert "times" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        schedules.schedule_create(
            estate=world.estate, name="保养", kind="maintenance", frequency=Frequency.DAILY,
            basis="whenever", assignee=world.tech.user, by=world.head.user,
        )  # fmt: skip
    assert "basis" in error.value.message_dict
    assert not Schedule.objects.exists()


# --- schedule_update --------------------------------------------------------------------------


def test_update_replans_future_tasks_and_keeps_the_past(world, time_machine):
    time_machine.move_to(at("2026-03-01 07:00"), tick=False)
    s = schedules.schedule_create(
        estate=world.estate, name="巡检", kind="inspection", frequency=Frequency.DAILY,
        times=["08:00", "16:00"], assignee=world.tech.user, by=world.head.user,
    )  # fmt: skip
    schedules.schedule_generate(horizon=dt.timedelta(days=2))
    time_machine.move_to(at("2026-03-01 12:00"), tick=False)
    schedules.schedule_update(schedule=s, by=world.head.user, times=["16:00"], name=" 日巡检 ")
    s.refresh_from_db()
    assert s.name == "日巡检"
    assert tasks(s)[:3] == [
        ("2026-03-01 08:00", "planned"),  # already under way: kept
        ("2026-03-01 16:00", "planned"),
        ("2026-03-02 08:00", "cancelled"),
    ]
    assert schedules.schedule_generate(horizon=dt.timedelta(days=3)) == 1
    assert ("2026-03-03 16:00", "planned") in tasks(s)
    assert ("2026-03-03 08:00", "planned") not in tasks(s)


def test_update_checks_who_and_what(world, time_machine):
    time_machine.move_to(at("2026-03-01 07:00"), tick=False)
    s = schedules.schedule_create(
        estate=world.estate, name="巡检", kind="inspection", frequency=Frequency.DAILY,
        assignee=world.tech.user, by=world.head.user,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        schedules.schedule_update(schedule=s, by=world.tech.user, name="x")
    with pytest.raises(Http404):
        schedules.schedule_update(schedule=s, by=world.outsider.user, name="x")
    with pytest.raises(ValidationError) as error:
        schedules.schedule_update(schedule=s, by=world.head.user, frequency="monthly")
    assert "frequency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        schedules.schedule_update(schedule=s, by=world.head.user, interval=0, name="")
    assert set(error.value.message_dict) == {"interval", "name"}
    s.refresh_from_db()
    assert (s.name, s.interval) == ("巡检", 1)


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_generators_and_completions_at_once_keep_one_open_occurrence(world):
    plans = [
        schedules.schedule_create(
            estate=world.estate,
            name=f"保养 {i}",
            kind="maintenance",
            frequency=Frequency.INTERVAL_DAYS,
            interval=15,
            basis=RecurrenceBasis.COMPLETION,
            assignee=world.tech.user,
            by=world.head.user,
        )
        for i in range(20)
    ]
    now = timezone.now()
    schedules.schedule_generate(now=now)
    firsts = list(PlannedTask.objects.all())
    assert len(firsts) == 20
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def generate():
        try:
            barrier.wait(timeout=30)
            for _ in range(3):
                schedules.schedule_generate(now=timezone.now(), batch=3)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def finish(chunk):
        try:
            barrier.wait(timeout=30)
            for task in chunk:
                schedules.planned_task_complete(task=task, by=world.tech.user)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    threads += [threading.Thread(target=finish, args=(firsts[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    for plan in plans:
        assert [status for _, status in tasks(plan)] == ["done", "planned"]


# --- The missed sweep's digest ------------------------------------------------------------------


def test_many_missed_tasks_are_one_digest_per_recipient(world, time_machine):
    from wuye.notify.models import Message

    time_machine.move_to(at("2026-03-01 07:00"), tick=False)
    for name in ("水泵巡检", "配电房巡检", "电梯巡检"):
        schedules.schedule_create(
            estate=world.estate, name=name, kind="inspection", frequency=Frequency.DAILY,
            assignee=world.tech.user, by=world.head.user,
        )  # fmt: skip
    schedules.schedule_generate(horizon=dt.timedelta(hours=3))
    time_machine.move_to(at("2026-03-02 00:01"), tick=False)
    assert schedules.planned_task_sweep_missed() == 3
    (digest,) = Message.objects.filter(recipient=world.tech.user)
    assert digest.subject == "3 个计划任务已错过"
    assert "水泵巡检（03-01 09:00）" in digest.body and "电梯巡检" in digest.body
    assert PlannedTask.objects.filter(status=PlannedTaskStatus.MISSED).count() == 3
