"""API: incidents."""

from ninja import Router

router = Router(tags=["emergency"])
