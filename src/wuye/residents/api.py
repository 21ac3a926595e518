"""Move-in API (业主入住, MOVEIN-*): what the move-in pages show and do — the dashboard's
figures, the batches with their notices and printed letters, the desk's search, one owner's
move-in with its fees, invoices and steps, the two printed forms (PDF), the house defects and
the needs routed to departments. The same services and selectors as the pages.

Who may call, as on the pages: staff only (a resident or a contractor gets a 403, as the pages
answer them); the batches are for the desk (客服中心、部门负责人、企业高层), the move-ins,
defects and needs for the move-in staff (the desk, the engineers, order, finance, cleaning and
gardening); anything outside the caller's estates is a 404. A step's own rules are the
engine's and the services' (403 role, 409 out of order, 400 inputs).

The defects' and needs' own steps (整改完成, 业主确认, 处理完成…) go through the generic
``POST /cases/{case_id}/{action}``, as on the pages; each row here names its ``case``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ErrorOut,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    file_download,
    paginated,
)
from wuye.base.pdf import CJKFontMissing, pdf_response
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.validators import mask_id_number, mask_mobile
from wuye.workflow.engine import get_process
from wuye.workflow.selectors import case_timeline
from wuye.workflow.services import allowed_actions

from . import selectors, services
from .choices import BatchStatus, MoveInStatus
from .models import MoveIn, MoveInBatch
from .processes import DESK, HOUSE_DEFECT, MOVE_IN, MOVE_IN_NEED, STAFF

router = Router(tags=["move-in"])

M = MoveInStatus
# As the move-in page: the steps in the manual's order (MOVEIN-02), and who issues invoices
# (FEE-06: finance's clerks, the heads and the executives).
STEPS = ("arrive", "check_documents", "pay_fees", "inspect", "hand_keys", "complete", "revisit")
INVOICERS = (Role.FINANCE_CLERK, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)

# The role refusals (403) the pages give too, and a form that cannot be printed yet (409) or a
# server without the Chinese font (503).
ROLE_READ_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}
FILE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut, 503: ErrorOut}


def _actor(request: HttpRequest, roles: frozenset | None = None) -> Actor:
    """The caller, if the pages would let them in: staff (else 403), of ``roles`` if given."""
    actor = actor_for(request.auth)
    if actor.staff is None and not actor.is_superuser:
        raise PermissionDenied(_("此接口仅供员工使用"))
    if roles is not None and not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(_("此接口仅供客服中心、工程部和管理层使用"))
    return actor


def _estate(actor: Actor, estate_id: int | None):
    if estate_id is None:
        return None
    return get_or_404(visible_estates(actor), estate_id)


def _aware(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A time without an offset is the estate's local time (what the page's form takes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


# --- Shared output pieces -----------------------------------------------------------------------


class MoveInClockOut(Schema):
    """One clock of a case, as the pages colour it."""

    key: str = Field(..., examples=["rectify"])
    rule: str = Field(..., examples=["MOVEIN-07"])
    name: str = Field(..., examples=["整改期限"])
    state: str = Field(..., examples=["running"])
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None
    view_state: str = Field(..., description="ok / warn / breach / paused", examples=["warn"])
    countdown: str = Field(..., examples=["还剩 2 天 3 小时"])


def _clocks(clocks) -> list:
    return selectors.clock_view(clocks, timezone.now())


class MoveInCaseRef(Schema):
    case: int = Field(..., examples=[41])
    number: str = Field(..., examples=["XQ-20260930-0001"])
    status: str = Field(..., examples=["open"])
    status_label: str = Field(..., examples=["待处理"])


def _case_ref(case) -> dict | None:
    if case is None:
        return None
    return {"case": case.pk, "number": case.number, "status": case.status,
            "status_label": str(get_process(case.process).state_label(case.status))}  # fmt: skip


# --- Batches (MOVEIN-03) ------------------------------------------------------------------------


class MoveInBatchIn(Schema):
    """A batch of one building (入住批次): when, where, what to bring and what to pay. A time
    without an offset is the estate's local time."""

    building: Id = Field(..., examples=[3])
    title: Text = Field(..., max_length=60, examples=["1栋第一批入住"])
    starts_at: When = Field(..., examples=["2026-09-30T09:00:00+08:00"])
    ends_at: When = Field(..., examples=["2026-09-30T17:00:00+08:00"])
    place: Text = Field(..., max_length=100, examples=["会所一楼入住大厅"])
    documents: Text = Field(
        ..., max_length=2000, examples=["身份证原件及复印件、购房合同、委托书（代办时）"]
    )
    fees: Text = Field(..., max_length=2000, examples=["半年物业服务费、装修押金"])


class MoveInBatchOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    building: int = Field(..., alias="building_id")
    building_name: str = Field(..., alias="building.name", examples=["1栋"])
    title: str = Field(..., examples=["1栋第一批入住"])
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    documents: str
    fees: str
    status: str = Field(..., examples=["notified"])
    status_label: str = Field(..., examples=["已通知"])
    notified_at: dt.datetime | None
    created_at: dt.datetime
    notified: int = Field(..., description="已通知的业主")
    arrived: int = Field(..., description="已到场的业主")
    completed: int = Field(..., description="已完成入住的业主")
    revisited: int = Field(..., description="已回访的业主")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(BatchStatus(obj.status).label)


class MoveInOwnerOut(Schema):
    """An owner of the batch's building: told or not, and their move-in."""

    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    name: str = Field(..., alias="resident.name", examples=["王业主"])
    mobile: str = Field(..., examples=["138****1234"])
    notified_at: dt.datetime | None
    channels: list[str] = Field(..., examples=[["letter", "inbox", "sms"]])
    channel_labels: str = Field(..., examples=["书面、站内消息、短信"])
    move_in: int | None
    status: str = Field(..., examples=["notified"])
    status_label: str = Field(..., examples=["已通知"])

    @staticmethod
    def resolve_mobile(obj) -> str:
        return mask_mobile(obj.resident.mobile)

    @staticmethod
    def resolve_notified_at(obj):
        return obj.notice.sent_at if obj.notice else None

    @staticmethod
    def resolve_channels(obj) -> list[str]:
        return [c for c in obj.notice.channels.split(",") if c] if obj.notice else []

    @staticmethod
    def resolve_move_in(obj) -> int | None:
        return obj.move_in.pk if obj.move_in else None

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.move_in.case.status if obj.move_in else ""

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.status_label)


class MoveInBatchDetailOut(MoveInBatchOut):
    notice_deadline: dt.date = Field(..., description="入住通知最晚发出日期（MOVEIN-03）")
    notice_late: bool = Field(..., description="已来不及提前 7 天发出通知")
    takeover_confirmed: bool = Field(..., description="楼栋已通过接管验收（TAKEOVER-15）")
    unnotified: int = Field(..., description="尚未通知的业主")
    vehicle_guidance: MoveInCaseRef | None = Field(
        None, description="秩序部的车辆引导任务（MOVEIN-01）"
    )
    owners: list[MoveInOwnerOut]


def _batch(actor: Actor, batch_id: int) -> MoveInBatch:
    """The batch with its progress, as the caller may see it (else 404)."""
    return get_or_404(selectors.batch_progress(services.batch_list(actor=actor)), batch_id)


@router.get("/movein/batches", response={200: list[MoveInBatchOut], **ROLE_READ_ERRORS})
@paginated
def batch_list(request: HttpRequest, estate: IdParam | None = None, status: Term = "",
               building: IdParam | None = None):  # fmt: skip
    """入住批次: the batches of the caller's estates (or of ``estate``), the latest first, with
    how many owners were told, arrived, completed and were revisited; ``status``: planned /
    notified / closed; ``building``: one building's. For the desk (客服中心、部门负责人、
    企业高层)."""
    actor = _actor(request, DESK)
    return selectors.batch_list_filtered(
        actor=actor, estate=_estate(actor, estate), status=status, building=building
    )


