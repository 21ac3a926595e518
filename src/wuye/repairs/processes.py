"""The repair process (报修, manual ch.3 part 2) as the engine runs it.

REPAIR-03: intake → classification → dispatch → repair → acceptance → charging → follow-up.
Every deadline starts at the report time (RULES.md: "start point implied").
"""

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

from .choices import Status, Urgency

DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
TECH = frozenset({Role.TECHNICIAN})
RESIDENT = frozenset({Role.RESIDENT})
EMERGENCY = (("urgency", Urgency.EMERGENCY.value),)
GENERAL = (("urgency", Urgency.GENERAL.value),)
S = Status

REPAIR = register(
    Process(
        code="repair",
        label=_("报修"),
        prefix="BX",
        department=DepartmentKind.ENGINEERING,  # REPAIR-01: engineering carries out the repair
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
            Action("complete", _("完成维修"), (S.IN_PROGRESS,), S.WAITING_ACCEPTANCE, TECH,
                   assignee_only=True, photos=1),
            # REPAIR-10: the owner accepts in the portal, or signs on the technician's phone.
            Action("confirm", _("确认验收"), (S.WAITING_ACCEPTANCE,), S.WAITING_REVISIT, RESIDENT),
            Action("sign_off", _("业主签字验收"), (S.WAITING_ACCEPTANCE,), S.WAITING_REVISIT, TECH,
                   assignee_only=True, signature=True),
            Action("reject", _("验收不通过"), (S.WAITING_ACCEPTANCE,), S.IN_PROGRESS, RESIDENT,
                   note_required=True),
            # REPAIR-12: customer service calls back within 24 hours.
            Action("revisit", _("回访"), (S.WAITING_REVISIT,), S.DONE, DESK,
                   requires=("satisfaction",)),
            # Completed but neither accepted nor rejected: closed by the desk or, after the
            # estate's number of days, by the auto-close job (issue 4, step 8).
            Action("close", _("关闭"), (S.WAITING_ACCEPTANCE,), S.CLOSED, DESK, note_required=True),
            Action("cancel", _("取消"), (S.WAITING_DISPATCH, S.WAITING_ACCEPT), S.CANCELLED, DESK,
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
            Clock("revisit", "REPAIR-12", _("回访时限"), 24, "hours", ("complete",), ("revisit",)),
        ),
    )
)  # fmt: skip
