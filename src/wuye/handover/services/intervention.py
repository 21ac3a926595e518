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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.validators import TEXT_MAX, check_date, exact_decimal
from wuye.handover.choices import InterventionStatus
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SiteInspection,
    SuggestionStatus,
    SuggestionTopic,
    Team,
    TeamMember,
    TeamRole,
    WeeklyMeeting,
)
from wuye.handover.processes import INTERVENTION, LEADS, TEAM
from wuye.workflow import services as engine
from wuye.workflow.models import Attachment, AttachmentKind, Case, Event

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


# --- Opening the case ----------------------------------------------------------------------------


@transaction.atomic
def intervention_start(project: HandoverProject, by) -> Case:
    """Open the project's pre-intervention case (step 1, 项目对接) and keep it on the project."""
    actor = _actor(by)
    project = (
        HandoverProject.objects.select_for_update().select_related("estate").get(pk=project.pk)
    )
    _check_lead(actor, project)
    if project.intervention_case_id is not None:
        raise Conflict(_("本项目已开始前期介入"), code="already_started")
    case = engine.case_open(
        process=INTERVENTION,
        estate=project.estate,
        title=_("%(estate)s 前期介入") % {"estate": project.estate.name},
        by=actor,
        data={"project": project.pk, "developer": project.developer},
    )
    project.intervention_case = case
    project.save(update_fields=["intervention_case"])
    return case


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


# --- Acting on the case --------------------------------------------------------------------------


# INTAKE-05: the design review proposes improvements for the property-management premises, the
# supporting facilities (elevators, car park…) and the concealed works; each area, its topics.
REVIEW_AREAS = {
    "premises": (_lazy("物业用房"), (SuggestionTopic.PREMISES,)),
    "facilities": (_lazy("配套设施"), (SuggestionTopic.ELEVATOR, SuggestionTopic.PARKING,
                                    SuggestionTopic.FACILITIES)),
    "concealed": (_lazy("隐蔽工程"), (SuggestionTopic.CONCEALED,)),
}  # fmt: skip
# INTAKE-07: the completion acceptance checks above all the installation quality of these.
COMPLETION_CHECKS = {"premises": _lazy("物业用房"), "equipment": _lazy("设施设备")}


def review_areas_missing(project: HandoverProject) -> list[str]:
    """INTAKE-05: the review areas without a written suggestion yet (their labels)."""
    topics = set(project.suggestions.values_list("topic", flat=True))
    return [str(label) for label, area in REVIEW_AREAS.values() if not topics & set(area)]


def completion_checks_missing(project: HandoverProject) -> list[str]:
    """INTAKE-07: what the completion-acceptance inspections have not checked yet (labels)."""
    done: set[str] = set()
    if project.intervention_case_id is not None:
        for data in Event.objects.filter(
            case_id=project.intervention_case_id, action="inspect", from_status=I.COMPLETION
        ).values_list("data", flat=True):
            done.update((data or {}).get("checks") or ())
    return [str(label) for key, label in COMPLETION_CHECKS.items() if key not in done]


def _check_step(project: HandoverProject, action: str) -> None:
    """The rules of the process beyond its order (the engine enforces INTAKE-03's order)."""
    if action == "start_construction":
        missing = review_areas_missing(project)
        if missing:
            raise Conflict(
                _("不能进入施工跟进：规划设计评审尚未就%(areas)s提出书面建议")
                % {"areas": "、".join(missing)},
                code="review_incomplete",
            )
        premises = premises_check(project)
        if premises["problem"]:
            raise Conflict(premises["problem"], code="premises_area")  # INTAKE-09
    if action == "start_summary":
        missing = completion_checks_missing(project)
        if missing:
            raise Conflict(
                _("不能进入前期介入总结：竣工验收配合尚未登记%(what)s安装质量的检查")
                % {"what": "、".join(missing)},
                code="completion_incomplete",
            )
    if action == "start_design_review":
        problems = []
        # INTAKE-04: liaison ends with the agreement signed.
        if not InterventionAgreement.objects.filter(project=project).exists():
            problems.append(_("尚未登记与开发企业签订的《前期介入协议》"))
        missing = team_missing_roles(project)
        if missing:
            problems.append(
                _("前期介入小组缺少%(roles)s人员")
                % {"roles": "、".join(str(r.label) for r in missing)}
            )
        if problems:
            raise Conflict(
                _("不能进入规划设计评审：%(problems)s") % {"problems": "；".join(problems)},
                code="liaison_incomplete",
            )


