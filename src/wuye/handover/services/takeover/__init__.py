"""Every write of the takeover acceptance (接管验收, TAKEOVER-*): the project, the plan and its
checklist, the on-site checks, defects and 《整改通知书》, the confirmation and the documents.

The plan runs as a ``takeover`` case and each defect as a ``takeover_defect`` case of the engine
(processes.py): the engine checks who may act and in which state, writes the timeline and runs the
15-working-day clock (TAKEOVER-07); the rules of the manual that are more than a state and a role
are checked here, before anything is written. ``takeover_case_act`` and ``defect_case_act`` are the
processes' service hooks, so the generic case page and API go through the same rules.

This package is takeover's public interface (``services.<name>``); its modules are the topics:
``projects``, ``plans``, ``rectification``, ``confirmation``, ``documents`` and the shared
``common``.
"""

from .common import (
    BEFORE_COMPLETION,
    ELEVATOR_RUNS,
    NOTICE_PREFIX,
    OPEN_PLAN,
    TEAM_ROLE_OF_DEPARTMENT,
    check_item_get_for_user,
    open_defects,
    plan_estate,
    rectification_notice_get_for_user,
    takeover_defect_get_for_user,
    takeover_plan_get_for_user,
    takeover_plan_list,
)
from .confirmation import (
    confirmation_blockers,
    takeover_confirm,
)
from .documents import (
    handover_document_add,
    move_in_allowed,
)
from .plans import (
    REQUIRED_SYSTEMS,
    check_item_add,
    check_item_record,
    check_item_remove,
    default_check_items,
    takeover_case_act,
    takeover_plan_act,
    takeover_plan_create,
)
from .projects import (
    project_create,
)
from .rectification import (
    defect_case_act,
    rectification_notice_issue,
    takeover_defect_act,
)

__all__ = [
    "BEFORE_COMPLETION",
    "ELEVATOR_RUNS",
    "NOTICE_PREFIX",
    "OPEN_PLAN",
    "REQUIRED_SYSTEMS",
    "TEAM_ROLE_OF_DEPARTMENT",
    "check_item_add",
    "check_item_get_for_user",
    "check_item_record",
    "check_item_remove",
    "confirmation_blockers",
    "default_check_items",
    "defect_case_act",
    "handover_document_add",
    "move_in_allowed",
    "open_defects",
    "plan_estate",
    "project_create",
    "rectification_notice_get_for_user",
    "rectification_notice_issue",
    "takeover_case_act",
    "takeover_confirm",
    "takeover_defect_act",
    "takeover_defect_get_for_user",
    "takeover_plan_act",
    "takeover_plan_create",
    "takeover_plan_get_for_user",
    "takeover_plan_list",
]
