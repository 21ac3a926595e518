"""Fees API: a room's bills and ledger for the owner's app and the desk, payments taken by a
cashier (or a bank interface), online payment orders, and the temporary parking fee for the
gate's cameras. The same services as the pages; the gateway's own callback is a plain view
(``POST /billing/gateway/callback``), signed rather than authenticated.

Who may call: residents for their own rooms; staff who read fees (FEE-02) for the rooms of
their estates; payments only by finance (the service checks it again).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.api import READ_ERRORS, WRITE_ERRORS, ErrorOut, Id, IdParam, Text, When, paginated
from wuye.core.models import Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms

from . import parking, services
from .models import Bill, LedgerEntry
from .pages import may_read_fees, receipt_number

router = Router(tags=["billing"])


class BillOut(Schema):
    id: int
    room: int = Field(..., alias="room_id")
    item: str = Field(..., alias="item.name")
    kind: str = Field(..., alias="item.kind")
    description: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    paid_amount: Decimal
    outstanding: Decimal
    status: str
    due_date: dt.date
    notified_at: dt.datetime | None
    notified_via: str


class EntryOut(Schema):
    id: int
    kind: str
    amount: Decimal = Field(..., description="正数为应收（欠费增加），负数为收款")
    description: str
    bill: int | None = Field(None, alias="bill_id")
    payment: int | None = Field(None, alias="payment_id")
    at: dt.datetime


class LedgerOut(Schema):
    room: int
    balance: Decimal = Field(..., description="正数为欠费，负数为预存余额")
    entries: list[EntryOut]


class PaymentIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    channel: Text = Field(..., max_length=10, description="wechat / alipay / bank / cash / pos")
    bills: list[Id] | None = Field(
        None, max_length=500, description="只缴这些账单；不填则从最早的欠费缴起"
    )
    reference: Text = Field("", max_length=64)
    note: Text = Field("", max_length=200)


class PaymentOut(Schema):
    id: int
    receipt_no: str
    room: int
    amount: Decimal
    channel: str
    reference: str
    received_at: dt.datetime
    allocations: list[dict]
    balance: Decimal


class OrderIn(Schema):
    channel: Text = Field(..., max_length=10, description="wechat / alipay")
    bills: list[Id] | None = Field(None, max_length=500)


class OrderOut(Schema):
    out_trade_no: str
    amount: Decimal
    channel: str
    status: str
    pay_url: str = Field(..., description="模拟网关的支付页（演示与测试）")


class ParkingFeeOut(Schema):
    estate: int
    entered_at: dt.datetime
    left_at: dt.datetime
    minutes: int
    fee: Decimal


def _room(request: HttpRequest, room_id: int) -> tuple[Actor, Room]:
    """The room if the caller may see its fees: its residents, or staff who read fees."""
    actor = actor_for(request.auth)
    room = get_or_404(visible_rooms(actor).select_related("estate"), room_id)
    if actor.resident is None and not may_read_fees(actor):
        raise PermissionDenied(_("此接口仅供财务部门、客服中心和管理层使用"))
    return actor, room


# A staff member who may not read fees gets a 403 (``_room``): the reads declare it too.
FEE_READ_ERRORS = {**READ_ERRORS, 403: ErrorOut}


@router.get("/billing/rooms/{int:room_id}/bills", response={200: list[BillOut], **FEE_READ_ERRORS})
@paginated
def bill_list(request: HttpRequest, room_id: IdParam, open: bool = False):
    """The room's bills, oldest due first; ``open=true``: only those still to pay."""
    _actor, room = _room(request, room_id)
    bills = Bill.objects.filter(room=room).select_related("item").order_by("due_date", "id")
    if open:
        bills = bills.filter(status__in=("unpaid", "partial"))
    return bills