@transaction.atomic
def intervention_act(
    *,
    project: HandoverProject,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Case:
    """One action on the project's pre-intervention case, through this module's rules. The
    recording actions (suggest, answer, inspect, meeting) take their fields in ``data``."""
    actor = _actor(by)
    if not actor.is_superuser and project.estate_id not in actor.estate_ids:
        raise Http404
    data = dict(data or {})
    if action in RECORD_ACTIONS:
        if action == "suggest":
            suggestion_submit(
                project=project, topic=data.get("topic") or SuggestionTopic.OTHER,
                title=data.get("title") or note.strip()[:50], content=data.get("content") or note,
                number=data.get("number") or "", submitted_on=data.get("submitted_on"), by=actor,
            )  # fmt: skip
        elif action == "answer":
            suggestion = DesignSuggestion.objects.filter(
                project=project, pk=_int(data.get("suggestion"))
            ).first()
            if suggestion is None:
                raise ValidationError({"suggestion": [_("请选择要登记答复的建议")]})
            suggestion_answer(
                suggestion=suggestion, outcome=data.get("outcome", ""),
                answer=data.get("answer") or note, answered_on=data.get("answered_on"), by=actor,
            )  # fmt: skip
        elif action == "inspect":
            inspection_record(
                project=project, inspected_on=data.get("inspected_on"),
                location=data.get("location", ""), findings=data.get("findings") or note,
                concealed_works=_bool(data.get("concealed_works")),
                rectification=data.get("rectification", ""), attachments=attachments,
                checks=_list(data.get("checks")), by=actor,
            )  # fmt: skip
        else:
            meeting_record(
                project=project, held_on=data.get("held_on"),
                attendees=data.get("attendees", ""), minutes=data.get("minutes") or note,
                decisions=data.get("decisions", ""), open_points=data.get("open_points", ""),
                by=actor,
            )  # fmt: skip
        project.refresh_from_db(fields=["intervention_case"])
        return Case.objects.get(pk=project.intervention_case_id)
    case = _case(project)
    if action in STEP_ACTIONS or action == "submit_report":
        # Role and state first (403 / 409 from the engine's own check), then this process's rules.
        if not actor.is_superuser and actor.role not in INTERVENTION.action(action).roles:
            raise PermissionDenied(
                _("您的角色不能执行“%(action)s”") % {"action": INTERVENTION.action(action).label}
            )
        if case.status not in INTERVENTION.action(action).sources:
            current = INTERVENTION.state(case.status).label
            raise Conflict(
                _("前期介入当前处于“%(status)s”，不能执行“%(action)s”（须按顺序：%(order)s）")
                % {
                    "status": current,
                    "action": INTERVENTION.action(action).label,
                    "order": " → ".join(str(INTERVENTION.state(s).label) for s in STEPS),
                },
                code="invalid_state",
            )
        _check_step(project, action)
    if action == "submit_report":
        data = {"sent_to": [project.developer, str(_("企业高层"))], **data}
        note = note.strip() or _("《前期介入报告》已提交开发企业（%(developer)s）与企业高层") % {
            "developer": project.developer
        }
    result = engine.case_act(
        case=case, action=action, by=actor, note=note, data=data, attachments=attachments,
        assignee=assignee,
    )  # fmt: skip
    if action == "submit_report":
        _tell_executives(project, result.case, actor)
    return result.case


def intervention_case_act(*, case: Case, action: str, by, **kwargs) -> Case:
    """The ``intervention`` process's service for the generic case page and API."""
    project = HandoverProject.objects.select_related("estate").filter(intervention_case=case)
    project = project.first()
    if project is None:
        raise Http404
    return intervention_act(project=project, action=action, by=by, **kwargs)


def _tell_executives(project: HandoverProject, case: Case, actor: Actor) -> None:
    """INTAKE-08: the report goes to the company's senior management (their in-app inbox)."""
    from wuye.notify.services import message_enqueue

    url = reverse("handover:project_detail", args=[project.pk])
    for user in engine.escalation_recipients(case, (Role.EXECUTIVE,), ""):
        message_enqueue(
            recipient=user, template="intervention_report", estate=project.estate,
            ref=case.number, url=url,
            context={"estate": project.estate.name, "developer": project.developer},
            idempotency_key=f"intervention_report:{case.pk}:{user.pk}",
        )  # fmt: skip


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v for v in str(value or "").replace("，", ",").split(",") if v]


