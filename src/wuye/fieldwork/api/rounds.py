"""API of field work: rounds."""

from ninja import Router

router = Router(tags=["field work"])
