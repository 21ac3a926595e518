"""API: supplies."""

from ninja import Router

router = Router(tags=["emergency"])
