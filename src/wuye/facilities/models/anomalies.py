"""设备异常 (EQUIP-OPS-08/09): an anomaly found on a piece of equipment, run as a case of the
``equipment_anomaly`` process (number, status, the 10-minute clock and the timeline live on the
case)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import AnomalySource, AnomalyStatus

__all__ = ["Anomaly"]

DESCRIPTION_MAX = 500
DEDUP_MAX = 120


class Anomaly(models.Model):
    """设备异常 — what was found, where it came from (an operator, a log entry, a round's
    checklist, a monitoring alarm) and when; handled by engineering as dismissed, fixed on the
    spot or turned into a fault."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="equipment_anomaly"
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    equipment = models.ForeignKey(
        "facilities.Equipment",
        on_delete=models.PROTECT,
        related_name="anomalies",
        verbose_name=_("设备"),
    )
    source = models.CharField(_("发现途径"), max_length=20, choices=AnomalySource.choices)
    description = models.TextField(_("异常情况"), max_length=DESCRIPTION_MAX)
    found_at = models.DateTimeField(_("发现时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上报人"),
    )
    # What the source sent with it (an alarm's payload, the checklist item, the readings).
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    # The caller's deduplication key (a monitoring alarm's id): reported twice, opened once.
    dedup_key = models.CharField(_("去重键"), max_length=DEDUP_MAX, blank=True)
    acknowledged_at = models.DateTimeField(_("工程部接报时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接报人"),
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理说明"), max_length=500, blank=True)
    # A fault opened from it (the fault process's case), when it was turned into one.
    fault_case = models.ForeignKey(
        "workflow.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("故障工单"),
    )

    class Meta:
        verbose_name = _("设备异常")
        verbose_name_plural = _("设备异常")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["estate", "found_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="equipment_anomaly_dedup",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.description[:20]}"

    @property
    def status_label(self) -> str:
        return str(AnomalyStatus(self.case.status).label)
