"""The project team (INTAKE-02) and the pre-intervention agreement with the developer
(INTAKE-04)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.core.models import Staff
from wuye.core.validators import TEXT_MAX, check_date
from wuye.handover.models import (
    HandoverProject,
    InterventionAgreement,
    Team,
    TeamMember,
    TeamRole,
)
from wuye.workflow import services as engine
from wuye.workflow.models import AttachmentKind

from .common import ROLE_DEPARTMENT, _actor, _case, _check_lead, local_today

# --- Team (INTAKE-02) ----------------------------------------------------------------------------


def team_members(project: HandoverProject) -> list[TeamMember]:
    return list(
        project.team.filter(team=Team.INTERVENTION)
        .select_related("staff__department")
        .order_by("role", "staff__name")
    )


def team_candidates(project: HandoverProject) -> QuerySet[Staff]:
    """INTAKE-02: who may join the team — active staff of the project's estate from the
    customer-service, engineering and order departments, not on the team yet."""
    return (
        Staff.objects.filter(estates=project.estate_id, is_active=True)
        .filter(department__kind__in=[k.value for k in ROLE_DEPARTMENT.values()])
        .exclude(pk__in=project.team.filter(team=Team.INTERVENTION).values("staff"))
        .select_related("department")
        .order_by("department__kind", "name")
    )


def team_missing_roles(project: HandoverProject) -> list[TeamRole]:
    """INTAKE-02: the parts of the team (customer service, engineering, order) not yet filled."""
    have = set(
        project.team.filter(team=Team.INTERVENTION).values_list("role", flat=True).distinct()
    )
    return [role for role in TeamRole if role.value not in have]


@transaction.atomic
def team_member_add(*, project: HandoverProject, staff: Staff, role: str, by) -> TeamMember:
    """Put a member of the customer-service, engineering or order department on the team."""
    actor = _actor(by)
    _check_lead(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    if role not in TeamRole.values:
        errors["role"] = [_("请选择分工：客户服务、工程或秩序")]
    if not staff.is_active or not staff.estates.filter(pk=project.estate_id).exists():
        errors["staff"] = [_("请选择本项目的在职员工")]
    elif role in TeamRole.values and staff.department.kind != ROLE_DEPARTMENT[TeamRole(role)]:
        errors["staff"] = [
            _("%(name)s 不在%(department)s，不能担任“%(role)s”")
            % {
                "name": staff.name,
                "department": DepartmentKind(ROLE_DEPARTMENT[TeamRole(role)]).label,
                "role": TeamRole(role).label,
            }
        ]
    if not errors and project.team.filter(team=Team.INTERVENTION, staff=staff).exists():
        errors["staff"] = [_("%(name)s 已在前期介入小组中") % {"name": staff.name}]
    if errors:
        raise ValidationError(errors)
    member = TeamMember.objects.create(
        project=project, team=Team.INTERVENTION, staff=staff, role=role
    )
    engine.case_act(
        case=case, action="comment", by=actor,
        note=_("加入前期介入小组：%(name)s（%(role)s）")
        % {"name": staff.name, "role": TeamRole(role).label},
        data={"kind": "team_add", "staff": staff.pk, "role": role},
    )  # fmt: skip
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by) -> None:
    actor = _actor(by)
    project = member.project
    _check_lead(actor, project)
    case = _case(project)
    if member.team != Team.INTERVENTION:
        raise Http404
    name, role = member.staff.name, member.role
    member.delete()
    engine.case_act(
        case=case, action="comment", by=actor,
        note=_("退出前期介入小组：%(name)s（%(role)s）")
        % {"name": name, "role": TeamRole(role).label},
        data={"kind": "team_remove", "staff": member.staff_id, "role": role},
    )  # fmt: skip


# --- Agreement (INTAKE-04) -----------------------------------------------------------------------


def _clean_text(value, field: str, errors: dict, *, required: bool, label: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [label or _("此项为必填项")]
    elif len(text) > TEXT_MAX:
        errors[field] = [_("不能超过 %(n)d 字") % {"n": TEXT_MAX}]
    return text


def _clean_past_date(project, value, field: str, errors: dict, *, required: bool = True):
    if value in (None, ""):
        if required:
            errors[field] = [_("请填写日期")]
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[field] = [_("日期格式应为 2026-11-26")]
            return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        errors[field] = [_("日期格式应为 2026-11-26")]
        return None
    if value > local_today(project):
        errors[field] = [_("日期不能晚于今天")]
        return None
    if check_date(value, field=field, label=_("日期"), errors=errors).get(field):
        return None
    return value


@transaction.atomic
def agreement_record(
    *,
    project: HandoverProject,
    signed_on,
    scope: str,
    duties: str,
    attachments: list | None = None,
    by,
) -> InterventionAgreement:
    """Record the signed 《前期介入协议》 (INTAKE-04): its date, the scope of intervention and
    each side's duties, with the scan (a photo, bound to this event of the case). Recording it
    again corrects it; the earlier version stays on the timeline."""
    actor = _actor(by)
    _check_lead(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    signed_on = _clean_past_date(project, signed_on, "signed_on", errors)
    scope = _clean_text(scope, "scope", errors, required=True, label=_("请填写介入范围"))
    duties = _clean_text(duties, "duties", errors, required=True, label=_("请填写双方职责"))
    if errors:
        raise ValidationError(errors)
    existing = InterventionAgreement.objects.filter(project=project).first()
    result = engine.case_act(
        case=case, action="comment", by=actor,
        note=_("登记《前期介入协议》，签订日期 %(day)s\n介入范围：%(scope)s\n双方职责：%(duties)s")
        % {"day": signed_on.isoformat(), "scope": scope, "duties": duties},
        data={"kind": "agreement", "signed_on": signed_on.isoformat()},
        attachments=attachments,
    )  # fmt: skip
    scan = next((a for a in result.event.attachments.all() if a.kind == AttachmentKind.PHOTO), None)
    now = timezone.now()
    agreement = existing or InterventionAgreement(project=project)
    agreement.signed_on, agreement.scope, agreement.duties = signed_on, scope, duties
    if scan is not None:
        agreement.attachment = scan
    agreement.recorded_by, agreement.recorded_at = actor.user, now
    agreement.save()
    return agreement
