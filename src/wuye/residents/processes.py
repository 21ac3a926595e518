"""The move-in processes as the engine runs them.

- ``move_in`` (MOVEIN-02, in order): notified → arrived → documents checked (MOVEIN-04, the
  《业主入住申请表》) → fees paid (MOVEIN-05) → house inspected (MOVEIN-06) → keys handed
  (MOVEIN-08) → agreements signed and move-in completed (MOVEIN-09) → revisited. The follow-up
  visit is due within 3 days of completion (MOVEIN-10: "入住后3日内", natural days).
- ``house_defect``: a problem of the house inspection, to be fixed within 7 working days
  (MOVEIN-07), escalated to the engineering head and the executives when late.
- ``move_in_need``: a need learned at the visit, routed to a department (MOVEIN-11).
"""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

from .choices import HouseDefectStatus, MoveInStatus

# MOVEIN-01: customer service leads, engineering inspects the house, order maintenance guides.
DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
ENGINEERS = frozenset({Role.TECHNICIAN, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
STAFF = DESK | ENGINEERS | frozenset({Role.GUARD, Role.FINANCE_CLERK, Role.CLEANER,
                                      Role.GARDENER})  # fmt: skip
M = MoveInStatus
H = HouseDefectStatus


def move_in_page(case) -> str:
    from django.urls import reverse

    return reverse("residents:move_in", args=[case.move_in.pk])


OPEN = (M.NOTIFIED, M.ARRIVED, M.DOCUMENTS_CHECKED, M.FEES_PAID, M.INSPECTED, M.KEYS_HANDED)

MOVE_IN = register(
    Process(
        code="move_in",
        label=_("业主入住"),
        prefix="RZ",
        department=DepartmentKind.CUSTOMER_SERVICE,
        service="wuye.residents.services.move_in_case_act",
        page=move_in_page,
        states=(
            State(M.NOTIFIED, M.NOTIFIED.label),
            State(M.ARRIVED, M.ARRIVED.label),
            State(M.DOCUMENTS_CHECKED, M.DOCUMENTS_CHECKED.label),
            State(M.FEES_PAID, M.FEES_PAID.label),
            State(M.INSPECTED, M.INSPECTED.label),
            State(M.KEYS_HANDED, M.KEYS_HANDED.label),
            State(M.COMPLETED, M.COMPLETED.label),
            State(M.REVISITED, M.REVISITED.label, terminal=True),
            State(M.CANCELLED, M.CANCELLED.label, terminal=True),
        ),
        initial=M.NOTIFIED,
        actions=(
            Action("arrive", _("到场签到"), (M.NOTIFIED,), M.ARRIVED, DESK),
            Action("check_documents", _("资料审核"), (M.ARRIVED,), M.DOCUMENTS_CHECKED, DESK,
                   requires=("id_number", "contract_no")),
            Action("pay_fees", _("缴纳费用"), (M.DOCUMENTS_CHECKED,), M.FEES_PAID, DESK),
            Action("inspect", _("房屋验收"), (M.FEES_PAID,), M.INSPECTED, ENGINEERS),
            Action("hand_keys", _("交付钥匙"), (M.INSPECTED,), M.KEYS_HANDED, DESK,
                   requires=("key_count",)),
            Action("complete", _("签署协议，完成入住"), (M.KEYS_HANDED,), M.COMPLETED, DESK),
            Action("revisit", _("入住回访"), (M.COMPLETED,), M.REVISITED, DESK,
                   requires=("method", "satisfaction")),
            Action("cancel", _("取消"), OPEN, M.CANCELLED, DESK, note_required=True),
            Action("comment", _("备注"), (*OPEN, M.COMPLETED, M.REVISITED), None, STAFF,
                   note_required=True),
        ),
        clocks=(
            Clock("revisit", "MOVEIN-10", _("入住回访时限"), 3, "days", ("complete",),
                  ("revisit",), escalate_to=("cs_agent", "department_head")),
        ),
    )
)  # fmt: skip

HOUSE_DEFECT = register(
    Process(
        code="house_defect",
        label=_("房屋验收问题"),
        prefix="FW",
        department=DepartmentKind.ENGINEERING,
        service="wuye.residents.services.house_defect_case_act",
        states=(
            State(H.OPEN, H.OPEN.label),
            State(H.FIXED, H.FIXED.label),
            State(H.CLOSED, H.CLOSED.label, terminal=True),
        ),
        initial=H.OPEN,
        actions=(
            Action("fix", _("整改完成"), (H.OPEN,), H.FIXED, ENGINEERS, note_required=True),
            Action("accept", _("业主确认，关闭"), (H.FIXED,), H.CLOSED, DESK | ENGINEERS),
            Action("reject", _("未整改到位，退回"), (H.FIXED,), H.OPEN, DESK | ENGINEERS,
                   note_required=True, rejects=True),
            Action("comment", _("备注"), tuple(H.values), None, STAFF, note_required=True),
        ),
        clocks=(
            Clock("rectify", "MOVEIN-07", _("整改期限"), 7, "working_days", (CREATED,),
                  ("fix",), escalate_to=("assignee", "department_head", "executive")),
        ),
    )
)  # fmt: skip

MOVE_IN_NEED = register(
    Process(
        code="move_in_need",
        label=_("入住回访需求"),
        prefix="XQ",
        department=DepartmentKind.CUSTOMER_SERVICE,
        states=(
            State("open", _("待处理")),
            State("done", _("已处理"), terminal=True),
        ),
        initial="open",
        actions=(
            Action("done", _("处理完成"), ("open",), "done", STAFF, note_required=True),
            Action("comment", _("备注"), ("open", "done"), None, STAFF, note_required=True),
        ),
    )
)  # fmt: skip
