"""API: stores (filled in by h-store)."""

from ninja import Router

router = Router(tags=["environment"])
