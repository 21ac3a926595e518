"""The states of the handover processes, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterventionStatus(models.TextChoices):
    """INTAKE-03, in order."""

    LIAISON = "liaison", _("项目对接")
    DESIGN_REVIEW = "design_review", _("规划设计评审")
    CONSTRUCTION = "construction", _("施工跟进")
    COMPLETION = "completion", _("竣工验收配合")
    SUMMARY = "summary", _("前期介入总结")
    CLOSED = "closed", _("已完成")


class TakeoverStatus(models.TextChoices):
    """TAKEOVER-03, in order."""

    PREPARING = "preparing", _("验收准备")
    INSPECTING = "inspecting", _("现场检查")
    RECTIFYING = "rectifying", _("问题整改")
    CONFIRMED = "confirmed", _("已确认验收")
    DOCUMENTED = "documented", _("资料已移交")


class DefectStatus(models.TextChoices):
    FOUND = "found", _("待发整改通知")
    RECTIFYING = "rectifying", _("整改中")
    FIXED = "fixed", _("待复查")
    CLOSED = "closed", _("已关闭")
