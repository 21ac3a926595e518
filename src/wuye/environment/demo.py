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
    return {}


# --- Greening (h-green): positioning, green areas, the seasonal plan ---


def _demo_greening(estates: list, context: dict) -> dict:
    return {}


# --- Store and pest control (h-store) ---


def _demo_store(estates: list, context: dict) -> dict:
    return {}


# --- Inspection (h-inspect): checklists, the patrol and spot-check plans ---


def _demo_inspection(estates: list, context: dict) -> dict:
    """The record forms (company-wide, by the executive), the environment head's daily patrol and
    weekly spot check and greening inspection, and this week's spot-check sample."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.shortcuts import estate_tz

    from .services.inspections import inspection_plans_setup
    from .services.sampling import spot_sample_draw

    users = get_user_model().objects
    executive = users.filter(staff__role="executive").order_by("pk").first()
    head = users.filter(username="env_head").first()
    plans = samples = 0
    for estate in estates:
        by = executive or head
        if by is None:
            continue
        found = inspection_plans_setup(estate=estate, by=by, assignee=head)
        plans += 3 if found else 0
        today = timezone.now().astimezone(estate_tz(estate)).date()
        spot_sample_draw(estate=estate, week_start=today - dt.timedelta(days=today.weekday()))
        samples += 1
    return {"inspection_plans": plans, "spot_samples": samples}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    return {}
