"""Fire facilities and their checks through the services: engineering registers, guards check
(FIRE-01); the monthly and quarterly tasks across a quarter boundary and a holiday
(FIRE-03/04/05); the replacement of an expired or under-pressure extinguisher (FIRE-06)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.security import fire_helpers
from tests.security.fire_helpers import at, passing
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import FollowUp
from wuye.notify.models import Message
from wuye.security.choices import FIRE_STEPS
from wuye.security.models import FireFacility, FireReplacement
from wuye.security.services import fire_checks as checks
from wuye.security.services.fire_facilities import (
    fire_checks_setup,
    fire_facility_create,
    fire_facility_update,
)
from wuye.workflow.models import Frequency, PlannedTask, SlaClock
from wuye.workflow.schedules import planned_task_sweep_missed, schedule_generate
from wuye.workflow.services import sla_sweep

fire = fire_helpers.fire  # the fixture


def tasks_of(schedule):
    return list(PlannedTask.objects.filter(schedule=schedule).order_by("scheduled_for"))


def test_extinguishers_monthly_hydrants_quarterly_across_quarter__FIRE_03_FIRE_04_FIRE_05(
    fire, time_machine
):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    ext = FireFacility.objects.get(pk=fire.ext.pk)
    hydrant = FireFacility.objects.get(pk=fire.hydrant.pk)
    assert ext.monthly_schedule.frequency == Frequency.MONTHLY
    assert ext.monthly_schedule.rule == "FIRE-04"
    assert hydrant.monthly_schedule.rule == "FIRE-03"
    assert hydrant.quarterly_schedule.frequency == Frequency.QUARTERLY
    assert hydrant.quarterly_schedule.rule == "FIRE-05"
    # Set up on 15 September (Q3): September's checks are still due, by the month's end.
    [sept] = tasks_of(ext.monthly_schedule)
    assert sept.due_at == at("2026-09-30 23:59:59")
    [look] = tasks_of(hydrant.monthly_schedule)
    assert look.due_at == at("2026-09-30 23:59:59")
    # Across the quarter boundary into Q4 (through the National Day holiday).
    for day in ("2026-09-25 02:00", "2026-10-02 02:00", "2026-10-26 02:00", "2026-11-02 02:00"):
        time_machine.move_to(at(day), tick=False)
        schedule_generate()
    ext_tasks = tasks_of(ext.monthly_schedule)
    assert [t.scheduled_for for t in ext_tasks[1:]] == [
        at("2026-10-01 09:00"), at("2026-11-01 09:00")
    ]  # fmt: skip
    # The monthly check is due on the 28th, even on a holiday's 1st (guards work every day).
    assert ext_tasks[1].due_at == at("2026-10-28 23:59:59")
    # October is the quarter's first month: the hydrant's full inspection is its check (no
    # separate look); due 15 working days later, after the 1–7 October holiday and the
    # make-up Saturday of 10 October.
    [q4] = tasks_of(hydrant.quarterly_schedule)
    assert q4.scheduled_for == at("2026-10-01 09:00")
    assert q4.due_at == at("2026-10-27 23:59:59")
    looks = [t.scheduled_for for t in tasks_of(hydrant.monthly_schedule)]
    assert looks == [look.scheduled_for, at("2026-11-01 09:00")]
    # The quarterly checklist holds the monthly look's items and the full inspection's.
    labels = [i.label for i in q4.schedule.spec.checklist.items.order_by("position")]
    assert "箱门完好、开启顺畅" in labels and "阀门开关灵活、无渗漏" in labels
    assert "栓口静水压力" in labels


def test_setup_is_idempotent_and_plans_new_facilities__FIRE_03(fire):
    assert fire_checks_setup(estate=fire.estate, by=fire.order_head.user) == 2
    assert fire_checks_setup(estate=fire.estate, by=fire.order_head.user) == 0
    door = fire_facility_create(
        estate=fire.estate, kind="fire_door", code="FHM-1-01", name="1栋楼梯间防火门",
        by=fire.tech.user,
    )  # fmt: skip
    assert fire_checks_setup(estate=fire.estate, by=fire.order_head.user) == 1
    door.refresh_from_db()
    assert door.monthly_schedule.rule == "FIRE-03"
    assert door.monthly_schedule.assignee_role == "guard"


def test_engineering_maintains_and_guards_inspect__FIRE_01(fire):
    with pytest.raises(PermissionDenied):
        fire_facility_create(
            estate=fire.estate, kind="hydrant", code="XHS-9", name="x", by=fire.guard.user
        )
    with pytest.raises(PermissionDenied):
        fire_facility_update(facility=fire.ext, capacity="5kg", by=fire.guard.user)
    fire_facility_update(facility=fire.ext, capacity="5kg", by=fire.tech.user)
    with pytest.raises(PermissionDenied):
        fire_checks_setup(estate=fire.estate, by=fire.tech.user)
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    with pytest.raises(PermissionDenied):
        checks.fire_check_submit(facility=fire.ext, answers=passing(fire.ext), by=fire.tech.user)
    record = checks.fire_check_submit(
        facility=fire.ext, answers=passing(fire.ext), by=fire.guard.user
    )
    assert record.rule == "FIRE-04" and not record.late
    with pytest.raises(Conflict):  # the month's check is done
        checks.fire_check_submit(facility=fire.ext, answers=[], by=fire.guard.user)
    with pytest.raises(Exception) as outside:
        checks.fire_check_submit(facility=fire.ext, answers=[], by=fire.outsider.user)
    assert outside.type.__name__ == "Http404"


def test_extinguisher_needs_expiry_and_valid_pressures(fire):
    with pytest.raises(ValidationError) as error:
        fire_facility_create(
            estate=fire.estate, kind="extinguisher", code="MHQ-9", name="x",
            rated_pressure="abc", agent="nope", by=fire.tech.user,
        )  # fmt: skip
    assert {"expires_on", "rated_pressure", "agent"} <= set(error.value.message_dict)
    assert fire.ext.pressure_low == Decimal("1.00")
    assert fire.ext.equipment.category == "fire" and fire.ext.equipment.qr_token


def test_low_pressure_reading_opens_one_replacement_closed_with_new_data__FIRE_06(
    fire, time_machine
):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    answers = passing(fire.ext, **{"压力表指针在绿区": False, "压力读数": "0.8"})
    record = checks.fire_check_submit(facility=fire.ext, answers=answers, by=fire.guard.user)
    fire.ext.refresh_from_db()
    assert fire.ext.last_pressure == Decimal("0.80")
    [replacement] = FireReplacement.objects.filter(facility=fire.ext)
    assert replacement.reason == "low_pressure" and replacement.record == record
    # Two findings of the same extinguisher, one replacement, linked from the first answer.
    assert FollowUp.objects.filter(answer__record=record).count() == 1
    clock = SlaClock.objects.get(case=replacement.case)
    assert clock.rule == "FIRE-06" and clock.due_at == at("2026-09-18 23:59:59")
    # Not replaced in time: escalated.
    time_machine.move_to(at("2026-09-19 08:00"), tick=False)
    sla_sweep()
    clock.refresh_from_db()
    assert clock.state == "breached"
    with pytest.raises(ValidationError) as error:
        checks.fire_replacement_close(
            replacement=replacement, expires_on=dt.date(2026, 9, 1), pressure="0.5",
            by=fire.tech.user,
        )  # fmt: skip
    assert {"expires_on", "pressure"} <= set(error.value.message_dict)
    checks.fire_replacement_close(
        replacement=replacement, expires_on=dt.date(2031, 9, 30), pressure="1.20",
        by=fire.tech.user,
    )  # fmt: skip
    fire.ext.refresh_from_db()
    assert fire.ext.expires_on == dt.date(2031, 9, 30)
    assert fire.ext.last_pressure == Decimal("1.20")
    replacement.case.refresh_from_db()
    assert replacement.case.status == "replaced"
    with pytest.raises(Conflict):
        checks.fire_replacement_close(
            replacement=replacement, expires_on=dt.date(2031, 9, 30), pressure="1.2",
            by=fire.tech.user,
        )  # fmt: skip


def test_reading_under_the_extinguishers_own_floor_opens_replacement__FIRE_06(fire):
    fire_facility_update(facility=fire.ext, pressure_low="1.10", by=fire.tech.user)
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    answers = passing(fire.ext, **{"压力读数": "1.05"})  # in the checklist's 1.0–1.4 range
    checks.fire_check_submit(facility=fire.ext, answers=answers, by=fire.guard.user)
    assert FireReplacement.objects.get(facility=fire.ext).reason == "low_pressure"


def test_other_failed_item_opens_a_generic_followup(fire):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    answers = passing(fire.hydrant, **{"箱前无遮挡、标识清楚": False})
    record = checks.fire_check_submit(facility=fire.hydrant, answers=answers, by=fire.guard.user)
    [followup] = FollowUp.objects.filter(answer__record=record)
    assert followup.case.process == "fieldwork_followup"
    assert not FireReplacement.objects.exists()


def test_daily_sweep_replaces_expired_and_warns_expiring_once__FIRE_06(fire, time_machine):
    soon = fire_facility_create(
        estate=fire.estate, kind="extinguisher", code="MHQ-1-02", name="1栋2层灭火器",
        rated_pressure="1.2", expires_on=dt.date(2026, 10, 10), by=fire.tech.user,
    )  # fmt: skip
    old = fire_facility_create(
        estate=fire.estate, kind="extinguisher", code="MHQ-1-03", name="1栋3层灭火器",
        rated_pressure="1.2", expires_on=dt.date(2026, 9, 14), by=fire.tech.user,
    )  # fmt: skip
    assert checks.fire_expiry_sweep() == {"opened": 1, "warned": 1}
    assert checks.fire_expiry_sweep() == {"opened": 0, "warned": 0}
    assert FireReplacement.objects.get(facility=old).reason == "expired"
    assert Message.objects.filter(recipient=fire.tech.user, ref="MHQ-1-02").exists()
    assert not FireReplacement.objects.filter(facility=soon).exists()
    # The day after its expiry it is replaced too.
    time_machine.move_to(at("2026-10-11 03:00"), tick=False)
    assert checks.fire_expiry_sweep()["opened"] == 1


def test_missed_month_is_visible_and_may_be_done_late__FIRE_03(fire, time_machine):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    time_machine.move_to(at("2026-10-01 01:00"), tick=False)
    planned_task_sweep_missed()
    fire.ext.refresh_from_db()
    task = checks.fire_check_task(fire.ext)
    assert task.status == "missed"
    record = checks.fire_check_submit(
        facility=fire.ext, answers=passing(fire.ext, task=task), by=fire.guard.user
    )
    assert record.late and record.missed


def test_fire_work_starts_with_the_facility_inspection__FIRE_02():
    assert [code for code, _label in FIRE_STEPS] == [
        "inspection", "publicity", "alarm", "firefighting", "evacuation", "aftermath"
    ]  # fmt: skip
