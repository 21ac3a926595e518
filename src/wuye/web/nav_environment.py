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

CLEANING: tuple[NavItem, ...] = (
    NavItem(_("今日任务"), "environment:my_today", roles=ENVIRONMENT_TEAM,
            match=("environment:my_task_do", "environment:zone_scan")),
    NavItem(_("防护用品检查"), "environment:protection_check", roles=ENVIRONMENT_TEAM),
)  # fmt: skip


# --- Inspection and rectification ---

INSPECTION: tuple[NavItem, ...] = ()


# --- Greening ---

GREENING: tuple[NavItem, ...] = ()


# --- Store and pest control ---

STORE: tuple[NavItem, ...] = ()


ENVIRONMENT_ITEMS: tuple[NavItem, ...] = (*BOARD, *CLEANING, *INSPECTION, *GREENING, *STORE)
