"""Reads of collections (催缴, FEE-09/10/11/13), shared by the pages and the API: the age buckets
of arrears, the rooms that owe with their owners and contacts, the state of a room's dunning, the
month's reminders, and who may chase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import (
    DecimalField,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.billing.models import (
    CollectionContact,
    Dunning,
    DunningKind,
    DunningStatus,
)
from wuye.billing.selectors.fees import OPEN, exact_sum, room_order, tz_of
from wuye.core.choices import Relation, Role
from wuye.core.models import Building, Estate, Occupancy, Room
from wuye.core.scoping import Actor
from wuye.core.selectors import room_search_q

# The labels arrears_aging() uses, with the words on screen and the days each covers.
BUCKETS = (
    ("0-30", gettext_lazy("0–30 天"), 1, 30),
    ("31-60", gettext_lazy("31–60 天"), 31, 60),
    ("61-90", gettext_lazy("61–90 天"), 61, 90),
    ("90+", gettext_lazy("90 天以上"), 91, None),
)


BUCKET_LABELS = {key: label for key, label, _lo, _hi in BUCKETS}


EXPORT_LIMIT = 20000


def bucket_of(days: int) -> str:
    for key, _label, low, high in BUCKETS:
        if days >= low and (high is None or days <= high):
            return key
    return BUCKETS[0][0]


def today_in(estate: Estate) -> dt.date:
    return timezone.localtime(timezone.now(), tz_of(estate)).date()


def caution() -> str:
    """FEE-13, in the language of the request (the service's text is its msgid)."""
    return _(str(COLLECTION_CAUTION))


def overdue_q(today: dt.date, prefix: str = "bills__") -> Q:
    return Q(**{f"{prefix}status__in": OPEN, f"{prefix}due_date__lt": today})


def debtor_rooms(
    estate: Estate, today: dt.date, *, bucket: str = "", building: Building | None = None,
    q: str = "",
) -> QuerySet[Room]:  # fmt: skip
    """Rooms with overdue bills, the most overdue first: ``oldest`` (the due date of the oldest
    overdue bill; the room's 账龄 follows it), ``owed`` (all its overdue money) and
    ``last_contact_id``."""
    overdue = overdue_q(today)
    last_contact = CollectionContact.objects.filter(room=OuterRef("pk")).order_by("-at", "-id")
    rooms = (
        Room.objects.filter(estate=estate)
        .annotate(
            oldest=Min("bills__due_date", filter=overdue),
            owed=Sum(
                F("bills__amount") - F("bills__paid_amount"),
                filter=overdue,
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            last_contact_id=Subquery(last_contact.values("id")[:1]),
        )
        .filter(oldest__isnull=False)
        .select_related("building", "unit")
    )
    if building is not None:
        rooms = rooms.filter(building=building)
    if q:
        owners = Occupancy.objects.filter(
            Occupancy.current_q(on=today), estate=estate, relation=Relation.OWNER,
        ).filter(Q(resident__name__icontains=q) | Q(resident__mobile__contains=q))  # fmt: skip
        rooms = rooms.filter(room_search_q(q) | Q(pk__in=owners.values("room_id")))
    for key, _label, low, high in BUCKETS:
        if key == bucket:
            rooms = rooms.filter(oldest__lte=today - dt.timedelta(days=low))
            if high is not None:
                rooms = rooms.filter(oldest__gte=today - dt.timedelta(days=high))
    return rooms.order_by("oldest", "-owed", *room_order(), "pk")


def debtor_owners(today: dt.date) -> Prefetch:
    return Prefetch(
        "occupancies",
        Occupancy.objects.filter(Occupancy.current_q(on=today), relation=Relation.OWNER)
        .select_related("resident").order_by("start_date", "pk"),
        to_attr="owners",
    )  # fmt: skip


@dataclass
class DunningState:
    text: str
    tone: str


def dunning_state(dunnings: list[Dunning], oldest: dt.date | None, days: int) -> DunningState:
    """Where the room's current overdue episode stands (the episode: its oldest overdue bill)."""
    episode = [d for d in dunnings if d.oldest_due == oldest]
    letter = next((d for d in episode if d.kind == DunningKind.LAWYER_LETTER), None)
    reminder = next((d for d in episode if d.kind == DunningKind.REMINDER), None)
    if letter is not None:
        tone = {DunningStatus.PENDING_APPROVAL: "badge-warn", DunningStatus.APPROVED:
                "badge-breach"}.get(letter.status, "badge-muted")  # fmt: skip
        return DunningState(_("律师函：%(status)s") % {"status": letter.get_status_display()},
                            tone)  # fmt: skip
    if reminder is not None:
        return DunningState(_("已发催缴通知书"), "badge-warn")
    if days >= REMINDER_DAYS:
        return DunningState(_("待发催缴通知书"), "badge-warn")
    return DunningState(_("未到催缴期"), "badge-muted")


def decorate_debtors(rooms: list[Room], today: dt.date) -> list[Room]:
    """Owners, the last contact and the dunning state of a page of debtor rooms (3 queries)."""
    prefetch_related_objects(rooms, debtor_owners(today))
    contacts = CollectionContact.objects.select_related("by__staff").in_bulk(
        [r.last_contact_id for r in rooms if r.last_contact_id]
    )
    dunnings: dict[int, list[Dunning]] = {}
    for dunning in Dunning.objects.filter(room__in=rooms).order_by("-created_at", "-id"):
        dunnings.setdefault(dunning.room_id, []).append(dunning)
    for room in rooms:
        room.owed = exact_sum(room.owed)
        room.days = (today - room.oldest).days
        room.bucket = bucket_of(room.days)
        room.bucket_label = BUCKET_LABELS[room.bucket]
        room.bucket_tone = BUCKET_TONE[room.bucket]
        room.owner_names = "、".join(o.resident.name for o in room.owners)
        room.owner_mobile = room.owners[0].resident.mobile if room.owners else ""
        room.last_contact = contacts.get(room.last_contact_id)
        room.state = dunning_state(dunnings.get(room.pk, []), room.oldest, room.days)
    return rooms


def month_range(month: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in the estate's time zone."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    return start, following


def month_reminders(estate: Estate, month: dt.date) -> QuerySet[Dunning]:
    """The 《催缴通知书》 of the estate made in a month (estate time), by room."""
    start, following = month_range(month, tz_of(estate))
    return (
        Dunning.objects.filter(
            estate=estate,
            kind=DunningKind.REMINDER,
            created_at__gte=start,
            created_at__lt=following,
        )
        .select_related("room__building", "room__unit")
        .order_by(*room_order("room__"), "created_at", "pk")
    )


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """``2026-11`` → 2026-11-01; anything else: this month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


BUCKET_TONE = {"0-30": "badge-muted", "31-60": "badge-warn", "61-90": "badge-breach",
               "90+": "badge-breach"}  # fmt: skip


REMINDER_DAYS = 30  # FEE-10: a Payment Reminder Notice within 30 days of becoming overdue


LAWYER_DAYS = 60  # FEE-11: a lawyer's letter within 60 days, where necessary (approved per case)


AGING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


def may_chase(actor: Actor) -> bool:
    """Who chases a debtor (FEE-02/09): customer service, finance and the managers. They record
    contacts, call the owner (the full number, each reveal recorded) and record a lawyer's
    letter as sent."""
    return actor.is_superuser or actor.role in (
        Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE, Role.FINANCE_CLERK,
    )  # fmt: skip


# FEE-13: shown to staff wherever they chase a payment.
COLLECTION_CAUTION = _(
    "催缴须文明礼貌：先核对账单，说明欠费明细和缴费渠道，倾听业主的原因；"
    "不得威胁、辱骂或以停水停电等方式施压，避免与业主发生冲突。"
)
