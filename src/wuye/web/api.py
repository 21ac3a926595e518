"""The shell's API: ``GET /me/queue``, the work queue the staff's home page 我的待办 shows
(web.queue), for a phone app's first screen."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from wuye.base.api import READ_ERRORS
from wuye.core.scoping import actor_for

from . import queue

router = Router(tags=["queue"])


class QueueItemOut(Schema):
    kind: str = Field(
        ...,
        description="mine (assigned to me), role (waiting for my role), breach (my department's "
        "missed deadline) or task (a planned task)",
    )
    reason: str = Field(..., description="The kind, as people read it")
    what: str = Field(..., description="The process's name, or 计划任务")
    number: str = Field(..., description="The case's number (empty for a planned task)")
    title: str
    estate: str
    status: str
    due_at: dt.datetime | None = Field(..., description="The nearest deadline still counting")
    overdue: bool
    url: str = Field(..., description="The page where the work is done")


class QueueCountsOut(Schema):
    total: int
    overdue: int
    today: int = Field(..., description="Not overdue, due before midnight")


class QueueOut(Schema):
    counts: QueueCountsOut
    items: list[QueueItemOut] = Field(
        ..., description=f"Overdue first, then by the nearest deadline; at most {queue.LIMIT}"
    )


class QueueFilter(Schema):
    show: str = Field("", pattern="^(|overdue|today)$", description="overdue or today; empty: all")


@router.get("/me/queue", response={200: QueueOut, **READ_ERRORS})
def my_queue(request: HttpRequest, filters: Query[QueueFilter]):
    """我的待办: what is assigned to me and what waits for my role in my estates, across every
    process, with today's planned tasks. Empty for anyone who is not staff."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    items = queue.work_queue(actor_for(request.auth), now=now, zone=zone)
    counts = queue.queue_counts(items, now=now, zone=zone)
    return {"counts": counts, "items": queue.filter_items(items, filters.show, now=now, zone=zone)}
