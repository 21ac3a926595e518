"""通道堵塞 (FIRE-14, VEHICLE-12): a fire lane blocked or an e-bike in a corridor/stairwell, found
on patrol, run as a case of ``security_obstruction`` until a re-check finds it clear."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ObstructionKind, ObstructionStatus

__all__ = ["Obstruction"]

DESCRIPTION_MAX = 500


class Obstruction(models.Model):
    """通道堵塞 — what blocks which passage, whose it is when known, and its re-checks."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="security_obstruction"
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ObstructionKind.choices)
    location = models.CharField(_("位置"), max_length=100)
    description = models.CharField(_("情况说明"), max_length=DESCRIPTION_MAX)
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    # The room whose occupant it belongs to, when known: they are told to clear it.
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("所属房屋"),
    )  # fmt: skip
    found_at = models.DateTimeField(_("发现时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发现人"),
    )  # fmt: skip
    owner_notified_at = models.DateTimeField(_("通知业主时间"), null=True, blank=True)
    next_recheck_at = models.DateTimeField(_("下次复查时间"), null=True, blank=True)
    rechecks = models.PositiveSmallIntegerField(_("复查次数"), default=0)
    cleared_at = models.DateTimeField(_("清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通道堵塞")
        verbose_name_plural = _("通道堵塞")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["estate", "next_recheck_at"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.location}"

    @property
    def status_label(self) -> str:
        return str(ObstructionStatus(self.case.status).label)
