"""Repairs KPIs in the API (the figures of the KPIs page)."""

from ninja import Router

router = Router(tags=["repairs"])