@router.post("/movein/batches", response={201: MoveInBatchDetailOut, **WRITE_ERRORS})
def batch_create(request: HttpRequest, payload: MoveInBatchIn):
    """新建入住批次 (MOVEIN-03): refused (400) before the building's takeover is confirmed
    (TAKEOVER-15, ``building``) or when its notices could no longer go out 7 days ahead
    (``starts_at``). The desk only."""
    actor = _actor(request, DESK)
    buildings = Building.objects.filter(estate__in=visible_estates(actor)).select_related("estate")
    building = get_or_404(buildings, payload.building)
    zone = ZoneInfo(building.estate.time_zone or "Asia/Shanghai")
    batch = services.batch_create(
        building=building, title=payload.title, starts_at=_aware(payload.starts_at, zone),
        ends_at=_aware(payload.ends_at, zone), place=payload.place, documents=payload.documents,
        fees=payload.fees, by=request.auth,
    )  # fmt: skip
    return Status(201, _batch_detail(actor, batch.pk))


def _batch_detail(actor: Actor, batch_id: int, show: str = "") -> MoveInBatch:
    """What the batch page shows (its facts, the vehicle guidance), on the batch."""
    batch = _batch(actor, batch_id)
    facts = selectors.batch_facts(batch)
    batch.notice_deadline, batch.notice_late = facts["deadline"], facts["late"]
    batch.takeover_confirmed = facts["confirmed"]
    batch.unnotified = len(facts["unnotified"])
    batch.vehicle_guidance = _case_ref(services.vehicle_guidance_case(batch))
    batch.owners = facts["unnotified"] if show == "unnotified" else facts["owners"]
    return batch


@router.get("/movein/batches/{int:batch_id}",
            response={200: MoveInBatchDetailOut, **ROLE_READ_ERRORS})  # fmt: skip
def batch_detail(request: HttpRequest, batch_id: IdParam, show: Term = ""):
    """One batch: its owners with their notice and move-in, the notice deadline, the takeover
    gate and the order department's vehicle guidance (MOVEIN-01); ``show=unnotified``: only
    the owners not told yet."""
    actor = _actor(request, DESK)
    return _batch_detail(actor, batch_id, show)


class MoveInNotifyOut(Schema):
    notified: int = Field(..., description="本次通知的业主", examples=[12])
    by_app: int = Field(..., description="有登录账号、已发站内消息和短信的业主", examples=[9])
    letter_only: int = Field(..., description="只能书面通知的业主", examples=[3])


@router.post("/movein/batches/{int:batch_id}/notify",
             response={200: MoveInNotifyOut, **WRITE_ERRORS})  # fmt: skip
def batch_notify(request: HttpRequest, batch_id: IdParam):
    """发出入住通知 (MOVEIN-03): every owner of the building not told yet gets an in-app message
    and an SMS (with a login) and a printed letter; each owner's move-in opens (已通知). 409 once
    less than 7 days before the start (``notice_late``), before the takeover is confirmed, when
    everyone was told already or the batch is closed. The desk only (403)."""
    _actor(request)
    batch = services.batch_get_for_user(request.auth, batch_id)
    result = services.batch_notify(batch=batch, by=request.auth)
    return {"notified": result.notified, "by_app": result.by_app,
            "letter_only": result.letter_only}  # fmt: skip


class MoveInLetterOut(Schema):
    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    name: str = Field(..., alias="resident.name", examples=["王业主"])


class MoveInLettersOut(Schema):
    """书面通知: the same text for every owner, one letter each."""

    batch: int
    title: str = Field(..., examples=["入住通知：1栋第一批入住"])
    body: str
    date: dt.date = Field(..., description="落款日期")
    letters: list[MoveInLetterOut]


@router.get("/movein/batches/{int:batch_id}/letters",
            response={200: MoveInLettersOut, **ROLE_READ_ERRORS})  # fmt: skip
def batch_letters(request: HttpRequest, batch_id: IdParam):
    """The printed notices (书面通知) of the batch: the notice's title and body (time, place,
    documents, fees, MOVEIN-03) and one letter per owner of the building."""
    actor = _actor(request, DESK)
    batch = services.batch_get_for_user(actor.user, batch_id)
    title, body = services.notice_text(batch)
    return {"batch": batch.pk, "title": title, "body": body, "date": timezone.localdate(),
            "letters": selectors.batch_facts(batch)["owners"]}  # fmt: skip


