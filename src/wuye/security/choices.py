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


class DecorationStatus(models.TextChoices):
    ACTIVE = "active", _("施工中")
    FINISHED = "finished", _("已完工")
    REVOKED = "revoked", _("已撤销")


class ParcelStatus(models.TextChoices):
    WAITING = "waiting", _("待取件")
    PICKED_UP = "picked_up", _("已取件")
