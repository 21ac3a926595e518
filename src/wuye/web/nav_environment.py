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

BOARD: tuple[NavItem, ...] = (
    NavItem(
        _("环境看板"),
        "environment:board",
        roles=ENVIRONMENT_READERS,
        match=("environment:board_tasks",),
    ),
    NavItem(_("月度考核"), "environment:scores", roles=ENVIRONMENT_READERS),
)


# --- Cleaning: zones, plan, today's tasks, weather ---

CLEANING: tuple[NavItem, ...] = ()


# --- Inspection and rectification ---

INSPECTION: tuple[NavItem, ...] = ()


# --- Greening ---

GREENING: tuple[NavItem, ...] = ()


# --- Store and pest control ---

STORE: tuple[NavItem, ...] = ()


ENVIRONMENT_ITEMS: tuple[NavItem, ...] = (*BOARD, *CLEANING, *INSPECTION, *GREENING, *STORE)
