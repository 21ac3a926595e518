"""Repairs API: intake on every channel that is not a person at the desk (REPAIR-02), and the
orders a caller may see. Steps on an order go through ``POST /api/v1/repairs/{id}/{action}``,
the same engine rules as the pages."""

import datetime as dt
from decimal import Decimal
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
from wuye.core import selectors as core_selectors
from wuye.core.models import PublicArea
from wuye.core.scoping import actor_for, get_or_404, visible_estates
from wuye.repairs import services
from wuye.repairs.choices import Channel
from wuye.repairs.models import RepairOrder
from wuye.repairs.processes import REPAIR
from wuye.repairs.selectors import orders as selectors
from wuye.workflow.api.cases import ClockOut, action_param

router = Router(tags=["repairs"])


class RepairIn(Schema):
    """A report: a room or a public area (one of them), what is wrong, whom to call."""

    room: Id | None = None
    public_area: Id | None = None
    description: Text = Field(..., min_length=1, max_length=2000)
    contact_name: Text = Field(..., min_length=1, max_length=50)
    contact_phone: Text = Field(..., min_length=1, max_length=20)
    # Left out: the category and urgency the description suggests (REPAIR-04).
    category: Text | None = Field(None, max_length=20)
    urgency: Text | None = Field(None, max_length=10)
    preferred_time: Text = Field("", max_length=60)
    # Photo ids from POST /attachments.
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class RepairActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    # Attachment ids from POST /attachments (photos, a signature), bound to this step.
    attachments: list[Any] = Field(default_factory=list, max_length=20)
    assignee: Id | None = None  # dispatch / reassign: a user id of the estate's staff


class ChargeOut(Schema):
    item: int = Field(..., alias="price_item_id")
    name: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal


class MaterialOut(Schema):
    name: str
    quantity: Decimal
    unit: str


class RepairOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    room: int | None = Field(None, alias="room_id")
    public_area: int | None = Field(None, alias="public_area_id")
    place: str
    description: str
    urgency: str
    suggested_urgency: str
    category: str
    channel: str
    contact_name: str
    contact_phone: str
    preferred_time: str
    reported_at: dt.datetime
    assignee: int | None
    assignee_name: str
    dispatched_at: dt.datetime | None
    arrived_at: dt.datetime | None
    # REPAIR-14/15: the technician who has the order now confirmed their arrival (the checklist);
    # completion is refused (409 not_arrived) until then.
    arrival_recorded: bool
    completed_at: dt.datetime | None
    diagnosis: str
    charge_total: Decimal
    accepted_at: dt.datetime | None
    acceptance: str
    satisfaction: int | None
    quality_score: int | None
    attitude_score: int | None
    revisited_at: dt.datetime | None
    repeat_of: int | None = Field(None, alias="repeat_of_id")
    repeat_cause: str
    # REPAIR-13: a repeat whose cause the desk has not chosen yet (the repeat_cause step).
    repeat_cause_pending: bool
    follow_up: int | None = Field(None, alias="follow_up_id")
    clocks: list[ClockOut]
    charges: list[ChargeOut]
    materials: list[MaterialOut]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.place_label

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        return obj.case.assignee_id

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        user = obj.case.assignee
        if user is None:
            return ""
        staff = getattr(user, "staff", None)
        return staff.name if staff is not None else user.get_username()

    @staticmethod
    def resolve_arrival_recorded(obj) -> bool:
        return services.arrival_recorded(obj)

    @staticmethod
    def resolve_repeat_cause_pending(obj) -> bool:
        return obj.repeat_of_id is not None and not obj.repeat_cause

    @staticmethod
    def resolve_clocks(obj) -> list:
        return list(obj.case.clocks.all())

    @staticmethod
    def resolve_charges(obj) -> list:
        # Charges and materials are recorded with the completion: none before it.
        return list(obj.charges.all()) if obj.completed_at else []

    @staticmethod
    def resolve_materials(obj) -> list:
        return list(obj.materials.all()) if obj.completed_at else []


