"""The pre-intervention's scope and review points, and when takeover may begin: the rules the
process declarations and the services carry rather than a single step."""

import pytest

from tests.handover.test_intervention import act, people, project, to_construction
from tests.handover.test_intervention import frozen as frozen
from tests.handover.test_takeover import make_plan, tw
from wuye.core.exceptions import Conflict
from wuye.handover import intervention
from wuye.handover.choices import InterventionStatus
from wuye.handover.models import SuggestionTopic, TakeoverPlan
from wuye.handover.processes import INTERVENTION

__all__ = ["people", "project", "tw"]  # fixtures


def test_pre_intervention_runs_from_planning_to_completion_acceptance__INTAKE_01():
    states = [s.code for s in INTERVENTION.states]
    assert states[0] == InterventionStatus.LIAISON  # the planning/design stage
    assert states.index(InterventionStatus.COMPLETION) == len(states) - 3  # then the summary
    assert INTERVENTION.state(InterventionStatus.CLOSED).terminal


def test_design_review_covers_premises_facilities_and_concealed_works__INTAKE_05_INTAKE_09():
    # INTAKE-05: premises, supporting facilities (elevators, parking), concealed works; INTAKE-09:
    # the property-management premises' location and area are a review point of their own.
    topics = set(SuggestionTopic.values)
    assert {"premises", "elevator", "parking", "concealed"} <= topics


def test_completion_support_may_still_inspect_the_installation__INTAKE_07(people, project, frozen):
    w = people
    to_construction(w, project, frozen)
    act(w, project, "start_completion")
    assert InterventionStatus.COMPLETION in INTERVENTION.action("inspect").sources
    act(w, project, "comment", note="竣工验收：物业用房与设备安装质量逐项检查")


def test_takeover_waits_for_the_completion_acceptance__TAKEOVER_01(tw, frozen):
    w = tw
    intervention.intervention_start(w.project, by=w.exec.user)
    with pytest.raises(Conflict, match="竣工验收合格后"):
        make_plan(w)
    assert not TakeoverPlan.objects.exists()
