"""The choices of facilities (设施设备), with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EquipmentCategory(models.TextChoices):
    """EQUIP-OPS-01: elevators, water, power, fire and the other facilities."""

    ELEVATOR = "elevator", _("电梯")
    FIRE = "fire", _("消防设施")
    WATER = "water", _("给排水设备")
    POWER = "power", _("供配电设备")
    HVAC = "hvac", _("暖通空调")
    SECURITY = "security", _("安防监控")
    OTHER = "other", _("其他")


# EQUIP-OPS-06/07: what the estate logs every hour unless told otherwise (elevator run counts,
# the power system's 24-hour watch).
HOURLY_BY_DEFAULT = frozenset({EquipmentCategory.ELEVATOR, EquipmentCategory.POWER})


class EquipmentStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    STOPPED = "stopped", _("停用")
    UNDER_REPAIR = "under_repair", _("维修中")


class ParameterKind(models.TextChoices):
    """What an operation parameter (运行参数) records."""

    NUMBER = "number", _("数值")
    STATE = "state", _("运行状态")  # normal / abnormal


class RunState(models.TextChoices):
    NORMAL = "normal", _("正常")
    ABNORMAL = "abnormal", _("异常")


class AnomalySource(models.TextChoices):
    """Where an anomaly (设备异常) was found (EQUIP-OPS-08)."""

    OPERATOR = "operator", _("值班人员上报")
    LOG = "log", _("运行记录")
    ROUND = "round", _("巡检检查")
    MONITORING = "monitoring", _("监控系统报警")


class AnomalyStatus(models.TextChoices):
    REPORTED = "reported", _("待工程部确认")
    ACKNOWLEDGED = "acknowledged", _("工程部已接报")
    DISMISSED = "dismissed", _("已排除（误报）")
    FAULT = "fault", _("已转故障处理")
    FIXED = "fixed", _("已现场处理")
