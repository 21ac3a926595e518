"""The finance desk through the API: printing the 缴费通知单 (FEE-05), bill adjustments asked for by
one person and decided by another, refunds of prepaid credit, one-off charges (deposits…), the
cashier's daily closing and its history (with the .xlsx), the temporary parking rules and the
room list with each room's balance (收费台账, with its .xlsx). The same services as
``desk_pages`` and ``pages``: ``notices``, ``adjustments``, ``services.refund_*``, ``closing``,
``parking``.

Who may call: staff who read fees (FEE-02) for their estates; writes by finance (the services
check it again), decisions by the finance head or an executive, never by the person who asked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from wuye.base.api import WRITE_ERRORS, XLSX, Day, Id, IdParam, Term, Text, file_download
from wuye.billing import services
from wuye.billing.api.collections import PageIn, page_of, require_fee_reader, staff_room
from wuye.billing.api.rooms import FEE_READ_ERRORS, BillOut, NoticeLetterOut, _estate, _letter_out
from wuye.billing.documents.exports import closings_xlsx, rooms_xlsx
from wuye.billing.models import (
    ApprovalStatus,
    Bill,
    BillAdjustment,
    CashierClosing,
    ParkingRule,
    PaymentChannel,
    Refund,
)
from wuye.billing.selectors.fees import (
    closing_rows,
    fee_room_owners,
    fee_rooms,
    may_collect,
    receipt_number,
)
from wuye.billing.services import adjustments, closing, notices, parking
from wuye.core.scoping import actor_for, get_or_404, visible_rooms

router = Router(tags=["billing"])


def money_field(example: str = "350.00"):
    return Field(..., gt=0, max_digits=12, decimal_places=2, examples=[example])


def _user_name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or user.get_full_name() or user.get_username()


# --- 缴费通知单: print (FEE-05) ---------------------------------------------------------------


class LetterBillOut(Schema):
    id: int
    description: str
    outstanding: Decimal
    due_date: dt.date


class PrintedLetterOut(NoticeLetterOut):
    bills: list[LetterBillOut]


class PrintIn(Schema):
    due_by: Day | None = Field(None, description="截止日不晚于此日的账单；默认今天起15天",
                               examples=["2026-12-11"])  # fmt: skip
    building: Id | None = Field(None, description="只打印此楼栋", examples=[3])
    rooms: list[Id] | None = Field(None, max_length=2000, description="只打印这些房屋",
                                   examples=[[12, 13]])  # fmt: skip
    all: bool = Field(False, description="不选房屋时：也打印已书面或电子通知过的房屋",
                      examples=[False])  # fmt: skip


class PrintOut(Schema):
    recorded_bills: int = Field(..., description="记为已书面通知的账单数")
    letters: list[PrintedLetterOut]


@router.post("/billing/estates/{int:estate_id}/notice-letters/print",
             response={201: PrintOut, **WRITE_ERRORS})  # fmt: skip
def notice_letters_print(request: HttpRequest, estate_id: IdParam, payload: PrintIn):
    """打印缴费通知单 (FEE-05), as the page's 打印 does: the chosen rooms' letters (by default those
    still owed a written notice) are recorded as printed by the caller (``notices.letters_record``)
    and returned, one per room, to print. Customer service sends them (finance may too)."""
    _actor, estate = _estate(request, estate_id)
    letters = notices.letters_due(
        estate, due_by=payload.due_by or notices.default_due_by(estate),
        building_id=payload.building, rooms=payload.rooms or None,
    )  # fmt: skip
    if not payload.rooms and not payload.all:
        letters = [letter for letter in letters if letter.pending]
    if not letters:
        if not notices.may_send_notices(actor_for(request.auth)):
            raise PermissionDenied(_("缴费通知由客服中心发送"))
        raise ValidationError(_("没有需要打印的缴费通知单"))
    recorded = notices.letters_record(estate=estate, letters=letters, by=request.auth)
    # The same letters again, now with the record just written.
    letters = notices.letters_due(estate, due_by=payload.due_by or notices.default_due_by(estate),
                                  rooms=[letter.room.pk for letter in letters])  # fmt: skip
    out = [{**_letter_out(letter), "bills": [
        {"id": b.pk, "description": b.description, "outstanding": b.amount - b.paid_amount,
         "due_date": b.due_date} for b in letter.bills]} for letter in letters]  # fmt: skip
    return Status(201, {"recorded_bills": recorded, "letters": out})


# --- 账单调整 ---------------------------------------------------------------------------------


class AdjustmentIn(Schema):
    kind: Literal["void", "correct", "deposit_return"] = Field(
        ..., description="void 作废 / correct 更正金额 / deposit_return 退还押金",
        examples=["correct"],
    )  # fmt: skip
    new_amount: Decimal | None = Field(
        None, gt=0, max_digits=12, decimal_places=2, examples=["120.00"],
        description="仅“更正金额”需要：原账单作废，按此金额重新出账单",
    )  # fmt: skip
    reason: Text = Field(..., max_length=200, examples=["面积登记有误，按房产证更正"])


class AdjustmentOut(Schema):
    id: int
    bill: int = Field(..., alias="bill_id")
    bill_description: str = Field(..., alias="bill.description")
    bill_amount: Decimal = Field(..., alias="bill.amount")
    room: int = Field(..., alias="bill.room_id")
    kind: str
    status: str
    new_amount: Decimal | None
    reason: str
    replacement: int | None = Field(None, alias="replacement_id", description="更正后的新账单")
    requested_by: int = Field(..., alias="requested_by_id")
    requested_at: dt.datetime
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: dt.datetime | None
    decision_note: str
    can_decide: bool = Field(False, description="调用者可以审批（财务负责人或高层，且非申请人）")


class AdjustmentPage(Schema):
    items: list[AdjustmentOut]
    count: int


def _bill(request: HttpRequest, bill_id: int):
    actor = actor_for(request.auth)
    bill = get_or_404(
        Bill.objects.filter(room__in=visible_rooms(actor)).select_related("item", "estate", "room"),
        bill_id,
    )  # fmt: skip
    require_fee_reader(actor)
    return actor, bill


@router.post("/billing/bills/{int:bill_id}/adjustments",
             response={201: AdjustmentOut, **WRITE_ERRORS})  # fmt: skip
def adjustment_create(request: HttpRequest, bill_id: IdParam, payload: AdjustmentIn):
    """申请调整账单 (finance): void a bill nothing was paid on, correct its amount, or give back a
    paid deposit; it waits for the finance head's or an executive's approval (a second
    person). 409 when the bill was paid meanwhile or a request is already pending."""
    actor, bill = _bill(request, bill_id)
    if not may_collect(actor):
        raise PermissionDenied(_("只有财务人员可以申请调整账单"))
    adjustment = adjustments.adjustment_request(
        bill=bill, kind=payload.kind, reason=payload.reason, by=request.auth,
        new_amount=payload.new_amount,
    )  # fmt: skip
    return Status(201, adjustment)


@router.get("/billing/estates/{int:estate_id}/adjustments",
            response={200: AdjustmentPage, **FEE_READ_ERRORS})  # fmt: skip
def adjustment_list(
    request: HttpRequest, estate_id: IdParam, page: Query[PageIn],
    status: Literal["pending", "approved", "rejected", "all"] = "pending",
):  # fmt: skip
    """账单调整 of the estate, the latest first (pending by default); ``can_decide`` says whether
    the caller may approve each one."""
    actor, estate = _estate(request, estate_id)
    rows = BillAdjustment.objects.filter(bill__estate=estate).select_related("bill")
    if status != "all":
        rows = rows.filter(status=status)
    rows, count = page_of(rows.order_by("-requested_at", "-pk"), page)
    approver = adjustments.may_approve(actor, estate.pk)
    for row in rows:
        row.can_decide = (approver and row.status == ApprovalStatus.PENDING
                          and row.requested_by_id != actor.user.pk)  # fmt: skip
    return {"items": rows, "count": count}


class AdjustmentDecisionIn(Schema):
    approve: bool = Field(..., examples=[True])
    note: Text = Field("", max_length=200, description="审批意见；驳回时必填",
                       examples=["已核对房产证面积"])  # fmt: skip


@router.post("/billing/adjustments/{int:adjustment_id}/decision",
             response={200: AdjustmentOut, **WRITE_ERRORS})  # fmt: skip
def adjustment_decide(request: HttpRequest, adjustment_id: IdParam, payload: AdjustmentDecisionIn):
    """批准 / 驳回 a bill adjustment: the finance head or an executive, not the requester; on
    approval the ledger gets the reversing entries (and a corrected bill its replacement)."""
    actor = actor_for(request.auth)
    adjustment = get_or_404(
        BillAdjustment.objects.filter(bill__room__in=visible_rooms(actor)), adjustment_id
    )
    require_fee_reader(actor)
    done = adjustments.adjustment_decide(adjustment=adjustment, approve=payload.approve,
                                         note=payload.note, by=request.auth)  # fmt: skip
    return BillAdjustment.objects.select_related("bill").get(pk=done.pk)


# --- 退款 (prepaid credit given back) ----------------------------------------------------------


class CreditOut(Schema):
    payment: int
    receipt_no: str
    channel: str
    received_at: dt.datetime
    refundable: Decimal = Field(..., description="可退金额：未核销、未退的部分")


@router.get("/billing/rooms/{int:room_id}/credits",
            response={200: list[CreditOut], **FEE_READ_ERRORS})  # fmt: skip
def credit_list(request: HttpRequest, room_id: IdParam):
    """The room's payments with prepaid credit left (the 退款 form's choices)."""
    _actor, room = staff_room(request, room_id)
    return [{"payment": p.pk, "receipt_no": receipt_number(p), "channel": p.channel,
             "received_at": p.received_at, "refundable": left}
            for p, left in services.unallocated_payments(room.pk)]  # fmt: skip


class RefundIn(Schema):
    payment: Id = Field(..., description="退自哪笔收款（见 …/credits）", examples=[42])
    amount: Decimal = money_field()
    reason: Text = Field(..., max_length=200, examples=["业主出售房屋，退还预存"])


class RefundOut(Schema):
    id: int
    payment: int = Field(..., alias="payment_id")
    room: int = Field(..., alias="payment.room_id")
    amount: Decimal
    reason: str
    status: str
    requested_by: int = Field(..., alias="requested_by_id")
    requested_at: dt.datetime
    approved_by: int | None = Field(
        None, alias="approved_by_id", description="审批人（批准或驳回）"
    )
    approved_at: dt.datetime | None
    can_decide: bool = False


class RefundPage(Schema):
    items: list[RefundOut]
    count: int


@router.post("/billing/rooms/{int:room_id}/refunds", response={201: RefundOut, **WRITE_ERRORS})
def refund_create(request: HttpRequest, room_id: IdParam, payload: RefundIn):
    """申请退款 of prepaid credit (finance); the finance head or an executive approves it."""
    actor, room = staff_room(request, room_id)
    if not may_collect(actor):
        raise PermissionDenied(_("只有财务人员可以申请退款"))
    credits = services.unallocated_payments(room.pk)
    payment = next((p for p, _left in credits if p.pk == payload.payment), None)
    if payment is None:
        raise ValidationError({"payment": [_("请选择收款")]})
    refund = services.refund_request(payment=payment, amount=payload.amount,
                                     reason=payload.reason, by=request.auth)  # fmt: skip
    return Status(201, Refund.objects.select_related("payment").get(pk=refund.pk))


@router.get("/billing/estates/{int:estate_id}/refunds",
            response={200: RefundPage, **FEE_READ_ERRORS})  # fmt: skip
def refund_list(request: HttpRequest, estate_id: IdParam, page: Query[PageIn],
                status: Literal["pending", "approved", "rejected", "all"] = "pending"):  # fmt: skip
    """退款申请 of the estate (pending by default, the oldest first, as on the adjustments page)."""
    actor, estate = _estate(request, estate_id)
    rows = Refund.objects.filter(payment__estate=estate).select_related("payment")
    if status != "all":
        rows = rows.filter(status=status)
    rows, count = page_of(rows.order_by("requested_at", "pk"), page)
    approver = adjustments.may_approve(actor, estate.pk)
    for row in rows:
        row.can_decide = (approver and row.status == "pending"
                          and row.requested_by_id != actor.user.pk)  # fmt: skip
    return {"items": rows, "count": count}


class RefundDecisionIn(Schema):
    approve: bool = Field(..., examples=[True])


@router.post("/billing/refunds/{int:refund_id}/decision",
             response={200: RefundOut, **WRITE_ERRORS})  # fmt: skip
def refund_decide(request: HttpRequest, refund_id: IdParam, payload: RefundDecisionIn):
    """批准 (the ledger records the refund) or 驳回 a refund: the finance head or an executive,
    not the requester."""
    actor = actor_for(request.auth)
    refund = get_or_404(Refund.objects.filter(payment__room__in=visible_rooms(actor)), refund_id)
    require_fee_reader(actor)
    if payload.approve:
        services.refund_approve(refund=refund, by=request.auth)
    else:
        adjustments.refund_reject(refund=refund, by=request.auth)
    return Refund.objects.select_related("payment").get(pk=refund.pk)


# --- 临时收费 (one-off charges) ----------------------------------------------------------------


class OneOffItemOut(Schema):
    id: int
    name: str
    kind: str


@router.get("/billing/estates/{int:estate_id}/one-off-items",
            response={200: list[OneOffItemOut], **FEE_READ_ERRORS})  # fmt: skip
def one_off_item_list(request: HttpRequest, estate_id: IdParam):
    """The items a cashier may bill by hand (fixed amounts: deposits, key cards…)."""
    _actor, estate = _estate(request, estate_id)
    return list(adjustments.one_off_items(estate.pk).order_by("name", "pk"))


class OneOffIn(Schema):
    item: Id = Field(..., description="收费项目（见 …/one-off-items）", examples=[7])
    amount: Decimal = money_field()
    due_date: Day = Field(..., examples=["2026-12-10"])
    description: Text = Field("", max_length=200, examples=["装修押金（2号楼301 装修）"])


@router.post("/billing/rooms/{int:room_id}/one-off-bills", response={201: BillOut, **WRITE_ERRORS})
def one_off_create(request: HttpRequest, room_id: IdParam, payload: OneOffIn):
    """临时收费 at the counter (finance): one bill of a deposit or a one-off item, with its
    ledger entry; the room's prepaid credit settles it at once if there is any."""
    actor, room = staff_room(request, room_id)
    if not may_collect(actor):
        raise PermissionDenied(_("只有财务人员或企业高层可以办理收费"))
    item = adjustments.one_off_items(room.estate_id).filter(pk=payload.item).first()
    if item is None:
        raise ValidationError({"item": [_("请选择收费项目")]})
    bill = adjustments.bill_one_off(room=room, item=item, amount=payload.amount,
                                    due_date=payload.due_date, description=payload.description,
                                    by=request.auth)  # fmt: skip
    return Status(201, Bill.objects.select_related("item").get(pk=bill.pk))


