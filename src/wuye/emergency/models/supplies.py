"""Emergency supplies (应急物资, EMERG-03): the logistics group's stock per estate, counted
periodically (every ``SupplySettings.check_every_days``) and drawn during an incident, every
movement kept."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import MovementKind, SupplyCategory

__all__ = ["SupplyCheck", "SupplyItem", "SupplyMovement", "SupplySettings"]

CHECK_EVERY_DAYS_DEFAULT = 30
CHECK_EVERY_DAYS_MAX = 365


class SupplyItem(models.Model):
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    category = models.CharField(_("类别"), max_length=20, choices=SupplyCategory.choices)
    name = models.CharField(_("名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10)
    quantity = models.IntegerField(_("库存"), default=0)
    minimum = models.PositiveIntegerField(_("最低库存"), default=0)
    location = models.CharField(_("存放位置"), max_length=60, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("应急物资")
        verbose_name_plural = _("应急物资")
        ordering = ["estate", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="supply_item_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupplyCheck(models.Model):
    """A periodic check of the stock: counted, usable, expiry looked at."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    at = models.DateTimeField(_("检查时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("检查人"),
    )  # fmt: skip
    # [{"item": id, "name": …, "expected": n, "counted": n, "usable": bool, "note": …}, …]
    lines = models.JSONField(_("检查明细"), default=list)
    problems = models.PositiveIntegerField(_("问题项"), default=0)
    task = models.ForeignKey(
        "workflow.PlannedTask", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("计划任务"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("物资检查")
        verbose_name_plural = _("物资检查")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d}"


class SupplyMovement(models.Model):
    item = models.ForeignKey(
        SupplyItem, on_delete=models.PROTECT, related_name="movements", verbose_name=_("物资")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=MovementKind.choices)
    delta = models.IntegerField(_("数量变化"))
    balance = models.IntegerField(_("结存"))
    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.PROTECT, null=True, blank=True,
        related_name="supply_movements", verbose_name=_("事件"),
    )  # fmt: skip
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("经办人"),
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("物资出入库")
        verbose_name_plural = _("物资出入库")
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.delta:+d}"


class SupplySettings(models.Model):
    """An estate's settings of its emergency supplies: how often the whole stock is counted
    (盘点周期, every 30 days unless the estate sets another period from 1 to 365 days). The
    count is of the estate's stock as a whole (``SupplyCheck``), so the period is the estate's,
    not an item's."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="emergency_supply_settings",
        verbose_name=_("项目"),
    )  # fmt: skip
    check_every_days = models.PositiveSmallIntegerField(
        _("盘点周期（天）"), default=CHECK_EVERY_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(CHECK_EVERY_DAYS_MAX)],
    )  # fmt: skip

    class Meta:
        verbose_name = _("应急物资设置")
        verbose_name_plural = _("应急物资设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(check_every_days__gte=1) & Q(check_every_days__lte=365),
                name="supply_check_every_days_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.estate)
