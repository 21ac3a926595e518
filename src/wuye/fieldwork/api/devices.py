"""API of field work: devices."""

from ninja import Router

router = Router(tags=["field work"])
