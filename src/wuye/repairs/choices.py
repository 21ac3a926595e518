"""Choices of repairs, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """REPAIR-04: every request is general or emergency."""

    GENERAL = "general", _("一般报修")
    EMERGENCY = "emergency", _("紧急报修")


class Category(models.TextChoices):
    PLUMBING = "plumbing", _("给排水")
    ELECTRICAL = "electrical", _("电气")
    DOORS_WINDOWS = "doors_windows", _("门窗")
    WALLS = "walls", _("墙面地面")
    ELEVATOR = "elevator", _("电梯")
    GAS = "gas", _("燃气")
    PUBLIC = "public", _("公共设施")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    """REPAIR-02: requests come by phone, APP or in person (and from integrations)."""

    PHONE = "phone", _("电话")
    COUNTER = "counter", _("前台")
    APP = "app", _("APP")
    API = "api", _("接口")


class Status(models.TextChoices):
    WAITING_DISPATCH = "waiting_dispatch", _("待派单")
    WAITING_ACCEPT = "waiting_accept", _("待接单")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING_ACCEPTANCE = "waiting_acceptance", _("待验收")
    WAITING_REVISIT = "waiting_revisit", _("待回访")
    DONE = "done", _("已完成")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")


class RepeatCause(models.TextChoices):
    """REPAIR-13: why a problem came back within 30 days."""

    WORKMANSHIP = "workmanship", _("维修质量问题")
    PARTS_QUALITY = "parts_quality", _("配件质量问题（不计返修）")
    DIFFERENT = "different", _("非同一问题（不计返修）")


# Causes that the manual excuses: not counted against the 30-day rule (REPAIR-13).
EXCUSED_REPEAT_CAUSES = (RepeatCause.PARTS_QUALITY, RepeatCause.DIFFERENT)


class Acceptance(models.TextChoices):
    """How an order's acceptance step ended (REPAIR-10)."""

    PORTAL = "portal", _("业主在线确认")
    SIGNATURE = "signature", _("业主现场签字")
    DESK_CLOSED = "desk_closed", _("客服关闭")
    AUTO_CLOSED = "auto_closed", _("逾期未验收自动关闭")


class RevisitSource(models.TextChoices):
    DESK = "desk", _("客服回访")
    RESIDENT = "resident", _("业主评价")
