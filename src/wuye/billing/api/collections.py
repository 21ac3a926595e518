"""欠费催缴 through the API (FEE-09/10/11/13): the estate's arrears by age and its debtors (JSON
and the .xlsx the page exports), one room's collection page and the contact a collector records,
the 《催缴通知书》 PDFs (one, or a month's) and the 《律师函》 PDF of an approved case. The same
selectors and services as ``dunning_pages``; the owner's phone, the lawyer's-letter list, its
decision and its dispatch are in ``billing.api``.

Who may call: staff who read fees (FEE-02: finance, customer service, executives, auditors) for
their estates; recording a contact: those who chase (``services.may_chase``). Residents get a 403
(the pages refuse them by role), anything outside the caller's estates a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StringConstraints

from wuye.base.api import (
    MAX_LIMIT,
    PDF,
    WRITE_ERRORS,
    XLSX,
    ApiError,
    Day,
    ErrorOut,
    IdParam,
    Term,
    Text,
    file_download,
)
from wuye.billing import services
from wuye.billing.api.rooms import FEE_READ_ERRORS, BillOut, _estate, _lawyer_letter
from wuye.billing.documents import exports
from wuye.billing.models import ZERO, Bill, CollectionContact, Dunning, DunningKind
from wuye.billing.selectors import collections
from wuye.billing.selectors.fees import OPEN, may_collect, may_read_fees
from wuye.core.choices import Relation
from wuye.core.models import Building, Occupancy, Room
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates, visible_rooms
from wuye.core.validators import mask_mobile

router = Router(tags=["billing"])

FILE_ERRORS = {**FEE_READ_ERRORS, 503: ErrorOut}
PDF_FILE = file_download(PDF, description="PDF (503 when the server has no Chinese font)")


# --- Shared pieces (also used by api_desk and api_reports) -------------------------------------


class PageIn(Schema):
    """``limit`` / ``offset`` of a list whose rows the page decorates (owners, states…)."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, examples=[50])
    offset: int = Field(0, ge=0, le=2**31 - 1, examples=[0])


def page_of(rows: QuerySet | list, page: PageIn) -> tuple[list, int]:
    """The rows of one page and the count of them all, as ``paginated`` answers them."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return list(rows[page.offset : page.offset + page.limit]), count


def require_fee_reader(actor: Actor) -> None:
    """FEE-02: the staff who read fees; a resident or another role gets the pages' 403."""
    if actor.resident is not None or not may_read_fees(actor):
        raise PermissionDenied(_("此接口仅供财务部门、客服中心和管理层使用"))


def staff_room(request: HttpRequest, room_id: int) -> tuple[Actor, Room]:
    """A room of the caller's estates for a fees reader (the pages' ``room_for_fees``)."""
    actor = actor_for(request.auth)
    room = get_or_404(visible_rooms(actor).select_related("estate", "building", "unit"), room_id)
    require_fee_reader(actor)
    return actor, room


def font_missing(error: Exception) -> ApiError:
    """No Chinese font on the server: a clear 503 rather than a PDF of empty boxes."""
    return ApiError(503, "font_missing", str(error))


# --- 欠费账龄 ---------------------------------------------------------------------------------


class BucketOut(Schema):
    key: str = Field(..., description="0-30 / 31-60 / 61-90 / 90+", examples=["31-60"])
    label: str
    amount: Decimal = Field(..., description="逾期天数在此区间的欠费（元）")
    rooms: int = Field(..., description="最早逾期账单在此区间的户数")


class ArrearsOut(Schema):
    estate: int
    today: dt.date
    total: Decimal = Field(..., description="欠费合计：已过缴费截止日仍未缴的金额")
    debtor_count: int
    buckets: list[BucketOut]
    month_reminders: int = Field(..., description="本月已生成的催缴通知书份数")
    caution: str = Field(..., description="FEE-13：催缴须文明礼貌")


