"""Planned work through its services and selectors: plan_create / plan_update / plan_deactivate
with their validations and the certificate check (EQUIP-OPS-11, EQUIP-MAINT-12), 我的任务, the
task board, the month calendar."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import CompanyFactory, DepartmentKind, Role, make_contractor, make_staff
from tests.fieldwork.plans_helpers import at, certificate, checklist, day, elevator, lift_plan
from wuye.core.scoping import actor_for
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import Route, TaskSpec
from wuye.fieldwork.selectors import tasks as selectors
from wuye.fieldwork.services.tasks import plan_deactivate, plan_refs_resolve, plan_update
from wuye.workflow import schedules
from wuye.workflow.models import Frequency, PlannedTask, Schedule

LIFT = CertificateKind.ELEVATOR_MAINTENANCE


@pytest.fixture
def qualified(world):
    return certificate(contractor=world.contractor, kind=LIFT, number="TS3110",
                       expires="2026-12-31")  # fmt: skip


def test_a_plan_is_a_schedule_and_its_spec_in_one(world, time_machine, qualified):
    plan = lift_plan(world, time_machine)
    spec = TaskSpec.objects.get(schedule=plan)
    assert (plan.basis, plan.assignee, plan.department) == ("completion", None, "engineering")
    assert (spec.contractor, spec.certificate, spec.photos, spec.signature) == (
        world.contractor, LIFT, 2, True,
    )  # fmt: skip
    assert spec.subject.code == "DT-01"
    assert schedules.schedule_generate() == 1  # one open occurrence, at the anchor (today 09:00)
    assert PlannedTask.objects.get().scheduled_for == at("2026-04-20 09:00")


def test_an_expired_elevator_maintenance_qualification_blocks_assigning_that_contractor(
    world, time_machine
):
    """Done-when (issue 15), through planning: the plan is refused, nothing is written."""
    certificate(contractor=world.contractor, kind=LIFT, number="TS3110", expires="2026-04-30")
    with pytest.raises(ValidationError) as error:
        lift_plan(world, time_machine, created="2026-05-01 08:00")
    assert error.value.message_dict["certificate"] == [
        "lift电梯维保有限公司的电梯维保资质（编号 TS3110）已于 2026-04-30 到期，"
        "2026-05-01 无有效证书，不能安排这项工作"
    ]
    assert not Schedule.objects.exists() and not TaskSpec.objects.exists()


def test_a_plan_starting_after_the_expiry_is_refused_too__EQUIP_MAINT_12(world, time_machine):
    certificate(contractor=world.contractor, kind=LIFT, expires="2026-04-30")
    with pytest.raises(ValidationError, match="2026-05-10 无有效证书"):
        lift_plan(world, time_machine, anchor=day("2026-05-10"))


def test_a_person_without_the_certificate_is_not_assigned__EQUIP_OPS_11(world, time_machine):
    fields = {"contractor": None, "certificate": CertificateKind.ELECTRICIAN,
              "assignee": world.tech.user, "basis": "calendar"}  # fmt: skip
    with pytest.raises(ValidationError, match="tech没有电工证"):
        lift_plan(world, time_machine, **fields)
    certificate(staff=world.tech, kind=CertificateKind.ELECTRICIAN, expires="2027-01-01")
    assert lift_plan(world, time_machine, **fields).spec.certificate == "electrician"


def test_plan_validations_name_each_field(world, time_machine, qualified):
    other_company_contractor = make_contractor(CompanyFactory(), "far", [])
    foreign = checklist(world, estate=world.other_estate, name="翠湖检查表")
    route = Route.objects.create(estate=world.other_estate, name="翠湖夜巡", kind="patrol")
    with pytest.raises(ValidationError) as error:
        lift_plan(
            world, time_machine, subject=elevator(world, "DT-9", world.other_estate),
            checklist=foreign, route=route, contractor=other_company_contractor, photos=99,
            certificate=CertificateKind.ELECTRICIAN, name="",
        )  # fmt: skip
    assert set(error.value.message_dict) >= {
        "subject", "checklist", "route", "contractor", "photos", "certificate", "name",
    }  # fmt: skip
    not_serving = make_contractor(world.company, "nolift", [world.other_estate])
    with pytest.raises(ValidationError) as error:
        lift_plan(world, time_machine, contractor=not_serving)
    assert error.value.message_dict["contractor"] == ["维保单位须为服务本项目的单位"]
    with pytest.raises(ValidationError) as error:
        lift_plan(world, time_machine, contractor=None)  # staff work with a contractor's kind
    assert "certificate" in error.value.message_dict and "assignee" in error.value.message_dict
    assert not Schedule.objects.exists()


def test_only_heads_and_executives_of_the_estate_plan(world, time_machine, qualified):
    with pytest.raises(PermissionDenied):
        lift_plan(world, time_machine, by=world.tech.user)
    with pytest.raises(Http404):
        lift_plan(world, time_machine, by=world.outsider.user)
    assert lift_plan(world, time_machine, by=world.exec.user).created_by == world.exec.user


def test_refs_are_resolved_within_the_company(world):
    refs = plan_refs_resolve(estate=world.estate, subject=("facilities.equipment",
                             elevator(world).pk), contractor=world.contractor.pk)  # fmt: skip
    assert refs["contractor"] == world.contractor and refs["subject"].code == "DT-01"
    with pytest.raises(ValidationError) as error:
        plan_refs_resolve(estate=world.estate, subject=("core.room", world.room.pk),
                          checklist=999999, assignee=world.owner.user.pk)  # fmt: skip
    assert set(error.value.message_dict) == {"subject", "checklist", "assignee"}


def test_update_checks_the_certificate_again_and_keeps_the_past(world, time_machine, qualified):
    plan = lift_plan(world, time_machine)
    schedules.schedule_generate()
    plan = plan_update(schedule=plan, by=world.head.user, photos=4, name="1号电梯保养")
    assert (plan.name, plan.spec.photos) == ("1号电梯保养", 4)
    qualified.revoked = True
    qualified.save()
    with pytest.raises(ValidationError, match="已被吊销"):
        plan_update(schedule=plan, by=world.head.user, photos=5)
    plan.spec.refresh_from_db()
    assert plan.spec.photos == 4
    with pytest.raises(PermissionDenied):
        plan_update(schedule=plan, by=world.tech.user, photos=1)


def test_deactivate_cancels_future_tasks_and_keeps_the_past(world, time_machine, qualified):
    plan = lift_plan(world, time_machine, created="2026-04-20 08:00", due_amount=0)
    schedules.schedule_generate()
    time_machine.move_to(at("2026-04-21 00:01"), tick=False)
    schedules.planned_task_sweep_missed()
    time_machine.move_to(at("2026-04-21 00:10"), tick=False)
    schedules.schedule_generate()
    assert plan_deactivate(schedule=plan, by=world.head.user) == 1
    statuses = list(PlannedTask.objects.order_by("scheduled_for").values_list("status", flat=True))
    assert statuses == ["missed", "cancelled"]


# --- Lists --------------------------------------------------------------------------------------


def _patrols(world, time_machine):
    """Daily 08:00 patrols of the technician role from 2026-04-28, due in 2 hours."""
    time_machine.move_to(at("2026-04-27 12:00"), tick=False)
    schedules.schedule_create(
        estate=world.estate, name="园区巡逻", kind="patrol", frequency=Frequency.DAILY,
        times=["08:00"], due_amount=2, due_unit="hours", assignee_role=Role.TECHNICIAN,
        anchor=day("2026-04-28"), by=world.head.user,
    )  # fmt: skip
    plan = Schedule.objects.get(name="园区巡逻")
    TaskSpec.objects.create(schedule=plan)
    schedules.schedule_generate(horizon=dt.timedelta(days=10))
    return plan


def test_my_tasks_are_overdue_today_and_upcoming(world, time_machine):
    _patrols(world, time_machine)
    time_machine.move_to(at("2026-04-30 11:00"), tick=False)
    schedules.planned_task_sweep_missed()
    lists = selectors.my_tasks(actor_for(world.tech.user), zone=at("2026-04-30 11:00").tzinfo)
    assert [t.scheduled_for for t in lists["overdue"]] == [
        at("2026-04-28 08:00"), at("2026-04-29 08:00"), at("2026-04-30 08:00"),
    ]  # fmt: skip
    assert lists["today"] == []
    # Upcoming: May 1–7 (the national holiday is no exception for a daily patrol).
    assert [t.scheduled_for.day for t in lists["upcoming"]] == [1, 2, 3, 4, 5, 6, 7]
    assert selectors.my_tasks(actor_for(world.agent.user))["overdue"] == []


def test_a_contractors_account_sees_its_own_plans_tasks(world, time_machine, qualified):
    lift_plan(world, time_machine)
    _patrols(world, time_machine)
    time_machine.move_to(at("2026-04-20 08:30"), tick=False)
    account = world.contractor.accounts.get().user
    lists = selectors.my_tasks(actor_for(account), zone=at("2026-04-20 08:30").tzinfo)
    assert [t.schedule.name for t in lists["today"]] == ["1号电梯半月保养"]
    assert lists["today"][0].schedule.spec.subject_name == "DT-01 1号电梯"
    assert selectors.tasks_visible(actor_for(account)).count() == 1


def test_the_board_filters_by_kind_status_subject_and_dates(world, time_machine, qualified):
    lift_plan(world, time_machine)
    _patrols(world, time_machine)
    time_machine.move_to(at("2026-04-29 12:00"), tick=False)
    schedules.planned_task_sweep_missed()
    actor = actor_for(world.head.user)

    def board(**filters):
        return list(selectors.task_board(actor, estate=world.estate, **filters))

    assert len(board(kind="patrol", start=day("2026-04-28"), end=day("2026-04-30"))) == 3
    missed = board(status="missed")
    assert {t.schedule.kind for t in missed} == {"patrol", "maintenance"} and len(missed) == 3
    assert len(board(status="overdue")) == 3
    elevator_pk = TaskSpec.objects.exclude(subject_id=None).get().subject_id
    assert [t.schedule.kind for t in board(subject=f"facilities.equipment:{elevator_pk}")] == [
        "maintenance"
    ]
    assert len(board(subject="巡逻", start=day("2026-05-01"))) == 7
    assert board(status="done") == []
    with pytest.raises(Http404):
        selectors.plan_get_for_user(actor_for(world.outsider.user), Schedule.objects.first().pk)
    assert list(selectors.task_board(actor_for(world.outsider.user), estate=world.estate)) == []


def test_the_month_calendar_counts_per_day_across_the_month_boundary(world, time_machine):
    _patrols(world, time_machine)
    time_machine.move_to(at("2026-04-29 12:00"), tick=False)
    schedules.planned_task_sweep_missed()
    actor = actor_for(world.head.user)
    april = selectors.task_calendar(actor, estate=world.estate, year=2026, month=4)
    assert april["totals"] == {"missed": 2, "planned": 1}
    days = {d["date"]: d for week in april["weeks"] for d in week}
    assert days[day("2026-04-28")]["counts"] == {"missed": 1}
    assert days[day("2026-05-01")]["in_month"] is False and days[day("2026-05-01")]["total"] == 0
    may = selectors.task_calendar(actor, estate=world.estate, year=2026, month=5, kind="patrol")
    assert may["totals"] == {"planned": 7}
    assert selectors.task_calendar(actor, estate=world.estate, year=2026, month=5,
                                   kind="maintenance")["totals"] == {}  # fmt: skip


def test_role_tasks_are_for_that_role_only(world, time_machine):
    guard = make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])
    _patrols(world, time_machine)
    time_machine.move_to(at("2026-04-28 07:00"), tick=False)
    assert selectors.my_tasks(actor_for(guard.user))["today"] == []
    assert len(selectors.my_tasks(actor_for(world.tech.user))["today"]) == 1
