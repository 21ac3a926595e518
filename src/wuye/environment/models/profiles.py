"""The environment department's settings of one estate (环境管理设置): its positioning and
landscape plan (GREEN-04), the public toilets' opening hours (CLEAN-08), the disinfection
bucket (CLEAN-10), how soon after rain the roads are swept (CLEAN-07) and the heat threshold of
extra watering (GREEN-12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Positioning

__all__ = ["EnvironmentProfile"]


class EnvironmentProfile(models.Model):
    """环境管理设置 — one per estate, created with its defaults on first use."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="environment_profile",
        verbose_name=_("项目"),
    )  # fmt: skip
    # GREEN-03/04: landscape planning (景观规划) comes first, from the estate's positioning.
    positioning = models.CharField(
        _("小区定位"), max_length=20, choices=Positioning.choices, blank=True
    )
    layers = models.JSONField(_("种植层次"), default=list, blank=True)  # PlantingLayer values
    landscape_plan = models.TextField(_("绿化景观规划"), max_length=2000, blank=True)
    landscape_planned_at = models.DateTimeField(_("规划时间"), null=True, blank=True)
    # CLEAN-08: public toilets are cleaned every 2 hours while they are open.
    toilets_open = models.TimeField(_("公共卫生间开放时间"), default=dt.time(7, 0))
    toilets_close = models.TimeField(_("公共卫生间关闭时间"), default=dt.time(21, 0))
    # CLEAN-10: 84 disinfectant at 1:100; the amounts printed for this bucket.
    bucket_litres = models.DecimalField(
        _("消毒桶容量（升）"), max_digits=5, decimal_places=1, default=Decimal("10.0")
    )
    # CLEAN-07: "雨后及时清扫" — the roads' sweep is due this many hours after rain is recorded.
    rain_sweep_hours = models.PositiveSmallIntegerField(_("雨后清扫时限（小时）"), default=2)
    # GREEN-12: a day at or above this temperature adds a watering.
    heat_threshold = models.DecimalField(
        _("高温加浇温度（℃）"), max_digits=4, decimal_places=1, default=Decimal("35.0")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("修改人"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("环境管理设置")
        verbose_name_plural = _("环境管理设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(toilets_close__gt=models.F("toilets_open")),
                name="environment_profile_toilet_hours",
            ),
            models.CheckConstraint(
                condition=Q(bucket_litres__gt=0), name="environment_profile_bucket_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.estate)
