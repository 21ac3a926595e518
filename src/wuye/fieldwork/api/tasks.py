"""API of field work: tasks."""

from ninja import Router

router = Router(tags=["field work"])
