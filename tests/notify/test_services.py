"""The outbox: enqueue in the caller's transaction, deliver with retries, never lose or double."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tests.factories import UserFactory
from wuye.core.models import Resident, Room
from wuye.jobs import JOBS
from wuye.notify import channels, services, templates
from wuye.notify.channels import ChannelError, SmsBackend
from wuye.notify.choices import Channel, MessageStatus
from wuye.notify.models import Message, Preference, SmsRecord
from wuye.notify.selectors import inbox_list, inbox_unread_count

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
CASE = {"number": "BX-20261126-0001", "title": "厨房水管漏水"}


def enqueue(user, channels=("inbox",), template="case_assigned", context=None, **kwargs):
    return services.message_enqueue(
        recipient=user,
        template=template,
        context=CASE if context is None else context,
        channels=list(channels),
        **kwargs,
    )


# --- Enqueue: templates and languages ---------------------------------------------------------


def test_enqueue_renders_the_template_in_chinese_by_default(world):
    [message] = enqueue(world.tech.user, estate=world.estate, ref=CASE["number"])
    assert message.subject == "新工单 BX-20261126-0001"
    assert message.body == "您有一张新工单 BX-20261126-0001「厨房水管漏水」，请及时处理。"
    assert message.language == "zh-hans"
    assert message.estate == world.estate and message.ref == CASE["number"]
    assert message.context == CASE


def test_enqueue_renders_in_each_recipients_language(world, monkeypatch):
    # Msgids the English catalogue already has: the test is about the choice of language.
    monkeypatch.setitem(
        templates.TEMPLATES,
        "test_language",
        templates.MessageTemplate(subject=_("修改密码"), body=_("%(name)s（%(employee_no)s）")),
    )
    services.preference_set_language(user=world.agent.user, language="en")
    context = {"name": "李雷", "employee_no": "E01"}
    [english] = enqueue(world.agent.user, template="test_language", context=context)
    [chinese] = enqueue(world.tech.user, template="test_language", context=context)
    assert (english.language, english.subject, english.body) == (
        "en",
        "Change password",
        "李雷 (E01)",
    )
    assert (chinese.language, chinese.subject, chinese.body) == (
        "zh-hans",
        "修改密码",
        "李雷（E01）",
    )
    assert translation.get_language() == "zh-hans"  # the caller's language is left alone


def test_preference_language_must_be_one_of_the_sites(world):
    with pytest.raises(ValidationError):
        services.preference_set_language(user=world.agent.user, language="fr")
    services.preference_set_language(user=world.agent.user, language="en")
    services.preference_set_language(user=world.agent.user, language="zh-hans")
    assert Preference.objects.get(user=world.agent.user).language == "zh-hans"


def test_sla_templates_show_the_due_time_in_the_estates_time_zone(world):
    due = dt.datetime(2026, 11, 26, 6, 5, tzinfo=dt.UTC)
    context = {**CASE, "due_at": due, "rule": "REPAIR-03"}
    [warning] = enqueue(
        world.tech.user, template="sla_warning", context=context, estate=world.estate
    )
    assert warning.subject == "工单即将超时 BX-20261126-0001"
    assert warning.body == (
        "工单 BX-20261126-0001「厨房水管漏水」的时限将于 2026-11-26 14:05 到期，请尽快处理。"
    )
    world.estate.time_zone = "Asia/Urumqi"  # UTC+6
    [breached] = enqueue(
        world.tech.user, template="sla_breached", context=context, estate=world.estate
    )
    assert "已于 2026-11-26 12:05 超时" in breached.body
    # The context is stored as JSON, the datetime as ISO text.
    assert breached.context["due_at"].startswith("2026-11-26T06:05:00")
    assert Message.objects.get(pk=breached.pk).context == breached.context


def test_a_context_with_objects_is_stored_as_their_text(world):
    context = {"title": world.room, "body": _("修改密码")}
    [message] = enqueue(world.tech.user, template="notice", context=context)
    assert message.subject == "1栋2单元301室"
    assert Message.objects.get(pk=message.pk).context == {
        "title": "1栋2单元301室",
        "body": "修改密码",
    }


def test_notice_template_carries_the_callers_words(world):
    [message] = enqueue(
        world.owner.user, template="notice", context={"title": "停水通知", "body": "明天 9:00 停水"}
    )
    assert (message.subject, message.body) == ("停水通知", "明天 9:00 停水")


@pytest.mark.parametrize(
    ("template", "context", "channels"),
    [
        ("no_such_template", CASE, ["inbox"]),
        ("sla_warning", CASE, ["inbox"]),  # needs due_at and rule
        ("case_assigned", CASE, ["pigeon"]),
        ("case_assigned", CASE, []),
    ],
)
def test_programming_errors_are_value_errors_and_write_nothing(world, template, context, channels):
    with pytest.raises(ValueError):
        services.message_enqueue(
            recipient=world.tech.user, template=template, context=context, channels=channels
        )
    assert not Message.objects.exists()


def test_an_overlong_idempotency_key_is_a_value_error(world):
    with pytest.raises(ValueError):
        enqueue(world.tech.user, idempotency_key="k" * 200)
    assert not Message.objects.exists()


def test_every_template_renders_in_both_languages():
    context = {**CASE, "due_at": START, "rule": "REPAIR-03", "body": "x", "count": 2,
               "numbers": "TY-1、TY-2", "technician": "李师傅", "reason": "仍漏水", "days": 7,
               "note": "下午到", "satisfaction": 2, "quality": 3, "attitude": "—",
               "follow_up": "GJ-1", "department": "工程设备部", "reply": "已处理",
               "room": "1栋101室", "amount": "1,200.00", "due": "2026-12-31",
               "since": "2026-10-31", "estate": "阳光花园", "building": "9栋",
               "start": "2026-12-05 09:00", "end": "2026-12-07 17:00", "place": "会所",
               "documents": "身份证", "fees": "半年物业费", "name": "王建华", "need": "保洁",
               "developer": "阳光置业"}  # fmt: skip
    for key in templates.TEMPLATES:
        for language in ("zh-hans", "en"):
            subject, body = templates.render(key, context, language=language)
            assert subject and body and "%(" not in subject + body


# --- The outbox: one transaction with the change ----------------------------------------------


def test_a_rollback_leaves_neither_the_change_nor_its_messages(world):
    room = world.room
    with pytest.raises(RuntimeError), transaction.atomic():
        Room.objects.filter(pk=room.pk).update(floor=99)
        enqueue(world.tech.user, channels=["inbox", "sms", "email"])
        assert Message.objects.count() == 3
        raise RuntimeError("the service failed after enqueueing")
    assert Room.objects.get(pk=room.pk).floor == room.floor
    assert not Message.objects.exists()
    assert services.outbox_deliver() == 0


def test_inbox_message_is_in_the_inbox_as_soon_as_it_commits(world):
    with time_machine.travel(START, tick=False):
        [message] = enqueue(world.tech.user)
    assert message.status == MessageStatus.SENT and message.sent_at == START
    assert list(inbox_list(user=world.tech.user)) == [message]
    assert inbox_unread_count(user=world.tech.user) == 1
    assert inbox_unread_count(user=world.agent.user) == 0


def test_sms_and_email_wait_for_the_worker(world):
    world.tech.user.email = "tech@example.com"
    world.tech.user.save()
    sms, email = enqueue(world.tech.user, channels=["sms", "email"])
    assert sms.status == email.status == MessageStatus.PENDING
    assert (sms.address, email.address) == ("13700000000", "tech@example.com")
    assert not SmsRecord.objects.exists() and not mail.outbox
    assert not inbox_list(user=world.tech.user).exists()  # SMS and email are not inbox entries


def test_sms_goes_to_a_residents_mobile(world):
    [sms] = enqueue(world.owner.user, channels=["sms"])
    assert sms.address == world.owner.mobile


def test_no_mobile_or_email_fails_the_message_clearly_without_an_exception(world):
    account = world.contractor.accounts.get().user  # a contractor login: no mobile, no email
    sms, email, inbox = enqueue(account, channels=["sms", "email", "inbox"])
    assert sms.status == email.status == MessageStatus.FAILED
    assert sms.last_error == "接收人没有登记手机号，无法发送短信"
    assert email.last_error == "接收人没有登记邮箱地址，无法发送邮件"
    assert inbox.status == MessageStatus.SENT
    assert services.outbox_deliver() == 0


def test_idempotency_key_enqueues_each_message_once(world):
    first = enqueue(world.tech.user, channels=["inbox", "sms"], idempotency_key="case:1:assigned")
    again = enqueue(world.tech.user, channels=["inbox", "sms"], idempotency_key="case:1:assigned")
    assert [m.pk for m in again] == [m.pk for m in first]
    # The same event for another person is another message.
    other = enqueue(world.head.user, channels=["inbox"], idempotency_key="case:1:assigned")
    assert other[0].pk not in {m.pk for m in first}
    assert Message.objects.count() == 3
    assert inbox_unread_count(user=world.tech.user) == 1


def test_idempotent_enqueue_inside_an_outer_transaction_keeps_it_usable(world):
    with transaction.atomic():
        enqueue(world.tech.user, idempotency_key="k")
        enqueue(world.tech.user, idempotency_key="k")
        Room.objects.filter(pk=world.room.pk).update(floor=7)
    assert Message.objects.count() == 1 and Room.objects.get(pk=world.room.pk).floor == 7


# --- Delivery -----------------------------------------------------------------------------------


def test_delivery_sends_sms_and_email_and_marks_them_sent(world):
    world.tech.user.email = "tech@example.com"
    world.tech.user.save()
    with time_machine.travel(START, tick=False):
        sms, email = enqueue(world.tech.user, channels=["sms", "email"])
        assert services.outbox_deliver() == 2
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == email.status == MessageStatus.SENT
    assert sms.sent_at == START and sms.attempts == 1 and not sms.claimed_by
    record = SmsRecord.objects.get()
    assert (record.message, record.mobile, record.text) == (sms, "13700000000", sms.body)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["tech@example.com"]
    assert mail.outbox[0].subject == "新工单 BX-20261126-0001"
    assert services.outbox_deliver() == 0  # nothing twice


def test_delivery_takes_only_due_messages(world):
    with time_machine.travel(START, tick=False):
        [sms] = enqueue(world.tech.user, channels=["sms"])
    Message.objects.filter(pk=sms.pk).update(next_attempt_at=START + dt.timedelta(minutes=1))
    assert services.outbox_deliver(now=START) == 0
    assert services.outbox_deliver(now=START + dt.timedelta(minutes=1)) == 1


def test_delivery_works_through_batches_in_one_run(world, sms_channel):
    Message.objects.bulk_create(
        Message(
            recipient=world.tech.user,
            channel=Channel.SMS,
            template="notice",
            language="zh-hans",
            subject=f"#{i}",
            body="x",
            address="13700000000",
            next_attempt_at=START,
        )
        for i in range(250)
    )
    assert services.outbox_deliver(batch=100, now=START) == 250
    assert len(sms_channel.sent) == len(set(sms_channel.sent)) == 250


def test_a_failing_channel_backs_off_exponentially_then_fails(world, sms_channel, admin_client):
    sms_channel.failing = "provider timeout"
    with time_machine.travel(START, tick=False) as clock:
        [sms] = enqueue(world.tech.user, channels=["sms"])
        delays = []
        for attempt in range(1, services.MAX_ATTEMPTS + 1):
            now = timezone.now()
            assert services.outbox_deliver() == 0
            sms.refresh_from_db()
            assert sms.attempts == attempt and sms.last_error == "provider timeout"
            if sms.status == MessageStatus.FAILED:
                break
            assert sms.status == MessageStatus.PENDING
            delays.append(sms.next_attempt_at - now)
            # Not a moment early.
            clock.move_to(sms.next_attempt_at - dt.timedelta(seconds=1))
            assert services.outbox_deliver() == 0
            sms.refresh_from_db()
            assert sms.attempts == attempt
            clock.move_to(sms.next_attempt_at)
    minutes = [d / dt.timedelta(minutes=1) for d in delays]
    assert minutes == [1, 2, 4, 8, 16, 32, 64]
    assert sms.status == MessageStatus.FAILED and sms.attempts == services.MAX_ATTEMPTS
    assert sms.next_attempt_at is None
    assert sms_channel.sent == []
    # An administrator finds it under 发送失败.
    page = admin_client.get("/admin/notify/message/?status__exact=failed").content.decode()
    assert "provider timeout" in page and "新工单 BX-20261126-0001" in page


def test_retry_delay_doubles_up_to_six_hours():
    assert services.retry_delay(1) == dt.timedelta(minutes=1)
    assert services.retry_delay(2) == dt.timedelta(minutes=2)
    assert services.retry_delay(8) == dt.timedelta(minutes=128)
    assert services.retry_delay(30) == dt.timedelta(hours=6)


def test_a_permanent_error_fails_at_once(world, sms_channel):
    sms_channel.failing, sms_channel.permanent = "number refused", True
    [sms] = enqueue(world.tech.user, channels=["sms"])
    services.outbox_deliver()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == (
        MessageStatus.FAILED,
        1,
        "number refused",
    )


def test_a_channel_that_crashes_is_retried_and_does_not_stop_the_batch(world, monkeypatch):

    class Broken(channels.EmailChannel):
        def send(self, message):
            raise KeyError("bug")

    monkeypatch.setitem(channels.CHANNELS, "email", Broken())
    world.tech.user.email = "tech@example.com"
    world.tech.user.save()
    with time_machine.travel(START, tick=False):
        email, _sms = enqueue(world.tech.user, channels=["email", "sms"])
        assert services.outbox_deliver() == 1
    email.refresh_from_db()
    assert email.status == MessageStatus.PENDING and "KeyError" in email.last_error
    assert email.next_attempt_at == START + dt.timedelta(minutes=1)
    assert SmsRecord.objects.count() == 1


class RefusingSmsBackend(SmsBackend):
    def send(self, *, mobile, text, message=None):
        raise ChannelError(f"{mobile} is on the provider's blacklist", permanent=True)


def test_the_sms_provider_backend_is_a_setting(world, settings):
    settings.WUYE_SMS_BACKEND = f"{__name__}.RefusingSmsBackend"
    [sms] = enqueue(world.tech.user, channels=["sms"])
    assert services.outbox_deliver() == 0
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and "blacklist" in sms.last_error
    assert not SmsRecord.objects.exists()


def test_email_errors_are_retried(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    world.tech.user.email = "tech@example.com"
    world.tech.user.save()
    [email] = enqueue(world.tech.user, channels=["email"])
    assert services.outbox_deliver() == 0
    email.refresh_from_db()
    assert email.status == MessageStatus.PENDING and email.last_error.startswith("email:")


# --- A worker killed mid-delivery ---------------------------------------------------------------


def _killed_worker_claims(now):
    """What a worker does before it sends: claim. Then it dies (never sends, never finishes)."""
    return services._claim(batch=100, now=now, worker="dead-host:1:deadbeef")


def test_a_message_of_a_killed_worker_is_reclaimed_after_the_lease_and_sent_once(world):
    with time_machine.travel(START, tick=False) as clock:
        [sms] = enqueue(world.tech.user, channels=["sms"])
        assert [m.pk for m in _killed_worker_claims(timezone.now())] == [sms.pk]
        # Within the lease nobody else touches it: the worker may still be sending.
        clock.shift(services.SENDING_LEASE - dt.timedelta(seconds=1))
        assert services.outbox_deliver() == 0
        sms.refresh_from_db()
        assert sms.status == MessageStatus.SENDING and sms.claimed_by.startswith("dead-host")
        clock.shift(dt.timedelta(seconds=2))
        assert services.outbox_deliver() == 1
        assert services.outbox_deliver() == 0
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and sms.attempts == 2
    assert SmsRecord.objects.filter(message=sms).count() == 1
    # The dead worker's late bookkeeping (were it only slow) cannot undo the delivery.
    services._finish(sms, "dead-host:1:deadbeef", status=MessageStatus.FAILED)
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT


def test_a_text_sent_just_before_its_worker_died_is_not_sent_twice(world):
    """The worker sent the text, then died before writing it down: after the lease the message
    is delivered again, and the provider (here the recording backend) takes the repeat of the
    same message as the same request — one text."""
    with time_machine.travel(START, tick=False) as clock:
        [sms] = enqueue(world.tech.user, channels=["sms"])
        [claimed] = _killed_worker_claims(timezone.now())
        channels.get_channel("sms").send(claimed)  # sent; the worker dies before _finish
        clock.shift(services.SENDING_LEASE + dt.timedelta(seconds=1))
        assert services.outbox_deliver() == 1
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and sms.attempts == 2
    assert SmsRecord.objects.filter(message=sms).count() == 1


def test_an_inbox_message_delivered_again_after_a_crash_is_still_one_entry(world):
    with time_machine.travel(START, tick=False) as clock:
        [message] = enqueue(world.tech.user)
        # Requeued by hand (e.g. from the admin), claimed by a worker that then dies.
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.PENDING, next_attempt_at=timezone.now()
        )
        assert inbox_unread_count(user=world.tech.user) == 0
        _killed_worker_claims(timezone.now())
        clock.shift(services.SENDING_LEASE + dt.timedelta(seconds=1))
        assert services.outbox_deliver() == 1
        assert services.outbox_deliver() == 0
    assert [m.pk for m in inbox_list(user=world.tech.user)] == [message.pk]
    assert Message.objects.filter(recipient=world.tech.user).count() == 1


def test_a_message_that_keeps_killing_its_worker_ends_failed(world):
    with time_machine.travel(START, tick=False) as clock:
        [sms] = enqueue(world.tech.user, channels=["sms"])
        Message.objects.filter(pk=sms.pk).update(attempts=services.MAX_ATTEMPTS - 1)
        _killed_worker_claims(timezone.now())
        clock.shift(services.SENDING_LEASE + dt.timedelta(seconds=1))
        assert services.outbox_deliver() == 0
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and "租约" in sms.last_error
    assert not SmsRecord.objects.exists()


# --- Admin actions ------------------------------------------------------------------------------


def test_requeue_sends_a_failed_message_again_to_the_address_added_since(world):
    user = UserFactory(username="newcomer")
    [sms] = enqueue(user, channels=["sms"])
    assert sms.status == MessageStatus.FAILED
    Resident.objects.create(company=world.company, user=user, name="新住户", mobile="13912345678")
    user.refresh_from_db()
    assert services.message_requeue(messages=Message.objects.filter(pk=sms.pk)) == 1
    assert services.outbox_deliver() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.address, sms.attempts) == (MessageStatus.SENT, "13912345678", 1)
    # A sent message is not sent again by mistake.
    assert services.message_requeue(messages=Message.objects.filter(pk=sms.pk)) == 0


def test_cancel_stops_a_pending_message(world):
    [sms] = enqueue(world.tech.user, channels=["sms"])
    assert services.message_cancel(messages=[sms]) == 1
    assert services.outbox_deliver() == 0
    sms.refresh_from_db()
    assert sms.status == MessageStatus.CANCELLED


# --- Inbox --------------------------------------------------------------------------------------


def test_mark_read_by_ids_and_all_only_touches_the_users_own(world):
    mine = [enqueue(world.tech.user)[0] for _ in range(3)]
    [theirs] = enqueue(world.agent.user)
    assert services.inbox_mark_read(user=world.tech.user, message_ids=[mine[0].pk]) == 1
    assert inbox_unread_count(user=world.tech.user) == 2
    with pytest.raises(Http404):
        services.inbox_mark_read(user=world.tech.user, message_ids=[mine[1].pk, theirs.pk])
    assert inbox_unread_count(user=world.tech.user) == 2  # all or nothing
    assert services.inbox_mark_read(user=world.tech.user) == 2
    assert services.inbox_mark_read(user=world.tech.user) == 0
    assert inbox_unread_count(user=world.agent.user) == 1
    assert inbox_list(user=world.tech.user, unread=False).count() == 3


def test_outbox_delivery_is_a_periodic_job():
    job = next(j for j in JOBS if j.name == "outbox_deliver")
    assert job.resolve() is services.outbox_deliver and job.every == 10
