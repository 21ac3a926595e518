"""API: zones (filled in by h-clean)."""

from ninja import Router

router = Router(tags=["environment"])
