"""What the takeover services share: who is on the takeover team, and the reads the pages use."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for, get_or_404, scope_to_estates
from wuye.handover.choices import DefectStatus, InterventionStatus, TakeoverStatus
from wuye.handover.models import (
    CheckItem,
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
    TeamRole,
)
from wuye.handover.processes import LEADS

ELEVATOR_RUNS = 3  # TAKEOVER-12: three empty runs without anomaly
NOTICE_PREFIX = "ZGTZ"
# TAKEOVER-02: the team comes from customer service, engineering and order maintenance.
TEAM_ROLE_OF_DEPARTMENT = {
    DepartmentKind.CUSTOMER_SERVICE: TeamRole.CUSTOMER_SERVICE,
    DepartmentKind.ENGINEERING: TeamRole.ENGINEERING,
    DepartmentKind.ORDER: TeamRole.SECURITY,
}
OPEN_PLAN = (TakeoverStatus.PREPARING, TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING)
BEFORE_COMPLETION = (
    InterventionStatus.LIAISON,
    InterventionStatus.DESIGN_REVIEW,
    InterventionStatus.CONSTRUCTION,
)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _in_scope(actor: Actor, estate: Estate | int) -> None:
    estate_id = estate if isinstance(estate, int) else estate.pk
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


def _require(actor: Actor, roles: frozenset, message: str) -> None:
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(message)


def _check_action_role(actor: Actor, action) -> None:
    """The engine's role rule, asked before this service reads or writes anything."""
    _require(actor, action.roles,
             _("您的角色不能执行“%(action)s”") % {"action": action.label})  # fmt: skip


def _lead_only(actor: Actor) -> None:
    _require(actor, LEADS, _("只有部门负责人或公司管理层可以执行此操作"))


# --- Reads used by the pages ---------------------------------------------------------------------


def takeover_plan_list(*, actor: Actor) -> QuerySet[TakeoverPlan]:
    """The plans of the estates this person works in (staff only)."""
    return scope_to_estates(
        TakeoverPlan.objects.select_related("project__estate", "building", "case"),
        actor,
        "project__estate",
    )


def takeover_plan_get_for_user(user, pk) -> TakeoverPlan:
    return get_or_404(takeover_plan_list(actor=_actor(user)), pk)


def takeover_defect_get_for_user(user, pk) -> TakeoverDefect:
    qs = scope_to_estates(
        TakeoverDefect.objects.select_related(
            "plan__project__estate", "plan__building", "item__building", "case", "notice"
        ),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def check_item_get_for_user(user, pk) -> CheckItem:
    qs = scope_to_estates(
        CheckItem.objects.select_related("plan__project__estate", "plan__case", "building"),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def rectification_notice_get_for_user(user, pk) -> RectificationNotice:
    qs = scope_to_estates(
        RectificationNotice.objects.select_related("plan__project__estate__company"),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def plan_estate(plan: TakeoverPlan) -> Estate:
    return plan.project.estate


def open_defects(plan: TakeoverPlan) -> QuerySet[TakeoverDefect]:
    return plan.defects.exclude(case__status=DefectStatus.CLOSED)


def _plan_locked(plan: TakeoverPlan) -> TakeoverPlan:
    return (
        TakeoverPlan.objects.select_for_update(of=("self",))
        .select_related("project__estate", "case", "building")
        .get(pk=plan.pk)
    )


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
