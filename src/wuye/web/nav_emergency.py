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

LIFT: tuple[NavItem, ...] = ()


# --- Outages (h-outage) ---

OUTAGES: tuple[NavItem, ...] = ()


# --- Public health (h-health) ---

HEALTH: tuple[NavItem, ...] = ()


EMERGENCY_ITEMS: tuple[NavItem, ...] = (*INCIDENTS, *LIFT, *OUTAGES, *HEALTH, *ORGANISATION)
