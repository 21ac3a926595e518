"""Choices of the process engine, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClockState(models.TextChoices):
    # "正常" is also a check's "normal": the clock's sense has its own context (on time).
    RUNNING = "running", pgettext_lazy("clock state", "正常")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按时完成")
    BREACHED = "breached", _("已超时")
    # The case was reclassified and this deadline no longer applies (e.g. emergency → general).
    CANCELLED = "cancelled", _("不再适用")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("未升级")
    WARNING = 1, _("即将超时")
    BREACH = 2, _("已超时")


class TargetUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    DAYS = "days", _("天")
    WORKING_DAYS = "working_days", _("工作日")
