"""Messages: the transactional outbox and the in-app inbox.

A ``Message`` row is written in the same transaction as the state change that causes it, so
both commit or neither does. An inbox message is delivered by that commit (the row *is* the
inbox entry); SMS and email rows wait as ``pending`` until a worker (``outbox_deliver``) claims
and sends them, with retries and backoff.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from wuye.core.validators import TEXT_MAX

from .choices import Channel, MessageStatus, NoticeCategory, NoticeStatus


class Message(models.Model):
    """消息 — one notification to one recipient through one channel (inbox, SMS, email)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_messages",
        verbose_name=_("接收人"),
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("消息模板"), max_length=50)
    context = models.JSONField(_("模板参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("语言"), max_length=10)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    # Where the inbox entry leads (the case page); a path of this site.
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # The mobile or email address, taken when the message was written (as the text was).
    address = models.CharField(_("发送地址"), max_length=254, blank=True)
    estate = models.ForeignKey(
        "core.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("项目"),
    )
    ref = models.CharField(
        _("关联对象"), max_length=100, blank=True, help_text=_("如工单号 BX-20261126-0001")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    sending_since = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    claimed_by = models.CharField(_("发送进程"), max_length=64, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The same event enqueues the same message once: "<caller's key>:<recipient>:<channel>".
    idempotency_key = models.CharField(
        _("幂等键"), max_length=200, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The delivery claim and the lease sweep: only the few rows still on their way.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=[MessageStatus.PENDING, MessageStatus.SENDING]),
                name="message_due_idx",
            ),
            # The unread badge on every page.
            models.Index(fields=["recipient", "channel", "read_at"], name="message_inbox_idx"),
            # The inbox list, newest first.
            models.Index(
                fields=["recipient", "channel", "-created_at"], name="message_inbox_list_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="message_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="message_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="message_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(channel=Channel.INBOX),
                name="message_read_only_inbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class SmsRecord(models.Model):
    """短信发送记录 — what the recording SMS backend "sent": nothing leaves the machine.

    The embedded default and the tests use it; a real provider's backend does not write here.
    """

    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sms_records",
        verbose_name=_("消息"),
    )
    mobile = models.CharField(_("手机号"), max_length=20)
    text = models.TextField(_("短信内容"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")
        constraints = [
            # One record per outbox message: a send repeated after a worker's crash (the outbox
            # delivers at least once) is absorbed here, as a provider absorbs a repeated request
            # carrying the same idempotency key.
            models.UniqueConstraint(fields=["message"], name="sms_record_message_unique")
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mobile} · {self.created_at:%Y-%m-%d %H:%M}"


class Preference(models.Model):
    """消息设置 — a user's choices for the messages they receive (today: the language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_preference",
        verbose_name=_("用户"),
    )
    language = models.CharField(
        _("消息语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")

    def __str__(self) -> str:
        return str(self.user)


class Notice(models.Model):
    """公告 — an announcement on the notice board (公告栏) of an estate, one building or one unit.

    ``publish_at`` is when it is meant to appear (in the future: scheduled); ``published_at`` is
    when it really became visible, written once by ``notice_create`` or ``notice_publish_due``,
    so "published N hours ahead of the outage" can be checked against a recorded fact.
    """

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="notices", verbose_name=_("项目")
    )
    # The audience: the whole estate, one building, or one unit of it.
    building = models.ForeignKey(
        "core.Building",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("楼栋"),
    )
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("单元"),
    )
    category = models.CharField(
        _("类别"), max_length=20, choices=NoticeCategory.choices, default=NoticeCategory.GENERAL
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=TEXT_MAX)
    publish_at = models.DateTimeField(_("发布时间"))
    expires_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("实际发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤回人"),
    )
    notify_residents = models.BooleanField(_("通知住户"), default=False)
    channels = models.JSONField(_("通知渠道"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices_created",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["estate", "-publish_at"], name="notice_estate_idx"),
            # The publishing job: only the few notices still waiting.
            models.Index(
                fields=["publish_at"],
                condition=Q(published_at__isnull=True, withdrawn_at__isnull=True),
                name="notice_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=NoticeCategory.values), name="notice_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("publish_at")),
                name="notice_expires_after_publish",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(building__isnull=False),
                name="notice_unit_has_building",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.withdrawn_at is not None:
            return NoticeStatus.WITHDRAWN
        if self.expires_at is not None and self.expires_at <= now:
            return NoticeStatus.EXPIRED
        if self.published_at is None:
            return NoticeStatus.SCHEDULED
        return NoticeStatus.PUBLISHED

    def get_status_display(self) -> str:
        return str(NoticeStatus(self.status).label)

    @property
    def channel_labels(self) -> str:
        labels = dict(Channel.choices)
        return pgettext("list separator", "、").join(str(labels.get(c, c)) for c in self.channels)

    @property
    def audience_label(self) -> str:
        if self.unit_id is not None:
            return f"{self.building.name}{self.unit.name}"
        if self.building_id is not None:
            return self.building.name
        return _("全体住户")
