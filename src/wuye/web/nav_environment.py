"""The environment department's menu (环境管理, manual ch.5): cleaning, inspection, greening and
the store, each topic's items in its own tuple, assembled by ``navigation``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import Role

from .navitems import NavItem

# CLEAN-02 / GREEN-02: the department plans and inspects; cleaners and gardeners do the work.
ENVIRONMENT_LEADS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
ENVIRONMENT_READERS = ENVIRONMENT_LEADS | {Role.AUDITOR}
ENVIRONMENT_WORKERS = frozenset({Role.CLEANER, Role.GARDENER})
ENVIRONMENT_TEAM = ENVIRONMENT_READERS | ENVIRONMENT_WORKERS


# --- The board (看板) ---

BOARD: tuple[NavItem, ...] = ()


# --- Cleaning: zones, plan, today's tasks, weather ---

CLEANING: tuple[NavItem, ...] = ()


# --- Inspection and rectification ---

INSPECTION: tuple[NavItem, ...] = (
    NavItem(
        _("检查考核"),
        "environment:inspection_list",
        roles=ENVIRONMENT_READERS,
        match=(
            "environment:inspection_detail",
            "environment:inspection_new",
            "environment:inspection_round",
        ),
    ),
    NavItem(
        _("整改"),
        "environment:rectification_list",
        roles=ENVIRONMENT_READERS,
        match=("environment:rectification_detail",),
    ),
    NavItem(_("我的整改"), "environment:my_rectifications", roles=ENVIRONMENT_WORKERS),
)


# --- Greening ---

GREENING: tuple[NavItem, ...] = ()


# --- Store and pest control ---

STORE: tuple[NavItem, ...] = ()


ENVIRONMENT_ITEMS: tuple[NavItem, ...] = (*BOARD, *CLEANING, *INSPECTION, *GREENING, *STORE)
