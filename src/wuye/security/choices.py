"""Choices of security (秩序消防)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
