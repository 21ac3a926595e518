"""Completing a cleaner's or gardener's planned task from the phone (今日任务): the field-work
record (``fieldwork.services.records.task_complete``: checklist, photos, note), after the
cleaner's protective equipment check of the day (CLEAN-16)."""

from __future__ import annotations

from django.db import transaction

from wuye.core.choices import Role
from wuye.core.scoping import Actor, actor_for
from wuye.fieldwork.models import TaskRecord
from wuye.fieldwork.services.records import task_complete
from wuye.workflow.models import PlannedTask

from ..processes import CLEANING_KIND
from .protection import protection_require

__all__ = ["my_task_complete"]


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


@transaction.atomic
def my_task_complete(
    *,
    task: PlannedTask,
    by,
    answers: list[dict] | None = None,
    photos=(),
    note: str = "",
    signature=None,
    latitude=None,
    longitude=None,
) -> TaskRecord:
    """Complete the task with its checklist and photos (the plan's number of photos, and the
    checklist's photo items). A cleaner's cleaning task is refused (409) until today's
    protective equipment check has passed (CLEAN-16); everything else is the field-work
    record's rules (404 out of the estate, 409 done or cancelled, 400 bad input)."""
    actor = _actor(by)
    if (
        task.schedule.kind == CLEANING_KIND
        and actor.role == Role.CLEANER
        and actor.staff is not None
        and not actor.is_superuser
        and task.estate_id in actor.estate_ids
    ):
        protection_require(staff=actor.staff, estate=task.estate)  # CLEAN-16
    return task_complete(
        task=task, answers=answers or [], by=actor, photos=photos, note=note,
        signature=signature, latitude=latitude, longitude=longitude,
    )  # fmt: skip