# --- 收银日结 ---------------------------------------------------------------------------------


class ChannelTotalOut(Schema):
    channel: str
    label: str
    count: int
    amount: Decimal


class ClosingOut(Schema):
    id: int
    day: dt.date
    cashier: int = Field(..., alias="cashier_id")
    cashier_name: str
    count: int
    amount: Decimal
    by_channel: dict[str, Decimal] = Field(
        ..., description="各渠道金额", examples=[{"cash": "300.00"}]
    )
    cash_expected: Decimal
    cash_counted: Decimal
    difference: Decimal = Field(..., description="长短款：正为长款，负为短款")
    note: str
    closed_at: dt.datetime


class ClosingPage(Schema):
    items: list[ClosingOut]
    count: int


def _closing_out(row: CashierClosing) -> dict:
    return {
        "id": row.pk, "day": row.day, "cashier_id": row.cashier_id,
        "cashier_name": _user_name(row.cashier), "count": row.count, "amount": row.amount,
        "by_channel": {c.value: Decimal(row.totals.get(c.value, {}).get("amount", "0"))
                       for c in PaymentChannel},
        "cash_expected": row.cash_expected, "cash_counted": row.cash_counted,
        "difference": row.difference, "note": row.note, "closed_at": row.closed_at,
    }  # fmt: skip