def _bool(value) -> bool:
    return value is True or str(value).lower() in ("1", "on", "true", "yes")


# --- Design-review suggestions (INTAKE-05/09/10/11/13) -------------------------------------------


def suggestion_number_next(project: HandoverProject, year: int) -> str:
    """JY-YG-2026-003: the project's written suggestions of the year, in order."""
    prefix = f"JY-{project.estate.code}-{year}-"
    taken = set(
        DesignSuggestion.objects.filter(project=project, number__startswith=prefix).values_list(
            "number", flat=True
        )
    )
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _at_day(project: HandoverProject, day: dt.date | None) -> dt.datetime:
    """A past day as a time on it (noon, local); today or none: now."""
    now = timezone.now()
    if day is None or day >= local_today(project, now):
        return now
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=estate_zone(project))


@transaction.atomic
def suggestion_submit(
    *,
    project: HandoverProject,
    topic: str,
    title: str,
    content: str,
    number: str = "",
    submitted_on=None,
    by,
) -> DesignSuggestion:
    """A suggestion to the developer, in writing (INTAKE-13: a numbered letter, never a verbal
    promise), recorded as a ``suggest`` event; it stays open until the answer is recorded."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    if topic not in SuggestionTopic.values:
        errors["topic"] = [_("请选择建议类别")]
    title = _clean_text(title, "title", errors, required=True, label=_("请填写标题"))
    if len(title) > 100:
        errors["title"] = [_("标题不能超过 100 字")]
    content = _clean_text(
        content, "content", errors, required=True, label=_("请填写书面建议的内容")
    )
    day = _clean_past_date(project, submitted_on, "submitted_on", errors, required=False)
    number = str(number or "").strip()
    if len(number) > 32:
        errors["number"] = [_("函件编号不能超过 32 个字符")]
    elif number and DesignSuggestion.objects.filter(project=project, number=number).exists():
        errors["number"] = [_("函件编号 %(number)s 已被使用") % {"number": number}]
    if errors:
        raise ValidationError(errors)
    submitted_at = _at_day(project, day)
    number = number or suggestion_number_next(
        project, timezone.localtime(submitted_at, estate_zone(project)).year
    )
    try:
        with transaction.atomic():
            suggestion = DesignSuggestion.objects.create(
                project=project, number=number, topic=topic, title=title, content=content,
                submitted_at=submitted_at, submitted_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        message = _("函件编号 %(number)s 刚被他人使用，请重新提交") % {"number": number}
        raise Conflict(message) from None
    engine.case_act(
        case=case, action="suggest", by=actor,
        note=_("书面建议 %(number)s【%(topic)s】%(title)s：%(content)s")
        % {"number": number, "topic": SuggestionTopic(topic).label, "title": title,
           "content": content},
        data={"suggestion": suggestion.pk, "number": number, "topic": topic},
    )  # fmt: skip
    return suggestion


OUTCOMES = (SuggestionStatus.ADOPTED, SuggestionStatus.REJECTED)


@transaction.atomic
def suggestion_answer(
    *, suggestion: DesignSuggestion, outcome: str, answer: str, answered_on=None, by
) -> DesignSuggestion:
    """The developer's written answer to a suggestion: adopted or not. Recorded once."""
    actor = _actor(by)
    project = suggestion.project
    _check_member(actor, project)
    case = _case(project)
    suggestion = DesignSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.SUBMITTED:
        raise Conflict(
            _("建议 %(number)s 已登记答复（%(status)s）")
            % {"number": suggestion.number, "status": suggestion.get_status_display()},
            code="already_answered",
        )
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("请选择开发企业是否采纳")]
    answer = _clean_text(answer, "answer", errors, required=True, label=_("请填写开发企业的答复"))
    day = _clean_past_date(project, answered_on, "answered_on", errors, required=False)
    if day is not None and day < _local_date(project, suggestion.submitted_at):
        errors["answered_on"] = [_("答复日期不能早于建议提交日期")]
    if errors:
        raise ValidationError(errors)
    suggestion.status = outcome
    suggestion.developer_answer = answer
    suggestion.answered_at = _at_day(project, day)
    suggestion.answer_recorded_by = actor.user
    suggestion.save(
        update_fields=["status", "developer_answer", "answered_at", "answer_recorded_by"]
    )
    engine.case_act(
        case=case, action="answer", by=actor,
        note=_("建议 %(number)s 开发企业答复（%(outcome)s）：%(answer)s")
        % {"number": suggestion.number, "outcome": SuggestionStatus(outcome).label,
           "answer": answer},
        data={"suggestion": suggestion.pk, "number": suggestion.number, "outcome": outcome},
    )  # fmt: skip
    return suggestion


