"""Complaints API (filled in by this issue's increments)."""

from ninja import Router

router = Router(tags=["complaints"])
