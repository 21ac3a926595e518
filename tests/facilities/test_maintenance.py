"""Maintenance plans through their services: draft → submitted → approved by an executive
(EQUIP-MAINT-05) → the engine's tasks → a contractor's completed service → engineering's
item-by-item verification (EQUIP-MAINT-06/11); the contractor's qualification (EQUIP-MAINT-12);
the monthly effectiveness review (EQUIP-MAINT-08)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.core.exceptions import Conflict
from wuye.facilities.models import (
    Anomaly,
    MaintenancePlan,
    MaintenanceVerification,
    PlanStatus,
)
from wuye.facilities.selectors.maintenance import review_months
from wuye.facilities.services import maintenance as svc
from wuye.facilities.services.faults import fault_create
from wuye.fieldwork.models import Certificate
from wuye.fieldwork.services.records import task_complete
from wuye.workflow import schedules
from wuye.workflow.models import Frequency, PlannedTask, Schedule

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def qualify(world, expires="2030-12-31", kind="elevator_maintenance"):
    return Certificate.objects.create(
        company=world.company, holder="contractor", contractor=world.contractor, kind=kind,
        number="TS3110", issuer="市场监督管理局", expires_on=dt.date.fromisoformat(expires),
        created_at=at("2026-01-01 09:00"),
    )  # fmt: skip


def routine(eng, **values):
    fields = {
        "name": "电梯半月保养", "template": "elevator_routine", "category": "elevator",
        "frequency": Frequency.INTERVAL_DAYS, "interval": 15, "anchor": dt.date(2026, 9, 28),
        "contractor": eng.contractor, "standard": "TSG T5002-2017 电梯维护保养规则",
    }  # fmt: skip
    fields.update(values)
    return svc.plan_draft(estate=eng.estate, by=eng.eng_head.user, **fields)


def approved(eng, time_machine, **values):
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    plan = routine(eng, **values)
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    return svc.plan_approve(plan=plan, by=eng.exec.user, note="维保费用已列入年度预算")


def test_plan_walk_from_draft_to_verified_service__EQUIP_MAINT_02_03_05_06_09(eng, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    plan = routine(eng)
    assert plan.status == PlanStatus.DRAFT and plan.rule == "EQUIP-MAINT-09"
    assert [i.label for i in plan.checklist.items.order_by("position")][:2] == [
        "钢丝绳润滑", "制动器检查",
    ]  # fmt: skip
    assert not Schedule.objects.exists()  # only an approved plan generates work
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    plan = svc.plan_approve(plan=plan, by=eng.exec.user, note="维保费用已列入年度预算")
    assert plan.status == PlanStatus.ACTIVE and plan.approved_by == eng.exec.user
    schedule = Schedule.objects.get()
    assert (schedule.kind, schedule.rule, schedule.spec.certificate) == (
        "maintenance", "EQUIP-MAINT-09", "elevator_maintenance",
    )  # fmt: skip
    # 15 calendar days from 09-28, straight through the National Day holiday.
    schedules.schedule_generate(now=at("2026-09-30 10:00"), horizon=dt.timedelta(days=40))
    dates = [t.scheduled_for.astimezone(SH).date() for t in PlannedTask.objects.order_by("id")]
    assert dates[:2] == [dt.date(2026, 10, 13), dt.date(2026, 10, 28)]
    assert [e.action for e in plan.events.all()] == ["draft", "submit", "approve"]

    task = PlannedTask.objects.order_by("scheduled_for").first()
    time_machine.move_to(at("2026-10-13 14:00"), tick=False)
    items = list(plan.checklist.items.order_by("position"))
    record = task_complete(
        task=task, by=_contractor_user(eng),
        answers=[{"item": i.pk, "value": True} for i in items],
    )  # fmt: skip
    assert record.contractor == eng.contractor

    answers = list(record.answers.order_by("position"))
    with pytest.raises(PermissionDenied):  # the contractor never verifies its own work
        svc.maintenance_verify(record=record, by=_contractor_user(eng), checks=[])
    with pytest.raises(ValidationError) as error:  # every item, and a note for a failed one
        svc.maintenance_verify(
            record=record, by=eng.tech.user,
            checks=[{"answer": answers[0].pk, "confirmed": False}],
        )  # fmt: skip
    assert set(error.value.message_dict) == {"checks.1.note"}
    assert not MaintenanceVerification.objects.exists()
    time_machine.move_to(at("2026-10-14 09:00"), tick=False)
    checks = [{"answer": a.pk, "confirmed": True} for a in answers]
    checks[1] = {"answer": answers[1].pk, "confirmed": False, "note": "制动器间隙未调整"}
    verification = svc.maintenance_verify(record=record, by=eng.tech.user, checks=checks)
    assert not verification.passed and verification.verified_by_name == eng.tech.name
    failed = verification.checks.get(confirmed=False)
    anomaly = Anomaly.objects.get(case=failed.case)
    assert anomaly.equipment == eng.lift
    with pytest.raises(Conflict):
        svc.maintenance_verify(record=record, by=eng.tech.user, checks=checks)


def _contractor_user(eng):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="lift")


def test_a_quarterly_full_service_runs_across_the_year_end__EQUIP_MAINT_10(eng, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-11-20 10:00"), tick=False)
    plan = svc.plan_draft(
        estate=eng.estate, by=eng.eng_head.user, name="电梯季度保养", template="elevator_quarterly",
        category="elevator", frequency=Frequency.QUARTERLY, anchor=dt.date(2026, 12, 15),
        contractor=eng.contractor,
    )  # fmt: skip
    assert plan.rule == "EQUIP-MAINT-10"
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    svc.plan_approve(plan=plan, by=eng.exec.user)
    schedules.schedule_generate(now=at("2026-11-20 10:00"), horizon=dt.timedelta(days=200))
    dates = [t.scheduled_for.astimezone(SH).date() for t in PlannedTask.objects.order_by("id")]
    assert dates[:2] == [dt.date(2026, 12, 15), dt.date(2027, 3, 15)]


def test_a_non_executive_cannot_approve__EQUIP_MAINT_05(eng, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    plan = routine(eng)
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    for user in (eng.eng_head.user, eng.tech.user):
        with pytest.raises(PermissionDenied):
            svc.plan_approve(plan=plan, by=user)
    with pytest.raises(Http404):
        svc.plan_approve(plan=plan, by=eng.outsider.user)
    with pytest.raises(PermissionDenied):
        svc.plan_draft(
            estate=eng.estate, by=eng.tech.user, name="x", category="elevator",
            frequency=Frequency.MONTHLY, anchor=dt.date(2026, 10, 1), template="fire_monthly",
        )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and not Schedule.objects.exists()


def test_sent_back_with_a_reason_then_resubmitted(eng, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    plan = routine(eng)
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    with pytest.raises(ValidationError):
        svc.plan_return(plan=plan, by=eng.exec.user, reason=" ")
    plan = svc.plan_return(plan=plan, by=eng.exec.user, reason="请补充制动器检查标准")
    assert plan.status == PlanStatus.RETURNED
    plan = svc.plan_revise(plan=plan, by=eng.eng_head.user, standard="制动器间隙 0.2-0.5mm")
    assert plan.status == PlanStatus.DRAFT
    svc.plan_submit(plan=plan, by=eng.eng_head.user)
    assert svc.plan_approve(plan=plan, by=eng.exec.user).status == PlanStatus.ACTIVE


def test_an_expired_elevator_qualification_cannot_be_named__EQUIP_MAINT_12(eng, time_machine):
    qualify(eng, expires="2026-09-29")
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    with pytest.raises(ValidationError) as error:
        routine(eng)
    assert "无有效证书" in error.value.message_dict["contractor"][0]
    assert not MaintenancePlan.objects.exists()


def test_revising_an_active_plan_keeps_its_schedules_until_the_new_version_is_approved(
    eng, time_machine
):
    qualify(eng)
    plan = approved(eng, time_machine)
    old = Schedule.objects.get()
    new = svc.plan_revise(plan=plan, by=eng.eng_head.user, interval=14)
    assert (new.version, new.status, new.previous) == (2, PlanStatus.DRAFT, plan)
    old.refresh_from_db()
    assert old.active
    with pytest.raises(Conflict):
        svc.plan_revise(plan=plan, by=eng.eng_head.user, interval=13)
    svc.plan_submit(plan=new, by=eng.eng_head.user)
    svc.plan_approve(plan=new, by=eng.exec.user)
    old.refresh_from_db()
    plan.refresh_from_db()
    assert not old.active and plan.status == PlanStatus.SUPERSEDED
    assert Schedule.objects.get(active=True).interval == 14


def test_the_review_counts_faults_across_a_month_boundary_in_shanghai__EQUIP_MAINT_08(
    eng, time_machine
):
    qualify(eng)
    approved(eng, time_machine)
    # 23:30 on 31 October in Shanghai is 15:30 UTC: October's, not November's.
    for moment in ("2026-10-31 23:30", "2026-11-01 00:10", "2026-11-15 09:00"):
        time_machine.move_to(at(moment), tick=False)
        fault_create(
            equipment=eng.lift, severity="general", source="monitoring",
            description="电梯运行异响", by=eng.eng_head.user,
        )  # fmt: skip
    data = review_months(estate=eng.estate, category="elevator", month=dt.date(2026, 11, 1))
    by_month = {row["month"]: row for row in data["months"]}
    assert len(data["months"]) == 6
    assert by_month[dt.date(2026, 10, 1)]["faults"] == 1
    assert by_month[dt.date(2026, 11, 1)]["faults"] == 2
    assert by_month[dt.date(2026, 11, 1)]["rate"] == 2.0  # one lift
    assert data["trend"] == "up"
    review = svc.review_record(
        estate=eng.estate, category="elevator", month=dt.date(2026, 11, 20), by=eng.eng_head.user,
        conclusion="故障率上升，门机构故障为主", adjustment="门机构检查改为每周一次",
    )  # fmt: skip
    assert review.month == dt.date(2026, 11, 1)
    again = svc.review_record(
        estate=eng.estate, category="elevator", month=dt.date(2026, 11, 1), by=eng.exec.user,
        conclusion="同意调整",
    )  # fmt: skip
    assert again.pk == review.pk and again.by == eng.exec.user
    with pytest.raises(PermissionDenied):
        svc.review_record(
            estate=eng.estate, category="elevator", month=dt.date(2026, 11, 1),
            by=eng.tech.user, conclusion="x",
        )  # fmt: skip


def test_the_standard_templates_cover_the_manual_s_examples__EQUIP_MAINT_01(eng, time_machine):
    """Quarterly elevator servicing and yearly air-conditioner cleaning, as the manual names
    them; each template prefills the content items the contractor checks."""
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    quarterly = routine(eng, name="电梯季度全面保养", template="elevator_quarterly",
                        frequency=Frequency.QUARTERLY, interval=1)  # fmt: skip
    assert quarterly.rule == "EQUIP-MAINT-10"
    assert quarterly.checklist.items.count() >= 5
    ac = svc.plan_draft(
        estate=eng.estate, by=eng.eng_head.user, name="空调年度清洗", template="hvac_yearly",
        category="hvac", frequency=svc.TEMPLATES["hvac_yearly"]["frequency"],
        interval=svc.TEMPLATES["hvac_yearly"]["interval"], anchor=dt.date(2027, 4, 8),
    )  # fmt: skip
    assert ac.rule == "EQUIP-MAINT-01"
    assert "过滤网清洗" in [i.label for i in ac.checklist.items.all()]
    # Once a year on the same day, through the leap day of 2028 (365 days would drift to 04-07).
    yearly = Schedule(
        estate=eng.estate, frequency=ac.frequency, interval=ac.interval,
        anchor=ac.anchor, day_of_month=ac.anchor.day,
    )  # fmt: skip
    days = [s.date() for s in schedules.occurrences(
        yearly, at("2027-01-01 00:00"), at("2030-01-01 00:00"))]  # fmt: skip
    assert days == [dt.date(2027, 4, 8), dt.date(2028, 4, 8), dt.date(2029, 4, 8)]


def test_a_plan_states_time_content_and_responsible_party__EQUIP_MAINT_04(eng, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    base = {
        "estate": eng.estate, "by": eng.eng_head.user, "name": "电梯半月保养",
        "category": "elevator", "frequency": Frequency.INTERVAL_DAYS, "interval": 15,
        "anchor": dt.date(2026, 10, 8), "contractor": eng.contractor,
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:  # no content
        svc.plan_draft(**{**base, "items": []})
    assert "items" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # no time
        svc.plan_draft(**{**base, "anchor": None, "template": "elevator_routine"})
    assert "anchor" in refused.value.message_dict
    other = type(eng.contractor).objects.create(
        company=eng.company, name="别处的维保公司", qualification="电梯维保",
        qualification_expires_on=dt.date(2030, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:  # a responsible party not serving here
        svc.plan_draft(**{**base, "contractor": other, "template": "elevator_routine"})
    assert "contractor" in refused.value.message_dict
    assert not MaintenancePlan.objects.exists()
