"""Rectification (CLEAN-15, GREEN-11): opened by the failed check for the zone's first cleaner,
with a deadline; done with a photo; re-checked on the form; the cause analysed; a recurring
cause changes the plan; an overdue one escalates to the environment head."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers, at
from tests.images import photo_of
from wuye.core.exceptions import Conflict
from wuye.environment.models import PlanRevision, Rectification
from wuye.environment.services.inspections import inspection_record
from wuye.environment.services.rectifications import (
    rectification_act,
    rectification_cause_set,
    rectification_needs_plan_change,
)
from wuye.environment.services.revisions import revision_record
from wuye.notify.models import Message
from wuye.workflow.models import SlaClock, SlaTarget

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def fail(w, zone=None, hours=None, **scores):
    zone = zone or w.lobby
    scores = scores or {"p2": 3}
    return inspection_record(
        kind="patrol", zone=zone, answers=answers(w.clean_form, w.env_head.user, **scores),
        by=w.env_head.user, deadline_hours=hours,
    ).rectification  # fmt: skip


def done(w, r, user=None):
    user = user or r.assignee.user
    return rectification_act(rectification=r, action="done", by=user, note="已用84消毒液清洗",
                             attachments=[photo_of(user)])  # fmt: skip


def recheck(w, r, action="recheck_pass", **extra):
    scores = {} if action == "recheck_pass" else {"p2": 4}
    data = {"answers": answers(w.clean_form, w.env_head.user, **scores), **extra}
    return rectification_act(rectification=r, action=action, by=w.env_head.user,
                             note="复查", data=data)  # fmt: skip


def test_a_failed_check_opens_a_rectification_for_the_first_cleaner__CLEAN_15(env):
    w = env
    r = fail(w)
    assert r.assignee == w.cleaner and r.case.assignee == w.cleaner.user
    assert r.case.status == "open" and r.zone == w.lobby
    assert "地面无污渍水渍（3/10）" in r.problem
    assert r.deadline == at("2026-09-16 10:00")  # 24 hours (the process clock)
    assert SlaClock.objects.get(case=r.case, key="rectify").due_at == r.deadline
    message = Message.objects.get(recipient=w.cleaner.user)
    assert message.subject == "整改通知：1栋电梯间" and message.channel == "inbox"
    assert "2026-09-16 10:00" in message.body and message.url.endswith(f"/{r.pk}/")


def test_the_inspector_may_set_the_deadline_in_hours__CLEAN_15(env):
    w = env
    r = fail(w, hours=4)
    assert r.deadline == at("2026-09-15 14:00")
    clock = SlaClock.objects.get(case=r.case, key="rectify")
    assert (clock.due_at, clock.target_amount) == (r.deadline, 4)


def test_an_estate_may_override_the_default_deadline__CLEAN_15(env):
    w = env
    SlaTarget.objects.create(estate=w.estate, process="environment_rectification",
                             clock="rectify", amount=48, unit="hours")  # fmt: skip
    assert fail(w).deadline == at("2026-09-17 10:00")


def test_a_zone_without_a_cleaner_cannot_be_failed_nothing_written__CLEAN_04(env):
    w = env
    w.road.cleaners.clear()
    with pytest.raises(ValidationError):
        fail(w, zone=w.road)
    assert not Rectification.objects.exists()


def test_done_is_the_assignees_with_a_note_and_a_photo__CLEAN_15(env):
    w = env
    r = fail(w)
    with pytest.raises(PermissionDenied):
        done(w, r, user=w.cleaner2.user)
    with pytest.raises(ValidationError):
        rectification_act(rectification=r, action="done", by=w.cleaner.user, note="好了")
    r = done(w, r)
    assert r.case.status == "done" and r.done_at is not None


def test_closing_needs_the_cause_analysed_and_a_passing_recheck__CLEAN_15(env):
    w = env
    r = done(w, fail(w))
    with pytest.raises(Conflict):
        recheck(w, r)
    with pytest.raises(ValidationError):  # the answers fail: not a pass
        rectification_act(rectification=r, action="recheck_pass", by=w.env_head.user,
                          data={"answers": answers(w.clean_form, w.env_head.user, p1=1),
                                "cause_kind": "frequency", "cause": "巡查频率不够"})  # fmt: skip
    r = recheck(w, r, cause_kind="frequency", cause="电梯间污渍未及时清理因清洁人员巡查频率不够")
    assert r.case.status == "closed" and r.closed_at is not None
    assert r.rechecks.get().kind == "recheck" and r.rechecks.get().passed


def test_a_failed_recheck_sends_it_back_and_the_deadline_stays_missed__CLEAN_15(env, time_machine):
    w = env
    r = fail(w)  # due 09-16 10:00
    time_machine.move_to(at("2026-09-16 09:00"), tick=False)
    r = done(w, r)
    assert SlaClock.objects.get(case=r.case).state == "met"
    time_machine.move_to(at("2026-09-16 15:00"), tick=False)
    r = recheck(w, r, action="recheck_fail")
    assert r.case.status == "open" and r.done_at is None
    clock = SlaClock.objects.get(case=r.case)
    assert clock.stopped_at is None and clock.due_at == at("2026-09-16 10:00")
    assert Message.objects.filter(recipient=w.cleaner.user).count() == 2  # told again


def test_only_the_department_rechecks(env):
    w = env
    r = done(w, fail(w))
    with pytest.raises(PermissionDenied):
        rectification_act(rectification=r, action="recheck_pass", by=w.cleaner.user,
                          data={"answers": answers(w.clean_form)})  # fmt: skip


def test_a_recurring_cause_needs_a_plan_revision_before_closing__CLEAN_15(env, time_machine):
    w = env
    first = done(w, fail(w))
    first = recheck(w, first, cause_kind="frequency", cause="巡查频率不够")
    time_machine.move_to(at("2026-11-20 10:00"), tick=False)  # within 90 days
    second = done(w, fail(w))
    rectification_cause_set(rectification=second, cause_kind="frequency", cause="仍然不够",
                            by=w.env_head.user)  # fmt: skip
    second.refresh_from_db()
    assert rectification_needs_plan_change(second)
    with pytest.raises(Conflict) as error:
        recheck(w, second)
    assert error.value.code == "plan_change_required"
    revision_record(estate=w.estate, zone=w.lobby, reason="电梯间改为每天两次清洁",
                    changes={"times": [["08:00"], ["08:00", "14:00"]]}, by=w.env_head.user,
                    rectification=second)  # fmt: skip
    second = recheck(w, second)
    assert second.case.status == "closed"
    assert PlanRevision.objects.get(rectification=second).zone == w.lobby


def test_the_same_cause_long_ago_or_elsewhere_is_not_recurring__CLEAN_15(env, time_machine):
    w = env
    recheck(w, done(w, fail(w)), cause_kind="frequency", cause="巡查频率不够")
    other = done(w, fail(w, zone=w.toilet))
    rectification_cause_set(rectification=other, cause_kind="frequency", cause="x",
                            by=w.env_head.user)  # fmt: skip
    other.refresh_from_db()
    assert not rectification_needs_plan_change(other)  # another zone
    time_machine.move_to(at("2026-09-15 10:00") + dt.timedelta(days=91), tick=False)
    late = done(w, fail(w))
    rectification_cause_set(rectification=late, cause_kind="frequency", cause="x",
                            by=w.env_head.user)  # fmt: skip
    late.refresh_from_db()
    assert not rectification_needs_plan_change(late)  # 91 days later
    assert recheck(w, late).case.status == "closed"


def test_an_overdue_rectification_escalates_to_the_environment_head__CLEAN_15(env, time_machine):
    from wuye.workflow.services import sla_sweep

    w = env
    r = fail(w, hours=2)
    time_machine.move_to(at("2026-09-15 12:30"), tick=False)
    sla_sweep()
    clock = SlaClock.objects.get(case=r.case)
    assert clock.state == "breached"
    assert Message.objects.filter(recipient=w.env_head.user).exists()


def test_a_greening_failure_is_rectified_the_same_way__GREEN_11(env):
    w = env
    record = inspection_record(
        kind="green_weekly", green_area=w.lawn,
        answers=answers(w.green_form, w.env_head.user, p4=2), by=w.env_head.user,
    )  # fmt: skip
    r = record.rectification
    assert r.assignee == w.gardener
    r = done(w, r)
    data = {"answers": answers(w.green_form), "cause_kind": "not_done", "cause": "未按计划除草"}
    r = rectification_act(rectification=r, action="recheck_pass", by=w.env_head.user, data=data)
    assert r.case.status == "closed"


def test_another_estates_head_sees_nothing(env):
    from django.http import Http404

    w = env
    r = fail(w)
    with pytest.raises(Http404):
        rectification_act(rectification=r, action="comment", by=w.other_head.user, note="x")
