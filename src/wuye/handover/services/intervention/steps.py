"""Opening the pre-intervention case and acting on it, step by step (INTAKE-01..14), and the stage
a project is at."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    InterventionAgreement,
    SuggestionTopic,
)
from wuye.handover.processes import INTERVENTION
from wuye.handover.services.intervention.common import COMPLETION_CHECKS, _int
from wuye.workflow import services as engine
from wuye.workflow.models import Case, Event

from .common import (
    RECORD_ACTIONS,
    STEP_ACTIONS,
    STEPS,
    I,
    _actor,
    _case,
    _check_lead,
    _local_date,
    current_case,
)
from .inspections import inspection_record
from .meetings import meeting_record
from .premises import premises_check
from .suggestions import suggestion_answer, suggestion_submit
from .team import team_missing_roles

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


# --- Acting on the case --------------------------------------------------------------------------


# INTAKE-05: the design review proposes improvements for the property-management premises, the
# supporting facilities (elevators, car park…) and the concealed works; each area, its topics.
REVIEW_AREAS = {
    "premises": (_lazy("物业用房"), (SuggestionTopic.PREMISES,)),
    "facilities": (_lazy("配套设施"), (SuggestionTopic.ELEVATOR, SuggestionTopic.PARKING,
                                    SuggestionTopic.FACILITIES)),
    "concealed": (_lazy("隐蔽工程"), (SuggestionTopic.CONCEALED,)),
}  # fmt: skip


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


def _list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v for v in str(value or "").replace("，", ",").split(",") if v]


def _bool(value) -> bool:
    return value is True or str(value).lower() in ("1", "on", "true", "yes")


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