def suggestion_list(
    project: HandoverProject, *, status: str = "", topic: str = "", q: str = ""
) -> QuerySet[DesignSuggestion]:
    qs = project.suggestions.select_related("submitted_by__staff").order_by("-submitted_at", "-id")
    if status == "open":
        qs = qs.filter(status=SuggestionStatus.SUBMITTED)
    elif status in SuggestionStatus.values:
        qs = qs.filter(status=status)
    if topic in SuggestionTopic.values:
        qs = qs.filter(topic=topic)
    if q.strip():
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    return qs


def elevator_ratio(project: HandoverProject) -> list[dict]:
    """INTAKE-10 helper: each building's households (rooms entered) against its elevators
    (equipment of category elevator), where known."""
    from wuye.facilities.models import Equipment, EquipmentCategory

    buildings = project.estate.buildings.annotate(households=Count("rooms")).order_by(
        "sort", "name"
    )
    elevators = dict(
        Equipment.objects.filter(
            estate=project.estate, category=EquipmentCategory.ELEVATOR, building__isnull=False
        )
        .values_list("building_id")
        .annotate(n=Count("id"))
        .values_list("building_id", "n")
    )
    rows = []
    for b in buildings:
        n = elevators.get(b.pk, 0)
        rows.append(
            {
                "building": b.name,
                "households": b.households,
                "elevators": n,
                "per_elevator": round(b.households / n, 1) if n else None,
            }
        )
    return rows


