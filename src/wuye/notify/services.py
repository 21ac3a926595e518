"""Every write of the notify app: enqueue messages, deliver the outbox, read the inbox.

The outbox: ``message_enqueue`` writes its rows inside the caller's transaction, so a state
change and the messages it causes commit together or not at all. Delivery happens later, in
``outbox_deliver`` (a periodic job), never in the request.

The inbox needs no delivery: its row *is* the inbox entry, so it is written as sent and the
caller's commit makes it visible at once (no wait for the worker, nothing lost if no worker
runs). Should an inbox row ever be pending (requeued by hand), the worker's inbox channel only
marks it sent, so delivering it twice can never make two entries.

SMS and email are sent at least once: a worker claims due rows (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, a conditional UPDATE everywhere), sends each, marks it sent; a failure
is retried with exponential backoff until ``MAX_ATTEMPTS``, then the row is failed (the admin
lists it and can send it again). A worker killed mid-delivery leaves rows in "sending"; after
``SENDING_LEASE`` the next run puts them back in the queue, so a crash loses nothing. The price
is that a message whose send succeeded just before the crash is sent a second time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .channels import ChannelError, get_channel
from .choices import Channel, MessageStatus
from .models import Message, Preference
from .selectors import inbox_messages
from .templates import get_template, render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_BASE = dt.timedelta(minutes=1)
RETRY_CAP = dt.timedelta(hours=6)
# A row in "sending" for longer than this belongs to a worker that died: it is queued again.
SENDING_LEASE = dt.timedelta(minutes=5)
# One run of outbox_deliver stops claiming new batches after this many seconds, so the embedded
# scheduler's other jobs are not kept waiting by a burst; the next run goes on.
DELIVERY_BUDGET = 5.0
IDEMPOTENCY_KEY_MAX = Message._meta.get_field("idempotency_key").max_length

User = Any  # the auth user model


# --- Enqueue ------------------------------------------------------------------------------------


def recipient_language(user: User) -> str:
    """The language a user's messages are written in: their preference, else the default."""
    try:
        return user.notify_preference.language
    except (ObjectDoesNotExist, AttributeError):
        return settings.LANGUAGE_CODE


class _ContextEncoder(DjangoJSONEncoder):
    """Dates, decimals and lazy text as DjangoJSONEncoder writes them; anything else (a model
    instance…) as its text, so a context always stores."""

    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _stored_context(context: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(context, cls=_ContextEncoder, ensure_ascii=False))


def _missing_address_error(channel: str) -> str:
    if channel == Channel.SMS:
        return _("接收人没有登记手机号，无法发送短信")
    return _("接收人没有登记邮箱地址，无法发送邮件")


@transaction.atomic
def message_enqueue(
    *,
    recipient: User,
    template: str,
    context: dict[str, Any],
    channels: Sequence[str] = (Channel.INBOX,),
    estate=None,
    ref: str = "",
    url: str = "",
    idempotency_key: str | None = None,
) -> list[Message]:
    """Write one message per channel for one recipient, rendered now in their language.

    Call it inside the transaction of the change that causes it (``transaction.atomic``), so
    both commit or neither does. ``idempotency_key`` (e.g. ``f"sla_warning:{clock.pk}"``) makes
    a repeated call return the messages already written instead of writing new ones; it is kept
    per recipient and channel. An unknown template or channel, or a context key the template
    needs and does not get, is a ValueError (a programming error). A recipient without a mobile
    (SMS) or an email address gets a failed message saying so, not an exception.
    """
    language = recipient_language(recipient)
    messages = _build_messages(
        recipient=recipient, template=template, context=context, channels=channels,
        estate=estate, ref=ref, url=url, idempotency_key=idempotency_key, language=language,
        now=timezone.now(),
    )  # fmt: skip
    return [_save_once(message) for message in messages]


