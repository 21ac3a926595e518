"""Notices before the due date (FEE-05) and the collection of arrears after it: reminders, dunning
notices, the lawyer's letter (FEE-09/10/11/13)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Bill,
    BillingSettings,
    BillStatus,
    CollectionContact,
    ContactMethod,
    Dunning,
    DunningKind,
    DunningStatus,
    LawyerLetterVia,
    PhoneReveal,
)
from wuye.billing.selectors.collections import AGING_BUCKETS, LAWYER_DAYS, REMINDER_DAYS, may_chase
from wuye.core.choices import Relation, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Occupancy, Room
from wuye.core.scoping import Actor
from wuye.core.validators import check_date, check_field_text
from wuye.workflow.calendar import due_calendar_days, latest_date_ahead

from .common import NOTICE_DAYS, _actor, _check_finance, estate_today

# --- Notices (FEE-05) --------------------------------------------------------------------------


def bill_notify_due(*, now: dt.datetime | None = None) -> int:
    """Periodic job: tell the owners of bills due within 15 days (FEE-05), once per bill, by
    SMS and in-app message: the time, the amount and the channels. Returns the bills notified."""
    from wuye.notify.choices import Channel
    from wuye.notify.services import message_enqueue

    now = now or timezone.now()
    horizon = (now + dt.timedelta(days=NOTICE_DAYS + 1)).date()
    # FEE-05: only an owner with a login can be told by SMS and the app. A room without one is
    # not marked at all: it stays on the letters page until a letter is printed or delivered.
    with_login = Occupancy.objects.filter(
        Occupancy.current_q(), room_id=OuterRef("room_id"), relation=Relation.OWNER,
        resident__user__isnull=False,
    )  # fmt: skip
    due = (
        Bill.objects.filter(status__in=(BillStatus.UNPAID, BillStatus.PARTIAL),
                            notified_at__isnull=True, due_date__lte=horizon)
        .filter(Exists(with_login))
        .select_related("estate", "room")
        .order_by("room_id", "due_date")
    )  # fmt: skip
    by_room: dict[int, list[Bill]] = {}
    for bill in due[:5000]:
        local = timezone.localtime(now, ZoneInfo(bill.estate.time_zone)).date()
        if bill.due_date - dt.timedelta(days=NOTICE_DAYS) <= local:
            by_room.setdefault(bill.room_id, []).append(bill)
    notified = 0
    for bills in by_room.values():
        room = bills[0].room
        owners = Occupancy.objects.filter(
            Occupancy.current_q(), room=room, relation=Relation.OWNER,
            resident__user__isnull=False,
        ).select_related("resident__user")  # fmt: skip
        total = sum((b.amount - b.paid_amount for b in bills), ZERO)
        with transaction.atomic():
            for occupancy in owners:
                message_enqueue(
                    recipient=occupancy.resident.user, template="bill_notice",
                    channels=[Channel.INBOX, Channel.SMS], estate=room.estate,
                    ref=f"bill:{bills[0].pk}",
                    context={"room": room.label, "amount": total,
                             "due": min(b.due_date for b in bills)},
                )  # fmt: skip
            if not owners:  # the login went away meanwhile: the letters page has the room
                continue
            Bill.objects.filter(pk__in=[b.pk for b in bills]).update(
                notified_at=now, notified_via="sms,inbox"
            )
        notified += len(bills)
    return notified


# --- Arrears and dunning (FEE-09/10/11/13) -----------------------------------------------------


def arrears_aging(*, estate: Estate, now: dt.datetime | None = None) -> dict:
    """Outstanding amounts by days overdue (0–30, 31–60, 61–90, 90+), per room and in total."""
    today = estate_today(estate, now or timezone.now())
    rows = Bill.objects.filter(
        estate=estate, status__in=(BillStatus.UNPAID, BillStatus.PARTIAL), due_date__lt=today
    ).values_list("room_id", "due_date", "amount", "paid_amount")
    labels = ["0-30", "31-60", "61-90", "90+"]
    totals = dict.fromkeys(labels, ZERO)
    rooms: dict[int, dict] = {}
    for room_id, due, amount, paid in rows:
        days = (today - due).days
        label = next(
            lab for lab, (lo, hi) in zip(labels, AGING_BUCKETS, strict=True)
            if days >= lo and (hi is None or days <= hi)
        )  # fmt: skip
        owed = amount - paid
        totals[label] += owed
        room = rooms.setdefault(room_id, dict.fromkeys(labels, ZERO))
        room[label] += owed
    return {"today": today, "totals": totals, "rooms": rooms}


def dunning_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic job. For each room with bills overdue 30 days: a 《催缴通知书》 sent to the owners
    (message and SMS, FEE-10) once per overdue episode. From the estate's list day (default
    day 45, ``BillingSettings.lawyer_list_day``) the room enters the lawyer's-letter list for a
    manager's decision (FEE-11: only where necessary), with the deadline by which the letter
    must be sent: the end of day 60 of the episode (``lawyer_letter_due``). Idempotent."""
    from wuye.notify.choices import Channel
    from wuye.notify.services import message_enqueue

    now = now or timezone.now()
    made = {"reminder": 0, "lawyer_letter": 0}
    open_bills = (
        Bill.objects.filter(status__in=(BillStatus.UNPAID, BillStatus.PARTIAL))
        .select_related("estate", "room")
        .order_by("room_id", "due_date", "id")
    )
    by_room: dict[int, list[Bill]] = {}
    list_days: dict[int, int] = {}
    for bill in open_bills.filter(due_date__lt=(now - dt.timedelta(days=REMINDER_DAYS)).date()
                                  + dt.timedelta(days=1)).iterator(chunk_size=2000):  # fmt: skip
        by_room.setdefault(bill.room_id, []).append(bill)
    for bills in by_room.values():
        room, estate = bills[0].room, bills[0].estate
        if estate.pk not in list_days:
            list_days[estate.pk] = BillingSettings.for_estate(estate).lawyer_list_day
        today = estate_today(estate, now)
        overdue = [b for b in bills if (today - b.due_date).days >= REMINDER_DAYS]
        if not overdue:
            continue
        oldest = overdue[0].due_date
        amount = sum((b.amount - b.paid_amount for b in overdue), ZERO)
        days = (today - oldest).days
        with transaction.atomic():
            reminder, created = Dunning.objects.get_or_create(
                room=room, kind=DunningKind.REMINDER, oldest_due=oldest,
                defaults={"estate": estate, "status": DunningStatus.SENT, "amount": amount,
                          "bills": [b.pk for b in overdue], "created_at": now},
            )  # fmt: skip
            if created:
                made["reminder"] += 1
                owners = Occupancy.objects.filter(
                    Occupancy.current_q(), room=room, relation=Relation.OWNER,
                    resident__user__isnull=False,
                ).select_related("resident__user")  # fmt: skip
                for occupancy in owners:
                    message_enqueue(
                        recipient=occupancy.resident.user, template="dunning_reminder",
                        channels=[Channel.INBOX, Channel.SMS], estate=estate,
                        ref=f"dunning:{reminder.pk}",
                        context={"room": room.label, "amount": amount, "since": oldest},
                    )  # fmt: skip
            if days >= list_days[estate.pk]:  # FEE-11: listed early enough to decide by day 60
                _, listed = Dunning.objects.get_or_create(
                    room=room, kind=DunningKind.LAWYER_LETTER, oldest_due=oldest,
                    defaults={"estate": estate, "status": DunningStatus.PENDING_APPROVAL,
                              "amount": amount, "bills": [b.pk for b in overdue],
                              "created_at": now, "due_at": lawyer_letter_due(estate, oldest)},
                )  # fmt: skip
                made["lawyer_letter"] += int(listed)
    return made


