"""Choices of the notify app, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a message reaches its recipient."""

    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")


class MessageStatus(models.TextChoices):
    """Where a message is in the outbox.

    pending → sending (claimed by a worker) → sent; a failed attempt goes back to pending with a
    later ``next_attempt_at`` until the last attempt, then failed. A worker that dies leaves the
    row in sending; after the lease it is pending again.
    """

    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    CANCELLED = "cancelled", _("已取消")


class NoticeCategory(models.TextChoices):
    """What a notice (公告) is about; later processes look for their own category."""

    GENERAL = "general", _("通知")
    OUTAGE = "outage", _("停水停电")
    FIRE_SAFETY = "fire_safety", _("消防宣传")
    COST_DISCLOSURE = "cost_disclosure", _("费用公示")
    OTHER = "other", _("其他")


class NoticeStatus(models.TextChoices):
    """Where a notice is, worked out from its times (not stored): withdrawn, then expired, then
    scheduled (not yet visible), else published."""

    SCHEDULED = "scheduled", _("待发布")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


# The channels a notice may be delivered through to residents.
NOTICE_CHANNELS = (Channel.INBOX, Channel.SMS)