class DayPaymentOut(Schema):
    id: int
    receipt_no: str
    room: int
    amount: Decimal
    channel: str
    received_at: dt.datetime


class DayIn(Schema):
    day: Day | None = Field(None, description="默认今天", examples=["2026-11-26"])


class ClosingDayOut(Schema):
    day: dt.date
    today: dt.date
    channels: list[ChannelTotalOut]
    count: int
    amount: Decimal
    cash: Decimal = Field(..., description="应交现金")
    payments: list[DayPaymentOut]
    closing: ClosingOut | None = Field(..., description="已日结时的记录")
    can_close: bool


@router.get("/billing/estates/{int:estate_id}/closing-day",
            response={200: ClosingDayOut, **FEE_READ_ERRORS})  # fmt: skip
def closing_day(request: HttpRequest, estate_id: IdParam, query: Query[DayIn]):
    """收银日结 of the caller's own money on a day (today by default, never later): the totals
    by channel, the payments, and the closing if the day is closed."""
    actor, estate = _estate(request, estate_id)
    today = services.estate_today(estate, timezone.now())
    day = min(query.day or today, today)
    totals = closing.day_totals(estate, day, request.auth)
    payments = closing.day_payments(estate, day, request.auth).select_related("estate")
    done = CashierClosing.objects.filter(estate=estate, cashier=request.auth, day=day).first()
    return {
        "day": day, "today": today, "count": totals.count, "amount": totals.amount,
        "cash": totals.cash,
        "channels": [{"channel": c, "label": str(label), "count": n, "amount": a}
                     for c, label, n, a in totals.rows()],
        "payments": [{"id": p.pk, "receipt_no": receipt_number(p), "room": p.room_id,
                      "amount": p.amount, "channel": p.channel, "received_at": p.received_at}
                     for p in payments.order_by("received_at", "pk")],
        "closing": _closing_out(done) if done else None,
        "can_close": may_collect(actor) and done is None,
    }  # fmt: skip


