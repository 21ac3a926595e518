"""《设施设备运行记录表》 (EQUIP-OPS-05): the operating parameters each category of equipment is
logged with, and the hourly entries the operators on duty record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import EquipmentCategory, ParameterKind

__all__ = ["OperationLogEntry", "OperationParameter"]


class OperationParameter(models.Model):
    """运行参数 — one value logged for a category of equipment in an estate (电压 V, 380 ± 7 %),
    with its normal range; a reading outside it is an anomaly (EQUIP-OPS-08)."""

    estate = models.ForeignKey(
        "core.Estate",
        on_delete=models.CASCADE,
        related_name="operation_parameters",
        verbose_name=_("项目"),
    )
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices)
    code = models.SlugField(_("参数代码"), max_length=30)
    name = models.CharField(_("参数名称"), max_length=40)
    kind = models.CharField(
        _("参数类型"), max_length=10, choices=ParameterKind.choices, default=ParameterKind.NUMBER
    )
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    low = models.DecimalField(_("正常下限"), max_digits=12, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(
        _("正常上限"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("运行参数")
        verbose_name_plural = _("运行参数")
        ordering = ["estate_id", "category", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "category", "code"], name="operation_parameter_code"
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(high__gte=models.F("low")),
                name="operation_parameter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def range_text(self) -> str:
        if self.kind == ParameterKind.STATE:
            return ""
        low = "" if self.low is None else f"{self.low.normalize():f}"
        high = "" if self.high is None else f"{self.high.normalize():f}"
        if low and high:
            return f"{low}–{high}"
        return f"≥{low}" if low else (f"≤{high}" if high else "")


class OperationLogEntry(models.Model):
    """运行记录 — the values of one piece of equipment for one local clock hour. A second entry
    for the same hour amends the one before it (``amends``), which stays as it was: entries are
    never changed or deleted (EQUIP-OPS-05, traceable)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    equipment = models.ForeignKey(
        "facilities.Equipment",
        on_delete=models.PROTECT,
        related_name="log_entries",
        verbose_name=_("设备"),
    )
    hour = models.DateTimeField(_("记录时段"), help_text=_("整点（项目当地时间）"))
    values = models.JSONField(_("运行参数"), default=dict)
    out_of_range = models.JSONField(_("超出正常范围的参数"), default=list, blank=True)
    is_anomaly = models.BooleanField(_("异常"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("填写时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("值班人员"),
    )
    amends = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        verbose_name=_("更正的记录"),
    )
    anomaly = models.ForeignKey(
        "facilities.Anomaly",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("设备异常"),
    )

    class Meta:
        verbose_name = _("运行记录")
        verbose_name_plural = _("运行记录")
        ordering = ["equipment_id", "hour", "recorded_at", "id"]
        indexes = [models.Index(fields=["estate", "hour"])]
        constraints = [
            # One first entry per equipment and hour; every later one amends the one before it.
            models.UniqueConstraint(
                fields=["equipment", "hour"],
                condition=Q(amends__isnull=True),
                name="operation_log_first_of_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} {self.hour:%Y-%m-%d %H:00}"
