"""API: board (filled in by h-board)."""

from ninja import Router

router = Router(tags=["environment"])
