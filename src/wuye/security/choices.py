"""Choices of security (秩序消防)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Fire facilities and their checks ---


class FireFacilityKind(models.TextChoices):
    """What a fire facility (消防设施) is; each kind has its own default checklist."""

    EXTINGUISHER = "extinguisher", _("灭火器")
    HYDRANT = "hydrant", _("消火栓")
    ALARM_PANEL = "alarm_panel", _("火灾报警控制器")
    SPRINKLER = "sprinkler", _("自动喷淋系统")
    EMERGENCY_LIGHT = "emergency_light", _("应急照明及疏散指示")
    FIRE_DOOR = "fire_door", _("防火门")


class ExtinguisherAgent(models.TextChoices):
    """An extinguisher's agent and type (灭火剂类型)."""

    DRY_POWDER = "dry_powder", _("干粉（ABC）")
    CO2 = "co2", _("二氧化碳")
    WATER = "water", _("水基型")
    FOAM = "foam", _("泡沫")


class FireFacilityState(models.TextChoices):
    """What the register shows of a facility today (computed, not stored)."""

    OK = "ok", _("正常")
    EXPIRING = "expiring", _("30天内到期")
    EXPIRED = "expired", _("已过期")
    LOW_PRESSURE = "low_pressure", _("压力不足")
    REPLACING = "replacing", _("待更换")


class ReplacementReason(models.TextChoices):
    """Why an extinguisher is to be replaced (FIRE-06)."""

    EXPIRED = "expired", _("已过期")
    LOW_PRESSURE = "low_pressure", _("压力不足")
    CHECK_FAILED = "check_failed", _("检查不合格")


# FIRE-02: the manual's order of fire work; inspecting the facilities is the first step.
FIRE_STEPS = (
    ("inspection", _("消防设施检查")),
    ("publicity", _("火灾预防宣传")),
    ("alarm", _("火灾报警")),
    ("firefighting", _("火灾扑救")),
    ("evacuation", _("人员疏散")),
    ("aftermath", _("善后处理")),
)
