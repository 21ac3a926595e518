"""API: lift."""

from ninja import Router

router = Router(tags=["emergency"])
