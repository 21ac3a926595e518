"""API: rectifications (filled in by h-inspect)."""

from ninja import Router

router = Router(tags=["environment"])
