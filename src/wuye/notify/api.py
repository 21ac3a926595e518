"""The inbox API: my messages, the unread count, mark read.

Every endpoint reads through ``selectors.inbox_*`` and writes through ``services.inbox_mark_read``,
so a caller only ever sees their own messages; another user's message id is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from pydantic import model_validator

from wuye.api import READ_ERRORS, WRITE_ERRORS, Id, paginated

from . import selectors, services
from .models import Message

router = Router(tags=["inbox"])


class MessageOut(Schema):
    id: int
    subject: str
    body: str
    url: str = Field(..., description="Where the message leads (a path of this site), or ''.")
    ref: str
    template: str
    estate: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool

    @staticmethod
    def resolve_estate(obj: Message) -> int | None:
        return obj.estate_id

    @staticmethod
    def resolve_unread(obj: Message) -> bool:
        return obj.read_at is None

    @staticmethod
    def resolve_created_at(obj: Message) -> dt.datetime:
        return timezone.localtime(obj.created_at)

    @staticmethod
    def resolve_read_at(obj: Message) -> dt.datetime | None:
        return timezone.localtime(obj.read_at) if obj.read_at else None


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[Id] | None = Field(None, max_length=500, description=_("要标为已读的消息"))
    all: bool = Field(False, description=_("全部标为已读"))

    @model_validator(mode="after")
    def _ids_or_all(self) -> ReadIn:
        if self.ids is None and not self.all:
            raise ValueError(_("请提供消息 ids，或 all=true"))
        return self


class ReadOut(Schema):
    updated: int
    unread: int


@router.get("/inbox", response={200: list[MessageOut], **READ_ERRORS})
@paginated
def inbox_list(request: HttpRequest, unread: bool | None = None) -> QuerySet:
    """My messages, newest first; ``unread=true`` for the unread only."""
    return selectors.inbox_list(user=request.auth, unread=unread)


@router.get("/inbox/unread", response={200: UnreadOut, **READ_ERRORS})
def inbox_unread(request: HttpRequest) -> dict[str, int]:
    """How many of my messages are unread (the badge)."""
    return {"unread": selectors.inbox_unread_count(user=request.auth)}


@router.get("/inbox/{int:message_id}", response={200: MessageOut, **READ_ERRORS})
def inbox_detail(request: HttpRequest, message_id: Id) -> Message:
    return selectors.inbox_message_get_for_user(request.auth, message_id)


@router.post("/inbox/read", response={200: ReadOut, **WRITE_ERRORS})
def inbox_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Mark messages read: ``{"ids": [1, 2]}`` or ``{"all": true}``."""
    updated = services.inbox_mark_read(
        user=request.auth, message_ids=None if payload.all else payload.ids
    )
    return {"updated": updated, "unread": selectors.inbox_unread_count(user=request.auth)}
