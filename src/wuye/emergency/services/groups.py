"""The emergency organisation (EMERG-01..03): who is in which group of an estate, and the
engine's escalation role ``command_group`` (EMERG-LIFT-06: "上报应急指挥小组").

A group of the estate's own is used when it exists, else the company's; where neither has
anyone, the command group is the company's executives (EMERG-01: "由企业高层组成"), so a
breach is never told to nobody."""

from __future__ import annotations

from wuye.core.choices import Role
from wuye.core.models import Estate, Staff
from wuye.workflow.services import register_escalation_role

from ..choices import GroupKind
from ..models import GroupMember
from ..processes import COMMAND_GROUP

__all__ = ["group_members", "group_users"]


def group_members(estate: Estate, kind: str, *, on_call_only: bool = False) -> list[GroupMember]:
    """The members of the estate's group of this kind (its own, else the company's), active
    staff only, leaders first."""
    members = (
        GroupMember.objects.filter(
            group__company_id=estate.company_id, group__kind=kind, staff__is_active=True
        )
        .select_related("staff__user", "group")
        .order_by("-leader", "order", "pk")
    )
    own = [m for m in members if m.group.estate_id == estate.pk]
    chosen = own or [m for m in members if m.group.estate_id is None]
    if on_call_only:
        chosen = [m for m in chosen if m.on_call or m.leader]
    return chosen


def group_users(estate: Estate, kind: str, *, on_call_only: bool = False) -> list:
    """The login accounts behind ``group_members``; for the command group, the company's
    executives when the group has nobody."""
    users = [m.staff.user for m in group_members(estate, kind, on_call_only=on_call_only)]
    if not users and kind == GroupKind.COMMAND:
        users = [
            s.user
            for s in Staff.objects.filter(
                company_id=estate.company_id, role=Role.EXECUTIVE, is_active=True
            ).select_related("user")
        ]
    seen: set[int] = set()
    return [u for u in users if u.is_active and not (u.pk in seen or seen.add(u.pk))]


def _command_group(estate: Estate) -> list:
    return group_users(estate, GroupKind.COMMAND)


register_escalation_role(COMMAND_GROUP, _command_group)
