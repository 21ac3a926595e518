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
    return {}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    return {}