def _detail(request, order_id):
    return selectors.repair_order_get_for_user(request.auth, order_id)


def _scoped(request, order_id) -> RepairOrder:
    """The order if the caller may see it (404 otherwise), without its relations: the service
    reads it again under its lock."""
    orders = selectors.repair_order_list(actor=actor_for(request.auth))
    return get_or_404(orders.select_related(None).only("id", "case_id", "estate_id"), order_id)


def _out(order: RepairOrder) -> RepairOrder:
    """The order a service returned, with what RepairOut reads (its relations are loaded)."""
    lookups = ["case__clocks"] + (["charges", "materials"] if order.completed_at else [])
    prefetch_related_objects([order], *lookups)
    return order


@router.get("/repairs", response={200: list[RepairOut], **READ_ERRORS})
@paginated
def repair_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
                urgency: Term = "", category: Term = "", technician: IdParam | None = None,
                building: IdParam | None = None, open: bool = False, overdue: bool = False,
                repeat: bool = False, q: Term = ""):  # fmt: skip
    orders = selectors.repair_order_list(
        actor=actor_for(request.auth), estate_id=estate, status=status, urgency=urgency,
        category=category, technician=technician, building=building, open_only=open,
        overdue=overdue, repeat=repeat, q=q,
    )  # fmt: skip
    return selectors.with_arrival(orders).prefetch_related("case__clocks", "charges", "materials")


@router.get("/repairs/{int:order_id}", response={200: RepairOut, **READ_ERRORS})
def repair_detail(request: HttpRequest, order_id: IdParam):
    return _detail(request, order_id)


@router.post("/repairs", response={201: RepairOut, **WRITE_ERRORS})
def repair_create(request: HttpRequest, payload: RepairIn):
    room = public_area = None
    if payload.room is not None:
        room = core_selectors.room_get_for_user(request.auth, payload.room)
        estate = room.estate
    elif payload.public_area is not None:
        areas = PublicArea.objects.filter(estate__in=visible_estates(actor_for(request.auth)))
        public_area = get_or_404(areas, payload.public_area)
        estate = public_area.estate
    else:
        message = _("请选择报修的房屋或公共区域（二选一）")
        raise ApiError(400, "invalid", message, {"room": [message]})
    order = services.repair_order_create(
        estate=estate, room=room, public_area=public_area, description=payload.description,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        channel=Channel.API, category=payload.category, urgency=payload.urgency,
        preferred_time=payload.preferred_time, attachments=payload.attachments or None,
        by=request.auth,
    )  # fmt: skip
    return Status(201, _out(order))


@router.post("/repairs/{int:order_id}/dispatch_auto", response={200: RepairOut, **WRITE_ERRORS})
def repair_dispatch_auto(request: HttpRequest, order_id: IdParam):
    """Dispatch to the estate's technician with the least open work."""
    order = _scoped(request, order_id)
    return _out(services.repair_order_dispatch_auto(order=order, by=request.auth))


RepairAction = action_param("repair")


@router.post("/repairs/{int:order_id}/{action}", response={200: RepairOut, **WRITE_ERRORS})
def repair_action(
    request: HttpRequest, order_id: IdParam, action: RepairAction, payload: RepairActionIn
):
    """One step of the repair process; the same rules as the pages (403 role, 409 state or a
    changed amount, 400 inputs)."""
    if action not in {a.name for a in REPAIR.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    assignee = None
    if payload.assignee is not None:
        # The engine checks that the assignee works in the order's estate (400 otherwise).
        assignee = get_user_model().objects.select_related("staff").filter(pk=payload.assignee)
        assignee = assignee.first() or get_user_model()(pk=payload.assignee)
    # The service reads the order as the caller may see it: another's order is a 404.
    order = services.repair_order_act(
        order=order_id, action=action, by=request.auth, note=payload.note, data=payload.data,
        attachments=payload.attachments or None, assignee=assignee,
    )  # fmt: skip
    return _out(order)