@router.get(
    "/billing/estates/{int:estate_id}/arrears", response={200: ArrearsOut, **FEE_READ_ERRORS}
)
def arrears_summary(request: HttpRequest, estate_id: IdParam):
    """欠费账龄 (FEE-09/10/11): the estate's overdue money by age (0–30, 31–60, 61–90, over 90
    days), the rooms counted by their oldest overdue bill, and this month's reminders — the head
    of the 欠费催缴 page."""
    _actor, estate = _estate(request, estate_id)
    today = collections.today_in(estate)
    aging = services.arrears_aging(estate=estate)
    debtors = dict.fromkeys(collections.BUCKET_LABELS, 0)
    for amounts in aging["rooms"].values():
        owing = [key for key in collections.BUCKET_LABELS if amounts[key] > 0]
        if owing:
            debtors[owing[-1]] += 1
    return {
        "estate": estate.pk, "today": today,
        "total": sum(aging["totals"].values(), ZERO), "debtor_count": len(aging["rooms"]),
        "buckets": [{"key": key, "label": str(label), "amount": aging["totals"][key],
                     "rooms": debtors[key]} for key, label, _lo, _hi in collections.BUCKETS],
        "month_reminders": collections.month_reminders(estate, today.replace(day=1)).count(),
        "caution": collections.caution(),
    }  # fmt: skip


class DebtorFilter(Schema):
    bucket: Literal["", "0-30", "31-60", "61-90", "90+"] = Field(
        "", description="账龄：最早逾期账单的逾期天数", examples=["61-90"]
    )
    building: IdParam | None = Field(None, description="楼栋 id", examples=[3])
    q: Term = Field("", description="房号如 1-2-301，或业主姓名、手机号", examples=["1-2-301"])


class ContactOut(Schema):
    id: int
    method: str = Field(..., examples=["phone"])
    method_label: str
    result: str
    promised_on: dt.date | None
    at: dt.datetime
    by: int
    by_name: str


def _contact_out(contact: CollectionContact | None) -> dict | None:
    if contact is None:
        return None
    staff = getattr(contact.by, "staff", None)
    return {"id": contact.pk, "method": contact.method,
            "method_label": str(contact.get_method_display()), "result": contact.result,
            "promised_on": contact.promised_on, "at": contact.at, "by": contact.by_id,
            "by_name": getattr(staff, "name", "") or contact.by.get_username()}  # fmt: skip


class DebtorOut(Schema):
    room: int
    room_label: str
    owners: str = Field(..., description="业主姓名（、分隔）")
    owner_mobile: str = Field(..., description="第一位业主的手机号（隐藏中间四位）")
    owed: Decimal = Field(..., description="欠费合计（元）")
    oldest: dt.date = Field(..., description="最早逾期账单的缴费截止日")
    days: int = Field(..., description="逾期天数")
    bucket: str
    bucket_label: str
    state: str = Field(..., description="催缴状态，如「已发催缴通知书」「律师函：待审批」")
    last_contact: ContactOut | None


class DebtorPage(Schema):
    items: list[DebtorOut]
    count: int


def _debtors(estate, today: dt.date, filters: DebtorFilter) -> QuerySet[Room]:
    building = None
    if filters.building is not None:
        building = Building.objects.filter(estate=estate, pk=filters.building).first()
        if building is None:  # another estate's building: nothing of it here
            return Room.objects.none()
    return collections.debtor_rooms(estate, today, bucket=filters.bucket, building=building,
                              q=filters.q.strip())  # fmt: skip


@router.get(
    "/billing/estates/{int:estate_id}/debtors", response={200: DebtorPage, **FEE_READ_ERRORS}
)
def debtor_list(request: HttpRequest, estate_id: IdParam, filters: Query[DebtorFilter],
                page: Query[PageIn]):  # fmt: skip
    """The debtors of 欠费账龄, the most overdue first (FEE-09): each room's overdue money, age,
    owners (the phone masked: ``POST …/owners/{id}/phone`` reveals it, recorded), the last
    contact and where its dunning stands. Filters as on the page."""
    _actor, estate = _estate(request, estate_id)
    today = collections.today_in(estate)
    rooms, count = page_of(_debtors(estate, today, filters), page)
    collections.decorate_debtors(rooms, today)
    items = [{
        "room": r.pk, "room_label": r.label, "owners": r.owner_names,
        "owner_mobile": mask_mobile(r.owner_mobile), "owed": r.owed, "oldest": r.oldest,
        "days": r.days, "bucket": r.bucket, "bucket_label": str(r.bucket_label),
        "state": r.state.text, "last_contact": _contact_out(r.last_contact),
    } for r in rooms]  # fmt: skip
    return {"items": items, "count": count}