class CloseIn(Schema):
    day: Day = Field(..., examples=["2026-11-26"])
    cash_counted: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2, examples=["300.00"])
    note: Text = Field("", max_length=200, description="长短款说明（实点与应交不符时必填）",
                       examples=["短款 10 元，找零有误"])  # fmt: skip


@router.post(
    "/billing/estates/{int:estate_id}/closings", response={201: ClosingOut, **WRITE_ERRORS}
)
def closing_create(request: HttpRequest, estate_id: IdParam, payload: CloseIn):
    """日结 of the caller's own day (finance): the totals by channel from the payments recorded,
    the cash counted against the cash recorded; afterwards that day takes no more of the
    cashier's money. 409 when the day is closed already."""
    _actor, estate = _estate(request, estate_id)
    row = closing.cashier_close(estate=estate, day=payload.day, cash_counted=payload.cash_counted,
                                note=payload.note, by=request.auth)  # fmt: skip
    return Status(201, _closing_out(row))


class PeriodIn(Schema):
    start: Day | None = Field(None, description="默认结束日期前30天", examples=["2026-11-01"])
    end: Day | None = Field(None, description="默认今天", examples=["2026-11-30"])


def _period(estate, period: PeriodIn) -> tuple[dt.date, dt.date]:
    today = services.estate_today(estate, timezone.now())
    end = period.end or today
    start = period.start or end - dt.timedelta(days=30)
    return (end, start) if start > end else (start, end)


