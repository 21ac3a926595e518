"""绿化区域 (GREEN-01): lawns, shrubs, trees and flower beds with their planting and gardeners."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import GreenKind
from .zones import zone_code

__all__ = ["GreenArea"]


class GreenArea(models.Model):
    """绿化区域 — one green area: what grows there and who looks after it (GREEN-02)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="green_areas",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("区域名称"), max_length=60)
    kind = models.CharField(_("绿化类型"), max_length=20, choices=GreenKind.choices)
    planting = models.CharField(_("主要植物"), max_length=200, blank=True)  # 香樟、红叶石楠…
    area_m2 = models.DecimalField(
        _("面积（㎡）"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    public_area = models.ForeignKey(
        "core.PublicArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("公共区域"),
    )  # fmt: skip
    gardeners = models.ManyToManyField(
        "core.Staff", related_name="green_areas", blank=True, verbose_name=_("养护人")
    )
    code = models.CharField(_("标签码"), max_length=12, unique=True, default=zone_code)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("绿化区域")
        verbose_name_plural = _("绿化区域")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="green_area_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=GreenKind.values), name="green_area_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
