"""The start-of-shift protective equipment check (CLEAN-16) and completing today's tasks."""

import pytest
from django.core.exceptions import ValidationError

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, day_tasks, line_of
from tests.images import photo_of
from wuye.core.exceptions import Conflict
from wuye.environment.selectors.my_tasks import my_tasks_today
from wuye.environment.services.my_tasks import my_task_complete
from wuye.environment.services.protection import protection_check_record
from wuye.notify.models import Message

clean = clean_helpers.clean
planned = clean_helpers.planned


def _answers(task):
    spec = task.schedule.spec
    return [{"item": i.pk, "value": True} for i in spec.checklist.items.order_by("position")]


def test_no_cleaning_before_a_passed_protection_check__CLEAN_16(planned, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 07:10"), tick=False)
    task = day_tasks(line_of(w, "小区主干道", "sweep"), "2026-07-07")[0]
    with pytest.raises(Conflict) as err:
        my_task_complete(task=task, by=w.cleaner.user, answers=_answers(task),
                         photos=[photo_of(w.cleaner.user).pk])  # fmt: skip
    assert "防护用品" in str(err.value.message)
    env_head_inbox = Message.objects.filter(recipient=w.env_head.user)
    failed = protection_check_record(estate=w.estate, by=w.cleaner.user, items=["gloves"])
    assert not failed.passed and env_head_inbox.filter(body__contains="口罩").exists()
    with pytest.raises(Conflict):
        my_task_complete(task=task, by=w.cleaner.user, answers=_answers(task),
                         photos=[photo_of(w.cleaner.user).pk])  # fmt: skip
    check = protection_check_record(estate=w.estate, by=w.cleaner.user,
                                    items=["gloves", "mask", "uniform"])  # fmt: skip
    assert check.pk == failed.pk and check.passed
    with pytest.raises(Conflict):
        protection_check_record(estate=w.estate, by=w.cleaner.user, items=["gloves", "mask"])
    with pytest.raises(ValidationError) as err:  # the plan asks for a photo
        my_task_complete(task=task, by=w.cleaner.user, answers=_answers(task))
    assert "photos" in err.value.message_dict
    record = my_task_complete(task=task, by=w.cleaner.user, answers=_answers(task),
                              photos=[photo_of(w.cleaner.user).pk])  # fmt: skip
    assert record.task.status == "done"


def test_todays_tasks_in_time_order_grouped__CLEAN_05(planned, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 09:30"), tick=False)
    day = my_tasks_today(w.cleaner.user, w.estate)
    times = [t.scheduled_for for t in day.late + day.now + day.later]
    assert times == sorted(times)
    assert {"清扫", "清洁"} <= {t.work_label for t in day.late}  # 07:00 tasks, due 09:00
    assert all(t.scheduled_for <= at("2026-07-07 09:30") < t.due_at for t in day.now)
    zone = w.zones["小区主干道"]
    only = my_tasks_today(w.cleaner.user, w.estate, zone=zone)
    assert {t.place for t in only.late + only.now + only.later} == {zone}
    assert my_tasks_today(w.cleaner2.user, w.estate).count == 0


def test_a_lead_records_a_check_for_a_cleaner_others_may_not(planned, time_machine):
    from django.core.exceptions import PermissionDenied

    w = planned
    check = protection_check_record(estate=w.estate, by=w.env_head.user, staff=w.cleaner2,
                                    items=["gloves", "mask"])  # fmt: skip
    assert check.passed and check.staff == w.cleaner2
    with pytest.raises(PermissionDenied):
        protection_check_record(estate=w.estate, by=w.cleaner2.user, staff=w.cleaner,
                                items=["gloves", "mask"])  # fmt: skip
    with pytest.raises(ValidationError):
        protection_check_record(estate=w.estate, by=w.cleaner.user, items=["helmet"])
