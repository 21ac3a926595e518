"""《缴费通知单》 — the printed payment notice (FEE-05: 15 days before the due date, by letter,
SMS or the app, with the time, the amount and the channels). The SMS and in-app message go out
by themselves (``services.bill_notify_due``) to owners with a login; the letter is printed here
by customer service for the rooms whose bills fall due within the window. A letter counts only
when it is printed or recorded as delivered (a ``NoticeLetter``: by whom, when, how); then each
bill's ``notified_via`` gains "letter" (``notified_at`` keeps the first notice's time). Until
then the room stays on the letters page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import ZERO, Bill, BillStatus, LetterMethod, NoticeLetter
from wuye.billing.services.common import NOTICE_DAYS, _actor, estate_today
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.models import Estate, Occupancy
from wuye.core.validators import check_field_text


def may_send_notices(actor) -> bool:
    """FEE-02: the customer-service centre sends the notices; finance and executives may too."""
    if actor.is_superuser or actor.role in (Role.CS_AGENT, Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    department = getattr(actor.staff, "department", None)
    return actor.role == Role.DEPARTMENT_HEAD and getattr(department, "kind", None) in (
        DepartmentKind.CUSTOMER_SERVICE,
        DepartmentKind.FINANCE,
    )


@dataclass
class Letter:
    room: object
    owners: list[str] = field(default_factory=list)
    bills: list[Bill] = field(default_factory=list)
    # FEE-05: the written notices printed or delivered for these bills (by whom, when, how).
    records: list[NoticeLetter] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((b.amount - b.paid_amount for b in self.bills), ZERO)

    @property
    def due(self) -> dt.date:
        return min(b.due_date for b in self.bills)

    @property
    def by_letter(self) -> bool:
        """Every bill has a recorded letter (printed or otherwise delivered)."""
        covered = {pk for record in self.records for pk in record.bills}
        return all(b.pk in covered for b in self.bills)

    @property
    def electronic(self) -> bool:
        """Every bill was sent to an owner's app and phone (the owner has a login)."""
        return all("sms" in (b.notified_via or "") for b in self.bills)

    @property
    def pending(self) -> bool:
        """FEE-05: the owners have not been told by any recorded means: a letter is owed."""
        return not self.by_letter and not self.electronic

    @property
    def last_record(self) -> NoticeLetter | None:
        return self.records[0] if self.records else None


def letters_due(
    estate: Estate, *, due_by: dt.date, building_id: int | None = None, rooms=None,
    pending_only: bool = False,
) -> list[Letter]:  # fmt: skip
    """The rooms with open bills due on or before ``due_by`` (overdue ones included), one
    letter per room with its owners' names and the letters recorded, in building and room
    order (101, 102 … 1001). ``pending_only``: the rooms still owed a written notice."""
    from wuye.billing.selectors.fees import room_order

    bills = Bill.objects.filter(
        estate=estate, status__in=(BillStatus.UNPAID, BillStatus.PARTIAL), due_date__lte=due_by
    ).select_related("item", "room__building", "room__unit")
    if building_id:
        bills = bills.filter(room__building_id=building_id)
    if rooms is not None:
        bills = bills.filter(room_id__in=rooms)
    letters: dict[int, Letter] = {}
    for bill in bills.order_by(*room_order("room__"), "due_date", "pk"):
        letters.setdefault(bill.room_id, Letter(room=bill.room)).bills.append(bill)
    owners = Occupancy.objects.filter(
        Occupancy.current_q(), room_id__in=list(letters), relation=Relation.OWNER
    ).select_related("resident")
    for occupancy in owners.order_by("pk"):
        letters[occupancy.room_id].owners.append(occupancy.resident.name)
    records = NoticeLetter.objects.filter(room_id__in=list(letters)).select_related("by__staff")
    for record in records.order_by("-delivered_at", "-id"):
        letters[record.room_id].records.append(record)
    result = list(letters.values())
    if pending_only:
        result = [letter for letter in result if letter.pending]
    return result


def _check_sender(estate: Estate, by):
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if not may_send_notices(actor):
        raise PermissionDenied(_("缴费通知由客服中心发送"))
    return actor


def _mark(bills: list[int], now: dt.datetime) -> int:
    """Each bill not yet notified gets the time; every bill's ``notified_via`` gains "letter"."""
    Bill.objects.filter(pk__in=bills, notified_at__isnull=True).update(notified_at=now)
    recorded = 0
    for bill in Bill.objects.filter(pk__in=bills).exclude(notified_via__contains="letter"):
        via = [v for v in (bill.notified_via or "").split(",") if v]
        bill.notified_via = ",".join([*via, "letter"])
        bill.save(update_fields=["notified_via"])
        recorded += 1
    return recorded


@transaction.atomic
def letters_record(*, estate: Estate, letters: list[Letter], by) -> int:
    """Record that these letters were printed for delivery (FEE-05): one ``NoticeLetter`` per
    room (who printed it, when), and on the bills the notice's time and "letter". Returns the
    bills recorded."""
    actor = _check_sender(estate, by)
    now = timezone.now()
    for letter in letters:
        NoticeLetter.objects.create(
            estate=estate, room=letter.room, bills=[b.pk for b in letter.bills],
            method=LetterMethod.PRINTED, delivered_at=now, by=actor.user, recorded_at=now,
        )  # fmt: skip
    return _mark([b.pk for letter in letters for b in letter.bills], now)


@transaction.atomic
def letter_delivery_record(
    *, room, method: str, delivered_at: dt.datetime | None, by, note: str = "",
    due_by: dt.date | None = None,
) -> NoticeLetter:  # fmt: skip
    """A written notice delivered otherwise than printed here (FEE-05): by hand, on the door,
    by post — who, when and how, for the room's open bills due by ``due_by`` (the notice
    window by default). Only then does the room leave the letters page."""
    estate = room.estate
    actor = _check_sender(estate, by)
    now = timezone.now()
    errors: dict[str, list] = {}
    if method not in LetterMethod.values:
        errors["method"] = [_("请选择送达方式")]
    if delivered_at is None:
        errors["delivered_at"] = [_("请填写送达时间")]
    elif delivered_at > now:
        errors["delivered_at"] = [_("送达时间不能晚于现在")]
    check_field_text(NoticeLetter, "note", (note or "").strip(), errors=errors)
    if errors:
        raise ValidationError(errors)
    letters = letters_due(estate, due_by=due_by or default_due_by(estate), rooms=[room.pk])
    if not letters:
        raise ValidationError({"room": [_("该房屋没有需要通知的待缴账单")]})
    bills = [b.pk for b in letters[0].bills]
    record = NoticeLetter.objects.create(
        estate=estate, room=room, bills=bills, method=method, delivered_at=delivered_at,
        note=(note or "").strip(), by=actor.user, recorded_at=now,
    )  # fmt: skip
    _mark(bills, delivered_at)
    return record


def default_due_by(estate: Estate) -> dt.date:
    """FEE-05: bills due within the next 15 days."""
    return estate_today(estate, timezone.now()) + dt.timedelta(days=NOTICE_DAYS)