# --- Site inspections (INTAKE-06/11) --------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    project: HandoverProject,
    inspected_on,
    location: str,
    findings: str,
    concealed_works: bool = False,
    rectification: str = "",
    attachments: list | None = None,
    checks: list[str] | tuple[str, ...] = (),
    by,
) -> SiteInspection:
    """A construction-site inspection (INTAKE-06): what was seen where, the rectification
    opinion raised, and for concealed works the photos that keep them traceable (INTAKE-11)."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    day = _clean_past_date(project, inspected_on, "inspected_on", errors)
    location = _clean_text(location, "location", errors, required=True,
                           label=_("请填写巡查部位，如“3栋地下室给水管”"))  # fmt: skip
    if len(location) > 100:
        errors["location"] = [_("巡查部位不能超过 100 字")]
    findings = _clean_text(findings, "findings", errors, required=True,
                           label=_("请填写巡查情况"))  # fmt: skip
    rectification = _clean_text(rectification, "rectification", errors, required=False)
    checks = [c for c in COMPLETION_CHECKS if c in set(checks or ())]
    if checks and case.status != I.COMPLETION:
        errors["checks"] = [_("物业用房、设施设备安装质量的检查在“竣工验收配合”阶段登记")]
    files = list(attachments or [])
    if concealed_works and not files:
        # INTAKE-11: concealed works leave a photo record for later maintenance.
        errors["photos"] = [_("涉及隐蔽工程的巡查须上传施工照片")]
    if errors:
        raise ValidationError(errors)
    if case.status not in INSPECTION_STATES:
        raise Conflict(
            _("工地巡查在“施工跟进”和“竣工验收配合”阶段登记，本项目当前为“%(status)s”")
            % {"status": INTERVENTION.state(case.status).label},
            code="invalid_state",
        )
    note = _("%(day)s 巡查 %(location)s：%(findings)s") % {
        "day": day.isoformat(), "location": location, "findings": findings,
    }  # fmt: skip
    if concealed_works:
        note += _("（隐蔽工程）")
    if rectification:
        note += "\n" + _("整改意见：%(text)s") % {"text": rectification}
    result = engine.case_act(
        case=case, action="inspect", by=actor, note=note, attachments=files,
        data={"inspected_on": day.isoformat(), "location": location,
              "concealed_works": bool(concealed_works), "checks": checks},
    )  # fmt: skip
    return SiteInspection.objects.create(
        project=project, inspected_on=day, location=location, findings=findings,
        concealed_works=bool(concealed_works), rectification=rectification, event=result.event,
        inspector=actor.user, recorded_at=result.event.at,
    )  # fmt: skip


@transaction.atomic
def inspection_interval_set(*, project: HandoverProject, days, by) -> HandoverProject:
    """INTAKE-06 says "periodically" without a figure: each project sets its interval."""
    actor = _actor(by)
    _check_lead(actor, project)
    value = _int(days)
    if value is None or not 1 <= value <= MAX_INTERVAL_DAYS:
        raise ValidationError({"days": [_("巡查周期应为 1～%(n)d 天") % {"n": MAX_INTERVAL_DAYS}]})
    project.inspection_interval_days = value
    project.save(update_fields=["inspection_interval_days"])
    return project


# --- INTAKE-09: the property-management premises, sized at a set proportion -------------------

PREMISES_FIELDS = {
    "total_floor_area": _lazy("项目总建筑面积"),
    "premises_area": _lazy("物业管理用房面积"),
}


def _clean_area(value, field: str, label, errors: dict, *, places: int, maximum: Decimal):
    if value is None or str(value).strip() == "":
        return None
    try:  # refused, never rounded
        number = exact_decimal(value, places=places, field=field, label=label,
                               invalid=_("%(label)s应为数字") % {"label": label})  # fmt: skip
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None
    if not Decimal(0) < number <= maximum:
        errors[field] = [_("%(label)s应大于 0 且不超过 %(max)s") % {"label": label, "max": maximum}]
    return number


@transaction.atomic
def premises_area_set(
    *,
    project: HandoverProject,
    total_floor_area=None,
    premises_area=None,
    premises_ratio=None,
    by,
) -> HandoverProject:
    """INTAKE-09: the project's total floor area, its premises area and the proportion its
    contract or local regulation sets (in %, the manual gives none). Empty clears a figure."""
    actor = _actor(by)
    _check_lead(actor, project)
    errors: dict[str, list[str]] = {}
    total = _clean_area(total_floor_area, "total_floor_area", _("项目总建筑面积"), errors,
                        places=2, maximum=Decimal("9999999999.99"))  # fmt: skip
    area = _clean_area(premises_area, "premises_area", _("物业管理用房面积"), errors,
                       places=2, maximum=Decimal("9999999999.99"))  # fmt: skip
    ratio = _clean_area(premises_ratio, "premises_ratio", _("物业用房配置比例"), errors,
                        places=3, maximum=Decimal(100))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    project = HandoverProject.objects.select_for_update().get(pk=project.pk)
    project.total_floor_area, project.premises_area, project.premises_ratio = total, area, ratio
    project.save(update_fields=["total_floor_area", "premises_area", "premises_ratio"])
    return project


def premises_required_area(project: HandoverProject) -> Decimal | None:
    """Total floor area × proportion (%), to the square metre's hundredth (rounded up)."""
    if project.premises_ratio is None or project.total_floor_area is None:
        return None
    required = project.total_floor_area * project.premises_ratio / Decimal(100)
    return required.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def premises_check(project: HandoverProject) -> dict:
    """INTAKE-09: whether the premises area meets the project's proportion. ``ok`` is None when
    no proportion is set (nothing to check); ``problem`` is the reason leaving the design
    review is refused, or ""."""
    required = premises_required_area(project)
    result = {"ratio": project.premises_ratio, "total": project.total_floor_area,
              "area": project.premises_area, "required": required, "ok": None,
              "problem": "", "ratio_text": ""}  # fmt: skip
    if project.premises_ratio is None:
        return result
    result["ratio_text"] = f"{project.premises_ratio.normalize():f}"  # 0.4, never 1E+2
    missing = [str(label) for field, label in PREMISES_FIELDS.items()
               if getattr(project, field) is None]  # fmt: skip
    if missing:
        result["ok"] = False
        result["problem"] = _("不能进入施工跟进：已设定物业用房配置比例，请先登记%(what)s") % {
            "what": "、".join(missing)
        }
        return result
    result["ok"] = project.premises_area >= required
    if not result["ok"]:
        result["problem"] = _(
            "不能进入施工跟进：物业管理用房面积 %(area)s ㎡ 低于按总建筑面积 %(ratio)s%% 配置的 "
            "%(required)s ㎡"
        ) % {"area": project.premises_area, "ratio": result["ratio_text"],
             "required": required}  # fmt: skip
    return result


