"""Reads of the notify app: the user's inbox, the unread count, one message of theirs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wuye.core.scoping import get_or_404

from .choices import Channel, MessageStatus
from .models import Message


def inbox_messages(user: Any) -> QuerySet[Message]:
    """The user's inbox: their delivered inbox messages and nobody else's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(recipient=user, channel=Channel.INBOX, status=MessageStatus.SENT)


def inbox_list(*, user: Any, unread: bool | None = None) -> QuerySet[Message]:
    """The user's inbox, newest first; ``unread``: only the unread (True) or the read (False)."""
    messages = inbox_messages(user)
    if unread is not None:
        messages = messages.filter(read_at__isnull=unread)
    return messages.order_by("-created_at", "-pk")


def inbox_unread_count(*, user: Any) -> int:
    """The number on the header's badge: one COUNT over the inbox index."""
    return inbox_messages(user).filter(read_at__isnull=True).count()


def inbox_message_get_for_user(user: Any, pk: Any) -> Message:
    """One message of the user's inbox; anyone else's is a 404."""
    return get_or_404(inbox_messages(user), pk)