@router.get("/billing/estates/{int:estate_id}/closings",
            response={200: ClosingPage, **FEE_READ_ERRORS})  # fmt: skip
def closing_list(request: HttpRequest, estate_id: IdParam, period: Query[PeriodIn],
                 page: Query[PageIn]):  # fmt: skip
    """日结记录: every cashier's closings of a period (the last 30 days by default), the latest
    first, by channel."""
    _actor, estate = _estate(request, estate_id)
    rows, count = page_of(closing_rows(estate, *_period(estate, period)), page)
    return {"items": [_closing_out(r) for r in rows], "count": count}


@router.get("/billing/estates/{int:estate_id}/closings.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def closing_export(request: HttpRequest, estate_id: IdParam, period: Query[PeriodIn]):
    """日结记录 of the period as .xlsx for the accounts (the page's export)."""
    _actor, estate = _estate(request, estate_id)
    return closings_xlsx(estate, closing_rows(estate, *_period(estate, period)))


# --- 临时停车收费规则 ---------------------------------------------------------------------------


class ParkingRuleIn(Schema):
    free_minutes: int = Field(..., ge=0, le=1440, examples=[15])
    per_hour: Decimal = Field(..., ge=0, max_digits=7, decimal_places=2, examples=["5.00"],
                              description="每小时收费，不足1小时按1小时计")  # fmt: skip
    daily_cap: Decimal | None = Field(
        None, ge=0, max_digits=7, decimal_places=2, examples=["20.00"],
        description="24小时封顶；不封顶为 null",
    )  # fmt: skip
    effective_from: Day = Field(..., examples=["2026-12-01"])


class ParkingRuleOut(Schema):
    id: int
    free_minutes: int
    per_hour: Decimal
    daily_cap: Decimal | None
    effective_from: dt.date
    current: bool = Field(False, description="今天执行的规则")


@router.get("/billing/estates/{int:estate_id}/parking-rules",
            response={200: list[ParkingRuleOut], **FEE_READ_ERRORS})  # fmt: skip
def parking_rule_list(request: HttpRequest, estate_id: IdParam):
    """临时停车收费规则 of the estate, the latest first; ``current``: today's. The fee of one
    stay: ``GET /billing/parking/fee``."""
    _actor, estate = _estate(request, estate_id)
    current = parking.parking_rule_at(estate, services.estate_today(estate, timezone.now()))
    rules = list(ParkingRule.objects.filter(estate=estate).order_by("-effective_from"))
    for rule in rules:
        rule.current = current is not None and rule.pk == current.pk
    return rules


@router.post("/billing/estates/{int:estate_id}/parking-rules",
             response={201: ParkingRuleOut, **WRITE_ERRORS})  # fmt: skip
def parking_rule_create(request: HttpRequest, estate_id: IdParam, payload: ParkingRuleIn):
    """A new parking rule from a date on (finance); earlier stays keep the rule of their day.
    409 when that date has a rule already."""
    _actor, estate = _estate(request, estate_id)
    rule = parking.parking_rule_set(estate=estate, by=request.auth, **payload.dict())
    return Status(201, rule)


# --- 收费台账: the rooms and their balance ---------------------------------------------------


class FeeRoomFilter(Schema):
    q: Term = Field("", description="房号如 1-2-301", examples=["1-2-301"])
    arrears: bool = Field(False, description="只看欠费（已过缴费截止日仍未缴）", examples=[True])


class FeeRoomOut(Schema):
    id: int
    label: str
    area: Decimal | None
    owners: str
    balance: Decimal = Field(..., description="正数为未缴清，负数为预存余额")
    overdue: Decimal = Field(..., description="欠费")
    upcoming: Decimal = Field(..., description="待缴：未到缴费截止日")
    credit: Decimal = Field(..., description="预存")


class FeeRoomPage(Schema):
    items: list[FeeRoomOut]
    count: int


@router.get("/billing/estates/{int:estate_id}/rooms",
            response={200: FeeRoomPage, **FEE_READ_ERRORS})  # fmt: skip
def fee_room_list(request: HttpRequest, estate_id: IdParam, filters: Query[FeeRoomFilter],
                  page: Query[PageIn]):  # fmt: skip
    """收费台账: the estate's rooms with their balance, 欠费 and 待缴, in building and room order;
    a room's ledger is ``GET /billing/rooms/{id}/ledger``."""
    _actor, estate = _estate(request, estate_id)
    today = services.estate_today(estate, timezone.now())
    rooms, count = page_of(fee_rooms(estate, today, q=filters.q.strip(),
                                     arrears=filters.arrears), page)  # fmt: skip
    prefetch_related_objects(rooms, fee_room_owners())
    items = [{
        "id": r.pk, "label": r.label, "area": r.area,
        "owners": "、".join(o.resident.name for o in r.owners),
        "balance": services.exact_sum(r.balance), "overdue": services.exact_sum(r.overdue),
        "upcoming": services.exact_sum(r.upcoming),
        "credit": max(-services.exact_sum(r.balance), Decimal(0)),
    } for r in rooms]  # fmt: skip
    return {"items": items, "count": count}


@router.get("/billing/estates/{int:estate_id}/rooms.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def fee_room_export(request: HttpRequest, estate_id: IdParam, filters: Query[FeeRoomFilter]):
    """收费台账 with these filters as .xlsx (the page's export)."""
    _actor, estate = _estate(request, estate_id)
    today = services.estate_today(estate, timezone.now())
    rooms = fee_rooms(estate, today, q=filters.q.strip(), arrears=filters.arrears)
    return rooms_xlsx(estate, rooms)
