"""Every write and rule of the pre-intervention (前期介入, manual ch.2 §1, INTAKE-*).

A project's pre-intervention is one case of the engine's ``intervention`` process: the INTAKE-03
steps in order (the process's states; the engine refuses a step out of order). Here:

- who may see a project (staff of its estate) and who may lead it (department heads, executives);
- the team (INTAKE-02) and the 《前期介入协议》 (INTAKE-04): both before the design review starts;
- design-review suggestions, in writing (INTAKE-05/09/10/13), each tracked to the developer's
  answer, adopted or rejected;
- site inspections on the project's interval (INTAKE-06), concealed works with photos
  (INTAKE-11), each an ``inspect`` event holding its photos;
- the weekly meeting with the developer (INTAKE-12) and the weeks that had none;
- the summary: the 《前期介入报告》 submitted to the developer and the executives (INTAKE-08).

``intervention_case_act`` is the process's service hook: the generic case page and API take an
action through the same rules as the project's own pages.

This package is pre-intervention's public interface (``svc.<name>``); its modules are the
topics: ``steps``, ``team``, ``suggestions``, ``inspections``, ``premises``, ``meetings`` and
the shared ``common``.
"""

from .common import (
    INSPECTION_STATES,
    MAX_INTERVAL_DAYS,
    RECORD_ACTIONS,
    ROLE_DEPARTMENT,
    STEP_ACTIONS,
    STEPS,
    VIEWERS,
    I,
    can_lead,
    current_case,
    estate_zone,
    local_today,
    project_get_for_user,
    project_list,
)
from .inspections import (
    inspection_interval_set,
    inspection_record,
)
from .meetings import (
    MeetingWeeks,
    meeting_record,
    meeting_weeks,
    open_points,
)
from .premises import (
    PREMISES_FIELDS,
    InspectionDue,
    concealed_gallery,
    inspection_due,
    inspection_list,
    inspection_photos,
    photos_by_event,
    premises_area_set,
    premises_check,
    premises_required_area,
)
from .steps import (
    COMPLETION_CHECKS,
    REVIEW_AREAS,
    completion_checks_missing,
    intervention_act,
    intervention_case_act,
    intervention_start,
    review_areas_missing,
    step_timeline,
)
from .suggestions import (
    OUTCOMES,
    elevator_ratio,
    suggestion_answer,
    suggestion_list,
    suggestion_number_next,
    suggestion_submit,
)
from .team import (
    agreement_record,
    team_candidates,
    team_member_add,
    team_member_remove,
    team_members,
    team_missing_roles,
)

__all__ = [
    "COMPLETION_CHECKS",
    "INSPECTION_STATES",
    "MAX_INTERVAL_DAYS",
    "OUTCOMES",
    "PREMISES_FIELDS",
    "RECORD_ACTIONS",
    "REVIEW_AREAS",
    "ROLE_DEPARTMENT",
    "STEPS",
    "STEP_ACTIONS",
    "VIEWERS",
    "I",
    "InspectionDue",
    "MeetingWeeks",
    "agreement_record",
    "can_lead",
    "completion_checks_missing",
    "concealed_gallery",
    "current_case",
    "elevator_ratio",
    "estate_zone",
    "inspection_due",
    "inspection_interval_set",
    "inspection_list",
    "inspection_photos",
    "inspection_record",
    "intervention_act",
    "intervention_case_act",
    "intervention_start",
    "local_today",
    "meeting_record",
    "meeting_weeks",
    "open_points",
    "photos_by_event",
    "premises_area_set",
    "premises_check",
    "premises_required_area",
    "project_get_for_user",
    "project_list",
    "review_areas_missing",
    "step_timeline",
    "suggestion_answer",
    "suggestion_list",
    "suggestion_number_next",
    "suggestion_submit",
    "team_candidates",
    "team_member_add",
    "team_member_remove",
    "team_members",
    "team_missing_roles",
]
