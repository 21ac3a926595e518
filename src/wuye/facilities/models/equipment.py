"""设施设备 (manual ch.4) — the estate's equipment. For now the register and each item's warranty
(设施设备保修卡, TAKEOVER-10: the warranty period and the responsible unit), filled in from the
documents handed over at takeover; operation logs, maintenance plans and faults come later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Equipment", "EquipmentCategory"]


class EquipmentCategory(models.TextChoices):
    ELEVATOR = "elevator", _("电梯")
    FIRE = "fire", _("消防设施")
    WATER = "water", _("给排水设备")
    POWER = "power", _("供配电设备")
    HVAC = "hvac", _("暖通空调")
    SECURITY = "security", _("安防监控")
    OTHER = "other", _("其他")


class Equipment(models.Model):
    """设备 — one piece of the estate's equipment (an elevator, a pump, a fire panel…)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="equipment", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    code = models.CharField(_("设备编号"), max_length=40)
    name = models.CharField(_("设备名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=20, choices=EquipmentCategory.choices)
    location = models.CharField(_("安装位置"), max_length=100, blank=True)
    manufacturer = models.CharField(_("生产厂家"), max_length=100, blank=True)
    model_no = models.CharField(_("型号"), max_length=60, blank=True)
    # TAKEOVER-10: from the warranty card (保修卡).
    warranty_from = models.DateField(_("保修起始日"), null=True, blank=True)
    warranty_until = models.DateField(_("保修截止日"), null=True, blank=True)
    warranty_unit = models.CharField(_("保修责任单位"), max_length=100, blank=True)
    warranty_contact = models.CharField(_("保修联系方式"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")
        ordering = ["estate_id", "category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="equipment_code_unique"),
            models.CheckConstraint(
                condition=Q(warranty_until__isnull=True)
                | Q(warranty_from__isnull=True)
                | Q(warranty_until__gte=models.F("warranty_from")),
                name="equipment_warranty_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
