"""治安事件 (GUARD-11): a suspicious person found on patrol or at the gate — questioned at once,
the order department's head told at once, a 110 call recorded where needed. (The emergencies
chapter will build full incidents; this is the guards' own small case.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import IncidentStatus

__all__ = ["SecurityIncident"]

DESCRIPTION_MAX = 500


class SecurityIncident(models.Model):
    """治安事件 — where, what, and the 110 call if one was made."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="security_incident"
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    location = models.CharField(_("位置"), max_length=100)
    description = models.CharField(_("情况说明"), max_length=DESCRIPTION_MAX)
    found_at = models.DateTimeField(_("发现时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发现人"),
    )  # fmt: skip
    head_notified_at = models.DateTimeField(_("上报部门负责人时间"), null=True, blank=True)
    questioned_at = models.DateTimeField(_("询问时间"), null=True, blank=True)
    # The 110 call: when, who called, the police's reference (接警编号).
    police_called_at = models.DateTimeField(_("报警时间"), null=True, blank=True)
    police_called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("报警人"),
    )  # fmt: skip
    police_ref = models.CharField(_("接警编号"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("治安事件")
        verbose_name_plural = _("治安事件")
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.location}"

    @property
    def status_label(self) -> str:
        return str(IncidentStatus(self.case.status).label)
