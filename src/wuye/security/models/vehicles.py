"""《车辆管理台账》 (VEHICLE-09/10): the estate's known vehicles — plate, owner, room, parking
space — their monthly passes (包月, VEHICLE-08, billed through billing) and the designated
parking areas a guard sends cars to (VEHICLE-05)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ParkingAreaKind, PlateKind

__all__ = ["MonthlyPass", "ParkingArea", "Vehicle"]


class ParkingArea(models.Model):
    """停车区域 — a designated area (owners' spaces, temporary spaces, the e-bike shed) and how
    many vehicles it holds."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="parking_areas",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("区域名称"), max_length=40)
    kind = models.CharField(_("区域类型"), max_length=20, choices=ParkingAreaKind.choices)
    capacity = models.PositiveIntegerField(_("车位数"))
    location = models.CharField(_("位置说明"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("停车区域")
        verbose_name_plural = _("停车区域")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="parking_area_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """车辆 — one line of the 《车辆管理台账》: a plate and whose car it is."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("项目")
    )
    plate = models.CharField(_("车牌号"), max_length=10)
    plate_kind = models.CharField(_("车牌类型"), max_length=20, choices=PlateKind.choices)
    owner = models.ForeignKey(
        "core.Resident", on_delete=models.PROTECT, null=True, blank=True,
        related_name="vehicles", verbose_name=_("车主"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles",
        verbose_name=_("房屋"),
    )  # fmt: skip
    parking_space = models.ForeignKey(
        "core.ParkingSpace", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="vehicles", verbose_name=_("车位"),
    )  # fmt: skip
    description = models.CharField(_("品牌颜色"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"),
    )  # fmt: skip
    registered_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆管理台账")
        ordering = ["estate_id", "plate"]
        constraints = [
            # VEHICLE-10: one plate is one car of the estate, so a read names one owner.
            models.UniqueConstraint(
                fields=["estate", "plate"], condition=Q(active=True), name="vehicle_plate_active"
            ),
        ]

    def __str__(self) -> str:
        return self.plate


class MonthlyPass(models.Model):
    """包月 — a vehicle's monthly parking for whole months, billed to its room (VEHICLE-08)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="monthly_passes",
        verbose_name=_("项目"),
    )  # fmt: skip
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="passes", verbose_name=_("车辆")
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    months = models.PositiveSmallIntegerField(_("月数"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    bill = models.ForeignKey(
        "billing.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("账单"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("办理人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("办理时间"))

    class Meta:
        verbose_name = _("包月")
        verbose_name_plural = _("包月")
        ordering = ["vehicle_id", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="pass_period"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.start}～{self.end}"
