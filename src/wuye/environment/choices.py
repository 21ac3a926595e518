"""Choices of environment (环境管理)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Estate profile ---


class Positioning(models.TextChoices):
    """GREEN-04: the estate's positioning that its landscape plan follows."""

    HIGH_END = "high_end", _("高端住宅")
    FIRST_HOME = "first_home", _("刚需小区")
    IMPROVEMENT = "improvement", _("改善型住宅")
    MIXED_USE = "mixed_use", _("商住综合")
    OTHER = "other", _("其他")


class PlantingLayer(models.TextChoices):
    """GREEN-04: the layers of a planting (e.g. "乔木+灌木+花卉")."""

    TREE = "tree", _("乔木")
    SHRUB = "shrub", _("灌木")
    FLOWER = "flower", _("花卉")
    LAWN = "lawn", _("草坪")


# --- Cleaning ---


class ZoneKind(models.TextChoices):
    """CLEAN-01: the kinds of public area that are cleaned."""

    ROAD = "road", _("小区主干道")
    CORRIDOR = "corridor", _("楼道及楼梯间")
    ELEVATOR = "elevator", _("电梯间及轿厢")
    TOILET = "toilet", _("公共卫生间")
    GARAGE = "garage", _("地下车库")
    SQUARE = "square", _("广场及活动区")
    OTHER = "other", _("其他公共区域")


# --- Greening ---


class GreenKind(models.TextChoices):
    """GREEN-01: the kinds of green area."""

    LAWN = "lawn", _("草坪")
    SHRUB = "shrub", _("灌木")
    TREE = "tree", _("乔木")
    FLOWER_BED = "flower_bed", _("花坛花卉")
    MIXED = "mixed", _("复层绿地")


class Season(models.TextChoices):
    """GREEN-06..09: the seasons of the greening plan, by month."""

    SPRING = "spring", _("春季（3-5月）")
    SUMMER = "summer", _("夏季（6-8月）")
    AUTUMN = "autumn", _("秋季（9-11月）")
    WINTER = "winter", _("冬季（12-2月）")


SEASON_MONTHS: dict[str, tuple[int, ...]] = {
    Season.SPRING: (3, 4, 5),  # GREEN-06
    Season.SUMMER: (6, 7, 8),  # GREEN-07
    Season.AUTUMN: (9, 10, 11),  # GREEN-08
    Season.WINTER: (12, 1, 2),  # GREEN-09: across the year boundary
}


# --- Plans (both) ---


class WorkKind(models.TextChoices):
    """What one line of the cleaning plan (CLEAN-05) or the greening plan (GREEN-05) does."""

    # Cleaning
    SWEEP = "sweep", _("清扫")  # CLEAN-06: main roads twice a day
    CLEAN = "clean", _("清洁")  # CLEAN-08: public toilets every 2 hours
    DISINFECT = "disinfect", _("消毒")  # CLEAN-09/10: 84 disinfectant 1:100, once a day
    RAIN_SWEEP = "rain_sweep", _("雨后清扫")  # CLEAN-07
    # Greening
    PRUNE = "prune", _("修剪")  # GREEN-06
    FERTILISE = "fertilise", _("施肥")  # GREEN-06/08
    PEST_CONTROL = "pest_control", _("病虫害防治")  # GREEN-06
    WATER = "water", _("浇水")  # GREEN-07/10: once a day in summer
    SHADE = "shade", _("遮阴")  # GREEN-07
    APHID = "aphid", _("防治蚜虫")  # GREEN-07
    LEAVES = "leaves", _("清理落叶")  # GREEN-08
    COLD = "cold", _("防寒")  # GREEN-09
    EXTRA_WATER = "extra_water", _("高温加浇")  # GREEN-12


CLEANING_WORK = frozenset({WorkKind.SWEEP, WorkKind.CLEAN, WorkKind.DISINFECT, WorkKind.RAIN_SWEEP})
# GREEN-13: the plan's works a pest treatment may carry out.
PEST_WORK = frozenset({WorkKind.PEST_CONTROL, WorkKind.APHID})
# GREEN-14: a training session's reference (one training certificate per attendee).
TRAINING_PREFIX = "PX-"


# --- Weather ---


class WeatherKind(models.TextChoices):
    RAIN = "rain", _("降雨")  # CLEAN-07
    HEAT = "heat", _("高温")  # GREEN-12


# --- Inspection and rectification ---


class InspectionKind(models.TextChoices):
    PATROL = "patrol", _("每日巡查")  # CLEAN-12
    SPOT_CHECK = "spot_check", _("每周抽检")  # CLEAN-13
    GREEN_WEEKLY = "green_weekly", _("绿化每周检查")  # GREEN-11
    RECHECK = "recheck", _("整改复查")  # CLEAN-15


class CauseKind(models.TextChoices):
    """CLEAN-15: why a zone failed its check (e.g. "清洁人员巡查频率不够")."""

    FREQUENCY = "frequency", _("清洁/养护频率不够")
    NOT_DONE = "not_done", _("未按计划作业")
    METHOD = "method", _("作业方法或用品不当")
    STAFFING = "staffing", _("人手不足")
    FACILITY = "facility", _("设施损坏")
    RESIDENTS = "residents", _("人为或住户原因")
    WEATHER = "weather", _("天气或季节原因")
    OTHER = "other", _("其他")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    DONE = "done", _("待复查")
    CLOSED = "closed", _("已合格")


# --- Store and pest control ---


class ProductKind(models.TextChoices):
    CLEANING = "cleaning", _("清洁用品")
    DISINFECTANT = "disinfectant", _("消毒剂")
    PESTICIDE = "pesticide", _("农药")
    BIOLOGICAL = "biological", _("生物防治制剂/天敌")
    FERTILISER = "fertiliser", _("肥料")
    PROTECTIVE = "protective", _("防护用品")


class MovementKind(models.TextChoices):
    IN = "in", _("入库")
    OUT = "out", _("出库")
    ADJUST = "adjust", _("盘点调整")


class PestMethod(models.TextChoices):
    """GREEN-13: biological control first, chemical control second."""

    BIOLOGICAL = "biological", _("生物防治")
    PHYSICAL = "physical", _("物理防治")
    CHEMICAL = "chemical", _("化学防治")


class ProtectiveItem(models.TextChoices):
    """CLEAN-16: what a cleaner wears."""

    GLOVES = "gloves", _("手套")
    MASK = "mask", _("口罩")
    UNIFORM = "uniform", _("工作服")
    SHOES = "shoes", _("防滑鞋")
    GOGGLES = "goggles", _("护目镜")
