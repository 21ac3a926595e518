"""Keeping the emergency organisation (应急组织架构, EMERG-01..03): each estate's (or the
company-wide) command, on-site and logistics groups, their members, leader and who is on call.

- EMERG-01: the command group is the company's executives; only executives change it.
- EMERG-02: the on-site group is order, engineering and customer-service staff;
- EMERG-03: the logistics group is administration and finance staff. A member of another
  department is accepted with a warning (a small estate lends people), never refused.
- Department heads and executives change the on-site and logistics groups.

Which group an estate uses: its own, else the company's, else (the command group only) the
company's executives (``services.groups``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Company, Estate, Staff
from wuye.core.scoping import Actor

from ..choices import GroupKind
from ..models import EmergencyGroup, GroupMember
from .common import as_actor

__all__ = [
    "GroupView",
    "department_warning",
    "group_get_or_create",
    "groups_effective",
    "member_add",
    "member_remove",
    "member_update",
]

# EMERG-02 / EMERG-03: the departments each group is made of.
FITTING_DEPARTMENTS: dict[str, frozenset[str]] = {
    GroupKind.COMMAND: frozenset({DepartmentKind.EXECUTIVE}),
    GroupKind.ONSITE: frozenset(
        {DepartmentKind.ORDER, DepartmentKind.ENGINEERING, DepartmentKind.CUSTOMER_SERVICE}
    ),
    GroupKind.LOGISTICS: frozenset({DepartmentKind.ADMINISTRATION, DepartmentKind.FINANCE}),
}
DUTY_MAX = 40


def can_manage(actor: Actor, kind: str) -> bool:
    """EMERG-01: executives alone change the command group; heads and executives the others."""
    if actor.is_superuser:
        return True
    if kind == GroupKind.COMMAND:
        return actor.role == Role.EXECUTIVE
    return actor.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)


def _check_manage(actor: Actor, group: EmergencyGroup) -> None:
    if not actor.is_superuser:
        if actor.staff is None or actor.company_id != group.company_id:
            raise Http404
        if group.estate_id is not None and group.estate_id not in actor.estate_ids:
            raise Http404
    if not can_manage(actor, group.kind):
        if group.kind == GroupKind.COMMAND:
            raise PermissionDenied(_("应急指挥小组只能由企业高层调整"))
        raise PermissionDenied(_("只有部门负责人或企业高层可以调整应急小组"))


def department_warning(staff: Staff, kind: str) -> str:
    """A warning (not an error) when the staff member's department does not fit the group."""
    department = getattr(staff.department, "kind", "")
    if department in FITTING_DEPARTMENTS[kind]:
        return ""
    if kind == GroupKind.COMMAND and staff.role == Role.EXECUTIVE:
        return ""
    expected = {
        GroupKind.COMMAND: _("应急指挥小组一般由企业高层组成"),
        GroupKind.ONSITE: _("现场处置小组一般由秩序管理部、工程设备部、客户服务中心人员组成"),
        GroupKind.LOGISTICS: _("后勤保障小组一般由行政部、财务部人员组成"),
    }[kind]
    return _("%(name)s不属于相应部门：%(expected)s") % {"name": staff.name, "expected": expected}


def group_get_or_create(*, company: Company, estate: Estate | None, kind: str,
                        by) -> EmergencyGroup:  # fmt: skip
    """The company's (``estate`` None) or the estate's group of this kind, made on first use."""
    actor = as_actor(by)
    if kind not in GroupKind.values:
        raise ValidationError({"kind": [_("请选择应急小组")]})
    if estate is not None and estate.company_id != company.pk:
        raise Http404
    group = EmergencyGroup.objects.filter(company=company, estate=estate, kind=kind).first()
    if group is not None:
        return group
    probe = EmergencyGroup(company=company, estate=estate, kind=kind)
    _check_manage(actor, probe)
    try:
        with transaction.atomic():
            return EmergencyGroup.objects.create(company=company, estate=estate, kind=kind)
    except IntegrityError:  # made at the same moment by someone else
        return EmergencyGroup.objects.get(company=company, estate=estate, kind=kind)


def _only_leader(member: GroupMember) -> None:
    GroupMember.objects.filter(group=member.group, leader=True).exclude(pk=member.pk).update(
        leader=False
    )