def _build_messages(
    *,
    recipient: User,
    template: str,
    context: dict[str, Any],
    channels: Sequence[str],
    estate,
    ref: str,
    url: str,
    idempotency_key: str | None,
    language: str,
    now: dt.datetime,
    memo: dict | None = None,
) -> list[Message]:
    """The unsaved rows of one recipient's message, one per channel, rendered in ``language``.

    ``memo`` (a bulk call's): one context object rendered once per language and time zone, so a
    notice to 3,000 households renders its text twice, not 3,000 times."""
    get_template(template)
    names = list(dict.fromkeys(channels))
    if not names:
        raise ValueError("message_enqueue needs at least one channel")
    for name in names:
        get_channel(name)
    time_zone = estate.time_zone if estate else None
    key = (template, id(context), language, time_zone)
    if memo is not None and key in memo:
        subject, body, stored_context = memo[key][1]
    else:
        subject, body = render(template, context, language=language, time_zone=time_zone)
        stored_context = _stored_context(context)
        if memo is not None:  # the context is kept with its result: its id stays its own
            memo[key] = (context, (subject, body, stored_context))
    messages = []
    keys = {name: f"{idempotency_key}:{recipient.pk}:{name}" for name in names}
    if idempotency_key is not None and max(len(k) for k in keys.values()) > IDEMPOTENCY_KEY_MAX:
        raise ValueError(f"idempotency key too long: {idempotency_key!r}")
    for name in names:
        message = Message(
            recipient=recipient,
            channel=name,
            template=template,
            context=stored_context,
            language=language,
            subject=subject,
            body=body,
            url=url,
            estate=estate,
            ref=ref,
            created_at=now,
            idempotency_key=keys[name] if idempotency_key is not None else None,
        )
        if name == Channel.INBOX:
            message.status, message.sent_at = MessageStatus.SENT, now
        else:
            message.address = get_channel(name).address_for(recipient)
            if message.address:
                message.status, message.next_attempt_at = MessageStatus.PENDING, now
            else:
                message.status = MessageStatus.FAILED
                message.last_error = _missing_address_error(name)
        messages.append(message)
    return messages


def message_enqueue_bulk(requests: Iterable[dict[str, Any]]) -> int:
    """``message_enqueue`` for many messages at once (the SLA sweep's thousands): the same rows,
    written with one INSERT per thousand; a row whose idempotency key exists is skipped.

    Each request holds ``message_enqueue``'s keyword arguments. Call it inside the caller's
    transaction, as ``message_enqueue``. Returns how many rows were offered for writing.
    """
    now = timezone.now()
    languages: dict[int, str] = {}
    memo: dict = {}
    rows: list[Message] = []
    for request in requests:
        recipient = request["recipient"]
        if recipient.pk not in languages:
            languages[recipient.pk] = recipient_language(recipient)
        rows.extend(
            _build_messages(
                recipient=recipient,
                template=request["template"],
                context=request["context"],
                channels=request.get("channels", (Channel.INBOX,)),
                estate=request.get("estate"),
                ref=request.get("ref", ""),
                url=request.get("url", ""),
                idempotency_key=request.get("idempotency_key"),
                language=languages[recipient.pk],
                now=now,
                memo=memo,
            )
        )
    Message.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _save_once(message: Message) -> Message:
    """Save, or return the row already written under the same idempotency key."""
    if message.idempotency_key is None:
        message.save()
        return message
    existing = Message.objects.filter(idempotency_key=message.idempotency_key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: losing the race to a concurrent transaction must not break the caller's.
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(idempotency_key=message.idempotency_key)
    return message


# --- Delivery -----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the n-th failed attempt: 1 min, 2, 4, 8 … at most 6 h."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def outbox_reclaim(*, now: dt.datetime | None = None) -> int:
    """Queue again the rows whose worker died while sending them (older than the lease).

    The attempt that died counts, so a message that kills its worker every time ends failed
    instead of going round for ever."""
    now = now or timezone.now()
    stale = Message.objects.filter(
        status=MessageStatus.SENDING, sending_since__lt=now - SENDING_LEASE
    )
    error = _("发送进程中断（超过租约时间未完成），已重新排队")
    cleared = {"sending_since": None, "claimed_by": "", "last_error": error}
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, next_attempt_at=None, **cleared
    )
    queued = stale.update(status=MessageStatus.PENDING, next_attempt_at=now, **cleared)
    if failed or queued:
        log.warning("outbox: reclaimed %s stale messages (%s failed)", queued + failed, failed)
    return failed + queued


