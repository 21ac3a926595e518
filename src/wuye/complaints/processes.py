"""The complaint process (投诉, manual ch.8) as the engine runs it.

COMPLAINT-01/04: receive → classify → assign → track → reply → archive and analyse, a closed loop.
COMPLAINT-03: customer service receives and tracks, the responsible department handles, an
executive approves the resolution of a major complaint. Deadlines start at receipt (the manual
does not say receipt or assignment for COMPLAINT-09/10: receipt is the stricter reading, and the
one the owner experiences).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, SYSTEM, Action, Clock, Process, State, register

from .choices import Status, Urgency

S = Status
DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# Who may work on a complaint of their department (the service checks the department).
HANDLERS = frozenset({Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.TECHNICIAN, Role.GUARD,
                      Role.CLEANER, Role.GARDENER, Role.FINANCE_CLERK, Role.EXECUTIVE})  # fmt: skip
EXECUTIVE = frozenset({Role.EXECUTIVE})
RESIDENT = frozenset({Role.RESIDENT})
ANYONE = DESK | HANDLERS | RESIDENT
# Who may open the desk's pages and files: every staff role that works complaints (the desk, the
# heads and executives, the handling departments) and the auditors, who only read.
DESK_VIEWERS = DESK | HANDLERS | frozenset({Role.AUDITOR})
URGENT = (("urgency", Urgency.URGENT.value),)
GENERAL = (("urgency", Urgency.GENERAL.value),)
# Before a handling deadline: the handler, their department head and the desk are warned; at the
# breach the executives too (issue 5: "desk and department head before and at breach").
HANDLE_CHAIN = ("assignee", "department_head", "cs_agent", "executive")
OPEN = (S.WAITING_ASSIGN, S.HANDLING, S.WAITING_APPROVAL, S.WAITING_REPLY, S.REPLIED)


def resident_cases(actor) -> Q:
    """A resident sees the complaints they made (as the complainant or the one who filed)."""
    return Q(complaint__complainant=actor.resident) | Q(complaint__reported_by=actor.user)


def complaint_page(case) -> str:
    from django.urls import reverse

    return reverse("complaints:detail", args=[case.complaint.pk])


COMPLAINT = register(
    Process(
        code="complaint",
        label=_("投诉"),
        prefix="TS",
        department=DepartmentKind.CUSTOMER_SERVICE,  # COMPLAINT-03: customer service tracks
        resident_cases=resident_cases,
        service="wuye.complaints.services.complaints.complaint_case_act",
        page=complaint_page,
        states=(
            State(S.WAITING_ASSIGN, S.WAITING_ASSIGN.label),
            State(S.HANDLING, S.HANDLING.label),
            State(S.WAITING_APPROVAL, S.WAITING_APPROVAL.label),
            State(S.WAITING_REPLY, S.WAITING_REPLY.label),
            State(S.REPLIED, S.REPLIED.label),
            State(S.ARCHIVED, S.ARCHIVED.label, terminal=True),
            State(S.CANCELLED, S.CANCELLED.label, terminal=True),
        ),
        initial=S.WAITING_ASSIGN,
        actions=(
            Action("reclassify", _("调整分类"), (S.WAITING_ASSIGN, S.HANDLING), None, DESK,
                   note_required=True, requires=("urgency",), updates=("urgency", "type")),
            # COMPLAINT-08: assigned to the responsible department (a person is optional).
            Action("assign", _("分派"), (S.WAITING_ASSIGN,), S.HANDLING, DESK,
                   requires=("department",), assigns=True, assignee_optional=True,
                   updates=("department",)),
            Action("reassign", _("改派"), (S.HANDLING,), None, DESK, note_required=True,
                   requires=("department",), assigns=True, assignee_optional=True,
                   updates=("department",)),
            # COMPLAINT-11: the department's progress of the day, for the ledger.
            Action("progress", _("处理进展"), (S.HANDLING,), None, HANDLERS, note_required=True),
            Action("mark_major", _("列为重大投诉"), (S.WAITING_ASSIGN, S.HANDLING), None, DESK,
                   note_required=True),
            Action("escalate_major", _("超时升级为重大投诉"), (S.WAITING_ASSIGN, S.HANDLING), None,
                   frozenset({SYSTEM})),
            Action("resolve", _("处理完成"), (S.HANDLING,), S.WAITING_REPLY, HANDLERS,
                   requires=("resolution", "measure")),
            # COMPLAINT-03: a major complaint's resolution goes to an executive first.
            Action("submit_approval", _("提交审批"), (S.HANDLING,), S.WAITING_APPROVAL, HANDLERS,
                   requires=("resolution", "measure")),
            Action("approve", _("审批通过"), (S.WAITING_APPROVAL,), S.WAITING_REPLY, EXECUTIVE),
            Action("send_back", _("退回重办"), (S.WAITING_APPROVAL,), S.HANDLING, EXECUTIVE,
                   note_required=True, rejects=True),
            # COMPLAINT-12/13: the reply, with an apology and the improvement measure.
            Action("reply", _("回复业主"), (S.WAITING_REPLY,), S.REPLIED, DESK,
                   requires=("channel", "text")),
            Action("rate", _("评价"), (S.REPLIED,), S.ARCHIVED, RESIDENT,
                   requires=("satisfaction",)),
            Action("archive", _("归档"), (S.REPLIED,), S.ARCHIVED, DESK),
            # Not satisfied: the complaint is archived and handled again as a new, linked one.
            Action("reopen", _("不满意，重新处理"), (S.REPLIED, S.ARCHIVED), S.ARCHIVED,
                   RESIDENT | DESK, note_required=True),
            Action("cancel", _("撤销"), (S.WAITING_ASSIGN, S.HANDLING), S.CANCELLED, DESK,
                   note_required=True),
            Action("link_repair", _("关联报修单"), (*OPEN, S.ARCHIVED), None, DESK,
                   requires=("repair_order",)),
            Action("comment", _("备注"), (*OPEN, S.ARCHIVED, S.CANCELLED), None, ANYONE,
                   note_required=True),
        ),
        clocks=(
            Clock("assign", "COMPLAINT-08", _("分派时限"), 1, "hours", (CREATED,), ("assign",),
                  escalate_to=("cs_agent", "department_head", "executive")),
            Clock("handle_general", "COMPLAINT-09", _("处理时限"), 3, "working_days",
                  (CREATED,), ("resolve", "submit_approval"), only_if=GENERAL,
                  escalate_to=HANDLE_CHAIN, warn_count=3),
            Clock("handle_urgent", "COMPLAINT-10", _("处理时限"), 1, "working_days",
                  (CREATED,), ("resolve", "submit_approval"), only_if=URGENT,
                  escalate_to=HANDLE_CHAIN, warn_count=3),
            Clock("reply", "COMPLAINT-12", _("回复时限"), 24, "hours", ("resolve", "approve"),
                  ("reply",), escalate_to=("cs_agent", "executive")),
        ),
    )
)  # fmt: skip