def lawyer_letter_due(estate: Estate, oldest_due: dt.date) -> dt.datetime:
    """FEE-11: the letter is sent within 60 days of becoming overdue. A bill becomes overdue
    when its due date ends; 60 calendar days from then end at 23:59:59 of the 60th date after
    the due date (the engine's day arithmetic, DESIGN.md)."""
    zone = ZoneInfo(estate.time_zone or "Asia/Shanghai")
    overdue_from = dt.datetime.combine(oldest_due, dt.time(23, 59, 59), tzinfo=zone)
    return due_calendar_days(overdue_from, LAWYER_DAYS, zone)


LAWYER_AT_RISK_DAYS = 5  # FEE-11: the last 5 days before day 60 show the case at risk


def lawyer_letter_clock(dunning: Dunning, now: dt.datetime | None = None) -> str:
    """Where a lawyer's-letter case stands against its day-60 deadline: ``met`` (sent, or
    decided not to send, in time), ``late`` (done after it), ``overdue`` (still open past it),
    ``at_risk`` (open, within the last 5 days) or ``running``."""
    now = now or timezone.now()
    due = dunning.due_at or lawyer_letter_due(dunning.estate, dunning.oldest_due)
    done = dunning.sent_at if dunning.status == DunningStatus.SENT else (
        dunning.decided_at if dunning.status == DunningStatus.REJECTED else None
    )  # fmt: skip
    if done is not None:
        return "met" if done <= due else "late"
    if now > due:
        return "overdue"
    zone = ZoneInfo(dunning.estate.time_zone or "Asia/Shanghai")
    # The last LAWYER_AT_RISK_DAYS dates up to the deadline's: from 00:00 of the first of them.
    risk_from = dt.datetime.combine(
        latest_date_ahead(due.astimezone(zone).date(), LAWYER_AT_RISK_DAYS - 1), dt.time(0),
        tzinfo=zone,
    )  # fmt: skip
    return "at_risk" if now >= risk_from else "running"