@transaction.atomic
def member_add(
    *,
    group: EmergencyGroup,
    staff: Staff,
    by,
    duty: str = "",
    leader: bool = False,
    on_call: bool = False,
) -> tuple[GroupMember, str]:
    """Add a member; returns the member and a warning ("" when the department fits)."""
    actor = as_actor(by)
    group = EmergencyGroup.objects.select_for_update().get(pk=group.pk)
    _check_manage(actor, group)
    duty = (duty or "").strip()
    errors: dict[str, list[str]] = {}
    if staff.company_id != group.company_id or not staff.is_active:
        errors["staff"] = [_("请选择本公司的在职员工")]
    elif group.estate_id is not None and not (
        staff.role == Role.EXECUTIVE or staff.estates.filter(pk=group.estate_id).exists()
    ):
        errors["staff"] = [_("该员工不负责本项目")]
    if len(duty) > DUTY_MAX:
        errors["duty"] = [_("职务不能超过 %(n)d 个字") % {"n": DUTY_MAX}]
    if not errors and GroupMember.objects.filter(group=group, staff=staff).exists():
        errors["staff"] = [_("该员工已在本小组中")]
    if errors:
        raise ValidationError(errors)
    order = (group.members.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    member = GroupMember.objects.create(group=group, staff=staff, duty=duty, leader=leader,
                                        on_call=on_call, order=order)  # fmt: skip
    if leader:
        _only_leader(member)
    return member, department_warning(staff, group.kind)


@transaction.atomic
def member_update(
    *,
    member: GroupMember,
    by,
    duty: str | None = None,
    leader: bool | None = None,
    on_call: bool | None = None,
) -> GroupMember:
    """Change a member's duty, leader flag (one leader per group) or on-call flag."""
    actor = as_actor(by)
    member = (
        GroupMember.objects.select_for_update().select_related("group", "staff").get(pk=member.pk)
    )
    _check_manage(actor, member.group)
    fields = []
    if duty is not None:
        duty = duty.strip()
        if len(duty) > DUTY_MAX:
            raise ValidationError({"duty": [_("职务不能超过 %(n)d 个字") % {"n": DUTY_MAX}]})
        member.duty = duty
        fields.append("duty")
    if leader is not None:
        member.leader = bool(leader)
        fields.append("leader")
    if on_call is not None:
        member.on_call = bool(on_call)
        fields.append("on_call")
    if fields:
        member.save(update_fields=fields)
        if member.leader:
            _only_leader(member)
    return member


@transaction.atomic
def member_remove(*, member: GroupMember, by) -> None:
    actor = as_actor(by)
    member = GroupMember.objects.select_for_update().select_related("group").get(pk=member.pk)
    _check_manage(actor, member.group)
    member.delete()


@dataclass
class GroupView:
    """One group as an estate actually uses it."""

    kind: str
    label: str
    source: str  # "estate", "company" or "executives"
    source_label: str
    group: EmergencyGroup | None
    members: list = field(default_factory=list)  # GroupMember, or Staff for "executives"
    warnings: list[str] = field(default_factory=list)


def groups_effective(estate: Estate) -> list[GroupView]:
    """For each of the three groups, which one the estate uses (its own, else the company's,
    else for the command group the company's executives) with its members and the warnings of
    members whose department does not fit."""
    groups = {
        (g.estate_id, g.kind): g
        for g in EmergencyGroup.objects.filter(company_id=estate.company_id).filter(
            estate__isnull=True
        )
        | EmergencyGroup.objects.filter(company_id=estate.company_id, estate=estate)
    }
    views = []
    for kind in GroupKind.values:
        own, company = groups.get((estate.pk, kind)), groups.get((None, kind))
        chosen, source = None, ""
        for group, name in ((own, "estate"), (company, "company")):
            if group is not None:
                members = list(
                    group.members.filter(staff__is_active=True)
                    .select_related("staff__department", "staff__user")
                    .order_by("-leader", "order", "pk")
                )
                if members:
                    chosen, source = (group, members), name
                    break
        label = GroupKind(kind).label
        if chosen is None and kind == GroupKind.COMMAND:
            executives = list(
                Staff.objects.filter(
                    company_id=estate.company_id, role=Role.EXECUTIVE, is_active=True
                )
            )
            views.append(GroupView(kind, label, "executives", _("企业高层"), None, executives))
            continue
        if chosen is None:
            views.append(GroupView(kind, label, "", _("未设置"), own or company, []))
            continue
        group, members = chosen
        source_label = _("本项目") if source == "estate" else _("公司统一")
        warnings = [w for w in (department_warning(m.staff, kind) for m in members) if w]
        views.append(GroupView(kind, label, source, source_label, group, members, warnings))
    return views
