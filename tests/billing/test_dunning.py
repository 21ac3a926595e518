"""Arrears and dunning, with frozen time: aging, the 30-day reminder notice, the 60-day
lawyer's-letter list approved per case, and the record of every contact with a debtor."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.billing.test_fees import at, run
from tests.billing.test_fees import fee as fee
from tests.billing.test_fees import finance as finance
from wuye.billing import services
from wuye.billing.models import Bill, CollectionContact, Dunning
from wuye.core.exceptions import Conflict
from wuye.notify.models import Message


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def overdue(world, finance, fee, frozen):
    """October's bill, due 2026-10-31, unpaid."""
    run(world, finance, "2026-10-01", "2026-10-31", "2026-10-31")
    return Bill.objects.get(room=world.room)


def test_aging_buckets(world, finance, fee, overdue, frozen):
    run(world, finance, "2026-11-01", "2026-11-30", "2026-11-20")
    aging = services.arrears_aging(estate=world.estate)  # 26 Nov: Oct 26 days, Nov 6 days
    total = sum((b.amount for b in Bill.objects.filter(room=world.room)), Decimal(0))
    assert aging["totals"]["0-30"] == total
    frozen.move_to(at("2027-02-01 10:00"), tick=False)  # Oct: 93 days, Nov: 73 days
    aging = services.arrears_aging(estate=world.estate)
    assert aging["totals"]["90+"] == overdue.amount
    assert aging["totals"]["61-90"] > 0 and aging["totals"]["0-30"] == 0


def test_a_reminder_notice_at_30_days_overdue__FEE_10(world, overdue, frozen):
    frozen.move_to(at("2026-11-29 10:00"), tick=False)  # 29 days
    assert services.dunning_sweep() == {"reminder": 0, "lawyer_letter": 0}
    frozen.move_to(at("2026-11-30 10:00"), tick=False)  # 30 days
    assert services.dunning_sweep() == {"reminder": 1, "lawyer_letter": 0}
    assert services.dunning_sweep() == {"reminder": 0, "lawyer_letter": 0}  # once
    notice = Dunning.objects.get(kind="reminder")
    assert notice.amount == overdue.amount and notice.status == "sent"
    sent = Message.objects.filter(template="dunning_reminder", recipient=world.owner.user)
    assert {m.channel for m in sent} == {"inbox", "sms"}
    body = sent.first().body
    assert str(overdue.amount) in body and "感谢" in body  # courteous (FEE-13)


def test_the_lawyers_letter_list_at_60_days_needs_a_managers_approval__FEE_11(
    world, finance, overdue, frozen
):
    frozen.move_to(at("2026-12-30 10:00"), tick=False)  # 60 days
    assert services.dunning_sweep() == {"reminder": 1, "lawyer_letter": 1}
    letter = Dunning.objects.get(kind="lawyer_letter")
    assert letter.status == "pending_approval"
    with pytest.raises(PermissionDenied):
        services.lawyer_letter_decide(dunning=letter, approve=True, note="同意", by=finance.user)
    with pytest.raises(ValidationError):
        services.lawyer_letter_decide(dunning=letter, approve=True, note=" ", by=world.exec.user)
    services.lawyer_letter_decide(dunning=letter, approve=False, note="业主已承诺月底缴清",
                                  by=world.exec.user)  # fmt: skip
    letter.refresh_from_db()
    assert letter.status == "rejected" and letter.decided_by == world.exec.user
    with pytest.raises(Conflict):
        services.lawyer_letter_decide(dunning=letter, approve=True, note="改为发送",
                                      by=world.exec.user)  # fmt: skip


def test_paying_ends_the_episode(world, finance, overdue, frozen):
    services.payment_record(room=world.room, amount=overdue.amount, channel="cash",
                            by=finance.user)  # fmt: skip
    frozen.move_to(at("2027-01-05 10:00"), tick=False)
    assert services.dunning_sweep() == {"reminder": 0, "lawyer_letter": 0}


def test_every_contact_with_a_debtor_is_recorded__FEE_09(world, finance, overdue):
    contact = services.collection_contact_record(
        room=world.room, method="phone", result="业主出差，承诺下周缴纳", by=world.agent.user,
        promised_on=dt.date(2026, 12, 5),
    )  # fmt: skip
    assert contact.by == world.agent.user and CollectionContact.objects.count() == 1
    with pytest.raises(ValidationError):
        services.collection_contact_record(room=world.room, method="fax", result="",
                                           by=world.agent.user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.collection_contact_record(room=world.room, method="visit", result="上门",
                                           by=world.tech.user)  # fmt: skip
    # the contact is about October's bill: 89.50 m² × ¥2.50, exactly
    assert overdue.amount == Decimal("223.75") and overdue.outstanding == Decimal("223.75")
    assert services.arrears_aging(estate=world.estate)["rooms"][world.room.pk]["0-30"] == (
        Decimal("223.75")
    )


def test_collection_stays_civil_one_reminder_no_threats_nothing_after_paying__FEE_13(
    world, finance, overdue, frozen
):
    """FEE-13 as behaviour: swept every day for two months, an owner gets one courteous
    reminder per overdue episode (never a daily barrage), with no threat in it (no lawyer, no
    cutting water or power, no lawsuit), and nothing at all once the debt is paid."""
    day = at("2026-11-26 10:00")
    for _ in range(40):  # to 5 January: 66 days overdue
        frozen.move_to(day, tick=False)
        services.dunning_sweep()
        day += dt.timedelta(days=1)
    sent = Message.objects.filter(recipient=world.owner.user, template="dunning_reminder")
    assert sent.count() == 2  # one reminder, by SMS and in the app: once, not every day
    assert {m.channel for m in sent} == {"inbox", "sms"}
    for message in sent:
        text = f"{message.subject}{message.body}"
        assert "您好" in text or "感谢" in text
        for threat in ("律师", "起诉", "停水", "停电", "法院", "黑名单"):
            assert threat not in text, threat
    services.payment_record(room=world.room, amount=overdue.amount, channel="cash",
                            by=finance.user)  # fmt: skip
    for _ in range(40):
        frozen.move_to(day, tick=False)
        services.dunning_sweep()
        day += dt.timedelta(days=1)
    assert sent.count() == 2  # paid: never chased again
