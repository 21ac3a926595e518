"""病虫害防治 (GREEN-13/15): each treatment with its pest, area and method; biological control
first — a chemical one gives the reason the biological one is not enough and uses an
environmentally compliant product from the store, with its dose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import PestMethod

__all__ = ["PestTreatment"]


class PestTreatment(models.Model):
    """病虫害防治记录 — never changed afterwards."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    green_area = models.ForeignKey(
        "environment.GreenArea", on_delete=models.PROTECT, related_name="treatments",
        verbose_name=_("绿化区域"),
    )  # fmt: skip
    pest = models.CharField(_("病虫害"), max_length=60)  # 蚜虫, 红蜘蛛, 白粉病…
    method = models.CharField(_("防治方式"), max_length=20, choices=PestMethod.choices)
    measure = models.CharField(_("防治措施"), max_length=200)  # 释放七星瓢虫, 黄板诱杀…
    # GREEN-13: why biological control is not enough (required for a chemical treatment).
    reason = models.CharField(_("采用化学防治的原因"), max_length=500, blank=True)
    product = models.ForeignKey(
        "environment.Product", on_delete=models.PROTECT, null=True, blank=True,
        related_name="treatments", verbose_name=_("药剂/天敌"),
    )  # fmt: skip
    dose = models.CharField(_("用量/稀释比例"), max_length=60, blank=True)  # 1:1000
    quantity = models.DecimalField(
        _("出库数量"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # The planned task it carries out, when it does (spring/summer pest control).
    task = models.ForeignKey(
        "workflow.PlannedTask", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("计划任务"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("实施人"),
    )  # fmt: skip
    at = models.DateTimeField(_("实施时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("病虫害防治记录")
        verbose_name_plural = _("病虫害防治记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["estate", "at"])]
        constraints = [
            # GREEN-13: a chemical treatment always says why, and names its product.
            models.CheckConstraint(
                condition=~Q(method="chemical") | (~Q(reason="") & Q(product__isnull=False)),
                name="pest_treatment_chemical_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.green_area} {self.pest} {self.at:%Y-%m-%d}"