# --- Move-ins: the desk's search and one owner's move-in ----------------------------------------


class MoveInOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["RZ-20260930-0001"])
    status: str = Field(..., alias="case.status", examples=["arrived"])
    status_label: str = Field(..., examples=["已到场"])
    estate: int = Field(..., alias="batch.estate_id")
    batch: int = Field(..., alias="batch_id")
    batch_title: str = Field(..., alias="batch.title", examples=["1栋第一批入住"])
    room: int = Field(..., alias="room_id")
    room_label: str = Field(..., alias="room.label", examples=["1栋2单元301室"])
    resident: int = Field(..., alias="resident_id")
    resident_name: str = Field(..., alias="resident.name", examples=["王业主"])
    resident_mobile: str = Field(..., examples=["138****1234"])
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(MOVE_IN.state_label(obj.case.status))

    @staticmethod
    def resolve_resident_mobile(obj) -> str:
        return mask_mobile(obj.resident.mobile)


class MoveInActionOut(Schema):
    name: str = Field(..., examples=["check_documents"])
    label: str = Field(..., examples=["资料审核"])


class MoveInEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    role: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class MoveInBillOut(Schema):
    id: int
    item: str = Field(..., alias="item.name", examples=["物业服务费"])
    description: str
    amount: Decimal
    paid_amount: Decimal
    status: str = Field(..., examples=["paid"])
    due_date: dt.date


class MoveInFeeLineOut(Schema):
    kind: str = Field(..., examples=["property_fee"], description="property_fee / deposit")
    item_name: str = Field(..., examples=["物业服务费"])
    description: str
    amount: Decimal


class MoveInInvoiceOut(Schema):
    id: int
    number: str = Field(..., examples=["FP00000001"])
    title: str
    amount: Decimal
    issued_at: dt.datetime | None


class MoveInPaymentOut(Schema):
    id: int
    amount: Decimal
    channel: str
    receipt_no: str
    received_at: dt.datetime
    invoice: MoveInInvoiceOut | None = Field(
        None, alias="issued_invoice", description="财务已开具的发票；未开具时为空"
    )


class HouseDefectOut(Schema):
    """A problem of the house inspection (房屋验收问题), run as its own case."""

    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["FW-20261002-0001"])
    status: str = Field(..., alias="case.status", examples=["open"])
    status_label: str = Field(..., examples=["整改中"])
    move_in: int = Field(..., alias="move_in_id")
    room_label: str = Field(..., alias="move_in.room.label", examples=["1栋2单元301室"])
    resident_name: str = Field(..., alias="move_in.resident.name", examples=["王业主"])
    location: str = Field(..., examples=["主卧"])
    description: str = Field(..., examples=["墙面空鼓"])
    created_at: dt.datetime
    clocks: list[MoveInClockOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(HOUSE_DEFECT.state_label(obj.case.status))

    @staticmethod
    def resolve_clocks(obj) -> list:
        return _clocks(obj.case.clocks.all())


class MoveInDetailOut(MoveInOut):
    clocks: list[MoveInClockOut] = Field(..., alias="clock_rows")
    actions: list[MoveInActionOut] = Field(..., description="调用者现在可以执行的步骤")
    next_step: str = Field(..., description="按 MOVEIN-02 顺序的下一步", examples=["pay_fees"])
    id_number: str = Field(..., description="资料审核登记的身份证号（脱敏）")
    contract_no: str
    household: str
    emergency_contact: str
    bills: list[MoveInBillOut] = Field(..., alias="bill_rows")
    fees_paid: bool
    fee_preview: list[MoveInFeeLineOut] = Field(..., description="尚未生成账单时，将收取的入住费用")
    fee_error: str = Field(..., description="无法计算入住费用的原因（未设置收费标准）")
    payments: list[MoveInPaymentOut]
    invoice_pending: int = Field(..., description="尚未开具发票的收款笔数")
    can_invoice: bool = Field(..., description="调用者可以开具发票（财务、部门负责人、企业高层）")
    key_count: int
    access_cards: str
    service_agreement: UUID | None = Field(None, alias="service_agreement_id")
    covenant: UUID | None = Field(None, alias="covenant_id")
    revisit_method: str
    satisfaction: int | None
    needs: str
    defects: list[HouseDefectOut] = Field(..., alias="defect_rows")
    events: list[MoveInEventOut]

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)


