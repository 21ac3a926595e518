"""The cleaning plan (《清洁卫生计划》, CLEAN-05) and the greening plan (《绿化养护计划》,
GREEN-05): each line is one piece of planned work of the field-work layer (a ``workflow.Schedule``
with its ``fieldwork.TaskSpec``) on a cleaning zone or a green area; every change of a line is a
plan revision (计划调整) with its reason (CLEAN-15, GREEN-12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Season, WorkKind

__all__ = ["PlanLine", "PlanRevision"]


class PlanLine(models.Model):
    """计划项 — "小区主干道 清扫 每天 08:00、15:00" or "中心草坪 浇水 6-8月每天"."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    zone = models.ForeignKey(
        "environment.CleaningZone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_lines", verbose_name=_("清洁区域"),
    )  # fmt: skip
    green_area = models.ForeignKey(
        "environment.GreenArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_lines", verbose_name=_("绿化区域"),
    )  # fmt: skip
    work = models.CharField(_("作业内容"), max_length=20, choices=WorkKind.choices)
    season = models.CharField(_("季节"), max_length=10, choices=Season.choices, blank=True)
    # The planned work itself (frequency, times, assignee, checklist, photos).
    schedule = models.OneToOneField(
        "workflow.Schedule", on_delete=models.PROTECT, related_name="environment_line",
        verbose_name=_("计划"),
    )  # fmt: skip
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("计划项")
        verbose_name_plural = _("计划项")
        ordering = ["estate_id", "zone_id", "green_area_id", "work", "id"]
        constraints = [
            # A line is on a zone or on a green area, never both.
            models.CheckConstraint(
                condition=(Q(zone__isnull=False) & Q(green_area__isnull=True))
                | (Q(zone__isnull=True) & Q(green_area__isnull=False)),
                name="plan_line_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["estate", "active"])]

    def __str__(self) -> str:
        return f"{self.zone or self.green_area} {self.get_work_display()}"


class PlanRevision(models.Model):
    """计划调整 — a change of the plan with its reason: a recurring cause found in rectification
    (CLEAN-15), summer heat (GREEN-12), a head's decision. Never changed afterwards."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    zone = models.ForeignKey(
        "environment.CleaningZone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="revisions", verbose_name=_("清洁区域"),
    )  # fmt: skip
    green_area = models.ForeignKey(
        "environment.GreenArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="revisions", verbose_name=_("绿化区域"),
    )  # fmt: skip
    line = models.ForeignKey(
        PlanLine, on_delete=models.PROTECT, null=True, blank=True, related_name="revisions",
        verbose_name=_("计划项"),
    )  # fmt: skip
    # What changed: {"field": [before, after], …} or {"added": …} / {"stopped": …}.
    changes = models.JSONField(_("调整内容"), default=dict)
    reason = models.CharField(_("调整原因"), max_length=500)
    # The rectification whose recurring cause led to it (CLEAN-15), when there is one.
    rectification = models.ForeignKey(
        "environment.Rectification", on_delete=models.PROTECT, null=True, blank=True,
        related_name="revisions", verbose_name=_("整改"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("调整人"),
    )  # fmt: skip
    at = models.DateTimeField(_("调整时间"))

    class Meta:
        verbose_name = _("计划调整")
        verbose_name_plural = _("计划调整")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["estate", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.reason[:30]}"
