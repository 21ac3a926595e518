"""Repairs API: intake on every channel that is not a person at the desk (REPAIR-02), and the
orders a caller may see. Steps on an order go through ``POST /api/v1/repairs/{id}/{action}``,
the same engine rules as the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.api import READ_ERRORS, WRITE_ERRORS, ApiError, Id, Text, paginated
from wuye.core import selectors as core_selectors
from wuye.core.models import PublicArea
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from . import selectors, services
from .choices import Category, Channel

router = Router(tags=["repairs"])


class RepairIn(Schema):
    room: Id | None = None
    public_area: Id | None = None
    description: Text = Field(..., min_length=1, max_length=2000)
    contact_name: Text = Field(..., min_length=1, max_length=50)
    contact_phone: Text = Field(..., min_length=1, max_length=20)
    category: Text = Category.OTHER
    urgency: Text | None = None
    preferred_time: Text = ""


class RepairActionIn(Schema):
    note: Text = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[dict[str, Any]] = Field(default_factory=list)


class RepairOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    place: str
    description: str
    urgency: str
    suggested_urgency: str
    category: str
    channel: str
    contact_name: str
    contact_phone: str
    reported_at: dt.datetime

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.place_label


@router.get("/repairs", response={200: list[RepairOut], **READ_ERRORS})
@paginated
def repair_list(request: HttpRequest, estate: Id | None = None, status: Text = "",
                urgency: Text = ""):  # fmt: skip
    return selectors.repair_order_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, urgency=urgency
    )


@router.get("/repairs/{order_id}", response={200: RepairOut, **READ_ERRORS})
def repair_detail(request: HttpRequest, order_id: Id):
    return selectors.repair_order_get_for_user(request.auth, order_id)


@router.post("/repairs", response={201: RepairOut, **WRITE_ERRORS})
def repair_create(request: HttpRequest, payload: RepairIn):
    actor = actor_for(request.auth)
    room = public_area = None
    if payload.room is not None:
        room = core_selectors.room_get_for_user(request.auth, payload.room)
        estate = room.estate
    elif payload.public_area is not None:
        areas = PublicArea.objects.filter(estate__in=visible_estates(actor))
        public_area = get_or_404(areas, payload.public_area)
        estate = public_area.estate
    else:
        message = _("请选择报修的房屋或公共区域（二选一）")
        raise ApiError(400, "invalid", message, {"room": [message]})
    order = services.repair_order_create(
        estate=estate, room=room, public_area=public_area, description=payload.description,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        channel=Channel.API, category=payload.category, urgency=payload.urgency,
        preferred_time=payload.preferred_time, by=request.auth,
    )  # fmt: skip
    return Status(201, order)


@router.post("/repairs/{order_id}/{action}", response={200: RepairOut, **WRITE_ERRORS})
def repair_action(request: HttpRequest, order_id: Id, action: Text, payload: RepairActionIn):
    order = selectors.repair_order_get_for_user(request.auth, order_id)
    if action not in {a.name for a in services.REPAIR.actions} or action in {
        "dispatch", "reassign",
    }:  # fmt: skip
        # Assigning goes through /cases/{id}/dispatch, which checks the assignee's estate.
        raise ApiError(404, "not_found", _("没有这个操作"))
    services.repair_order_act(
        order=order, action=action, by=request.auth, note=payload.note, data=payload.data,
        attachments=payload.attachments,
    )  # fmt: skip
    return selectors.repair_order_get_for_user(request.auth, order_id)
