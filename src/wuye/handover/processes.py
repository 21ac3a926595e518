"""The handover processes as the engine runs them.

- ``intervention`` (前期介入, INTAKE-03): project liaison → planning/design review → construction
  follow-up → completion-acceptance support → summary, in that order; suggestions, site
  inspections (with photos: INTAKE-11) and weekly meetings are events on the way.
- ``takeover`` (接管验收, TAKEOVER-03): preparation → on-site inspection → rectification →
  confirmation → document handover. Confirmation only when every defect is closed (TAKEOVER-08,
  checked by the service).
- ``takeover_defect``: a failed check item. The developer must fix it within 15 working days of
  the rectification notice (TAKEOVER-07); the clock stops when re-inspection closes it, and an
  overdue defect escalates to the engineering head and the executives.
"""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import Action, Clock, Process, State, register

from .choices import DefectStatus, InterventionStatus, TakeoverStatus

# INTAKE-02 / TAKEOVER-02: customer service, engineering and order maintenance, with their heads.
TEAM = frozenset({Role.CS_AGENT, Role.TECHNICIAN, Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
LEADS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})

I = InterventionStatus  # noqa: E741


def intervention_page(case) -> str:
    """The project page of an ``intervention`` case; the case page while it has no project."""
    from django.urls import reverse

    from wuye.handover.models import HandoverProject

    project = HandoverProject.objects.filter(intervention_case=case).first()
    if project is None:
        return reverse("workflow:case_detail", args=[case.pk])
    return reverse("handover:project_detail", args=[project.pk])


def takeover_page(case) -> str:
    from django.urls import reverse

    return reverse("handover:takeover_detail", args=[case.takeover_plan.pk])


def defect_page(case) -> str:
    from django.urls import reverse

    return reverse("handover:takeover_defect", args=[case.takeover_defect.pk])


T = TakeoverStatus
D = DefectStatus

INTERVENTION = register(
    Process(
        code="intervention",
        label=_("前期介入"),
        prefix="JR",
        department=DepartmentKind.ENGINEERING,
        service="wuye.handover.services.intervention.intervention_case_act",
        page=intervention_page,
        states=(
            State(I.LIAISON, I.LIAISON.label),
            State(I.DESIGN_REVIEW, I.DESIGN_REVIEW.label),
            State(I.CONSTRUCTION, I.CONSTRUCTION.label),
            State(I.COMPLETION, I.COMPLETION.label),
            State(I.SUMMARY, I.SUMMARY.label),
            State(I.CLOSED, I.CLOSED.label, terminal=True),
        ),
        initial=I.LIAISON,
        actions=(
            # INTAKE-04: the agreement is signed before anything else (the service checks it).
            Action("start_design_review", _("进入规划设计评审"), (I.LIAISON,), I.DESIGN_REVIEW,
                   LEADS),
            Action("start_construction", _("进入施工跟进"), (I.DESIGN_REVIEW,), I.CONSTRUCTION,
                   LEADS),
            Action("start_completion", _("进入竣工验收配合"), (I.CONSTRUCTION,), I.COMPLETION,
                   LEADS),
            Action("start_summary", _("进入前期介入总结"), (I.COMPLETION,), I.SUMMARY, LEADS),
            # INTAKE-08: the report goes to the developer and the executives.
            Action("submit_report", _("提交前期介入报告"), (I.SUMMARY,), I.CLOSED, LEADS),
            Action("suggest", _("书面提交建议"), (I.LIAISON, I.DESIGN_REVIEW, I.CONSTRUCTION,
                   I.COMPLETION), None, TEAM, note_required=True),
            Action("answer", _("登记开发企业答复"), (I.LIAISON, I.DESIGN_REVIEW, I.CONSTRUCTION,
                   I.COMPLETION, I.SUMMARY), None, TEAM, note_required=True),
            Action("inspect", _("工地巡查"), (I.CONSTRUCTION, I.COMPLETION), None, TEAM,
                   note_required=True),
            Action("meeting", _("每周例会"), (I.LIAISON, I.DESIGN_REVIEW, I.CONSTRUCTION,
                   I.COMPLETION, I.SUMMARY), None, TEAM, note_required=True),
            Action("comment", _("备注"), tuple(I.values), None, TEAM, note_required=True),
        ),
    )
)  # fmt: skip

TAKEOVER = register(
    Process(
        code="takeover",
        label=_("接管验收"),
        prefix="JG",
        department=DepartmentKind.ENGINEERING,
        service="wuye.handover.services.takeover.takeover_case_act",
        page=takeover_page,
        states=(
            State(T.PREPARING, T.PREPARING.label),
            State(T.INSPECTING, T.INSPECTING.label),
            State(T.RECTIFYING, T.RECTIFYING.label),
            State(T.CONFIRMED, T.CONFIRMED.label),
            State(T.DOCUMENTED, T.DOCUMENTED.label, terminal=True),
        ),
        initial=T.PREPARING,
        actions=(
            Action("start_inspection", _("开始现场检查"), (T.PREPARING,), T.INSPECTING, LEADS),
            Action("check", _("检查记录"), (T.INSPECTING, T.RECTIFYING), None, TEAM),
            Action("start_rectification", _("进入问题整改"), (T.INSPECTING,), T.RECTIFYING,
                   LEADS),
            # TAKEOVER-08: signed only when every defect is closed (the service checks it).
            Action("confirm", _("签署接管验收确认书"), (T.INSPECTING, T.RECTIFYING), T.CONFIRMED,
                   LEADS, requires=("property_signatory", "developer_signatory")),
            Action("hand_over_documents", _("完成资料移交"), (T.CONFIRMED,), T.DOCUMENTED,
                   LEADS),
            Action("comment", _("备注"), tuple(T.values), None, TEAM, note_required=True),
        ),
    )
)  # fmt: skip

TAKEOVER_DEFECT = register(
    Process(
        code="takeover_defect",
        label=_("接管验收问题"),
        prefix="ZG",
        department=DepartmentKind.ENGINEERING,
        service="wuye.handover.services.takeover.defect_case_act",
        page=defect_page,
        states=(
            State(D.FOUND, D.FOUND.label),
            State(D.RECTIFYING, D.RECTIFYING.label),
            State(D.FIXED, D.FIXED.label),
            State(D.CLOSED, D.CLOSED.label, terminal=True),
        ),
        initial=D.FOUND,
        actions=(
            # TAKEOVER-06: on a 《整改通知书》 to the developer (the service issues it).
            Action("notify", _("发出整改通知书"), (D.FOUND,), D.RECTIFYING, LEADS),
            Action("report_fixed", _("开发企业报整改完成"), (D.RECTIFYING,), D.FIXED, TEAM,
                   note_required=True),
            Action("reinspect_pass", _("复查合格，关闭"), (D.FIXED,), D.CLOSED, TEAM),
            Action("reinspect_fail", _("复查不合格，退回整改"), (D.FIXED,), D.RECTIFYING, TEAM,
                   note_required=True, rejects=True),
            Action("comment", _("备注"), tuple(D.values), None, TEAM, note_required=True),
        ),
        clocks=(
            Clock("rectify", "TAKEOVER-07", _("整改期限"), 15, "working_days", ("notify",),
                  ("reinspect_pass",), escalate_to=("department_head", "executive")),
        ),
    )
)  # fmt: skip
