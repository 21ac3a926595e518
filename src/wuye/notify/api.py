"""The inbox API (my messages, the unread count, mark read) and the notice board API.

The inbox endpoints read through ``selectors.inbox_*``, write through ``services.inbox_mark_read``,
so a caller only ever sees their own messages; another user's message id is a 404. Notices
read through ``notices.notice_list`` / ``notice_get_for_user`` and write through
``notices.notice_create`` / ``notice_withdraw``: outside the caller's scope is a 404.
"""

# No ``from __future__ import annotations`` here: ninja's pagination wrapper reads the list
# endpoints' parameter annotations, and as strings they would not resolve from its module.
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import model_validator

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Term, Text, When, paginated
from wuye.core import selectors as core_selectors
from wuye.core.models import Building, Estate, Unit

from . import notices, selectors, services
from .choices import NoticeCategory, NoticeStatus
from .models import Message, Notice

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
    all: bool = Field(False, strict=True, description=_("全部标为已读"))

    @model_validator(mode="after")
    def _ids_or_all(self) -> "ReadIn":
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
def inbox_detail(request: HttpRequest, message_id: IdParam) -> Message:
    return selectors.inbox_message_get_for_user(request.auth, message_id)


@router.post("/inbox/read", response={200: ReadOut, **WRITE_ERRORS})
def inbox_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Mark messages read: ``{"ids": [1, 2]}`` or ``{"all": true}``."""
    updated = services.inbox_mark_read(
        user=request.auth, message_ids=None if payload.all else payload.ids
    )
    return {"updated": updated, "unread": selectors.inbox_unread_count(user=request.auth)}


# --- Notices (公告栏) ---------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    estate: int
    estate_name: str
    building: int | None
    unit: int | None
    audience: str = Field(..., description="全体住户, a building (1栋) or a unit (1栋2单元).")
    category: str
    category_display: str
    title: str
    body: str
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    published_at: dt.datetime | None = Field(
        ..., description="When the notice really became visible; null while scheduled."
    )
    withdrawn_at: dt.datetime | None
    status: str = Field(..., description="scheduled / published / expired / withdrawn")
    status_display: str
    notify_residents: bool
    channels: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_estate(obj: Notice) -> int:
        return obj.estate_id

    @staticmethod
    def resolve_estate_name(obj: Notice) -> str:
        return obj.estate.name

    @staticmethod
    def resolve_building(obj: Notice) -> int | None:
        return obj.building_id

    @staticmethod
    def resolve_unit(obj: Notice) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_audience(obj: Notice) -> str:
        return str(obj.audience_label)

    @staticmethod
    def resolve_category_display(obj: Notice) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_display(obj: Notice) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_publish_at(obj: Notice) -> dt.datetime:
        return timezone.localtime(obj.publish_at)

    @staticmethod
    def resolve_expires_at(obj: Notice) -> dt.datetime | None:
        return timezone.localtime(obj.expires_at) if obj.expires_at else None

    @staticmethod
    def resolve_published_at(obj: Notice) -> dt.datetime | None:
        return timezone.localtime(obj.published_at) if obj.published_at else None

    @staticmethod
    def resolve_withdrawn_at(obj: Notice) -> dt.datetime | None:
        return timezone.localtime(obj.withdrawn_at) if obj.withdrawn_at else None

    @staticmethod
    def resolve_created_at(obj: Notice) -> dt.datetime:
        return timezone.localtime(obj.created_at)


class NoticeIn(Schema):
    estate: Id
    building: Id | None = None
    unit: Id | None = None
    category: NoticeCategory = NoticeCategory.GENERAL
    title: Text = Field(..., max_length=100)
    body: Text = Field(..., max_length=20000)
    publish_at: When | None = Field(
        None, description=_("不填则立即发布；将来的时间则定时发布（需带时区）")
    )
    expires_at: When | None = None
    notify_residents: bool = Field(False, strict=True)
    channels: list[Literal["inbox", "sms"]] = Field(["inbox"], max_length=2)


def _in_estate(model, pk: int | None, estate: Estate, field: str):
    """A building or unit of the estate by id; another estate's (or none) is a field error."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, estate=estate).first()
    if obj is None:
        raise ValidationError({field: [_("不属于本项目，或不存在")]})
    return obj


@router.get("/notices", response={200: list[NoticeOut], **READ_ERRORS}, tags=["notices"])
@paginated
def notice_list(
    request: HttpRequest,
    estate: IdParam | None = None,
    status: NoticeStatus | None = None,
    category: NoticeCategory | None = None,
    search: Term = "",
) -> QuerySet:
    """The notices the caller may see, newest first: staff every notice of their estates (any
    status); a resident the published ones for their rooms; a contractor none."""
    notices_ = notices.notice_list(
        user=request.auth, status=status or "", category=category or "", search=search
    )
    return notices_.filter(estate_id=estate) if estate else notices_


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, **READ_ERRORS}, tags=["notices"])
def notice_detail(request: HttpRequest, notice_id: IdParam) -> Notice:
    return notices.notice_get_for_user(request.auth, notice_id)


@router.post("/notices", response={201: NoticeOut, **WRITE_ERRORS}, tags=["notices"])
def notice_create(request: HttpRequest, payload: NoticeIn) -> Status:
    """Put up a notice (客服中心, 部门负责人, 企业高层 of the estate)."""
    estate = core_selectors.estate_get_for_user(request.auth, payload.estate)
    notice = notices.notice_create(
        estate=estate,
        building=_in_estate(Building, payload.building, estate, "building"),
        unit=_in_estate(Unit, payload.unit, estate, "unit"),
        category=payload.category,
        title=payload.title,
        body=payload.body,
        publish_at=payload.publish_at,
        expires_at=payload.expires_at,
        notify_residents=payload.notify_residents,
        channels=payload.channels,
        by=request.auth,
    )
    return Status(201, notice)


@router.post(
    "/notices/{int:notice_id}/withdraw", response={200: NoticeOut, **WRITE_ERRORS}, tags=["notices"]
)
def notice_withdraw(request: HttpRequest, notice_id: IdParam) -> Notice:
    """Take a notice down; a second withdrawal is a 409."""
    notice = notices.notice_get_for_user(request.auth, notice_id)
    return notices.notice_withdraw(notice=notice, by=request.auth)