def _check_letter_manager(actor: Actor, dunning: Dunning) -> None:
    if not actor.is_superuser and not (
        dunning.estate_id in actor.estate_ids
        and actor.role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)
    ):
        raise PermissionDenied(_("律师函须由部门负责人或企业高层审批"))


@transaction.atomic
def lawyer_letter_sent(
    *, dunning: Dunning, via: str, sent_at: dt.datetime | None, by, note: str = ""
) -> Dunning:
    """FEE-11: record that an approved lawyer's letter went out: when, how, by whom. The case's
    clock is met when this is on or before the end of day 60."""
    actor = _actor(by)
    dunning = Dunning.objects.select_for_update().select_related("estate").get(pk=dunning.pk)
    if not actor.is_superuser and dunning.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记律师函发送"))
    if dunning.kind != DunningKind.LAWYER_LETTER:
        raise ValidationError({"dunning": [_("只有律师函需要登记发送")]})
    if dunning.status == DunningStatus.SENT:
        raise Conflict(_("该律师函已登记发送"))
    if dunning.status != DunningStatus.APPROVED:
        raise Conflict(_("律师函须先经审批同意，才能登记发送"))
    errors: dict[str, list] = {}
    if via not in LawyerLetterVia.values:
        errors["via"] = [_("请选择发送方式")]
    now = timezone.now()
    if sent_at is None:
        errors["sent_at"] = [_("请填写发送时间")]
    elif sent_at > now:
        errors["sent_at"] = [_("发送时间不能晚于现在")]
    elif dunning.decided_at and sent_at < dunning.decided_at:
        errors["sent_at"] = [_("发送时间不能早于审批时间")]
    note = (note or "").strip()
    check_field_text(Dunning, "sent_note", note, key="note", errors=errors)
    if errors:
        raise ValidationError(errors)
    dunning.status = DunningStatus.SENT
    dunning.sent_at, dunning.sent_by, dunning.sent_via, dunning.sent_note = (
        sent_at, actor.user, via, note,
    )  # fmt: skip
    if dunning.due_at is None:
        dunning.due_at = lawyer_letter_due(dunning.estate, dunning.oldest_due)
    dunning.save(update_fields=["status", "sent_at", "sent_by", "sent_via", "sent_note", "due_at"])
    return dunning


BILLING_SETTINGS_FIELDS = ("lawyer_list_day", "law_firm", "law_firm_address", "lawyer",
                           "lawyer_phone")  # fmt: skip