@router.get("/billing/estates/{int:estate_id}/debtors.xlsx", response=FEE_READ_ERRORS,
            openapi_extra=file_download(XLSX))  # fmt: skip
def debtor_export(request: HttpRequest, estate_id: IdParam, filters: Query[DebtorFilter]):
    """The debtors with these filters as .xlsx, the page's export (amount in each age bucket,
    last contact, dunning state); the full phone number only for those who may see it."""
    actor, estate = _estate(request, estate_id)
    today = collections.today_in(estate)
    return exports.arrears_xlsx(estate, _debtors(estate, today, filters), actor, today)


# --- One room: the collection page and a contact (FEE-09) --------------------------------------


class OwnerOut(Schema):
    resident: int
    name: str
    mobile: str = Field(..., description="隐藏中间四位；拨打请用 POST …/owners/{id}/phone")


class DunningOut(Schema):
    id: int
    kind: str = Field(..., examples=["reminder"])
    kind_label: str
    status: str
    status_label: str
    amount: Decimal
    oldest_due: dt.date
    created_at: dt.datetime


class RoomCollectionOut(Schema):
    room: int
    room_label: str
    owed: Decimal = Field(..., description="欠费：已过缴费截止日的未缴金额")
    oldest: dt.date | None
    days: int = Field(..., description="最早逾期账单的逾期天数")
    state: str | None
    overdue: list[BillOut]
    upcoming: list[BillOut] = Field(..., description="待缴：未到缴费截止日")
    owners: list[OwnerOut]
    dunnings: list[DunningOut]
    contacts: list[ContactOut] = Field(..., description="最近 100 条催收记录，最新在前")
    can_chase: bool
    can_collect: bool
    caution: str


def _dunning_out(d: Dunning) -> dict:
    return {"id": d.pk, "kind": d.kind, "kind_label": str(d.get_kind_display()),
            "status": d.status, "status_label": str(d.get_status_display()), "amount": d.amount,
            "oldest_due": d.oldest_due, "created_at": d.created_at}  # fmt: skip


@router.get("/billing/rooms/{int:room_id}/collection",
            response={200: RoomCollectionOut, **FEE_READ_ERRORS})  # fmt: skip
def collection_room(request: HttpRequest, room_id: IdParam):
    """催收 of one room (FEE-09), as its page shows it: the overdue and the upcoming bills, the
    owners (phones masked), the dunning history (reminders, lawyer's letters) and the contacts."""
    actor, room = staff_room(request, room_id)
    today = collections.today_in(room.estate)
    bills = list(Bill.objects.filter(room=room, status__in=OPEN).select_related("item")
                 .order_by("due_date", "id"))  # fmt: skip
    overdue = [b for b in bills if b.due_date < today]
    dunnings = list(Dunning.objects.filter(room=room).order_by("-created_at", "-id"))
    oldest = overdue[0].due_date if overdue else None
    days = (today - oldest).days if oldest else 0
    owners = Occupancy.objects.filter(
        Occupancy.current_q(on=today), room=room, relation=Relation.OWNER
    ).select_related("resident")
    contacts = (CollectionContact.objects.filter(room=room).select_related("by__staff")
                .order_by("-at", "-id")[:100])  # fmt: skip
    return {
        "room": room.pk, "room_label": room.label,
        "owed": sum((b.outstanding for b in overdue), ZERO), "oldest": oldest, "days": days,
        "state": collections.dunning_state(dunnings, oldest, days).text if overdue else None,
        "overdue": overdue, "upcoming": [b for b in bills if b.due_date >= today],
        "owners": [{"resident": o.resident_id, "name": o.resident.name,
                    "mobile": mask_mobile(o.resident.mobile)} for o in owners],
        "dunnings": [_dunning_out(d) for d in dunnings],
        "contacts": [_contact_out(c) for c in contacts],
        "can_chase": collections.may_chase(actor), "can_collect": may_collect(actor),
        "caution": collections.caution(),
    }  # fmt: skip


