"""API: green (filled in by h-green)."""

from ninja import Router

router = Router(tags=["environment"])
