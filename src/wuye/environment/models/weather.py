"""Weather that changes the day's work (天气记录): rain sends the road sweepers out (CLEAN-07), a
hot day adds a watering (GREEN-12). Recorded by the environment head or posted by a weather
station through the field-work device intake."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import WeatherKind

__all__ = ["WeatherRecord"]


class WeatherRecord(models.Model):
    """天气记录 — rain (with when it stopped, if known) or heat (with the temperature)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("天气"), max_length=10, choices=WeatherKind.choices)
    at = models.DateTimeField(_("时间"))
    temperature = models.DecimalField(
        _("气温（℃）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("记录人"),
    )  # fmt: skip
    # Posted by a weather station (``fieldwork.DeviceEvent``), when not by a person.
    device_event = models.OneToOneField(
        "fieldwork.DeviceEvent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("设备事件"),
    )  # fmt: skip
    tasks_created = models.PositiveIntegerField(_("生成任务数"), default=0)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("天气记录")
        verbose_name_plural = _("天气记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["estate", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
