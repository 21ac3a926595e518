"""Response plans: seeded from the manual, an estate's copy, steps edited with the version
bumped, and a running incident keeps the steps it copied."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuye.emergency.choices import IncidentKind
from wuye.emergency.services.incidents import incident_open
from wuye.emergency.services.plan_defaults import DEFAULT_PLANS
from wuye.emergency.services.plans import (
    plan_ensure,
    plan_step_add,
    plan_step_move,
    plan_step_remove,
    plan_step_update,
    plan_update,
)

pytestmark = pytest.mark.django_db


def test_the_companys_plan_is_seeded_from_the_manual__EMERG_LIFT_02(emg):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.ENTRAPMENT, by=w.exec.user)
    codes = list(plan.steps.values_list("code", flat=True))
    assert codes == [s[0] for s in DEFAULT_PLANS[IncidentKind.ENTRAPMENT]["steps"]]
    assert plan.version == 1
    assert plan_ensure(company=w.company, kind=IncidentKind.ENTRAPMENT, by=w.exec.user) == plan


def test_only_executives_edit_the_companys_plan_heads_their_estates(emg):
    w = emg
    with pytest.raises(PermissionDenied):
        plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.order_head.user)
    with pytest.raises(PermissionDenied):
        plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.agent.user, estate=w.estate)
    company = plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.exec.user)
    plan_step_add(plan=company, by=w.exec.user, title="清点人数", department="order")
    own = plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.order_head.user,
                      estate=w.estate)  # fmt: skip
    assert own.estate == w.estate
    assert own.steps.last().title == "清点人数"  # a copy of the company's


def test_every_change_bumps_the_version(emg):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.OUTAGE, by=w.exec.user)
    step = plan_step_add(plan=plan, by=w.exec.user, title="检查水泵房",
                         checklist="水泵已复位\n阀门已打开")  # fmt: skip
    assert step.checklist == ["水泵已复位", "阀门已打开"]
    plan_step_update(step=step, by=w.exec.user, guidance="每次恢复供水后")
    plan_step_move(step=step, by=w.exec.user, direction="up")
    plan_update(plan=plan, by=w.exec.user, cautions="注意安全")
    plan_step_remove(step=step, by=w.exec.user)
    plan.refresh_from_db()
    assert plan.version == 6
    assert list(plan.steps.values_list("order", flat=True)) == [1, 2, 3, 4, 5]


def test_the_manuals_steps_cannot_be_removed_and_reorder_keeps_them_all(emg):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.ENTRAPMENT, by=w.exec.user)
    with pytest.raises(PermissionDenied):
        plan_step_remove(step=plan.steps.get(code="rescue"), by=w.exec.user)
    plan_step_move(step=plan.steps.get(code="inspect"), by=w.exec.user, direction="down")
    assert list(plan.steps.order_by("order").values_list("code", flat=True))[-2:] == [
        "followup", "inspect"]  # fmt: skip
    with pytest.raises(ValidationError):
        plan_step_move(step=plan.steps.get(code="alarm"), by=w.exec.user, direction="up")
    with pytest.raises(ValidationError):
        plan_step_add(plan=plan, by=w.exec.user, title="")


def test_a_running_incident_keeps_the_steps_it_copied(emg):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.OTHER, by=w.exec.user)
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    assert incident.plan == plan and incident.plan_version == 1
    before = list(incident.steps.values_list("title", "guidance"))
    first = plan.steps.order_by("order").first()
    plan_step_update(step=first, by=w.exec.user, title="改过的步骤", guidance="新要点")
    plan_step_add(plan=plan, by=w.exec.user, title="新增步骤")
    assert list(incident.steps.values_list("title", "guidance")) == before
    later = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="1栋",
                          by=w.agent.user)  # fmt: skip
    assert later.plan_version == 3
    assert later.steps.filter(title="新增步骤").exists()
