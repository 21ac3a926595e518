"""The pre-intervention's scope and review points, and when takeover may begin: the rules the
process declarations and the services carry rather than a single step."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import BuildingFactory
from tests.handover.test_intervention import (
    act,
    completion_checked,
    people,
    project,
    ready,
    review,
    status,
    to_construction,
)
from tests.handover.test_intervention import frozen as frozen
from tests.handover.test_takeover import check, inspect_all, make_plan, tw
from wuye.core.exceptions import Conflict
from wuye.handover.models import DesignSuggestion, SiteInspection, TakeoverDefect, TakeoverPlan
from wuye.handover.selectors import takeover_confirmed
from wuye.handover.services import intervention
from wuye.handover.services import intervention as svc
from wuye.handover.services import takeover as services
from wuye.workflow.services import case_act_routed

__all__ = ["people", "project", "tw"]  # fixtures


def test_the_team_works_from_the_planning_stage_until_the_report__INTAKE_01(
    people, project, frozen
):
    w = people
    # The planning/design stage: a written suggestion is accepted from the first step on.
    ready(w, project)
    first = svc.suggestion_submit(project=project, topic="premises", title="物业用房位置",
                                  content="物业用房建议设于一层", by=w.tech.user)  # fmt: skip
    assert first.status == "submitted"
    act(w, project, "start_design_review")
    review(w, project)
    act(w, project, "start_construction")
    act(w, project, "start_completion")
    # Up to the completion acceptance: the site is still inspected.
    completion_checked(w, project)
    act(w, project, "start_summary")
    act(w, project, "submit_report")
    # Past the completion acceptance the pre-intervention is over: nothing more is recorded.
    counts = (DesignSuggestion.objects.count(), SiteInspection.objects.count())
    with pytest.raises(Conflict):
        svc.suggestion_submit(project=project, topic="parking", title="充电桩",
                              content="预留充电桩电源", by=w.tech.user)  # fmt: skip
    with pytest.raises(Conflict):
        svc.inspection_record(project=project, inspected_on="2026-03-02", location="9栋",
                              findings="交付后巡查", by=w.tech.user)  # fmt: skip
    assert (DesignSuggestion.objects.count(), SiteInspection.objects.count()) == counts
    assert status(project) == "closed"


def test_the_design_review_covers_premises_facilities_and_concealed_works__INTAKE_05_INTAKE_09(
    people, project, frozen
):
    w = people
    ready(w, project)
    act(w, project, "start_design_review")
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_construction")
    assert all(area in refused.value.message for area in ("物业用房", "配套设施", "隐蔽工程"))
    # INTAKE-09: the property-management premises (location and area) are a point of their own.
    svc.suggestion_submit(project=project, topic="premises", title="物业用房面积达标",
                          content="物业用房按总建筑面积比例配置", by=w.agent.user)  # fmt: skip
    svc.suggestion_submit(project=project, topic="other", title="小区名称",
                          content="建议小区名称易记", by=w.agent.user)  # fmt: skip
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_construction")
    message = refused.value.message
    assert "物业用房" not in message and "配套设施" in message and "隐蔽工程" in message
    assert status(project) == "design_review"
    svc.suggestion_submit(project=project, topic="parking", title="车位配比",
                          content="地下车库车位按户数1:1配置", by=w.agent.user)  # fmt: skip
    svc.suggestion_submit(project=project, topic="concealed", title="管道验看",
                          content="给排水管道封闭前通知物业验看", by=w.tech.user)  # fmt: skip
    act(w, project, "start_construction")
    assert status(project) == "construction"


def test_completion_support_checks_the_premises_and_equipment_installation__INTAKE_07(
    people, project, frozen
):
    w = people
    to_construction(w, project, frozen)
    # The installation checks belong to the completion acceptance, not to the building works.
    with pytest.raises(ValidationError) as refused:
        svc.inspection_record(project=project, inspected_on="2026-03-02", location="机房",
                              findings="设备未到", checks=["equipment"],
                              by=w.tech.user)  # fmt: skip
    assert "checks" in refused.value.message_dict
    act(w, project, "start_completion")
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_summary")
    assert "物业用房" in refused.value.message and "设施设备" in refused.value.message
    svc.inspection_record(project=project, inspected_on="2026-03-02", location="物业用房",
                          findings="物业用房门窗、水电安装到位", checks=["premises"],
                          by=w.tech.user)  # fmt: skip
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_summary")
    assert "设施设备" in refused.value.message and "物业用房" not in refused.value.message
    # Through the generic case route (page and API of every case): the same rule and data.
    case_act_routed(case=project.intervention_case, action="inspect", by=w.guard.user,
                    note="电梯、消防设施安装完好",
                    data={"inspected_on": "2026-03-02", "location": "电梯机房",
                          "checks": ["equipment"]})  # fmt: skip
    act(w, project, "start_summary")
    assert status(project) == "summary"


def test_the_inspection_page_offers_the_installation_checks_at_completion__INTAKE_07(
    people, project, frozen, login
):
    from django.urls import reverse

    w = people
    to_construction(w, project, frozen)
    act(w, project, "start_completion")
    client = login("enghead")
    url = reverse("handover:inspection_create", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'name="checks"' in page and "物业用房" in page and "设施设备" in page
    client.post(url, {"inspected_on": "2026-03-02", "location": "物业用房及电梯",
                      "findings": "安装质量合格", "checks": ["premises", "equipment"]})  # fmt: skip
    act(w, project, "start_summary")
    assert status(project) == "summary"


def test_takeover_waits_for_the_completion_acceptance__TAKEOVER_01(tw, frozen):
    w = tw
    intervention.intervention_start(w.project, by=w.exec.user)
    with pytest.raises(Conflict, match="竣工验收合格后"):
        make_plan(w)
    assert not TakeoverPlan.objects.exists()


# --- Acceptance criteria (TAKEOVER-11/13): what the confirmation waits for ---------------------


def _close(w, defect):
    """The developer fixes the defect and the re-inspection passes."""
    services.takeover_defect_act(defect=defect, action="report_fixed", note="已整改",
                                 by=w.tech.user)  # fmt: skip
    services.takeover_defect_act(defect=defect, action="reinspect_pass", by=w.tech.user)


def _sign(w, plan):
    return services.takeover_confirm(plan=plan, property_signatory="王工",
                                     developer_signatory="赵经理", by=w.eng.user)  # fmt: skip


@pytest.mark.parametrize(
    ("system", "rule"),
    [("structure", "TAKEOVER-11"), ("wall", "TAKEOVER-11"), ("public", "TAKEOVER-13")],
)
def test_a_cracked_wall_or_a_damaged_common_area_blocks_the_confirmation__TAKEOVER_11_13(
    tw, system, rule
):
    w = tw
    plan = make_plan(w)
    # The checklist of every building in scope carries the criterion.
    assert plan.items.filter(system=system, building=w.building).exists() or system == "public"
    inspect_all(w, plan, failures=(system,))
    defect = TakeoverDefect.objects.get(item__system=system)
    services.rectification_notice_issue(plan=plan, by=w.eng.user)
    with pytest.raises(Conflict) as refused:
        _sign(w, plan)
    assert defect.case.number in refused.value.message
    plan.refresh_from_db()
    assert plan.confirmed_at is None and not takeover_confirmed(w.building)  # no move-in
    _close(w, defect)
    _sign(w, plan)
    assert takeover_confirmed(w.building)


@pytest.mark.parametrize("system", ["wall", "public"])
def test_an_unchecked_criterion_blocks_the_confirmation__TAKEOVER_11_13(tw, system):
    w = tw
    plan = make_plan(w)
    services.takeover_plan_act(plan=plan, action="start_inspection", by=w.eng.user)
    for item in plan.items.exclude(system=system):
        check(w, item, runs=3)
    with pytest.raises(Conflict):
        _sign(w, plan)
    for item in plan.items.filter(system=system):
        check(w, item, runs=3)
    _sign(w, plan)


def test_the_criteria_cannot_be_dropped_from_the_checklist__TAKEOVER_11_13(tw):
    w = tw
    second = BuildingFactory(estate=w.estate, name="2栋")
    plan = make_plan(w)
    for building in (w.building, second):  # each building: cracks and walls
        assert {"structure", "wall"} <= set(
            plan.items.filter(building=building).values_list("system", flat=True)
        )
    for system in ("structure", "wall"):
        with pytest.raises(Conflict, match="必查项"):
            services.check_item_remove(item=plan.items.get(system=system, building=second),
                                       by=w.eng.user)  # fmt: skip
    # A second wall line of 2栋 may go; the last one may not.
    extra = services.check_item_add(plan=plan, system="wall", name="外墙", standard="墙面平整",
                                    building=second, by=w.eng.user)  # fmt: skip
    services.check_item_remove(item=extra, by=w.eng.user)
    publics = list(plan.items.filter(system="public"))
    for item in publics[:-1]:
        services.check_item_remove(item=item, by=w.eng.user)
    with pytest.raises(Conflict, match="必查项"):
        services.check_item_remove(item=publics[-1], by=w.eng.user)
    # Other lines (e.g. the floor) stay editable.
    services.check_item_remove(item=plan.items.get(system="floor", building=second),
                               by=w.eng.user)  # fmt: skip