def _worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claim(*, batch: int, now: dt.datetime, worker: str) -> list[Message]:
    """Take up to ``batch`` due rows for this worker; no two workers ever take the same row.

    PostgreSQL: the SELECT skips rows another worker has locked, so workers never wait on each
    other. SQLite has no row locks: the conditional UPDATE (still pending → sending) is the
    claim, and the rows that are ours are the ones carrying our worker id."""
    due = Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:batch])
        if not ids:
            return []
        Message.objects.filter(pk__in=ids, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING,
            sending_since=now,
            claimed_by=worker,
            attempts=F("attempts") + 1,
        )
    return list(
        Message.objects.filter(pk__in=ids, status=MessageStatus.SENDING, claimed_by=worker)
        .select_related("recipient")
        .order_by("next_attempt_at", "pk")
    )


def _finish(message: Message, worker: str, **fields: Any) -> None:
    done = Message.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, claimed_by=worker
    ).update(sending_since=None, claimed_by="", **fields)
    if not done:
        # Our lease ran out and another worker took the row: it may be sent twice.
        log.warning("outbox: message %s finished after its lease expired", message.pk)


def _deliver(message: Message, *, now: dt.datetime, worker: str) -> bool:
    try:
        get_channel(message.channel).send(message)
    except Exception as exc:
        permanent = isinstance(exc, ChannelError) and exc.permanent
        if not isinstance(exc, ChannelError):
            log.exception("outbox: channel %s raised on message %s", message.channel, message.pk)
        error = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
        if permanent or message.attempts >= MAX_ATTEMPTS:
            _finish(
                message, worker, status=MessageStatus.FAILED, next_attempt_at=None, last_error=error
            )
        else:
            _finish(
                message,
                worker,
                status=MessageStatus.PENDING,
                next_attempt_at=now + retry_delay(message.attempts),
                last_error=error,
            )
        return False
    _finish(message, worker, status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


def outbox_deliver(
    *, batch: int = 100, now: dt.datetime | None = None, budget: float = DELIVERY_BUDGET
) -> int:
    """The periodic job: send the due messages, batch by batch; returns how many were sent.

    Safe to run in any number of processes at once: each row is claimed by one of them."""
    now = now or timezone.now()
    outbox_reclaim(now=now)
    worker = _worker_id()
    deadline = time.monotonic() + budget
    sent = 0
    while True:
        messages = _claim(batch=batch, now=now, worker=worker)
        for message in messages:
            sent += _deliver(message, now=now, worker=worker)
        if len(messages) < batch or time.monotonic() >= deadline:
            return sent


# --- Admin actions ------------------------------------------------------------------------------


def message_requeue(*, messages: Iterable[Message], now: dt.datetime | None = None) -> int:
    """Send failed or cancelled messages again (the admin's 重新发送): a fresh set of attempts,
    and the address looked up again, as the missing mobile may have been added since."""
    now = now or timezone.now()
    count = 0
    for message in messages:
        if message.status not in (MessageStatus.FAILED, MessageStatus.CANCELLED):
            continue
        fields: dict[str, Any] = {"status": MessageStatus.PENDING, "attempts": 0}
        fields["next_attempt_at"] = now
        if message.channel != Channel.INBOX:
            fields["address"] = get_channel(message.channel).address_for(message.recipient)
        count += Message.objects.filter(pk=message.pk, status=message.status).update(**fields)
    return count


def message_cancel(*, messages: Iterable[Message]) -> int:
    """Stop messages that are still waiting (or have failed) from being sent."""
    pks = [m.pk for m in messages]
    return Message.objects.filter(
        pk__in=pks, status__in=[MessageStatus.PENDING, MessageStatus.FAILED]
    ).update(status=MessageStatus.CANCELLED, next_attempt_at=None)


# --- Inbox --------------------------------------------------------------------------------------


def inbox_mark_read(*, user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (``None``: all of them); returns how many changed.

    An id that is not one of the user's inbox messages is a 404, as if it did not exist."""
    messages = inbox_messages(user)
    if message_ids is not None:
        ids = set(message_ids)
        if len(ids) != messages.filter(pk__in=ids).count():
            raise Http404
        messages = messages.filter(pk__in=ids)
    return messages.filter(read_at__isnull=True).update(read_at=timezone.now())


# --- Preferences --------------------------------------------------------------------------------


def preference_set_language(*, user: User, language: str) -> Preference:
    """The language of the user's future messages (e.g. when they switch the UI language)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("不支持的语言")]})
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference
