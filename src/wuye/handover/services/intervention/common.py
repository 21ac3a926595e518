"""What the pre-intervention services share: the project's scope, who is on its team, and the
step's labels."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.handover.choices import InterventionStatus
from wuye.handover.models import (
    HandoverProject,
    TeamRole,
)
from wuye.handover.processes import LEADS, TEAM
from wuye.workflow.models import Case

I = InterventionStatus  # noqa: E741

# Who may open the project pages: the team's roles, and the auditors who check them.
VIEWERS = TEAM | {Role.AUDITOR}

# INTAKE-03: the steps in order, and the action that starts each one after the first.
STEPS: tuple[str, ...] = (I.LIAISON, I.DESIGN_REVIEW, I.CONSTRUCTION, I.COMPLETION, I.SUMMARY)
STEP_ACTIONS = {
    "start_design_review": I.DESIGN_REVIEW,
    "start_construction": I.CONSTRUCTION,
    "start_completion": I.COMPLETION,
    "start_summary": I.SUMMARY,
    "submit_report": I.CLOSED,
}
# Actions that record one of this module's rows: taken through its own function.
RECORD_ACTIONS = ("suggest", "answer", "inspect", "meeting")
# States in which site inspections are due (INTAKE-06: construction follow-up, and the
# completion acceptance where the premises and equipment are checked, INTAKE-07).
INSPECTION_STATES = (I.CONSTRUCTION, I.COMPLETION)

# INTAKE-02: each part of the team comes from its department.
ROLE_DEPARTMENT = {
    TeamRole.CUSTOMER_SERVICE: DepartmentKind.CUSTOMER_SERVICE,
    TeamRole.ENGINEERING: DepartmentKind.ENGINEERING,
    TeamRole.SECURITY: DepartmentKind.ORDER,
}
MAX_INTERVAL_DAYS = 90


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def estate_zone(project: HandoverProject) -> ZoneInfo:
    return ZoneInfo(project.estate.time_zone or "Asia/Shanghai")


def local_today(project: HandoverProject, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), estate_zone(project)).date()


def _local_date(project: HandoverProject, value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value, estate_zone(project)).date() if value else None


# --- Reading: scope ------------------------------------------------------------------------------


def project_list(*, actor: Actor, q: str = "", stage: str = "") -> QuerySet[HandoverProject]:
    """The projects of the estates this person works in (executives: the company's); ``q``
    searches the estate's name and the developer, ``stage`` is a state of the case or
    ``not_started`` (the list page's and the API's filters)."""
    qs = HandoverProject.objects.select_related("estate", "intervention_case")
    if not actor.is_superuser:
        if actor.staff is None or actor.role not in VIEWERS:
            return qs.none()
        qs = qs.filter(estate__in=visible_estates(actor))
    q = q.strip()
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(developer__icontains=q))
    if stage == "not_started":
        qs = qs.filter(intervention_case__isnull=True)
    elif stage in I.values:
        qs = qs.filter(intervention_case__status=stage)
    return qs


def project_get_for_user(user, pk) -> HandoverProject:
    """The project if this user may see it, else a 404."""
    return get_or_404(project_list(actor=_actor(user)), pk)


def can_lead(actor: Actor, project: HandoverProject | None = None) -> bool:
    if actor.is_superuser:
        return True
    if actor.role not in LEADS:
        return False
    return project is None or project.estate_id in actor.estate_ids


def _check_lead(actor: Actor, project: HandoverProject) -> None:
    if not actor.is_superuser and project.estate_id not in actor.estate_ids:
        raise Http404
    if not can_lead(actor, project):
        raise PermissionDenied(_("只有部门负责人或企业高层可以执行此操作"))


def _check_member(actor: Actor, project: HandoverProject) -> None:
    """A write of the team's work: a staff role of the team, in the project's estate."""
    if not actor.is_superuser and project.estate_id not in actor.estate_ids:
        raise Http404
    if not actor.is_superuser and actor.role not in TEAM:
        raise PermissionDenied(_("只有前期介入小组的客服、工程、秩序人员及其负责人可以登记"))


def _case(project: HandoverProject) -> Case:
    if project.intervention_case_id is None:
        raise Conflict(_("本项目尚未开始前期介入"), code="not_started")
    return current_case(project)


def current_case(project: HandoverProject) -> Case | None:
    """The project's case as the database has it now (not a copy cached on the project)."""
    if project.intervention_case_id is None:
        return None
    return Case.objects.get(pk=project.intervention_case_id)


# INTAKE-07: the completion acceptance checks above all the installation quality of these.
COMPLETION_CHECKS = {"premises": _lazy("物业用房"), "equipment": _lazy("设施设备")}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
