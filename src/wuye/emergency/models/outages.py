"""Water and power outages (停水停电, EMERG-OUTAGE): planned — entered with its buildings, times
and precautions at least 48 hours ahead and told to the owners by SMS, app and notice board —
or sudden, told at once; the provision tasks, the cause, the utility, the restoration and the
follow-up are the incident's steps and tasks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import OverdueStage, Utility

__all__ = ["Outage", "ProvisionEscalation"]


class Outage(models.Model):
    """停水停电 — one water or power outage, planned or sudden, and its incident."""

    incident = models.OneToOneField(
        "emergency.Incident", on_delete=models.CASCADE, related_name="outage",
        verbose_name=_("事件"),
    )  # fmt: skip
    utility = models.CharField(_("类型"), max_length=10, choices=Utility.choices)
    planned = models.BooleanField(_("计划内"), default=False)
    starts_at = models.DateTimeField(_("停止供应时间"))
    expected_end_at = models.DateTimeField(_("预计恢复时间"))
    # EMERG-OUTAGE-05: e.g. "请业主提前储水".
    precautions = models.TextField(_("注意事项"), max_length=1000)
    cause = models.TextField(_("故障原因"), max_length=1000, blank=True)
    restored_at = models.DateTimeField(_("实际恢复时间"), null=True, blank=True)
    # The notice the owners were given (its ``published_at`` is the proof of EMERG-OUTAGE-04).
    release = models.ForeignKey(
        "emergency.Release", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("停水停电通知"),
    )  # fmt: skip
    # EMERG-OUTAGE-08: the guard on duty at the temporary water point (a water outage).
    guard = models.ForeignKey(
        "core.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("取水点值守秩序员"),
    )  # fmt: skip
    # EMERG-OUTAGE-13: the elevators this outage set out of service (back in service at the
    # restoration); only those, so a lift stopped for another reason stays stopped.
    stopped_elevators = models.JSONField(_("已停用电梯"), default=list, blank=True)
    restore_release = models.ForeignKey(
        "emergency.Release", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("恢复供应通知"),
    )  # fmt: skip
    # EMERG-OUTAGE-11: the households drawn for the follow-up (their ``Followup`` rows).
    sampled_at = models.DateTimeField(_("回访抽样时间"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("回访抽样户数"), default=0)

    class Meta:
        verbose_name = _("停水停电")
        verbose_name_plural = _("停水停电")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_end_at__gt=models.F("starts_at")),
                name="outage_restoration_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_utility_display())


class ProvisionEscalation(models.Model):
    """保障任务超时升级 — an overdue provision task of an outage told to the next in line: the
    head of its department at its due time, the command group later (``services.outage_overdue``).
    One row per task and stage: its uniqueness is what makes each happen once, whatever the
    workers."""

    task = models.ForeignKey(
        "emergency.IncidentTask", on_delete=models.CASCADE, related_name="escalations",
        verbose_name=_("应急任务"),
    )  # fmt: skip
    stage = models.CharField(_("升级对象"), max_length=10, choices=OverdueStage.choices)
    at = models.DateTimeField(_("升级时间"))
    notified = models.PositiveIntegerField(_("通知人数"), default=0)

    class Meta:
        verbose_name = _("保障任务超时升级")
        verbose_name_plural = _("保障任务超时升级")
        ordering = ["task", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "stage"], name="provision_escalation_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_stage_display())
