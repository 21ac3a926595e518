"""清洁区域 (CLEAN-01/04): the estate divided into cleaning zones, each with its named cleaners."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ZoneKind

__all__ = ["CleaningZone", "zone_code"]


def zone_code() -> str:
    """The code printed on a zone's QR label (unguessable, short enough to type)."""
    return secrets.token_hex(5).upper()


class CleaningZone(models.Model):
    """清洁区域 — "1栋楼道", "小区主干道"…: what is cleaned, and who is responsible (CLEAN-04)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="cleaning_zones",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("区域名称"), max_length=60)
    kind = models.CharField(_("区域类型"), max_length=20, choices=ZoneKind.choices)
    # Where it is: a building's corridors and stairwells, or a public area of the estate.
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    public_area = models.ForeignKey(
        "core.PublicArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("公共区域"),
    )  # fmt: skip
    # CLEAN-04: the named people responsible (the first is the one the plan's tasks go to).
    cleaners = models.ManyToManyField(
        "core.Staff", related_name="cleaning_zones", blank=True, verbose_name=_("责任人")
    )
    code = models.CharField(_("标签码"), max_length=12, unique=True, default=zone_code)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("清洁区域")
        verbose_name_plural = _("清洁区域")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="cleaning_zone_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=ZoneKind.values), name="cleaning_zone_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