def _move_in_detail(request: HttpRequest, actor: Actor, move_in_id: int) -> MoveIn:
    """What the move-in page shows (pages._detail): the same services, on the move-in."""
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    case = move_in.case
    allowed = allowed_actions(case=case, user=request.auth)
    names = [a.name for a in allowed]
    bills = services.move_in_bills(move_in)
    payments = services.move_in_payments(move_in) if bills else []
    for p in payments:
        p.issued_invoice = services.issued_invoice(p)
    fee_preview, fee_error = [], ""
    if "pay_fees" in names and not bills:
        try:
            fee_preview = services.move_in_fee_lines(move_in)
        except ValidationError as error:
            fee_error = " ".join(error.messages)
    move_in.clock_rows = _clocks(case.clocks.all())
    move_in.actions = [{"name": a.name, "label": str(a.label)} for a in allowed]
    move_in.next_step = next((s for s in STEPS if s in names), "")
    move_in.bill_rows = bills
    move_in.fees_paid = bool(bills) and all(b.status == "paid" for b in bills)
    move_in.fee_preview, move_in.fee_error = fee_preview, fee_error
    move_in.payments = payments
    move_in.invoice_pending = sum(1 for p in payments if p.issued_invoice is None)
    move_in.can_invoice = actor.is_superuser or actor.role in INVOICERS
    move_in.defect_rows = list(
        move_in.defects.select_related(
            "case", "move_in__room__building", "move_in__room__unit", "move_in__resident"
        ).prefetch_related("case__clocks")
    )
    move_in.events = [
        {"at": e.at, "action": e.action, "actor": e.actor.get_username() if e.actor_id else None,
         "role": e.role, "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
         "data": e.data}
        for e in case_timeline(case=case, actor=actor)
    ]  # fmt: skip
    return move_in


@router.get("/movein/move-ins", response={200: list[MoveInOut], **ROLE_READ_ERRORS})
@paginated
def move_in_list(request: HttpRequest, estate: IdParam | None = None,
                 batch: IdParam | None = None, q: Term = "", status: Term = ""):  # fmt: skip
    """入住办理台 (MOVEIN-12): find an owner's move-in by name, room number, the mobile's last
    digits or the case number (``q``); ``batch``: one batch's (the desk picks the batch of the
    day); ``status``: a move-in status, or ``waiting`` for those arrived and not completed."""
    actor = _actor(request, STAFF)
    qs = selectors.desk_move_ins(actor=actor, q=q, status=status)
    if batch is not None:
        qs = qs.filter(batch=services.batch_get_for_user(actor.user, batch))
    estate_obj = _estate(actor, estate)
    if estate_obj is not None:
        qs = qs.filter(batch__estate=estate_obj)
    return qs


@router.get("/movein/move-ins/{int:move_in_id}",
            response={200: MoveInDetailOut, **ROLE_READ_ERRORS})  # fmt: skip
def move_in_detail(request: HttpRequest, move_in_id: IdParam):
    """One owner's move-in as its page shows it: the status and clocks (the 3-day revisit,
    MOVEIN-10), the steps the caller may take now and the next one in the manual's order
    (MOVEIN-02), the documents, the fees (their bills, payments and invoices, MOVEIN-05, or
    what they will be), keys and cards, the agreements, the defects with their clocks and the
    timeline."""
    actor = _actor(request, STAFF)
    return _move_in_detail(request, actor, move_in_id)


