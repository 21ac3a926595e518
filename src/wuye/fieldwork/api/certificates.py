"""API of field work: certificates."""

from ninja import Router

router = Router(tags=["field work"])
