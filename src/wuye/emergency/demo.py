"""The demo of emergencies (应急处理): the company's three groups and the manual's plans, each
estate's supplies, one entrapment from alarm to report, a planned outage with its notice, and a
public-health closure with deliveries. Called by ``web``'s demo command after the other
chapters (it uses their staff, equipment and rooms)."""

from __future__ import annotations


def load_emergency_demo(estates: list) -> dict:
    """``estates``: the demo's two estates. Returns counts for the demo summary."""
    context: dict = {}
    context.update(_demo_incidents(estates, context))
    context.update(_demo_lift(estates, context))
    context.update(_demo_outages(estates, context))
    context.update(_demo_health(estates, context))
    return context


# --- Incidents, groups, plans, supplies (h-incidents) ---


def _demo_incidents(estates: list, context: dict) -> dict:
    return {}


# --- Elevator entrapment (h-lift) ---


def _demo_lift(estates: list, context: dict) -> dict:
    return {}


# --- Outages (h-outage) ---


def _demo_outages(estates: list, context: dict) -> dict:
    return {}


# --- Public health (h-health) ---


def _demo_health(estates: list, context: dict) -> dict:
    return {}
