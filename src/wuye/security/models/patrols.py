"""Patrol anomalies (巡逻异常, GUARD-08/11): what a guard found on patrol, from a checkpoint, with
a photo, and the case it went to (a repair order, an obstruction case, an incident)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import PatrolAnomalyKind

__all__ = ["PatrolAnomaly"]

DESCRIPTION_MAX = 500


class PatrolAnomaly(models.Model):
    """巡逻异常 — one finding on patrol and where it went."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("异常类别"), max_length=20, choices=PatrolAnomalyKind.choices)
    description = models.CharField(_("情况说明"), max_length=DESCRIPTION_MAX)
    location = models.CharField(_("位置"), max_length=100, blank=True)
    checkpoint = models.ForeignKey(
        "fieldwork.Checkpoint", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("巡检点"),
    )  # fmt: skip
    found_at = models.DateTimeField(_("发现时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发现人"),
    )  # fmt: skip
    # Where it went: the repair's, the obstruction's or the incident's case.
    case = models.ForeignKey(
        "workflow.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("工单")
    )

    class Meta:
        verbose_name = _("巡逻异常")
        verbose_name_plural = _("巡逻异常")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["estate", "found_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description[:20]}"
