"""Meters, readings and the monthly shared-cost disclosure (FEE-08)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

from .charges import ChargeItem
from .common import MONEY, ZERO

# --- Meters, readings and the monthly shared-cost disclosure (FEE-08) ------------------------


class MeterKind(models.TextChoices):
    WATER = "water", _("水表")
    ELECTRICITY = "electricity", _("电表")


class Meter(models.Model):
    """表计 — a common-area water or electricity meter (no room), or a room's own meter where
    the estate bills it. A building's meter is shared by that building's rooms; an estate's by
    all of them."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="meters", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        "core.Building", on_delete=models.CASCADE, null=True, blank=True, related_name="meters",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.CASCADE, null=True, blank=True, related_name="meters",
        verbose_name=_("房屋"),
    )  # fmt: skip
    code = models.CharField(_("表号"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=MeterKind.choices)
    multiplier = models.DecimalField(
        _("倍率"), max_digits=10, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    unit_price = models.DecimalField(
        _("单价（元/吨或元/度）"), max_digits=12, decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("表计")
        verbose_name_plural = _("表计")
        ordering = ["estate_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="meter_code_unique"),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="meter_multiplier_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MeterReading(models.Model):
    """抄表 — a meter's reading for a month. Usage is (reading − previous) × multiplier; a
    reading below the previous one, or a jump far above the usual, is kept only once someone
    confirms it (with a note)."""

    meter = models.ForeignKey(
        Meter, on_delete=models.CASCADE, related_name="readings", verbose_name=_("表计")
    )
    period = models.DateField(_("月份"))  # the first day of the month
    reading = models.DecimalField(_("本期读数"), max_digits=14, decimal_places=2)
    previous = models.DecimalField(
        _("上期读数"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    usage = models.DecimalField(_("用量"), max_digits=14, decimal_places=2, default=ZERO)
    implausible = models.BooleanField(_("异常"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("异常确认人"),
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)
    source = models.CharField(_("录入方式"), max_length=10, default="phone")
    read_at = models.DateTimeField(_("抄表时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("抄表人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("抄表记录")
        verbose_name_plural = _("抄表记录")
        ordering = ["meter_id", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="reading_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.reading}"


class AllocationMethod(models.TextChoices):
    AREA = "area", _("按建筑面积分摊")
    HOUSEHOLD = "household", _("按户均摊")


class SharedCostKind(models.TextChoices):
    WATER = "water", _("公共用水")
    ELECTRICITY = "electricity", _("公共用电")
    ELEVATOR = "elevator", _("电梯费")
    OTHER = "other", _("其他")


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")


class SharedCostDisclosure(models.Model):
    """公摊费用公示 (FEE-08) — one estate's shared costs of one month: each meter's usage and
    amount, other shared costs (the elevators), and how they are divided among the rooms. Once
    published it is on the notice board and in the residents' portal, and kept as history."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("项目"),
    )  # fmt: skip
    month = models.DateField(_("月份"))  # the first day of the month
    method = models.CharField(
        _("分摊方式"), max_length=10, choices=AllocationMethod.choices,
        default=AllocationMethod.AREA,
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=DisclosureStatus.choices,
        default=DisclosureStatus.DRAFT,
    )  # fmt: skip
    total = models.DecimalField(_("公摊总额（元）"), **MONEY, default=ZERO)
    rooms_count = models.PositiveIntegerField(_("分摊户数"), default=0)
    area_total = models.DecimalField(
        _("分摊总面积（㎡）"), max_digits=14, decimal_places=2, default=ZERO
    )
    item = models.ForeignKey(
        ChargeItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("计入收费项目"),
    )  # fmt: skip
    note = models.TextField(_("说明"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("公示人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("公摊费用公示")
        verbose_name_plural = _("公摊费用公示")
        ordering = ["estate_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "month"], name="disclosure_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.month:%Y-%m}"


class SharedCostLine(models.Model):
    """One line of a disclosure: a meter's usage × price, or another shared cost's amount."""

    disclosure = models.ForeignKey(
        SharedCostDisclosure, on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=SharedCostKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    meter = models.ForeignKey(
        Meter, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("表计"),
    )  # fmt: skip
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("分摊范围（楼栋）"),
    )  # fmt: skip
    usage = models.DecimalField(_("用量"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(
        _("单价"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)

    class Meta:
        verbose_name = _("公摊明细")
        verbose_name_plural = _("公摊明细")
        ordering = ["disclosure_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.amount}"