class ContactIn(Schema):
    method: Text = Field(..., max_length=10, description="phone / sms / visit", examples=["phone"])
    result: Annotated[str, StringConstraints(max_length=200)] = Field(
        ..., description="催收结果", examples=["业主出差，承诺下周缴纳"]
    )
    promised_on: Day | None = Field(None, description="承诺缴费日期", examples=["2027-01-12"])


@router.post("/billing/rooms/{int:room_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def contact_create(request: HttpRequest, room_id: IdParam, payload: ContactIn):
    """登记催收 (FEE-09): one phone call, SMS or visit to the debtor and its result, by customer
    service, finance or a manager (``services.collection_contact_record``)."""
    actor, room = staff_room(request, room_id)
    if not collections.may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记催收"))
    contact = services.collection_contact_record(
        room=room, method=payload.method, result=payload.result, by=request.auth,
        promised_on=payload.promised_on,
    )  # fmt: skip
    return Status(201, _contact_out(contact))


# --- 《催缴通知书》 and 《律师函》 PDFs (FEE-10/11) ----------------------------------------------


@router.get("/billing/reminders/{int:reminder_id}.pdf", response=FILE_ERRORS,
            openapi_extra=PDF_FILE)  # fmt: skip
def reminder_pdf(request: HttpRequest, reminder_id: IdParam):
    """《催缴通知书》 of one reminder (FEE-10), to print and deliver: the bills still owed on."""
    from wuye.base.pdf import CJKFontMissing, pdf_response
    from wuye.billing.documents.dunning import notice_number, reminder_notices_pdf

    actor = actor_for(request.auth)
    reminder = get_or_404(
        Dunning.objects.filter(kind=DunningKind.REMINDER, estate__in=visible_estates(actor))
        .select_related("estate"), reminder_id,
    )  # fmt: skip
    require_fee_reader(actor)
    try:
        content = reminder_notices_pdf([reminder])
    except CJKFontMissing as error:
        raise font_missing(error) from None
    return pdf_response(
        content, _("催缴通知书-%(number)s.pdf") % {"number": notice_number(reminder)}
    )


Month = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]


class MonthIn(Schema):
    month: Month | None = Field(None, description="YYYY-MM；默认本月", examples=["2026-11"])


@router.get("/billing/estates/{int:estate_id}/reminders.pdf", response=FILE_ERRORS,
            openapi_extra=PDF_FILE)  # fmt: skip
def reminders_pdf(request: HttpRequest, estate_id: IdParam, query: Query[MonthIn]):
    """All of a month's 《催缴通知书》 of the estate still owed on, one per page (FEE-10); this
    month by default. A month with none to print is a 404."""
    from wuye.base.pdf import CJKFontMissing, pdf_response
    from wuye.billing.documents.dunning import reminder_notices_pdf

    _actor, estate = _estate(request, estate_id)
    first = collections.parse_month(query.month, collections.today_in(estate))
    try:
        content = reminder_notices_pdf(list(collections.month_reminders(estate, first)),
                                       skip_settled=True)  # fmt: skip
    except CJKFontMissing as error:
        raise font_missing(error) from None
    if content is None:
        message = _("%(month)s 没有需要打印的催缴通知书") % {"month": f"{first:%Y-%m}"}
        raise ApiError(404, "not_found", message)
    filename = _("催缴通知书-%(estate)s-%(month)s.pdf") % {"estate": estate.name,
                                                          "month": f"{first:%Y%m}"}  # fmt: skip
    return pdf_response(content, filename)


@router.get("/billing/lawyer-letters/{int:letter_id}.pdf", response=FILE_ERRORS,
            openapi_extra=PDF_FILE)  # fmt: skip
def lawyer_letter_pdf(request: HttpRequest, letter_id: IdParam):
    """《律师函》 of an approved case (FEE-11), from the template with the estate's law firm
    (收费设置); a case not approved, or no law firm set, is a 400 saying so."""
    from wuye.base.pdf import CJKFontMissing, pdf_response
    from wuye.billing.documents.lawyer_letter import lawyer_letter_pdf as make_pdf
    from wuye.billing.documents.lawyer_letter import letter_number

    letter = _lawyer_letter(request, letter_id)
    try:
        content = make_pdf(letter)
    except CJKFontMissing as error:
        raise font_missing(error) from None
    return pdf_response(content, _("律师函-%(number)s.pdf") % {"number": letter_number(letter)})
