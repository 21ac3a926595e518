"""The states of the move-in processes, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoveInStatus(models.TextChoices):
    """MOVEIN-02, in order: notice → documents → fees → house inspection → keys → agreements →
    (completed) → follow-up visit."""

    NOTIFIED = "notified", _("已通知")
    ARRIVED = "arrived", _("已到场")
    DOCUMENTS_CHECKED = "documents_checked", _("资料已审核")
    FEES_PAID = "fees_paid", _("费用已缴纳")
    INSPECTED = "inspected", _("房屋已验收")
    KEYS_HANDED = "keys_handed", _("钥匙已交付")
    COMPLETED = "completed", _("入住完成")
    REVISITED = "revisited", _("已回访")
    CANCELLED = "cancelled", _("已取消")


class BatchStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    NOTIFIED = "notified", _("已通知")
    CLOSED = "closed", _("已结束")


class HouseDefectStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    FIXED = "fixed", _("待业主确认")
    CLOSED = "closed", _("已关闭")


class NoticeChannel(models.TextChoices):
    """MOVEIN-03: by letter, SMS and the app."""

    LETTER = "letter", _("书面")
    SMS = "sms", _("短信")
    INBOX = "inbox", _("站内消息")
