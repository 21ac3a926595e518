"""防护用品检查 (CLEAN-16): at the start of a shift a cleaner confirms what they wear (gloves,
mask…), before the day's tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ProtectionCheck"]


class ProtectionCheck(models.Model):
    """防护用品检查 — one per person and day."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    staff = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工")
    )
    on = models.DateField(_("日期"))
    items = models.JSONField(_("佩戴的防护用品"), default=list)  # ProtectiveItem values
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("确认人"),
    )  # fmt: skip
    at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("防护用品检查")
        verbose_name_plural = _("防护用品检查")
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "on"], name="protection_check_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.on:%Y-%m-%d}"