@router.post("/movein/move-ins/{int:move_in_id}/fees",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_fees(request: HttpRequest, move_in_id: IdParam):
    """生成入住费用账单 (MOVEIN-05): half a year of property fee and the decoration deposit on
    the room, through billing; once (a second call changes nothing). 409 outside 资料已审核;
    400 when the estate has no rates set. The desk only (403)."""
    actor = _actor(request)
    services.move_in_fees_raise(move_in=move_in_id, by=request.auth)
    return _move_in_detail(request, actor, move_in_id)


class MoveInInvoiceIn(Schema):
    numbers: list[Text] = Field(
        ..., max_length=50, examples=[["FP00000001"]],
        description="发票号码，每笔待开票的收款一张，按收款顺序",
    )  # fmt: skip
    title: Text = Field(
        "", max_length=100, examples=["王业主"], description="发票抬头；不填则为业主姓名"
    )


@router.post("/movein/move-ins/{int:move_in_id}/invoice",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_invoice(request: HttpRequest, move_in_id: IdParam, payload: MoveInInvoiceIn):
    """开具发票 of the move-in fees (MOVEIN-05, FEE-06): finance issues the invoice of each
    payment that has none, with the next of ``numbers``; 400 when the count differs, 409 when
    nothing is left to invoice, 403 for anyone but finance."""
    actor = _actor(request)
    services.move_in_invoice_issue(move_in=move_in_id, numbers=payload.numbers,
                                   title=payload.title, by=request.auth)  # fmt: skip
    return _move_in_detail(request, actor, move_in_id)


@router.get("/movein/move-ins/{int:move_in_id}/application.pdf", response=FILE_ERRORS,
            openapi_extra=file_download(PDF, description="《业主入住申请表》"))  # fmt: skip
def application_pdf(request: HttpRequest, move_in_id: IdParam):
    """《业主入住申请表》 (MOVEIN-04) as PDF, once the documents are checked (409 before); 503
    when the server has no Chinese font."""
    from wuye.residents.documents.move_in import application_pdf as build

    _actor(request)
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    if move_in.case.status in (M.NOTIFIED, M.ARRIVED):
        raise Conflict(_("资料审核通过后才能打印《业主入住申请表》"), code="invalid_state")
    try:
        content = build(move_in)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    return pdf_response(content, _("业主入住申请表-%(n)s.pdf") % {"n": move_in.case.number})


@router.get("/movein/move-ins/{int:move_in_id}/inspection.pdf", response=FILE_ERRORS,
            openapi_extra=file_download(PDF, description="《房屋验收记录表》"))  # fmt: skip
def inspection_pdf(request: HttpRequest, move_in_id: IdParam):
    """《房屋验收记录表》 (MOVEIN-06) as PDF: each problem with its deadline (MOVEIN-07); once the
    house is inspected (409 before); 503 when the server has no Chinese font."""
    from wuye.residents.documents.move_in import inspection_pdf as build

    _actor(request)
    move_in = services.move_in_get_for_user(request.auth, move_in_id)
    if not move_in.case.events.filter(action="inspect").exists():
        raise Conflict(_("房屋验收后才能打印《房屋验收记录表》"), code="invalid_state")
    try:
        content = build(move_in)
    except CJKFontMissing as error:
        raise ApiError(503, "font_missing", str(error)) from None
    return pdf_response(content, _("房屋验收记录表-%(n)s.pdf") % {"n": move_in.case.number})


class HouseDefectLineIn(Schema):
    location: Text = Field("", max_length=60, examples=["主卧"])
    description: Text = Field("", max_length=200, examples=["墙面空鼓"])


class MoveInNeedLineIn(Schema):
    need: Text = Field("", max_length=200, examples=["需要家政保洁服务"])
    department: Text = Field(
        "", max_length=20, examples=["environment"],
        description="customer_service / engineering / order / environment / finance",
    )  # fmt: skip


class MoveInStepIn(Schema):
    """The inputs of one step; each step reads only its own (the page's form fields):

    - ``check_documents`` (MOVEIN-04/13): ``id_number``, ``contract_no``, ``household``,
      ``emergency_contact``;
    - ``inspect`` (MOVEIN-06): ``defects`` (none: the house passed) and photo ``attachments``;
    - ``hand_keys`` (MOVEIN-08): ``key_count``, ``access_cards``, ``usage_explained``;
    - ``complete`` (MOVEIN-09): ``service_agreement`` and ``covenant``, the ids of the owner's
      signatures (``POST /attachments/signature``) or signed scans (``POST /attachments``);
    - ``revisit`` (MOVEIN-10/11): ``method``, ``satisfaction``, ``needs``;
    - ``cancel`` and ``comment``: a ``note``; ``arrive`` and ``pay_fees``: nothing.
    """

    note: Note = Field("", examples=["业主本人办理"])
    id_number: Text = Field("", max_length=30, examples=["110101199003071234"])
    contract_no: Text = Field("", max_length=100, examples=["GF-2026-0301"])
    household: Text = Field("", max_length=1000, examples=["李四（配偶）"])
    emergency_contact: Text = Field("", max_length=200, examples=["李四 13900001111"])
    defects: list[HouseDefectLineIn] = Field(default_factory=list, max_length=50)
    key_count: int | None = Field(None, ge=0, le=1000, examples=[3])
    access_cards: Text = Field("", max_length=1000, examples=["A0301-1, A0301-2"])
    usage_explained: bool = Field(False, examples=[True])
    service_agreement: UUID | None = Field(None, description="《前期物业服务协议》签署的附件 id")
    covenant: UUID | None = Field(None, description="《业主临时管理规约》签署的附件 id")
    method: Text = Field("", max_length=10, examples=["phone"], description="phone / visit")
    satisfaction: int | None = Field(None, ge=0, le=100, examples=[5], description="1～5 分")
    needs: list[MoveInNeedLineIn] = Field(default_factory=list, max_length=20)
    attachments: list[UUID] = Field(
        default_factory=list, max_length=20, description="房屋验收的照片（POST /attachments）"
    )


def _step_data(action: str, payload: MoveInStepIn) -> tuple[dict, list]:
    """The step's data and attachments, as the page's form gives them (pages._step_posted)."""
    if action == "check_documents":
        return {k: getattr(payload, k) for k in ("id_number", "contract_no", "household",
                                                 "emergency_contact")}, []  # fmt: skip
    if action == "inspect":
        return {"defects": [d.model_dump() for d in payload.defects]}, list(payload.attachments)
    if action == "hand_keys":
        return {"key_count": payload.key_count, "access_cards": payload.access_cards,
                "usage_explained": payload.usage_explained}, []  # fmt: skip
    if action == "complete":
        # MOVEIN-09: each agreement signed is an attachment of the step (as on the page).
        data, files = {}, []
        for key in ("service_agreement", "covenant"):
            value = getattr(payload, key)
            if value is not None:
                data[key] = str(value)
                if value not in files:
                    files.append(value)
        return data, files
    if action == "revisit":
        return {"method": payload.method, "satisfaction": payload.satisfaction,
                "needs": [n.model_dump() for n in payload.needs]}, []  # fmt: skip
    return {}, []


@router.post("/movein/move-ins/{int:move_in_id}/{action}",
             response={200: MoveInDetailOut, **WRITE_ERRORS})  # fmt: skip
def move_in_action(request: HttpRequest, move_in_id: IdParam, action: Term, payload: MoveInStepIn):
    """One step of the owner's move-in — arrive, check_documents, pay_fees, inspect,
    hand_keys, complete, revisit, cancel or comment — with the page's rules: the steps in the
    manual's order (MOVEIN-02, else 409), each by its role (the desk; the inspection by the
    engineers, else 403), its inputs checked (400, field by field); pay_fees only once the fees
    are paid and invoiced (409 ``fees_unpaid`` / ``invoice_missing``). Answers the move-in."""
    actor = _actor(request, STAFF)
    if action not in {a.name for a in MOVE_IN.actions}:
        raise ApiError(404, "not_found", _("没有这个操作"))
    data, files = _step_data(action, payload)
    services.move_in_act(move_in=move_in_id, action=action, by=request.auth, note=payload.note,
                         data=data, attachments=files)  # fmt: skip
    return _move_in_detail(request, actor, move_in_id)


# --- Defects, needs and the dashboard -----------------------------------------------------------


@router.get("/movein/defects", response={200: list[HouseDefectOut], **ROLE_READ_ERRORS})
@paginated
def defect_list(request: HttpRequest, estate: IdParam | None = None, show: Term = "open"):
    """房屋验收问题 with their 7-working-day clocks (MOVEIN-07), the oldest first; ``show``:
    open (the default), overdue (a clock breached) or all. Their steps go through
    ``POST /cases/{case}/{action}`` (fix / accept / reject / comment)."""
    actor = _actor(request, STAFF)
    qs = selectors.house_defects_shown(actor=actor, estate=_estate(actor, estate), show=show)
    return qs.select_related("move_in__room__building", "move_in__room__unit")


class MoveInNeedOut(Schema):
    """A need learned at the follow-up visit, routed to a department (MOVEIN-11)."""

    id: int
    case: int = Field(..., alias="case_id")
    number: str = Field(..., alias="case.number", examples=["XQ-20261003-0001"])
    status: str = Field(..., alias="case.status", examples=["open"])
    status_label: str = Field(..., examples=["待处理"])
    department: str = Field(..., examples=["environment"])
    department_label: str = Field(..., examples=["环境管理部"])
    need: str = Field(..., examples=["需要家政保洁服务"])
    move_in: int = Field(..., alias="move_in_id")
    room_label: str = Field(..., alias="move_in.room.label", examples=["1栋2单元301室"])
    resident_name: str = Field(..., alias="move_in.resident.name", examples=["王业主"])
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(MOVE_IN_NEED.state_label(obj.case.status))

    @staticmethod
    def resolve_department_label(obj) -> str:
        return str(DepartmentKind(obj.department).label)


@router.get("/movein/needs", response={200: list[MoveInNeedOut], **ROLE_READ_ERRORS})
@paginated
def need_list(request: HttpRequest, estate: IdParam | None = None,
              department: Term | None = None, show: Term = "open"):  # fmt: skip
    """入住回访需求 (MOVEIN-11), the latest first: ``department`` (customer_service /
    engineering / order / environment / finance; left out: the caller's own department when
    needs go to it; ``all``: every department); ``show``: open (the default) or all. Their steps
    go through ``POST /cases/{case}/{action}``."""
    actor = _actor(request, STAFF)
    return selectors.needs_shown(
        actor=actor, estate=_estate(actor, estate),
        department=selectors.need_department(actor, department), show=show,
    )  # fmt: skip


class MoveInDashboardBatchOut(MoveInBatchOut):
    owners: int = Field(..., description="楼栋业主数")


class MoveInRevisitDueOut(MoveInOut):
    clocks: list[MoveInClockOut] = Field(..., description="入住回访时限（MOVEIN-10）")


class MoveInTotalsOut(Schema):
    notified: int = Field(..., examples=[24])
    arrived: int = Field(..., examples=[18])
    completed: int = Field(..., examples=[15])
    defects: int = Field(..., description="未关闭的验收问题", examples=[4])
    overdue: int = Field(..., description="已超过整改期限的验收问题", examples=[1])
    revisits: int = Field(..., description="待回访的入住", examples=[3])


class MoveInDashboardOut(Schema):
    totals: MoveInTotalsOut
    batches: list[MoveInDashboardBatchOut]
    defects: list[HouseDefectOut]
    revisits_due: list[MoveInRevisitDueOut]


@router.get("/movein/dashboard", response={200: MoveInDashboardOut, **ROLE_READ_ERRORS})
def dashboard(request: HttpRequest, estate: IdParam):
    """入住看板 of one estate: owners notified / arrived / completed per batch (the latest 20),
    the open house defects and their clocks (the oldest 50), the revisits due within 3 days of
    completion (MOVEIN-10, the oldest 50) and the totals."""
    actor = _actor(request, STAFF)
    figures = selectors.dashboard(actor=actor, estate=get_or_404(visible_estates(actor), estate))
    return {"totals": figures["totals"], "batches": figures["batches"],
            "defects": figures["defects"], "revisits_due": figures["due"]}  # fmt: skip
