"""火灾 (manual ch.6 §2, FIRE-02/08..12, VEHICLE-13) — a fire in an estate, run as a case of the
``fire_incident`` process (number, status, timeline on the case): the report with its three
facts, the 119 call, initial firefighting, the guided evacuation and the aftermath record.

Until the emergencies app (ch.7) exists, a fire is its own case; once it does, a fire is an
incident of its level there and this record hangs from that incident."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

from ..choices import FireSize, Trapped

__all__ = ["FireIncident"]


class FireIncident(models.Model):
    """火灾报警记录 — a fire reported by whoever found it (FIRE-08/09)."""

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="fire")
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="fires", verbose_name=_("项目")
    )
    # FIRE-09: the three facts of the report.
    place = models.CharField(_("火灾地点"), max_length=200)
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    size = models.CharField(_("火势大小"), max_length=10, choices=FireSize.choices)
    trapped = models.CharField(_("有无人员被困"), max_length=10, choices=Trapped.choices)
    trapped_note = models.CharField(_("被困情况"), max_length=200, blank=True)
    description = models.TextField(_("现场情况"), max_length=NOTE_MAX, blank=True)
    reported_at = models.DateTimeField(_("报警时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("报警人"),
    )  # fmt: skip
    # FIRE-08: the 119 call — when and who made it.
    called_119_at = models.DateTimeField(_("拨打119时间"), null=True, blank=True)
    called_119_by = models.CharField(_("拨打119人"), max_length=50, blank=True)
    # FIRE-10: initial firefighting, or waiting for the brigade when the fire is large.
    facilities_used = models.JSONField(_("使用的消防设施"), default=list, blank=True)
    waited_for_brigade = models.BooleanField(_("等待消防人员"), default=False)
    brigade_arrived_at = models.DateTimeField(_("消防人员到场时间"), null=True, blank=True)
    # FIRE-11 / VEHICLE-13: the evacuation checklist, item → done.
    evacuation = models.JSONField(_("疏散检查"), default=dict, blank=True)
    evacuated_at = models.DateTimeField(_("疏散完成时间"), null=True, blank=True)
    # FIRE-12: the aftermath.
    investigated_by = models.CharField(_("调查的消防部门"), max_length=100, blank=True)
    cause = models.TextField(_("火灾原因"), max_length=NOTE_MAX, blank=True)
    site_cleared = models.BooleanField(_("现场已清理"), default=False)
    order_restored = models.BooleanField(_("秩序已恢复"), default=False)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("火灾")
        verbose_name_plural = _("火灾")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["estate", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.place}"
