"""Admin of the outbox: find what did not go out and send it again.

The message list opens on what needs a person (failed messages first), filters by status,
channel, template and estate, and searches subject, recipient, address and reference. Messages
are written by the services only; here they can be sent again or cancelled, not edited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .choices import MessageStatus
from .models import Message, Notice, Preference, SmsRecord

SENDING_FIELDS = [
    "attempts",
    "next_attempt_at",
    "sending_since",
    "claimed_by",
    "last_error",
    "sent_at",
    "read_at",
]
SOURCE_FIELDS = [
    "template",
    "context",
    "language",
    "estate",
    "ref",
    "url",
    "idempotency_key",
    "created_at",
]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "status",
        "channel",
        "recipient",
        "subject",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "template", "estate"]
    search_fields = [
        "subject",
        "ref",
        "address",
        "recipient__username",
        "idempotency_key",
    ]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["resend", "cancel"]
    readonly_fields = [f.name for f in Message._meta.fields]
    fieldsets = [
        (None, {"fields": ["recipient", "channel", "address", "status", "subject", "body"]}),
        (_("发送"), {"fields": SENDING_FIELDS}),
        (_("来源"), {"fields": SOURCE_FIELDS}),
    ]

    # Failed first: they are what an administrator comes here for.
    ordering = [
        Case(When(status=MessageStatus.FAILED, then=Value(0)), default=Value(1)).asc(),
        "-created_at",
        "-id",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A read-only page: the actions below make the changes, through the services.
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notify.change_message")

    @admin.display(description=_("最近错误"))
    def short_error(self, obj: Message) -> str:
        return Truncator(obj.last_error).chars(60)

    @admin.action(description=_("重新发送"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = services.message_requeue(messages=queryset.select_related("recipient"))
        self.message_user(
            request,
            ngettext("%(count)d 条消息已重新排队发送。", "%(count)d 条消息已重新排队发送。", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("取消发送"), permissions=["resend"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = services.message_cancel(messages=queryset)
        self.message_user(
            request,
            ngettext("%(count)d 条消息已取消。", "%(count)d 条消息已取消。", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SmsRecord)
class SmsRecordAdmin(admin.ModelAdmin):
    """What the recording SMS backend would have sent."""

    list_display = ["created_at", "mobile", "text", "message"]
    search_fields = ["mobile", "text"]
    date_hierarchy = "created_at"
    readonly_fields = ["message", "mobile", "text", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Notices are put up and withdrawn on the notice board pages (through the services, which
    publish and notify); here they can be found and read."""

    list_display = [
        "title",
        "estate",
        "category",
        "publish_at",
        "published_at",
        "expires_at",
        "withdrawn_at",
        "notify_residents",
    ]
    list_filter = ["category", "estate", "notify_residents"]
    search_fields = ["title", "body"]
    list_select_related = ["estate"]
    date_hierarchy = "publish_at"
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
