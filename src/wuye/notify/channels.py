"""Channels: how a message reaches a person. One small interface, three channels.

- ``Channel.address_for(user)`` — where to send (a mobile, an email address), read when the
  message is enqueued; "" when the user has none (the message then fails at once, clearly).
- ``Channel.send(message)`` — deliver one message; raise ``ChannelError`` on failure
  (``permanent=True`` when trying again cannot help, e.g. no address).

SMS goes through a provider backend named by the setting ``WUYE_SMS_BACKEND`` (a dotted path).
The default records every SMS in ``SmsRecord`` (visible in the admin): nothing leaves the
machine until a real provider's backend is configured. A backend must time out well within the
outbox lease (``services.SENDING_LEASE``), or a slow send may be sent again by another worker.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .choices import Channel as ChannelName
from .models import Message, SmsRecord

log = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "wuye.notify.channels.RecordingSmsBackend"


class ChannelError(Exception):
    """A delivery failed. ``permanent``: do not try again (no address, refused number)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel:
    name: str = ""

    def address_for(self, user) -> str:
        return ""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class InboxChannel(Channel):
    """The in-app inbox: the message row is the inbox entry, so there is nothing to send, and
    delivering it twice cannot make two entries."""

    name = ChannelName.INBOX

    def send(self, message: Message) -> None:
        return None


class EmailChannel(Channel):
    """Django's mail (``EMAIL_BACKEND``) to the user's email address."""

    name = ChannelName.EMAIL

    def address_for(self, user) -> str:
        return (getattr(user, "email", "") or "").strip()

    def send(self, message: Message) -> None:
        if not message.address:
            raise ChannelError("no email address", permanent=True)
        try:
            send_mail(message.subject, message.body, None, [message.address], fail_silently=False)
        except Exception as exc:  # SMTP errors, refused connections, DNS…: try again later
            raise ChannelError(f"email: {exc.__class__.__name__}: {exc}") from exc


def _related(user, name: str):
    try:
        return getattr(user, name)
    except (ObjectDoesNotExist, AttributeError):
        return None


def user_mobile(user) -> str:
    """The mobile of a staff member, else of a resident; "" when neither has one."""
    for record in (_related(user, "staff"), _related(user, "resident")):
        mobile = (getattr(record, "mobile", "") or "").strip()
        if mobile:
            return mobile
    return ""


class SmsBackend:
    """A provider of SMS: send one text to one mobile or raise ChannelError. ``message`` is the
    outbox row: its id is the request's idempotency key (a provider's out-id), so a repeat of
    the same message after a worker's crash is not a second text."""

    def send(self, *, mobile: str, text: str, message: Message | None = None) -> None:
        raise NotImplementedError


class RecordingSmsBackend(SmsBackend):
    """Records the SMS in ``SmsRecord`` instead of sending it (embedded mode, tests, demos).

    Idempotent per outbox message, as a real provider is when given the message's id as the
    request's idempotency key: a message sent again after its worker died between the send and
    its bookkeeping is recorded once."""

    def send(self, *, mobile: str, text: str, message: Message | None = None) -> None:
        if message is None:
            SmsRecord.objects.create(mobile=mobile, text=text)
        else:
            SmsRecord.objects.get_or_create(
                message=message, defaults={"mobile": mobile, "text": text}
            )
        log.info("SMS recorded (not sent) to %s", mobile)


def sms_backend() -> SmsBackend:
    return import_string(getattr(settings, "WUYE_SMS_BACKEND", DEFAULT_SMS_BACKEND))()


class SmsChannel(Channel):
    """SMS through the configured provider backend; the text is the message body."""

    name = ChannelName.SMS

    def address_for(self, user) -> str:
        return user_mobile(user)

    def send(self, message: Message) -> None:
        if not message.address:
            raise ChannelError("no mobile number", permanent=True)
        sms_backend().send(mobile=message.address, text=message.body, message=message)


CHANNELS: dict[str, Channel] = {
    ChannelName.INBOX: InboxChannel(),
    ChannelName.SMS: SmsChannel(),
    ChannelName.EMAIL: EmailChannel(),
}


def get_channel(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise ValueError(f"unknown channel {name!r}") from None
