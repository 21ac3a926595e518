"""《缴费通知单》 — the printed payment notice (FEE-05: 15 days before the due date, by letter,
SMS or the app, with the time, the amount and the channels). The SMS and in-app message go out
by themselves (``services.bill_notify_due``); the letter is printed here by customer service for
the rooms whose bills fall due within the window, and printing records it on each bill
(``notified_via`` gains "letter"; ``notified_at`` keeps the first notice's time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.models import Estate, Occupancy

from . import services
from .models import ZERO, Bill, BillStatus

NOTICE_DAYS = services.NOTICE_DAYS  # FEE-05


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

    @property
    def total(self) -> Decimal:
        return sum((b.amount - b.paid_amount for b in self.bills), ZERO)

    @property
    def due(self) -> dt.date:
        return min(b.due_date for b in self.bills)

    @property
    def by_letter(self) -> bool:
        return all("letter" in (b.notified_via or "") for b in self.bills)


def letters_due(
    estate: Estate, *, due_by: dt.date, building_id: int | None = None, rooms=None
) -> list[Letter]:
    """The rooms with open bills due on or before ``due_by`` (overdue ones included), one
    letter per room with its owners' names, in building and room order."""
    bills = Bill.objects.filter(
        estate=estate, status__in=(BillStatus.UNPAID, BillStatus.PARTIAL), due_date__lte=due_by
    ).select_related("item", "room__building", "room__unit")
    if building_id:
        bills = bills.filter(room__building_id=building_id)
    if rooms is not None:
        bills = bills.filter(room_id__in=rooms)
    letters: dict[int, Letter] = {}
    for bill in bills.order_by("room__building__sort", "room__building__name", "room__unit__sort",
                               "room__unit__name", "room__number", "due_date", "pk"):  # fmt: skip
        letters.setdefault(bill.room_id, Letter(room=bill.room)).bills.append(bill)
    owners = Occupancy.objects.filter(
        Occupancy.current_q(), room_id__in=list(letters), relation=Relation.OWNER
    ).select_related("resident")
    for occupancy in owners.order_by("pk"):
        letters[occupancy.room_id].owners.append(occupancy.resident.name)
    return list(letters.values())


@transaction.atomic
def letters_record(*, estate: Estate, letters: list[Letter], by) -> int:
    """Record that these letters were printed for delivery (FEE-05): each bill not yet notified
    gets the time; every bill's ``notified_via`` gains "letter". Returns the bills recorded."""
    actor = services._actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if not may_send_notices(actor):
        raise PermissionDenied(_("缴费通知由客服中心发送"))
    now = timezone.now()
    ids = [b.pk for letter in letters for b in letter.bills]
    Bill.objects.filter(pk__in=ids, notified_at__isnull=True).update(notified_at=now)
    recorded = 0
    for bill in Bill.objects.filter(pk__in=ids).exclude(notified_via__contains="letter"):
        via = [v for v in (bill.notified_via or "").split(",") if v]
        bill.notified_via = ",".join([*via, "letter"])
        bill.save(update_fields=["notified_via"])
        recorded += 1
    return recorded


def default_due_by(estate: Estate) -> dt.date:
    """FEE-05: bills due within the next 15 days."""
    return services._today(estate, timezone.now()) + dt.timedelta(days=NOTICE_DAYS)
