"""Choices of security (秩序消防)."""

# --- Fire events (火灾报警、疏散、善后；消防演练；消防宣传) ---------------------------

from django.db import models
from django.utils.translation import gettext_lazy as _


class FireSize(models.TextChoices):
    """火势大小 (FIRE-09); a large fire is fought by the fire brigade (FIRE-10)."""

    SMALL = "small", _("初起小火")
    LARGE = "large", _("火势较大")


class Trapped(models.TextChoices):
    """有无人员被困 (FIRE-09): the reporter says it, or says that nobody knows yet."""

    YES = "yes", _("有人被困")
    NO = "no", _("无人被困")
    UNKNOWN = "unknown", _("尚不清楚")


class FireFacilityKind(models.TextChoices):
    """The fire facilities used in initial firefighting (FIRE-10)."""

    EXTINGUISHER = "extinguisher", _("灭火器")
    HYDRANT = "hydrant", _("消防栓")
    HOSE_REEL = "hose_reel", _("消防软管卷盘")
    FIRE_BLANKET = "fire_blanket", _("灭火毯")
    SPRINKLER = "sprinkler", _("自动喷淋")
    OTHER = "other", _("其他")


class EvacuationItem(models.TextChoices):
    """The guided evacuation checklist of a fire and of a drill (FIRE-11, VEHICLE-13)."""

    ESCAPE_ROUTES = "escape_routes", _("引导业主沿消防通道（楼梯）疏散")
    NO_ELEVATORS = "no_elevators", _("广播并告知业主：不要乘坐电梯")
    LIFTS_RECALLED = "lifts_recalled", _("电梯已迫降首层并停用")
    VEHICLES_OUT = "vehicles_out", _("车辆已经消防通道引导驶离")
    FIRE_LANE_CLEAR = "fire_lane_clear", _("消防车通道畅通，已引导消防车进场")
    HEADCOUNT = "headcount", _("已在集合点清点人数")


# Each must be ticked before an evacuation counts as done (FIRE-11, VEHICLE-13).
EVACUATION_REQUIRED = (
    EvacuationItem.ESCAPE_ROUTES,
    EvacuationItem.NO_ELEVATORS,
    EvacuationItem.LIFTS_RECALLED,
    EvacuationItem.VEHICLES_OUT,
)


class PublicityChannel(models.TextChoices):
    """FIRE-07: the notice board, SMS and the app (the residents' inbox)."""

    BOARD = "board", _("公告栏")
    SMS = "sms", _("短信")
    APP = "app", _("APP")
