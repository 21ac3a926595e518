"""The shell's API: ``GET /me/queue``, the work queue the staff's home page 我的待办 shows
(web.queue), for a phone app's first screen; ``GET /search``, the header's search (web.search)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from wuye.base.api import READ_ERRORS, ErrorOut
from wuye.core.scoping import actor_for

from . import queue
from . import search as site_search

router = Router()


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


@router.get("/me/queue", response={200: QueueOut, **READ_ERRORS}, tags=["queue"])
def my_queue(request: HttpRequest, filters: Query[QueueFilter]):
    """我的待办: what is assigned to me and what waits for my role in my estates, across every
    process, with today's planned tasks. Empty for anyone who is not staff."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    items = queue.work_queue(actor_for(request.auth), now=now, zone=zone)
    counts = queue.queue_counts(items, now=now, zone=zone)
    return {"counts": counts, "items": queue.filter_items(items, filters.show, now=now, zone=zone)}


class SearchHitOut(Schema):
    kind: str = Field(..., description="room, resident, staff or case")
    title: str = Field(..., description="The room, the person's name or the case's number")
    detail: str = Field(..., description="What tells it apart: masked mobile and rooms, the "
                        "department, the process, title and status")  # fmt: skip
    estate: str
    url: str = Field(..., description="The page of the room, the person or the case")


class SearchGroupOut(Schema):
    key: str = Field(..., description="rooms, people or cases")
    label: str
    count: int = Field(..., description="How many matched in all")
    hits: list[SearchHitOut] = Field(..., description=f"At most {site_search.LIMIT}")


class SearchOut(Schema):
    query: str = Field(..., description="The text searched (spaces collapsed)")
    groups: list[SearchGroupOut]
    exact: str = Field(
        ..., description="The page of the one case whose number is exactly the query, else empty"
    )


class SearchFilter(Schema):
    q: str = Field(
        ...,
        description=f"A room (1栋1单元101, 1-1-101, 101), a person's name or mobile, or a case "
        f"number (BX-20261126-0001, or part of it); at least {site_search.MIN_LENGTH} characters",
    )


@router.get("/search", response={200: SearchOut, **READ_ERRORS, 403: ErrorOut}, tags=["search"])
def search(request: HttpRequest, filters: Query[SearchFilter]):
    """The header's search over the estates the caller may see: rooms, people and cases, each
    group with its count and at most 20 hits. Staff only (403 for residents and contractors);
    a query shorter than 2 characters is a 400."""
    result = site_search.search(actor_for(request.auth), filters.q)
    if result.message:
        raise ValidationError({"q": [result.message]})
    return result
