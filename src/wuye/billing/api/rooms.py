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
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    IdParam,
    Text,
    When,
    paginated,
)
from wuye.billing import services
from wuye.billing.models import Bill, BillingRun, BillingSettings, Dunning, DunningKind, LedgerEntry
from wuye.billing.selectors.fees import exact_sum, may_read_fees, overdue_sum, receipt_number
from wuye.billing.services import notices, parking
from wuye.core.models import Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms

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
    balance: Decimal = Field(..., description="正数为未缴清（含未到期的待缴），负数为预存余额")
    overdue: Decimal = Field(..., description="欠费：已过缴费截止日仍未缴的金额")
    upcoming: Decimal = Field(..., description="待缴：未到缴费截止日的未缴金额")
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
    today = services.estate_today(room.estate, timezone.now())
    figures = Room.objects.filter(pk=room.pk).annotate(
        overdue=overdue_sum(today, overdue=True), upcoming=overdue_sum(today, overdue=False)
    ).values("overdue", "upcoming").get()  # fmt: skip
    return {"room": room.pk, "balance": services.room_balance(room.pk),
            "overdue": exact_sum(figures["overdue"]),
            "upcoming": exact_sum(figures["upcoming"]),
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


# --- Staff: billing runs, notices, lawyer's letters, settings, calling an owner ----------------


def _estate(request: HttpRequest, estate_id: int):
    """An estate of the caller whose fees they may read (staff only)."""
    actor = actor_for(request.auth)
    estate = get_or_404(visible_estates(actor).select_related("company"), estate_id)
    if actor.resident is not None or not may_read_fees(actor):
        raise PermissionDenied(_("此接口仅供财务部门、客服中心和管理层使用"))
    return actor, estate


def _aware(value: dt.datetime | None, estate) -> dt.datetime | None:
    """A time without an offset is the estate's local time."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(estate.time_zone or "Asia/Shanghai"))


class RunIn(Schema):
    period_start: Day
    period_end: Day
    due_date: Day
    short_notice_reason: Text = Field(
        "", max_length=200,
        description="缴费截止日距今不足15天时必填：确认出账的原因（随账单生成记录保存）",
    )  # fmt: skip


class RunOut(Schema):
    id: int
    status: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    short_notice_reason: str
    started_at: dt.datetime


@router.post("/billing/estates/{int:estate_id}/runs", response={201: RunOut, **WRITE_ERRORS})
def run_create(request: HttpRequest, estate_id: IdParam, payload: RunIn):
    """费用核算 queued for the background job (FEE-04), as 新建账单生成 does. A due date less
    than 15 days away is refused (400, ``short_notice_reason``) unless a reason confirms it
    (FEE-05)."""
    _actor, estate = _estate(request, estate_id)
    run = services.billing_run_queue(
        estate=estate, period_start=payload.period_start, period_end=payload.period_end,
        due_date=payload.due_date, by=request.auth,
        short_notice_reason=payload.short_notice_reason,
    )  # fmt: skip
    return Status(201, run)


@router.get("/billing/runs/{int:run_id}", response={200: RunOut, **FEE_READ_ERRORS})
def run_detail(request: HttpRequest, run_id: IdParam):
    actor = actor_for(request.auth)
    run = get_or_404(BillingRun.objects.filter(estate__in=visible_estates(actor)), run_id)
    _estate(request, run.estate_id)
    return run


class LetterRecordOut(Schema):
    id: int
    method: str
    delivered_at: dt.datetime
    by: int = Field(..., alias="by_id")
    note: str
    bills: list[int]


class NoticeLetterOut(Schema):
    room: int
    room_label: str
    owners: list[str]
    total: Decimal
    due: dt.date
    electronic: bool = Field(..., description="已发短信和APP消息（业主有登录账号）")
    by_letter: bool = Field(..., description="已打印或登记送达书面通知")
    pending: bool = Field(..., description="仍需书面通知")
    records: list[LetterRecordOut]


def _letter_out(letter) -> dict:
    return {"room": letter.room.pk, "room_label": letter.room.label, "owners": letter.owners,
            "total": letter.total, "due": letter.due, "electronic": letter.electronic,
            "by_letter": letter.by_letter, "pending": letter.pending,
            "records": letter.records}  # fmt: skip


@router.get("/billing/estates/{int:estate_id}/notice-letters",
            response={200: list[NoticeLetterOut], **FEE_READ_ERRORS})  # fmt: skip
def notice_letter_list(request: HttpRequest, estate_id: IdParam, due_by: Day | None = None,
                       pending: bool = True):  # fmt: skip
    """缴费通知单 (FEE-05): the rooms with open bills due by ``due_by`` (15 days ahead by
    default); ``pending=true`` (the default): only those still owed a written notice."""
    _actor, estate = _estate(request, estate_id)
    letters = notices.letters_due(estate, due_by=due_by or notices.default_due_by(estate),
                                  pending_only=pending)  # fmt: skip
    return [_letter_out(letter) for letter in letters]


class DeliveryIn(Schema):
    method: Text = Field(..., max_length=10, description="printed / hand / door / post")
    delivered_at: When
    note: Text = Field("", max_length=200)


@router.post("/billing/rooms/{int:room_id}/notice-letters",
             response={201: LetterRecordOut, **WRITE_ERRORS})  # fmt: skip
def notice_letter_delivered(request: HttpRequest, room_id: IdParam, payload: DeliveryIn):
    """Record a written payment notice as delivered (FEE-05): how, when; the caller is who."""
    _actor, room = _room(request, room_id)
    record = notices.letter_delivery_record(
        room=room, method=payload.method, note=payload.note, by=request.auth,
        delivered_at=_aware(payload.delivered_at, room.estate),
    )  # fmt: skip
    return Status(201, record)


class LawyerLetterOut(Schema):
    id: int
    room: int = Field(..., alias="room_id")
    status: str
    amount: Decimal
    oldest_due: dt.date
    created_at: dt.datetime
    due_at: dt.datetime = Field(..., description="发送期限：逾期第60天 23:59:59")
    clock: str = Field(..., description="running / at_risk / overdue / met / late")
    decided_at: dt.datetime | None
    decision_note: str
    sent_at: dt.datetime | None
    sent_via: str
    sent_by: int | None = Field(None, alias="sent_by_id")
    sent_note: str


def _lawyer_out(letter: Dunning) -> dict:
    return {
        "id": letter.pk, "room_id": letter.room_id, "status": letter.status,
        "amount": letter.amount, "oldest_due": letter.oldest_due,
        "created_at": letter.created_at,
        "due_at": letter.due_at or services.lawyer_letter_due(letter.estate, letter.oldest_due),
        "clock": services.lawyer_letter_clock(letter), "decided_at": letter.decided_at,
        "decision_note": letter.decision_note, "sent_at": letter.sent_at,
        "sent_via": letter.sent_via, "sent_by_id": letter.sent_by_id,
        "sent_note": letter.sent_note,
    }  # fmt: skip


def _lawyer_letter(request: HttpRequest, letter_id: int) -> Dunning:
    actor = actor_for(request.auth)
    letter = get_or_404(
        Dunning.objects.filter(kind=DunningKind.LAWYER_LETTER,
                               estate__in=visible_estates(actor)).select_related("estate"),
        letter_id,
    )  # fmt: skip
    _estate(request, letter.estate_id)
    return letter


@router.get("/billing/estates/{int:estate_id}/lawyer-letters",
            response={200: list[LawyerLetterOut], **FEE_READ_ERRORS})  # fmt: skip
def lawyer_letter_list(request: HttpRequest, estate_id: IdParam, status: Text = ""):
    """律师函 cases (FEE-11), the nearest deadline first; ``status``: pending_approval /
    approved / sent / rejected."""
    _actor, estate = _estate(request, estate_id)
    letters = Dunning.objects.filter(estate=estate, kind=DunningKind.LAWYER_LETTER)
    if status:
        letters = letters.filter(status=status)
    letters = letters.select_related("estate").order_by("oldest_due", "created_at", "id")[:500]
    return [_lawyer_out(letter) for letter in letters]


class DecisionIn(Schema):
    approve: bool
    note: Text = Field(..., max_length=200)


@router.post("/billing/lawyer-letters/{int:letter_id}/decision",
             response={200: LawyerLetterOut, **WRITE_ERRORS})  # fmt: skip
def lawyer_letter_decide(request: HttpRequest, letter_id: IdParam, payload: DecisionIn):
    """同意发送 / 不发送 (FEE-11): a department head or executive, with a note."""
    letter = _lawyer_letter(request, letter_id)
    letter = services.lawyer_letter_decide(dunning=letter, approve=payload.approve,
                                           note=payload.note, by=request.auth)  # fmt: skip
    return _lawyer_out(letter)


class SentIn(Schema):
    via: Text = Field(..., max_length=10, description="ems / hand / law_firm")
    sent_at: When
    note: Text = Field("", max_length=200)


@router.post("/billing/lawyer-letters/{int:letter_id}/sent",
             response={200: LawyerLetterOut, **WRITE_ERRORS})  # fmt: skip
def lawyer_letter_sent(request: HttpRequest, letter_id: IdParam, payload: SentIn):
    """Record an approved lawyer's letter as sent (FEE-11): when, how; the caller is who."""
    letter = _lawyer_letter(request, letter_id)
    letter = services.lawyer_letter_sent(
        dunning=letter, via=payload.via, sent_at=_aware(payload.sent_at, letter.estate),
        note=payload.note, by=request.auth,
    )  # fmt: skip
    return _lawyer_out(letter)


class SettingsIO(Schema):
    lawyer_list_day: int = Field(45, description="逾期第几天列入律师函名单（30～59）")
    law_firm: Text = Field("", max_length=100)
    law_firm_address: Text = Field("", max_length=200)
    lawyer: Text = Field("", max_length=40)
    lawyer_phone: Text = Field("", max_length=30)


@router.get("/billing/estates/{int:estate_id}/settings",
            response={200: SettingsIO, **FEE_READ_ERRORS})  # fmt: skip
def settings_get(request: HttpRequest, estate_id: IdParam):
    """收费设置: the lawyer's-letter list day and the law firm (FEE-11)."""
    _actor, estate = _estate(request, estate_id)
    return BillingSettings.for_estate(estate)


@router.put("/billing/estates/{int:estate_id}/settings",
            response={200: SettingsIO, **WRITE_ERRORS})  # fmt: skip
def settings_put(request: HttpRequest, estate_id: IdParam, payload: SettingsIO):
    """Change 收费设置 (finance only)."""
    _actor, estate = _estate(request, estate_id)
    return services.billing_settings_update(estate=estate, by=request.auth, **payload.dict())


class PhoneOut(Schema):
    resident: int
    mobile: str
    tel: str


@router.post("/billing/rooms/{int:room_id}/owners/{int:resident_id}/phone",
             response={200: PhoneOut, **WRITE_ERRORS})  # fmt: skip
def owner_phone(request: HttpRequest, room_id: IdParam, resident_id: IdParam):
    """An owner's full number for a collector to call (FEE-09); every call is recorded (who,
    when, whose number). Staff who do not chase get a 403."""
    _actor, room = _room(request, room_id)
    mobile, _reveal = services.owner_phone_reveal(room=room, resident_id=resident_id,
                                                  by=request.auth)  # fmt: skip
    return {"resident": resident_id, "mobile": mobile, "tel": f"tel:{mobile}"}
