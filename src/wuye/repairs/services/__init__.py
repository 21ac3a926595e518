"""Every write of repairs: intake and the actions on a repair order (through the engine).

This package is the repairs' public interface (``services.<name>``); its modules are the
topics: ``intake``, ``steps``, ``dispatch``, ``prices`` and the shared ``common``.
"""

from .common import (
    ASSIGNING_ACTIONS,
    CATEGORY_WORDS,
    CENT,
    EMERGENCY_WORDS,
    PHONE_RE,
    REPEAT_WINDOW_DAYS,
)
from .dispatch import (
    repair_auto_close,
    repair_order_dispatch_auto,
    technicians_by_workload,
)
from .intake import (
    RESIDENT_MESSAGES,
    category_hint,
    repair_order_create,
    repeat_of_find,
    repeat_window_end,
    suggest_category,
    suggest_urgency,
    urgency_hint,
)
from .prices import (
    PRICE_LIST_ROLES,
    check_price_list_write,
    price_item_save,
)
from .steps import (
    arrival_recorded,
    repair_case_act,
    repair_order_act,
)

__all__ = [
    "ASSIGNING_ACTIONS",
    "CATEGORY_WORDS",
    "CENT",
    "EMERGENCY_WORDS",
    "PHONE_RE",
    "PRICE_LIST_ROLES",
    "REPEAT_WINDOW_DAYS",
    "RESIDENT_MESSAGES",
    "arrival_recorded",
    "category_hint",
    "check_price_list_write",
    "price_item_save",
    "repair_auto_close",
    "repair_case_act",
    "repair_order_act",
    "repair_order_create",
    "repair_order_dispatch_auto",
    "repeat_of_find",
    "repeat_window_end",
    "suggest_category",
    "suggest_urgency",
    "technicians_by_workload",
    "urgency_hint",
]
