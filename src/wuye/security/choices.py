"""Choices of security (秩序消防)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Guards ---


class GuardPostKind(models.TextChoices):
    """GUARD-01: the guards' posts (``fieldwork.DutyPost.kind``)."""

    GATE = "gate", _("门岗")
    PATROL = "patrol", _("巡逻岗")


class PatrolAnomalyKind(models.TextChoices):
    """GUARD-08/11: what a patrol finds, and where it goes."""

    DAMAGE = "damage", _("公共设施损坏")  # → a repair order
    FIRE_LANE = "fire_lane", _("消防通道堵塞")  # → an obstruction case (FIRE-14)
    EBIKE = "ebike", _("楼道停放电动车")  # → an obstruction case (VEHICLE-12)
    SUSPICIOUS = "suspicious", _("可疑人员")  # → a security incident (GUARD-11)


class ObstructionKind(models.TextChoices):
    FIRE_LANE = "fire_lane", _("消防通道堵塞")  # FIRE-14
    EBIKE = "ebike", _("楼道停放电动车")  # VEHICLE-12


class ObstructionStatus(models.TextChoices):
    OPEN = "open", _("待清理")
    CLEARED = "cleared", _("已清除")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    QUESTIONED = "questioned", _("已询问")
    CLOSED = "closed", _("已处置")