@router.get("/billing/rooms/{int:room_id}/ledger", response={200: LedgerOut, **FEE_READ_ERRORS})
def ledger(request: HttpRequest, room_id: IdParam, limit: int = 100):
    """业主缴费台账 (FEE-07): the balance (the sum of every entry) and the latest ``limit``
    entries (at most 500)."""
    _actor, room = _room(request, room_id)
    limit = min(max(limit, 1), 500)
    entries = list(LedgerEntry.objects.filter(room=room).order_by("-at", "-id")[:limit])
    return {"room": room.pk, "balance": services.room_balance(room.pk),
            "entries": list(reversed(entries))}  # fmt: skip


def _payment_out(payment) -> dict:
    allocations = [
        {"bill": a.bill_id, "amount": a.amount} for a in payment.allocations.order_by("id")
    ]
    return {
        "id": payment.pk, "receipt_no": receipt_number(payment), "room": payment.room_id,
        "amount": payment.amount, "channel": payment.channel, "reference": payment.reference,
        "received_at": payment.received_at, "allocations": allocations,
        "balance": services.room_balance(payment.room_id),
    }  # fmt: skip


@router.post("/billing/rooms/{int:room_id}/payments", response={201: PaymentOut, **WRITE_ERRORS})
def payment_create(request: HttpRequest, room_id: IdParam, payload: PaymentIn):
    """收款 by finance (FEE-06/07): settles the chosen bills exactly (409 when someone else
    settled them meanwhile) or the oldest ones; the rest becomes prepaid credit."""
    _actor, room = _room(request, room_id)
    payment = services.payment_record(
        room=room, amount=payload.amount, channel=payload.channel, by=request.auth,
        bills=payload.bills, reference=payload.reference.strip(), note=payload.note.strip(),
        exact=payload.bills is not None,
    )  # fmt: skip
    return Status(201, _payment_out(payment))


@router.post("/billing/rooms/{int:room_id}/orders", response={201: OrderOut, **WRITE_ERRORS})
def order_create(request: HttpRequest, room_id: IdParam, payload: OrderIn):
    """An online payment order (WeChat Pay / Alipay) for the room's open bills or the chosen
    ones; the gateway's signed callback confirms the money (FEE-05/12)."""
    _actor, room = _room(request, room_id)
    order = services.gateway_order_create(room=room, channel=payload.channel, by=request.auth,
                                          bills=payload.bills)  # fmt: skip
    return Status(201, {
        "out_trade_no": order.out_trade_no, "amount": order.amount, "channel": order.channel,
        "status": order.status,
        "pay_url": request.build_absolute_uri(services.gateway_pay_url(order)),
    })  # fmt: skip


# The longest stay the gate may price: a car left for longer is a case for the desk, not a fee.
PARKING_STAY_MAX = dt.timedelta(days=366)


@router.get("/billing/parking/fee", response={200: ParkingFeeOut, **FEE_READ_ERRORS})
def parking_fee(request: HttpRequest, estate: IdParam, entered_at: When, left_at: When):
    """临时停车费 of one stay under the estate's rule of the entry day (for the gate); staff
    only (a resident gets a 403). A stay of more than 366 days is refused (400)."""
    actor = actor_for(request.auth)
    estate_obj = get_or_404(visible_estates(actor), estate)
    if actor.resident is not None:
        raise PermissionDenied(_("此接口仅供员工使用"))
    zone = ZoneInfo(estate_obj.time_zone or "Asia/Shanghai")
    # A time without an offset is the estate's local time (what a gate's clock shows).
    entered_at, left_at = (t if t.tzinfo else t.replace(tzinfo=zone) for t in (entered_at, left_at))
    if left_at - entered_at > PARKING_STAY_MAX:
        message = _("停车时长不能超过 %(days)d 天") % {"days": PARKING_STAY_MAX.days}
        raise ValidationError({"left_at": [message]})
    fee = parking.parking_fee(estate=estate_obj, entered_at=entered_at, left_at=left_at)
    minutes = max(0, int((left_at - entered_at).total_seconds() // 60))
    return {"estate": estate_obj.pk, "entered_at": entered_at, "left_at": left_at,
            "minutes": minutes, "fee": fee}  # fmt: skip
