"""API: outages."""

from ninja import Router

router = Router(tags=["emergency"])
