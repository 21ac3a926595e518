"""Completing a planned task with its checklist (作业记录, 检查结果) through the service: the
record names the person, the time and the content (EQUIP-MAINT-13) and is archived, never
changed (EQUIP-MAINT-07); follow-ups from a failed check or an out-of-range reading."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.fieldwork.checks_helpers import at, checklist, good_answers, items, task
from tests.images import photo_of, signature_of
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models import ChecklistAnswer, FollowUp, RecordImmutable, TaskRecord
from wuye.fieldwork.processes import _OPENERS as OPENERS
from wuye.fieldwork.processes import register_followup
from wuye.fieldwork.services.records import followup_open, task_complete
from wuye.workflow.models import Attachment, Case, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_sweep_missed
from wuye.workflow.services import case_act


def complete(world, t, user=None, **kwargs):
    user = user or world.tech.user
    photo = kwargs.pop("photo", None) or photo_of(user)
    kwargs.setdefault("answers", good_answers(t, photo))
    kwargs.setdefault("photos", [photo_of(user).pk])
    kwargs.setdefault("signature", signature_of(user).pk)
    return task_complete(task=t, by=user, **kwargs)


def test_the_record_names_person_time_and_content__EQUIP_MAINT_13(world):
    t = task(world)
    with time_machine.travel(at("2026-03-31 10:15"), tick=False):
        record = complete(world, t, note="已润滑钢丝绳")
    t.refresh_from_db()
    assert t.status == PlannedTaskStatus.DONE and t.done_by == world.tech.user
    assert record.done_by == world.tech.user and record.done_by_name == world.tech.name
    assert record.done_at == at("2026-03-31 10:15") and not record.late
    assert record.schedule_name == "电梯日常保养" and record.checklist_name == "电梯半月保养"
    answers = {a.label: a for a in record.answers.all()}
    assert answers["制动器检查"].passed is True
    assert str(answers["电机温度"].number) == "45.500" and answers["电机温度"].unit == "℃"
    assert answers["机房照片"].photo is not None
    assert answers["其他情况"].text == "" and not answers["其他情况"].required
    bound = Attachment.objects.filter(ref=record.ref)
    assert bound.count() == 3 and all(a.estate_id == world.estate.pk for a in bound)
    assert record.signature.kind == "signature"


def test_the_record_is_archived_and_cannot_change__EQUIP_MAINT_07(world):
    record = complete(world, task(world))
    answer = record.answers.first()
    for attempt in (
        lambda: record.save(),
        lambda: record.delete(),
        lambda: TaskRecord.objects.filter(pk=record.pk).update(note="x"),
        lambda: TaskRecord.objects.filter(pk=record.pk).delete(),
        lambda: answer.save(),
        lambda: answer.delete(),
        lambda: ChecklistAnswer.objects.filter(pk=answer.pk).update(passed=False),
    ):
        with pytest.raises(RecordImmutable):
            attempt()


def test_a_later_edit_of_the_checklist_does_not_change_the_record__EQUIP_MAINT_07(world):
    t = task(world)
    record = complete(world, t)
    item = t.schedule.spec.checklist.items.get(label="电机温度")
    item.label, item.high, item.unit = "主机温度", 60, "°C"
    item.save()
    answer = record.answers.get(position=item.position)
    assert (answer.label, answer.high, answer.unit) == ("电机温度", 80, "℃")


def test_out_of_range_is_flagged_against_low_and_high(world):
    t = task(world)
    photo = photo_of(world.tech.user)
    record = complete(world, t, answers=good_answers(t, photo, temperature=95), photo=photo)
    reading = record.answers.get(kind="reading")
    assert reading.out_of_range and reading.flagged
    t2 = task(world, scheduled="2026-04-15 09:00", due="2026-04-15 23:59:59")
    photo = photo_of(world.tech.user)
    record = complete(world, t2, answers=good_answers(t2, photo, temperature="80"), photo=photo)
    assert not record.answers.get(kind="reading").out_of_range  # the bound itself is normal


@pytest.mark.parametrize(
    ("label", "value", "field"),
    [
        ("制动器检查", "yes", "item"),  # a check is true/false
        ("电机温度", "abc", "item"),
        ("电机温度", "1e12", "item"),  # not a sane reading
        ("电机温度", "12.3456", "item"),  # more than three decimals
        ("电机温度", True, "item"),
        ("电机温度", "NaN", "item"),
    ],
)
def test_bad_answers_change_nothing(world, label, value, field):
    t = task(world)
    photo = photo_of(world.tech.user)
    answers = [a for a in good_answers(t, photo) if a["item"] != items(t)[label]]
    answers.append({"item": items(t)[label], "value": value})
    with pytest.raises(ValidationError) as error:
        complete(world, t, answers=answers, photo=photo)
    assert f"item-{items(t)[label]}" in error.value.message_dict
    t.refresh_from_db()
    assert t.status == PlannedTaskStatus.PLANNED
    assert not TaskRecord.objects.exists() and not Attachment.objects.exclude(ref="").exists()


def test_every_required_item_photos_and_signature_are_asked_for(world):
    t = task(world, photos=2)
    with pytest.raises(ValidationError) as error:
        task_complete(task=t, answers=[], by=world.tech.user, photos=[])
    fields = error.value.message_dict
    for label in ("制动器检查", "电机温度", "机房照片"):
        assert f"item-{items(t)[label]}" in fields
    assert f"item-{items(t)['其他情况']}" not in fields  # optional
    assert "photos" in fields and "signature" in fields
    assert not TaskRecord.objects.exists()


def test_unknown_or_repeated_items_and_someone_elses_photo_are_refused(world):
    t = task(world)
    other = checklist(world, name="别的表")
    photo = photo_of(world.tech.user)
    with pytest.raises(ValidationError) as error:
        complete(
            world,
            t,
            photo=photo,
            answers=[*good_answers(t, photo), {"item": other.items.first().pk, "value": True}],
        )
    assert "answers" in error.value.message_dict
    with pytest.raises(ValidationError):
        complete(
            world,
            t,
            photo=photo,
            answers=[*good_answers(t, photo), {"item": items(t)["制动器检查"], "value": True}],
        )
    foreign = photo_of(world.agent.user)
    with pytest.raises(ValidationError) as error:
        complete(world, t, answers=good_answers(t, foreign), photo=foreign)
    assert "attachments" in error.value.message_dict
    # A photo used twice (as the item's photo and as a task photo).
    with pytest.raises(ValidationError):
        complete(world, t, photo=photo, photos=[photo.pk])
    assert not TaskRecord.objects.exists()


def test_a_task_without_a_spec_takes_a_note_and_photos_only(world):
    t = task(world, spec=False)
    with pytest.raises(ValidationError) as error:
        task_complete(task=t, answers=[{"item": 1, "value": True}], by=world.tech.user)
    assert "answers" in error.value.message_dict
    record = task_complete(task=t, answers=[], by=world.tech.user, note="巡查正常",
                           photos=[photo_of(world.tech.user).pk])  # fmt: skip
    assert record.note == "巡查正常" and record.checklist is None and not record.answers.exists()


def test_a_second_completion_is_a_conflict(world):
    t = task(world)
    complete(world, t)
    with pytest.raises(Conflict):
        complete(world, t, user=world.head.user)
    assert TaskRecord.objects.count() == 1


def test_other_estate_404_and_residents_403(world):
    t = task(world)
    with pytest.raises(Http404):
        complete(world, t, user=world.outsider.user)
    with pytest.raises(PermissionDenied):
        task_complete(task=t, answers=[], by=world.owner.user)
    assert not TaskRecord.objects.exists()


def test_a_contractor_completes_only_work_its_plan_names__EQUIP_MAINT_06(world):
    lift = world.contractor.accounts.get().user
    t = task(world)
    with pytest.raises(PermissionDenied):
        complete(world, t, user=lift)
    t2 = task(world, contractor=world.contractor, scheduled="2026-04-15 09:00",
              due="2026-04-15 23:59:59")  # fmt: skip
    record = complete(world, t2, user=lift)
    assert record.contractor == world.contractor
    assert record.done_by_name == f"lift（{world.contractor.name}）"


def test_work_that_needs_a_certificate_is_done_only_by_a_holder__EQUIP_MAINT_12(world):
    from wuye.fieldwork.models import Certificate, TaskSpec

    lift = world.contractor.accounts.get().user
    t = task(world, contractor=world.contractor, scheduled="2026-04-15 09:00",
             due="2026-04-15 23:59:59")  # fmt: skip
    TaskSpec.objects.filter(schedule=t.schedule).update(certificate="elevator_maintenance")
    qualification = Certificate.objects.create(
        company=world.company, holder="contractor", contractor=world.contractor,
        kind="elevator_maintenance", number="TS3111-01", issuer="市场监督管理局",
        expires_on=dt.date(2026, 4, 14), created_at=at("2026-01-01 09:00"),
    )  # fmt: skip
    with time_machine.travel(at("2026-04-15 10:00"), tick=False):
        with pytest.raises(ValidationError) as refused:
            complete(world, t, user=lift)
        assert "电梯维保资质" in str(refused.value.message_dict["certificate"])
        assert not TaskRecord.objects.exists()
        Certificate.objects.filter(pk=qualification.pk).update(expires_on=dt.date(2026, 4, 15))
        assert complete(world, t, user=lift).contractor == world.contractor


def test_a_missed_task_done_late_across_a_month_boundary_stays_late(world):
    # Due on the last day of March; the sweep marks it missed; it is done on April 1st.
    t = task(world, scheduled="2026-03-31 09:00", due="2026-03-31 23:59:59")
    assert planned_task_sweep_missed(now=at("2026-04-01 00:30")) == 1
    with time_machine.travel(at("2026-04-01 08:00"), tick=False):
        record = complete(world, t)
    t.refresh_from_db()
    assert t.status == PlannedTaskStatus.DONE and t.missed_at is not None and t.late
    assert record.late and record.missed and record.done_at == at("2026-04-01 08:00")


def test_late_flag_with_a_due_time_across_the_national_day_holiday(world):
    # Planned on 2026-09-30 with 3 working days: due 2026-10-10 23:59:59 (Oct 1–7 holiday,
    # Oct 8, 9 and the make-up workday Oct 10). Done on Oct 7 (a holiday) is on time; on Oct 11
    # it is late. Completion times are plain timestamps.
    from wuye.workflow.calendar import due_at
    from wuye.workflow.choices import TargetUnit

    due = due_at(at("2026-09-30 15:00"), 3, TargetUnit.WORKING_DAYS, at("2026-09-30 15:00").tzinfo,
                 world.estate.pk)  # fmt: skip
    assert due == at("2026-10-10 23:59:59")
    on_time = task(world, scheduled="2026-09-30 15:00", due="2026-10-10 23:59:59")
    with time_machine.travel(at("2026-10-07 11:00"), tick=False):
        assert not complete(world, on_time).late
    late = task(world, scheduled="2026-09-30 16:00", due="2026-10-10 23:59:59")
    with time_machine.travel(at("2026-10-11 00:05"), tick=False):
        record = complete(world, late)
    assert record.late and record.done_at == at("2026-10-11 00:05")


# --- Follow-ups -------------------------------------------------------------------------------


def flagged_record(world, **kwargs):
    t = task(world, **kwargs)
    photo = photo_of(world.tech.user)
    answers = good_answers(t, photo, temperature="95")
    answers[0]["value"] = False  # 制动器检查: 不正常
    return complete(world, t, answers=answers, photo=photo)


def test_a_failed_check_opens_a_followup_linked_both_ways(world):
    record = flagged_record(world)
    failed = record.answers.get(kind="check")
    case = followup_open(answer=failed, by=world.tech.user)
    assert case.process == "fieldwork_followup" and case.number.startswith("ZG-")
    assert case.status == "open"
    assert case.data["record"] == record.pk and case.data["item"] == failed.position
    assert FollowUp.objects.get(answer=failed).case == case
    assert case.fieldwork_followup.answer == failed
    with pytest.raises(Conflict):
        followup_open(answer=failed, by=world.head.user)
    fine = record.answers.get(kind="photo")
    with pytest.raises(Conflict):
        followup_open(answer=fine, by=world.tech.user)
    with pytest.raises(Http404):
        followup_open(answer=record.answers.get(kind="reading"), by=world.outsider.user)
    assert Case.objects.filter(process="fieldwork_followup").count() == 1


def test_followup_flow_open_rectified_sent_back_verified(world):
    record = flagged_record(world)
    case = followup_open(answer=record.answers.get(kind="reading"), by=world.tech.user)
    case = case_act(case=case, action="rectify", by=world.tech.user, note="更换风扇").case
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="verify", by=world.tech.user)
    case = case_act(case=case, action="send_back", by=world.head.user, note="温度仍偏高").case
    assert case.status == "open"
    case = case_act(case=case, action="rectify", by=world.tech.user, note="已更换电机").case
    case = case_act(case=case, action="verify", by=world.head.user).case
    assert case.status == "verified" and case.closed_at is not None


def test_followups_opened_at_completion_when_asked(world):
    t = task(world)
    photo = photo_of(world.tech.user)
    answers = good_answers(t, photo, temperature="5")
    answers[0]["value"] = False
    record = complete(world, t, answers=answers, photo=photo, open_followups=True)
    assert FollowUp.objects.filter(answer__record=record).count() == 2


def test_a_chapter_app_opens_its_own_case_for_its_kind(world):
    opened = []

    def opener(answer, by):
        from wuye.fieldwork.processes import generic_followup_open

        case = generic_followup_open(answer, by)
        opened.append((answer.pk, case.pk))
        return case

    register_followup("operation_test", opener)
    try:
        record = flagged_record(world, kind="operation_test")
        case = followup_open(answer=record.answers.get(kind="check"), by=world.tech.user)
        assert opened == [(record.answers.get(kind="check").pk, case.pk)]
        with pytest.raises(ValueError):
            register_followup("operation_test", lambda a, b: None)
    finally:
        OPENERS.pop("operation_test", None)


def test_location_is_kept_and_a_bad_one_refused(world):
    t = task(world)
    with pytest.raises(ValidationError) as error:
        complete(world, t, latitude="91", longitude="114")
    assert "location" in error.value.message_dict
    record = complete(world, t, latitude="22.543210", longitude=114.057865)
    assert str(record.latitude) == "22.543210"


def test_a_cancelled_task_cannot_be_completed(world):
    t = task(world)
    t.status = PlannedTaskStatus.CANCELLED
    t.save()
    with pytest.raises(Conflict):
        complete(world, t)
    assert dt  # the module's date arithmetic is used above
