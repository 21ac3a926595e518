"""The repair process (报修, manual ch.3 part 2) as the engine runs it.

REPAIR-03: intake → classification → dispatch → repair → acceptance → charging → follow-up.
Every deadline starts at the report time (RULES.md: "start point implied").
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, SYSTEM, Action, Clock, Process, State, register

from .choices import Status, Urgency

DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
TECH = frozenset({Role.TECHNICIAN})
RESIDENT = frozenset({Role.RESIDENT})
EMERGENCY = (("urgency", Urgency.EMERGENCY.value),)
GENERAL = (("urgency", Urgency.GENERAL.value),)
S = Status

ANYONE = DESK | TECH | RESIDENT | frozenset({Role.DEPARTMENT_HEAD})
# Who works with the desk's pages and files (the list, its export, intake, the price list): the
# desk itself, engineering (technicians look orders up) and the auditors.
DESK_VIEWERS = DESK | TECH | frozenset({Role.AUDITOR})
OPEN = (S.WAITING_DISPATCH, S.WAITING_ACCEPT, S.IN_PROGRESS, S.WAITING_ACCEPTANCE,
        S.WAITING_REVISIT)  # fmt: skip


def resident_cases(actor) -> Q:
    """A resident sees the orders of the rooms they live in and the ones they reported."""
    from wuye.core.scoping import visible_rooms

    return Q(repair_order__room__in=visible_rooms(actor)) | Q(repair_order__reported_by=actor.user)


def order_page(case) -> str:
    from django.urls import reverse

    return reverse("repairs:detail", args=[case.repair_order.pk])


REPAIR = register(
    Process(
        code="repair",
        label=_("报修"),
        prefix="BX",
        department=DepartmentKind.ENGINEERING,  # REPAIR-01: engineering carries out the repair
        resident_cases=resident_cases,
        service="wuye.repairs.services.repair_case_act",
        page=order_page,
        states=(
            State(S.WAITING_DISPATCH, S.WAITING_DISPATCH.label),
            State(S.WAITING_ACCEPT, S.WAITING_ACCEPT.label),
            State(S.IN_PROGRESS, S.IN_PROGRESS.label),
            State(S.WAITING_ACCEPTANCE, S.WAITING_ACCEPTANCE.label),
            State(S.WAITING_REVISIT, S.WAITING_REVISIT.label),
            State(S.DONE, S.DONE.label, terminal=True),
            State(S.CLOSED, S.CLOSED.label, terminal=True),
            State(S.CANCELLED, S.CANCELLED.label, terminal=True),
        ),
        initial=S.WAITING_DISPATCH,
        actions=(
            # REPAIR-04: the desk may correct the classification; the clocks follow it.
            Action("reclassify", _("调整分类"), (S.WAITING_DISPATCH, S.WAITING_ACCEPT,
                   S.IN_PROGRESS), None, DESK, note_required=True, requires=("urgency",),
                   updates=("urgency", "category")),
            # REPAIR-07: dispatched through the system to engineering.
            Action("dispatch", _("派单"), (S.WAITING_DISPATCH,), S.WAITING_ACCEPT, DESK,
                   assigns=True),
            Action("grab", _("抢单"), (S.WAITING_DISPATCH,), S.WAITING_ACCEPT, TECH, assigns=True),
            Action("reassign", _("改派"), (S.WAITING_ACCEPT, S.IN_PROGRESS), S.WAITING_ACCEPT,
                   DESK, assigns=True, note_required=True),
            Action("accept", _("接单"), (S.WAITING_ACCEPT,), S.IN_PROGRESS, TECH,
                   assignee_only=True),
            Action("hand_back", _("退单"), (S.WAITING_ACCEPT, S.IN_PROGRESS), S.WAITING_DISPATCH,
                   TECH, assignee_only=True, note_required=True),
            # REPAIR-14/15: badge and uniform, dust sheets — confirmed on arrival.
            Action("arrive", _("到达现场"), (S.IN_PROGRESS,), None, TECH, assignee_only=True,
                   requires=("badge_uniform", "dust_sheet")),
            Action("diagnose", _("故障诊断"), (S.IN_PROGRESS,), None, TECH, assignee_only=True,
                   requires=("diagnosis",)),
            # Materials used and chargeable items (REPAIR-11) come with the completion.
            Action("complete", _("完成维修"), (S.IN_PROGRESS,), S.WAITING_ACCEPTANCE, TECH,
                   assignee_only=True, photos=1),
            # REPAIR-10: the owner accepts in the portal, or signs on the technician's phone;
            # accepting confirms the amount shown (REPAIR-11).
            Action("confirm", _("确认验收"), (S.WAITING_ACCEPTANCE,), S.WAITING_REVISIT, RESIDENT),
            Action("sign_off", _("业主签字验收"), (S.WAITING_ACCEPTANCE,), S.WAITING_REVISIT, TECH,
                   assignee_only=True, signature=True),
            Action("reject", _("验收不通过"), (S.WAITING_ACCEPTANCE,), S.IN_PROGRESS, RESIDENT,
                   note_required=True, rejects=True),
            # REPAIR-12: customer service calls back within 24 hours of the repair, or the
            # resident rates in the portal first. A call before the owner accepted is recorded
            # and the order finishes when the owner accepts.
            Action("revisit", _("回访"), (S.WAITING_REVISIT,), S.DONE, DESK,
                   requires=("satisfaction",)),
            Action("revisit_early", _("回访"), (S.WAITING_ACCEPTANCE,), None, DESK,
                   requires=("satisfaction",)),
            Action("rate", _("评价"), (S.WAITING_REVISIT,), S.DONE, RESIDENT,
                   requires=("satisfaction",)),
            Action("finish", _("完成（已回访）"), (S.WAITING_REVISIT,), S.DONE,
                   frozenset({SYSTEM})),
            # Completed but neither accepted nor rejected: closed by the desk or, after the
            # estate's number of days, by the auto-close job (issue 4, step 8).
            Action("close", _("关闭"), (S.WAITING_ACCEPTANCE,), S.CLOSED, DESK, note_required=True),
            Action("auto_close", _("逾期未验收自动关闭"), (S.WAITING_ACCEPTANCE,), S.CLOSED,
                   frozenset({SYSTEM})),
            Action("cancel", _("取消"), (S.WAITING_DISPATCH, S.WAITING_ACCEPT), S.CANCELLED, DESK,
                   note_required=True),
            # REPAIR-13: why a repeat came back (parts quality is the manual's exception).
            Action("repeat_cause", _("返修原因"), (*OPEN, S.DONE, S.CLOSED), None, DESK,
                   requires=("cause",)),
            # Comments: internal (staff only) or visible to the resident.
            Action("comment", _("备注"), (*OPEN, S.DONE, S.CLOSED, S.CANCELLED), None, ANYONE,
                   note_required=True),
        ),
        clocks=(
            Clock("dispatch_general", "REPAIR-08", _("派单时限"), 60, "minutes", (CREATED,),
                  ("dispatch", "grab"), only_if=GENERAL),
            Clock("dispatch_emergency", "REPAIR-09", _("派单时限"), 5, "minutes", (CREATED,),
                  ("dispatch", "grab"), only_if=EMERGENCY),
            Clock("on_site", "REPAIR-06", _("到场时限"), 30, "minutes", (CREATED,), ("arrive",),
                  only_if=EMERGENCY),
            Clock("handle", "REPAIR-05", _("处理时限"), 24, "hours", (CREATED,), ("complete",),
                  only_if=GENERAL),
            Clock("revisit", "REPAIR-12", _("回访时限"), 24, "hours", ("complete",),
                  ("revisit", "revisit_early", "rate")),
        ),
    )
)  # fmt: skip

FOLLOW_UP = register(
    Process(
        code="repair_follow_up",
        label=_("回访跟进"),
        prefix="GJ",
        department=DepartmentKind.CUSTOMER_SERVICE,
        states=(
            State("open", _("待跟进")),
            State("done", _("已跟进"), terminal=True),
        ),
        initial="open",
        actions=(
            Action("resolve", _("跟进完成"), ("open",), "done", DESK, note_required=True),
            Action("comment", _("备注"), ("open",), None, DESK, note_required=True),
        ),
    )
)
