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

CLEANING: tuple[NavItem, ...] = (
    NavItem(_("今日任务"), "environment:my_today", roles=ENVIRONMENT_TEAM,
            match=("environment:my_task_do", "environment:zone_scan")),
    NavItem(_("防护用品检查"), "environment:protection_check", roles=ENVIRONMENT_TEAM),
    # h-zones: the zone map, the weather records and the department's settings.
    NavItem(_("清洁区域"), "environment:zone_list", roles=ENVIRONMENT_READERS,
            match=("environment:zone_detail", "environment:zone_create", "environment:zone_edit",
                   "environment:zone_deactivate", "environment:zones_build")),
    NavItem(_("天气记录"), "environment:weather_list", roles=ENVIRONMENT_READERS),
    NavItem(_("环境管理设置"), "environment:settings", roles=ENVIRONMENT_LEADS),
    NavItem(_("清洁计划"), "environment:cleaning_plan", roles=ENVIRONMENT_TEAM,
            match=("environment:cleaning_line_edit", "environment:cleaning_line_stop",
                   "environment:cleaning_line_create")),
    NavItem(_("计划调整记录"), "environment:cleaning_revisions", roles=ENVIRONMENT_READERS),
)  # fmt: skip


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

STORE: tuple[NavItem, ...] = (
    # CLEAN-17 / CLEAN-11 / GREEN-15: the stores, their products and stock, the monthly check.
    NavItem(
        _("物料存放点"), "environment:store_list", roles=ENVIRONMENT_TEAM,
        match=("environment:store_create", "environment:store_detail", "environment:store_edit",
               "environment:store_check", "environment:product_create",
               "environment:product_edit", "environment:stock_in", "environment:stock_out",
               "environment:stock_adjust", "environment:store_check_list"),
    ),
    NavItem(_("物料库存"), "environment:product_list", roles=ENVIRONMENT_TEAM),
    NavItem(_("出入库台账"), "environment:movement_list", roles=ENVIRONMENT_READERS),
    # GREEN-13/15: the gardeners record treatments in the field.
    NavItem(
        _("病虫害防治"), "environment:treatment_list",
        roles=ENVIRONMENT_READERS | {Role.GARDENER},
        match=("environment:treatment_record", "environment:treatment_detail"),
    ),
)  # fmt: skip


ENVIRONMENT_ITEMS: tuple[NavItem, ...] = (*BOARD, *CLEANING, *INSPECTION, *GREENING, *STORE)
