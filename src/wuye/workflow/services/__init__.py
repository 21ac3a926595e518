"""Every write of the process engine: open a case, act on it, move its clocks, sweep for escalation.

Domain apps declare their processes (engine.py) and call ``case_open`` / ``case_act``; they never
write cases, events or clocks themselves, so every rule about state, role, audit trail and
deadline lives here once.

This package is the engine's public interface (``services.<name>``); its modules are the
topics: ``cases``, ``clocks``, ``escalation`` and the shared ``common``.
"""

from .cases import (
    ActionResult,
    allowed_actions,
    case_act,
    case_act_routed,
    case_open,
)
from .clocks import (
    clock_target,
)
from .common import (
    SYSTEM_ROLE,
    case_number_next,
    message_enqueue_bulk,
)
from .escalation import (
    DIGEST_NUMBERS,
    escalation_recipients,
    register_escalation_role,
    sla_sweep,
)

__all__ = [
    "DIGEST_NUMBERS",
    "SYSTEM_ROLE",
    "ActionResult",
    "allowed_actions",
    "case_act",
    "case_act_routed",
    "case_number_next",
    "case_open",
    "clock_target",
    "escalation_recipients",
    "message_enqueue_bulk",
    "register_escalation_role",
    "sla_sweep",
]
