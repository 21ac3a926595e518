"""The emergencies menu (应急处理, manual ch.7): incidents, the organisation and plans, supplies,
entrapments, outages and public-health events, each topic's items in its own tuple, assembled by
``navigation``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, Role

from .navitems import NavItem

# Everyone on duty sees the incidents; the command group and heads run the organisation.
EMERGENCY_STAFF = frozenset(r for r in STAFF_ROLES)
EMERGENCY_LEADS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
EMERGENCY_READERS = EMERGENCY_LEADS | {Role.AUDITOR}


# --- Incidents (h-incidents) ---

INCIDENTS: tuple[NavItem, ...] = (
    NavItem(
        _("突发事件"),
        "emergency:incident_list",
        EMERGENCY_STAFF,
        match=("emergency:incident_detail",),
    ),
    NavItem(_("登记突发事件"), "emergency:incident_new", EMERGENCY_STAFF),
)


# --- Organisation, plans and supplies (h-incidents) ---

ORGANISATION: tuple[NavItem, ...] = (
    NavItem(_("应急组织"), "emergency:group_list", EMERGENCY_STAFF),
    NavItem(
        _("应急预案"), "emergency:plan_list", EMERGENCY_STAFF, match=("emergency:plan_detail",)
    ),
    NavItem(
        _("应急物资"),
        "emergency:supply_list",
        EMERGENCY_STAFF,
        match=("emergency:supply_check", "emergency:supply_movements"),
    ),
)


# --- Elevator entrapment (h-lift) ---

# Everyone on duty sees the entrapments (the desk opens them, guards and engineering answer).
LIFT: tuple[NavItem, ...] = (
    NavItem(_("电梯困人"), "emergency:lift_list", roles=EMERGENCY_STAFF,
            match=("emergency:lift_new", "emergency:lift_detail", "emergency:lift_guard",
                   "emergency:lift_contractor", "emergency:lift_act")),
)  # fmt: skip


# --- Outages (h-outage) ---

OUTAGES: tuple[NavItem, ...] = (
    NavItem(_("停水停电"), "emergency:outage_list", roles=EMERGENCY_STAFF,
            match=("emergency:outage_plan", "emergency:outage_report",
                   "emergency:outage_detail", "emergency:outage_task_done",
                   "emergency:outage_act")),
)  # fmt: skip


# --- Public health (h-health) ---

HEALTH: tuple[NavItem, ...] = (
    NavItem(_("公共卫生事件"), "emergency:health_list", roles=EMERGENCY_STAFF,
            match=("emergency:health_detail", "emergency:health_contacts",
                   "emergency:health_contact_detail")),
    # EMERG-HEALTH-11: the start-of-shift check of mask and gloves, on the phone.
    NavItem(_("防护用品确认"), "emergency:health_ppe", roles=EMERGENCY_STAFF),
    # EMERG-HEALTH-12: the deliveries to isolated households.
    NavItem(_("物资配送"), "emergency:health_deliveries", roles=EMERGENCY_STAFF),
)  # fmt: skip


EMERGENCY_ITEMS: tuple[NavItem, ...] = (*INCIDENTS, *LIFT, *OUTAGES, *HEALTH, *ORGANISATION)