@dataclass(frozen=True)
class InspectionDue:
    active: bool  # the case is in a stage with site inspections
    last: dt.date | None
    next_due: dt.date | None
    overdue_days: int  # 0 when not overdue

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def _step_started(project: HandoverProject, state: str) -> dt.datetime | None:
    if project.intervention_case_id is None:
        return None
    if state == STEPS[0]:
        return project.intervention_case.created_at
    return (
        Event.objects.filter(case_id=project.intervention_case_id, to_status=state)
        .exclude(from_status=state)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def inspection_due(project: HandoverProject, today: dt.date | None = None) -> InspectionDue:
    """INTAKE-06: the next inspection is due ``inspection_interval_days`` (calendar days) after
    the last one, or after construction follow-up began; past that day it is overdue."""
    today = today or local_today(project)
    case = current_case(project)
    last = project.inspections.order_by("-inspected_on").values_list("inspected_on", flat=True)
    last = last.first()
    if case is None or case.status not in INSPECTION_STATES:
        return InspectionDue(active=False, last=last, next_due=None, overdue_days=0)
    started = _local_date(project, _step_started(project, I.CONSTRUCTION))
    basis = max(d for d in (last, started) if d is not None) if (last or started) else today
    next_due = basis + dt.timedelta(days=project.inspection_interval_days)
    return InspectionDue(
        active=True, last=last, next_due=next_due, overdue_days=max(0, (today - next_due).days)
    )


def inspection_photos(inspection: SiteInspection) -> list[Attachment]:
    return photos_by_event([inspection]).get(inspection.event_id, [])


def photos_by_event(inspections) -> dict[int, list[Attachment]]:
    """The photos of several inspections in one query, by the event that holds them."""
    ids = [i.event_id for i in inspections if i.event_id is not None]
    photos: dict[int, list[Attachment]] = {}
    if not ids:
        return photos
    for a in Attachment.objects.filter(event_id__in=ids, kind=AttachmentKind.PHOTO).order_by(
        "uploaded_at", "id"
    ):
        photos.setdefault(a.event_id, []).append(a)
    return photos


def inspection_list(
    project: HandoverProject, *, location: str = "", concealed: bool = False
) -> QuerySet[SiteInspection]:
    """The project's site inspections, latest first; ``location`` searches the place,
    ``concealed`` keeps those of concealed works (the list page's and the API's filters)."""
    qs = project.inspections.select_related("inspector__staff")
    location = location.strip()
    if location:
        qs = qs.filter(location__icontains=location)
    if concealed:
        qs = qs.filter(concealed_works=True)
    return qs


def concealed_gallery(project: HandoverProject, location: str = "") -> list[dict]:
    """INTAKE-11: the photos of concealed works by location, kept for later maintenance;
    ``location``: only the places whose name contains it."""
    inspections = list(
        project.inspections.filter(concealed_works=True, event__isnull=False).order_by(
            "location", "-inspected_on", "-id"
        )
    )
    location = location.strip()
    if location:
        inspections = [i for i in inspections if location in i.location]
    photos = photos_by_event(inspections)
    groups: dict[str, dict] = {}
    for inspection in inspections:
        group = groups.setdefault(
            inspection.location, {"location": inspection.location, "items": []}
        )
        group["items"].append(
            {"inspection": inspection, "photos": photos.get(inspection.event_id, [])}
        )
    return list(groups.values())


# --- Weekly meetings (INTAKE-12) ------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    project: HandoverProject,
    held_on,
    attendees: str,
    minutes: str,
    decisions: str = "",
    open_points: str = "",
    by,
) -> WeeklyMeeting:
    """The weekly meeting with the developer (INTAKE-12): minutes, decisions, open points."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    day = _clean_past_date(project, held_on, "held_on", errors)
    attendees = _clean_text(attendees, "attendees", errors, required=True,
                            label=_("请填写参会人员"))  # fmt: skip
    minutes = _clean_text(minutes, "minutes", errors, required=True, label=_("请填写会议纪要"))
    decisions = _clean_text(decisions, "decisions", errors, required=False)
    open_points = _clean_text(open_points, "open_points", errors, required=False)
    if day is not None and project.meetings.filter(held_on=day).exists():
        errors["held_on"] = [_("%(day)s 已登记过例会") % {"day": day.isoformat()}]
    if errors:
        raise ValidationError(errors)
    note = _("%(day)s 例会纪要：%(minutes)s") % {"day": day.isoformat(), "minutes": minutes}
    if decisions:
        note += "\n" + _("会议决定：%(text)s") % {"text": decisions}
    if open_points:
        note += "\n" + _("待办事项：%(text)s") % {"text": open_points}
    result = engine.case_act(
        case=case, action="meeting", by=actor, note=note, data={"held_on": day.isoformat()}
    )
    try:
        with transaction.atomic():
            return WeeklyMeeting.objects.create(
                project=project, held_on=day, attendees=attendees, minutes=minutes,
                decisions=decisions, open_points=open_points, recorded_by=actor.user,
                recorded_at=result.event.at,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            {"held_on": [_("%(day)s 已登记过例会") % {"day": day.isoformat()}]}
        ) from None


@dataclass(frozen=True)
class MeetingWeeks:
    gaps: list[tuple[dt.date, dt.date]]  # past weeks (Monday, Sunday) without a meeting
    this_week_pending: bool  # the current week has had none yet (not a gap until it ends)


def meeting_weeks(project: HandoverProject, today: dt.date | None = None) -> MeetingWeeks:
    """INTAKE-12: the weeks (Monday to Sunday) of the active stages — from the week the case
    opened to the week it closed, or this week — that had no meeting with the developer."""
    case = current_case(project)
    if case is None:
        return MeetingWeeks(gaps=[], this_week_pending=False)
    today = today or local_today(project)
    start = _local_date(project, case.created_at)
    end = _local_date(project, case.closed_at) if case.closed_at else today
    held = set(project.meetings.values_list("held_on", flat=True))
    monday = start - dt.timedelta(days=start.weekday())
    gaps = []
    pending = False
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        had = any(monday + dt.timedelta(days=i) in held for i in range(7))
        if not had:
            if sunday < today:
                gaps.append((monday, sunday))
            elif case.closed_at is None:
                pending = True
        monday += dt.timedelta(days=7)
    return MeetingWeeks(gaps=gaps, this_week_pending=pending)


def open_points(project: HandoverProject) -> list[dict]:
    """What is still open: suggestions without an answer and the latest meetings' open points."""
    points = [
        {"kind": "suggestion", "text": f"{s.number} {s.title}", "since": s.submitted_at}
        for s in project.suggestions.filter(status=SuggestionStatus.SUBMITTED).order_by(
            "submitted_at"
        )
    ]
    # The latest meeting's list supersedes the earlier ones.
    latest = project.meetings.order_by("-held_on").first()
    if latest is not None:
        for line in latest.open_points.splitlines():
            if line.strip():
                points.append({"kind": "meeting", "text": line.strip(), "since": latest.held_on})
    return points


# --- The stage ------------------------------------------------------------------------------------


def step_timeline(project: HandoverProject) -> list[dict]:
    """INTAKE-03: each step in order with the day it began and whether it is done, current or
    to come."""
    case = current_case(project)
    started: dict[str, dt.datetime] = {}
    if case is not None:
        started[STEPS[0]] = case.created_at
        for to_status, at in (
            Event.objects.filter(case=case)
            .exclude(to_status="")
            .exclude(to_status=F("from_status"))
            .order_by("at", "id")
            .values_list("to_status", "at")
        ):
            started.setdefault(to_status, at)
    rows = []
    current = case.status if case is not None else None
    reached = True
    for code in (*STEPS, I.CLOSED):
        if code == current:
            state = "current" if code != I.CLOSED else "done"
            reached = False
        elif case is None or not reached:
            state = "todo"
        else:
            state = "done"
        rows.append(
            {
                "code": code,
                # The closing step is the report's submission (INTAKE-08).
                "label": _("提交报告") if code == I.CLOSED else INTERVENTION.state(code).label,
                "state": state,
                "on": _local_date(project, started.get(code)),
            }
        )
    return rows
