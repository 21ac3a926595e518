"""Complaints API: intake from the resident app and integrations (COMPLAINT-05), the complaints
a caller may see, and every step through ``POST /api/v1/complaints/{id}/{action}`` — the same
rules as the pages."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    paginated,
)
from wuye.complaints.choices import Channel, ComplaintType, Urgency
from wuye.complaints.filters import annotate_deadlines
from wuye.complaints.models import CONTENT_MAX, Complaint
from wuye.complaints.processes import COMPLAINT
from wuye.complaints.selectors import complaints as selectors
from wuye.complaints.services import complaints as services
from wuye.core import selectors as core_selectors
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.workflow.api.cases import ClockOut, action_param

router = Router(tags=["complaints"])


class ComplaintIn(Schema):
    """A complaint: what it is about, who complains and how to reach them (COMPLAINT-05)."""

    estate: Id | None = None  # required unless a room is given
    room: Id | None = None
    content: Text = Field(..., min_length=1, max_length=CONTENT_MAX)
    contact_name: Text = Field(..., min_length=1, max_length=50)
    contact_phone: Text = Field(..., min_length=1, max_length=20)
    contact_email: Text = Field("", max_length=254)
    channel: Text = Field(Channel.API, max_length=10)
    type: Text = Field(ComplaintType.OTHER, max_length=30)
    type_other: Text = Field("", max_length=50)
    urgency: Text = Field(Urgency.GENERAL, max_length=10)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class ComplaintActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)
    assignee: Id | None = None  # assign / reassign: a user of the chosen department


class ComplaintOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    room: int | None = Field(None, alias="room_id")
    content: str
    contact_name: str
    contact_phone: str
    channel: str
    type: str
    type_other: str
    urgency: str
    department: str
    assignee: int | None
    is_major: bool
    received_at: dt.datetime
    assigned_at: dt.datetime | None
    resolution: str
    measure: str
    resolved_at: dt.datetime | None
    approved_at: dt.datetime | None
    reply_channel: str
    reply_text: str
    replied_at: dt.datetime | None
    satisfaction: int | None
    archived_at: dt.datetime | None
    reopened_from: int | None = Field(None, alias="reopened_from_id")
    repair_orders: list[int]
    clocks: list[ClockOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        return obj.case.assignee_id

    @staticmethod
    def resolve_repair_orders(obj) -> list[int]:
        return [o.pk for o in obj.repair_orders.all()]

    @staticmethod
    def resolve_clocks(obj) -> list:
        return list(obj.case.clocks.all())


def _out(complaint: Complaint) -> Complaint:
    prefetch_related_objects([complaint], "case__clocks", "repair_orders")
    return complaint


@router.get("/complaints", response={200: list[ComplaintOut], **READ_ERRORS})
@paginated
def complaint_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                   type: Term = "", urgency: Term = "", department: Term = "",
                   channel: Term = "", open: bool = False, overdue: bool = False,
                   major: bool = False, q: Term = "", sort: Term = ""):  # fmt: skip
    """``sort=due``: the desk's work order — overdue first, then urgent before general, then the
    nearest due time; otherwise the newest first."""
    complaints = (
        selectors.complaint_list(
            actor=actor_for(request.auth),
            estate_id=estate,
            status=status,
            type=type,
            urgency=urgency,
            department=department,
            channel=channel,
            open_only=open,
            overdue=overdue,
            major=major,
            q=q,
        )
        .prefetch_related("case__clocks", "repair_orders")
        .order_by("-received_at", "-id")
    )
    if sort == "due":
        complaints = annotate_deadlines(complaints, sort="due")
    return complaints


@router.get("/complaints/{int:complaint_id}", response={200: ComplaintOut, **READ_ERRORS})
def complaint_detail(request: HttpRequest, complaint_id: IdParam):
    return _out(selectors.complaint_get_for_user(request.auth, complaint_id))


@router.post("/complaints", response={201: ComplaintOut, **WRITE_ERRORS})
def complaint_create(request: HttpRequest, payload: ComplaintIn):
    actor = actor_for(request.auth)
    room = None
    if payload.room is not None:
        room = core_selectors.room_get_for_user(request.auth, payload.room)
        estate = room.estate
    elif payload.estate is not None:
        estate = get_or_404(visible_estates(actor), payload.estate)
    else:
        message = _("请指明项目或房屋")
        raise ApiError(400, "invalid", message, {"estate": [message]})
    complaint = services.complaint_create(
        estate=estate, room=room, content=payload.content, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, contact_email=payload.contact_email,
        channel=payload.channel, type=payload.type, type_other=payload.type_other,
        urgency=payload.urgency, attachments=payload.attachments or None, by=request.auth,
    )  # fmt: skip
    return Status(201, _out(complaint))


ComplaintAction = action_param("complaint")


@router.post(
    "/complaints/{int:complaint_id}/{action}", response={200: ComplaintOut, **WRITE_ERRORS}
)
def complaint_action(
    request: HttpRequest, complaint_id: IdParam, action: ComplaintAction, payload: ComplaintActionIn
):
    """One step (403 role, 409 state, 400 inputs; a reply without an apology is a 400)."""
    if action not in {a.name for a in COMPLAINT.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    assignee = None
    if payload.assignee is not None:
        assignee = get_user_model().objects.filter(pk=payload.assignee).first()
        if assignee is None:
            message = _("处理人须为所选责任部门的员工")
            raise ApiError(400, "invalid", message, {"assignee": [message]})
    complaint = services.complaint_act(
        complaint=complaint_id, action=action, by=request.auth, note=payload.note,
        data=payload.data, attachments=payload.attachments or None, assignee=assignee,
    )  # fmt: skip
    return _out(complaint)
