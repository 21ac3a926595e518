"""API of field work: checklists."""

from ninja import Router

router = Router(tags=["field work"])
