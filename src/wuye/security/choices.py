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


# --- Visitors ---


class VisitReason(models.TextChoices):
    """来访事由 (GUARD-06/10). GUARD-13: a reason says why someone comes, never who is kept out:
    no choice here bans a kind of visitor."""

    GUEST = "guest", _("访客")
    COURIER = "courier", _("快递")
    TAKEAWAY = "takeaway", _("外卖")
    DECORATION = "decoration", _("装修施工")
    HOUSEKEEPING = "housekeeping", _("家政服务")
    REPAIR = "repair", _("维修安装")
    MOVING = "moving", _("搬家")
    OTHER = "other", _("其他")


class PassKind(models.TextChoices):
    """《临时出入证》的类别 (GUARD-10); as the reasons, none of them bans anyone (GUARD-13)."""

    GUEST = "guest", _("访客")
    DECORATION = "decoration", _("装修工人")
    SERVICE = "service", _("服务人员")


class PassSource(models.TextChoices):
    DESK = "desk", _("物业办理")
    PORTAL = "portal", _("业主预约")


class ScanResult(models.TextChoices):
    """What the gate answered to one scan of a pass."""

    ACCEPTED = "accepted", _("通过")
    NOT_YET_VALID = "not_yet_valid", _("未到生效时间")
    EXPIRED = "expired", _("已过期")
    USED_UP = "used_up", _("次数已用完")
    REVOKED = "revoked", _("已作废")
    UNKNOWN = "unknown", _("无效的出入证")
    # EMERG-HEALTH-05/10: the pass's place is under a public-health closure.
    CLOSED = "closed", _("封闭管控中，禁止进入")


class DecorationStatus(models.TextChoices):
    ACTIVE = "active", _("施工中")
    FINISHED = "finished", _("已完工")
    REVOKED = "revoked", _("已撤销")


class ParcelStatus(models.TextChoices):
    WAITING = "waiting", _("待取件")
    PICKED_UP = "picked_up", _("已取件")


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


# --- Fire events (火灾报警、疏散、善后；消防演练；消防宣传) ---------------------------


class FireSize(models.TextChoices):
    """火势大小 (FIRE-09); a large fire is fought by the fire brigade (FIRE-10)."""

    SMALL = "small", _("初起小火")
    LARGE = "large", _("火势较大")


class Trapped(models.TextChoices):
    """有无人员被困 (FIRE-09): the reporter says it, or says that nobody knows yet."""

    YES = "yes", _("有人被困")
    NO = "no", _("无人被困")
    UNKNOWN = "unknown", _("尚不清楚")


class FirefightingMeans(models.TextChoices):
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


# --- Vehicles ---


class ParkingAreaKind(models.TextChoices):
    """VEHICLE-05: the designated areas a guard sends a car to."""

    OWNER = "owner", _("业主专用车位")
    TEMPORARY = "temporary", _("临时车位")
    EBIKE = "ebike", _("电动车棚")


class PlateKind(models.TextChoices):
    FUEL = "fuel", _("普通车牌")
    NEW_ENERGY = "new_energy", _("新能源车牌")


class GateDirection(models.TextChoices):
    ENTRY = "entry", _("入场")
    EXIT = "exit", _("出场")


class GateSource(models.TextChoices):
    CAMERA = "camera", _("车牌识别")
    MANUAL = "manual", _("人工登记")


class GateOutcome(models.TextChoices):
    OWNER = "owner", _("业主车辆放行")
    TEMPORARY_IN = "temporary_in", _("临时车入场")
    ALREADY_INSIDE = "already_inside", _("已在场内")
    PAID_OUT = "paid_out", _("缴费后放行")
    FREE_OUT = "free_out", _("免费时段放行")
    UNPAID = "unpaid", _("未缴费，拒绝放行")
    NO_ENTRY = "no_entry", _("无入场记录")


class StayStatus(models.TextChoices):
    INSIDE = "inside", _("在场")
    LEFT = "left", _("已离场")
    NO_ENTRY = "no_entry", _("无入场记录待处理")
    RESOLVED = "resolved", _("已处理")


class PayChannel(models.TextChoices):
    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信扫码")
    ALIPAY = "alipay", _("支付宝扫码")


# FIRE-13: fire drills, 1–2 a year per estate.
DRILLS_PER_YEAR = (1, 2)
