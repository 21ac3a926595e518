"""Charge items (收费项目) and their effective-dated rates (收费标准)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChargeKind(models.TextChoices):
    """FEE-01: property fees, parking fees, shared costs (water, electricity, elevator)…"""

    PROPERTY_FEE = "property_fee", _("物业服务费")
    PARKING = "parking", _("车位管理费")
    SHARED_UTILITY = "shared_utility", _("公摊水电费")
    UTILITY = "utility", _("分户水电费")  # a room's own metered water and electricity
    ELEVATOR = "elevator", _("电梯费")
    REPAIR = "repair", _("维修费")
    DEPOSIT = "deposit", _("押金")
    ONE_OFF = "one_off", _("其他收费")


class ChargeBasis(models.TextChoices):
    PER_M2_MONTH = "per_m2_month", _("按建筑面积（元/㎡·月）")
    PER_ROOM_MONTH = "per_room_month", _("按户（元/户·月）")
    PER_SPACE_MONTH = "per_space_month", _("按车位（元/个·月）")
    FIXED = "fixed", _("按次（固定金额）")
    # 公摊: the month's disclosed shared costs divided among the rooms (FEE-08), not a rate.
    SHARED = "shared", _("按公摊分摊（每月公示）")
    METERED = "metered", _("按分户表计用量")


class ChargeItem(models.Model):
    """收费项目 — one thing an estate charges for, with how it is computed."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="charge_items",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("收费项目"), max_length=40)
    kind = models.CharField(_("类别"), max_length=20, choices=ChargeKind.choices)
    basis = models.CharField(_("计费方式"), max_length=20, choices=ChargeBasis.choices)
    # Only rooms of this use (住宅, 商铺…; core RoomUse values); blank: every room.
    room_use = models.CharField(_("适用房屋用途"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="charge_item_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Rate(models.Model):
    """收费标准 — an item's price from a date on. A new rate never rewrites bills already made:
    a bill keeps the amount computed when it was posted (FEE-04)."""

    item = models.ForeignKey(ChargeItem, on_delete=models.CASCADE, related_name="rates")
    amount = models.DecimalField(
        _("单价（元）"), max_digits=12, decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    effective_from = models.DateField(_("生效日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        verbose_name=_("录入人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["item_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="rate_item_from"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount} ({self.effective_from})"