@transaction.atomic
def billing_settings_update(*, estate: Estate, by, **values) -> BillingSettings:
    """收费设置 of an estate, by finance (FEE-02): the day rooms enter the lawyer's-letter list
    (30–59; FEE-11) and the law firm the 《律师函》 names."""
    actor = _actor(by)
    _check_finance(actor, estate)
    settings_row = BillingSettings.objects.select_for_update().filter(estate=estate).first()
    settings_row = settings_row or BillingSettings(estate=estate)
    errors: dict[str, list] = {}
    for name in BILLING_SETTINGS_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "lawyer_list_day":
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[name] = [_("请填写 30～59 之间的整数")]
                continue
            if not 30 <= value <= 59:
                errors[name] = [_("请填写 30～59 之间的整数：律师函须在逾期60天内发出")]
                continue
        else:
            value = (value or "").strip()
            check_field_text(BillingSettings, name, value, errors=errors)
        setattr(settings_row, name, value)
    if errors:
        raise ValidationError(errors)
    settings_row.updated_at, settings_row.updated_by = timezone.now(), actor.user
    settings_row.save()
    return settings_row


@transaction.atomic
def lawyer_letter_decide(*, dunning: Dunning, approve: bool, note: str, by) -> Dunning:
    """FEE-11: a manager decides, case by case, whether the lawyer's letter is sent."""
    actor = _actor(by)
    dunning = Dunning.objects.select_for_update().get(pk=dunning.pk)
    _check_letter_manager(actor, dunning)
    if dunning.kind != DunningKind.LAWYER_LETTER:
        raise ValidationError({"dunning": [_("只有律师函需要审批")]})
    if dunning.status != DunningStatus.PENDING_APPROVAL:
        raise Conflict(_("该律师函已审批"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写审批意见")]})
    check_field_text(Dunning, "decision_note", note.strip(), key="note")
    dunning.status = DunningStatus.APPROVED if approve else DunningStatus.REJECTED
    dunning.decided_by, dunning.decided_at = actor.user, timezone.now()
    dunning.decision_note = note.strip()
    if dunning.due_at is None:  # listed before the deadline was kept on the case
        dunning.due_at = lawyer_letter_due(dunning.estate, dunning.oldest_due)
    dunning.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "due_at"])
    return dunning


@transaction.atomic
def collection_contact_record(
    *, room: Room, method: str, result: str, by, promised_on: dt.date | None = None
) -> CollectionContact:
    """FEE-09: every phone call, SMS or visit to a debtor, with its result. Customer service
    chases (FEE-02), finance may too."""  # fmt: skip
    actor = _actor(by)
    if not actor.is_superuser and room.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以登记催收"))
    errors = {}
    if method not in ContactMethod.values:
        errors["method"] = [_("请选择催收方式（电话、短信或上门）")]
    if not result.strip():
        errors["result"] = [_("请填写催收结果")]
    elif len(result) > 200:
        errors["result"] = [_("不能超过 200 字")]
    check_date(promised_on, field="promised_on", label=_("承诺缴费日期"), errors=errors)
    if errors:
        raise ValidationError(errors)
    return CollectionContact.objects.create(
        estate=room.estate, room=room, method=method, result=result.strip(),
        promised_on=promised_on, at=timezone.now(), by=actor.user,
    )  # fmt: skip


@transaction.atomic
def owner_phone_reveal(*, room: Room, resident_id: int, by) -> tuple[str, PhoneReveal]:
    """The full phone number of one of the room's current owners, for a collector to call
    (FEE-09). Every reveal is recorded: who, when, whose number. Staff who do not chase get a
    403 and keep seeing the masked number."""
    actor = _actor(by)
    if not actor.is_superuser and room.estate_id not in actor.estate_ids:
        raise Http404
    if not may_chase(actor):
        raise PermissionDenied(_("只有客服、财务人员或管理层可以查看业主电话"))
    occupancy = (
        Occupancy.objects.filter(Occupancy.current_q(), room=room, relation=Relation.OWNER,
                                 resident_id=resident_id)
        .select_related("resident").first()
    )  # fmt: skip
    if occupancy is None:
        raise Http404
    mobile = occupancy.resident.mobile or ""
    if not mobile:
        raise ValidationError({"resident": [_("该业主没有登记电话")]})
    reveal = PhoneReveal.objects.create(
        estate_id=room.estate_id, room=room, resident=occupancy.resident, by=actor.user,
        at=timezone.now(),
    )  # fmt: skip
    return mobile, reveal
