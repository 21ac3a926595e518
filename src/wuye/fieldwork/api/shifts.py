"""API of field work: shifts."""

from ninja import Router

router = Router(tags=["field work"])
