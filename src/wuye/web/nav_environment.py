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

INSPECTION: tuple[NavItem, ...] = ()


# --- Greening ---

GREENING: tuple[NavItem, ...] = (
    NavItem(
        _("绿化养护计划"), "environment:greening_plan", roles=ENVIRONMENT_TEAM,
        match=("environment:greening_line_edit", "environment:greening_adjust",
               "environment:greening_revisions", "environment:greening_line_add"),
    ),
    NavItem(
        _("绿化区域"), "environment:green_area_list", roles=ENVIRONMENT_TEAM,
        match=("environment:green_area_detail", "environment:green_area_new",
               "environment:green_area_edit"),
    ),
    NavItem(_("绿化景观规划"), "environment:green_landscape", roles=ENVIRONMENT_READERS),
    NavItem(
        _("绿化工技能与培训"), "environment:green_skills", roles=ENVIRONMENT_READERS,
        match=("environment:green_training_new",),
    ),
)  # fmt: skip


# --- Store and pest control ---

STORE: tuple[NavItem, ...] = ()


ENVIRONMENT_ITEMS: tuple[NavItem, ...] = (*BOARD, *CLEANING, *INSPECTION, *GREENING, *STORE)
