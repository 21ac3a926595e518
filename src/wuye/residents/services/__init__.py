"""Every write of owner move-in (业主入住, MOVEIN-*): batches and their notices, each owner's
move-in case through its steps in the manual's order, the house defects found at the
inspection, the follow-up visit and the needs it routes to a department.

The engine (workflow.services) checks roles, states and required inputs; the rules of the manual
that are more than that live here: the takeover gate (TAKEOVER-15), the 7-day notice
(MOVEIN-03), the ID check (MOVEIN-04/13), the fees paid through billing (MOVEIN-05), the 7
working days of each defect (MOVEIN-07, the engine's clock), keys and cards (MOVEIN-08), both
agreements (MOVEIN-09), the occupancy on completion and the 3-day revisit (MOVEIN-10/11).

This package is the move-in's public interface (``services.<name>``); its modules are the
topics: ``batches``, ``move_ins``, ``fees``, ``defects``, the shared ``reads`` and ``common``.
"""

from .batches import (
    GUIDANCE,
    NoticeResult,
    batch_create,
    batch_notify,
    batch_owners,
    notice_text,
    vehicle_guidance_case,
    vehicle_guidance_request,
)
from .common import (
    FEE_MONTHS,
    MAX_KEYS,
    NEED_DEPARTMENTS,
    NOTICE_DAYS,
    REVISIT_METHODS,
    notice_deadline,
    notice_late,
)
from .defects import (
    follow_up_list,
    house_defect_act,
    house_defect_case_act,
    house_defect_list,
)
from .fees import (
    FeeLine,
    issued_invoice,
    move_in_bills,
    move_in_fee_lines,
    move_in_fees_raise,
    move_in_invoice_issue,
    move_in_payments,
)
from .move_ins import (
    move_in_act,
    move_in_case_act,
)
from .reads import (
    batch_get_for_user,
    batch_list,
    move_in_get_for_user,
    move_in_list,
)

__all__ = [
    "FEE_MONTHS",
    "GUIDANCE",
    "MAX_KEYS",
    "NEED_DEPARTMENTS",
    "NOTICE_DAYS",
    "REVISIT_METHODS",
    "FeeLine",
    "NoticeResult",
    "batch_create",
    "batch_get_for_user",
    "batch_list",
    "batch_notify",
    "batch_owners",
    "follow_up_list",
    "house_defect_act",
    "house_defect_case_act",
    "house_defect_list",
    "issued_invoice",
    "move_in_act",
    "move_in_bills",
    "move_in_case_act",
    "move_in_fee_lines",
    "move_in_fees_raise",
    "move_in_get_for_user",
    "move_in_invoice_issue",
    "move_in_list",
    "move_in_payments",
    "notice_deadline",
    "notice_late",
    "notice_text",
    "vehicle_guidance_case",
    "vehicle_guidance_request",
]
