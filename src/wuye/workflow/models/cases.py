"""Cases (工单), their immutable events (操作记录) and SLA clocks (时限)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX
from wuye.workflow.choices import ClockState, EscalationLevel, TargetUnit

__all__ = ["Case", "CaseCounter", "Event", "EventImmutable", "SlaClock", "SlaTarget"]


class CaseCounter(models.Model):
    """The last number handed out per estate, prefix and local date (BX-20261126-0001)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["estate", "prefix", "day"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.day:%Y%m%d} {self.last}"


class Case(models.Model):
    """工单 — one running instance of a declared process."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="cases", verbose_name=_("项目")
    )
    process = models.CharField(_("流程"), max_length=40, db_index=True)
    number = models.CharField(_("工单号"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=30, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("处理人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_cases",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    data = models.JSONField(_("业务数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="case_number_unique")
        ]
        indexes = [models.Index(fields=["estate", "process", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EventImmutable(Exception):
    """Events are the audit trail (可追溯): never updated, never deleted."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise EventImmutable("events cannot be changed")

    def delete(self):
        raise EventImmutable("events cannot be deleted")


class Event(models.Model):
    """操作记录 — the immutable record of one action on a case (the timeline)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    role = models.CharField(_("角色"), max_length=20, blank=True)
    at = models.DateTimeField(_("时间"))
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, blank=True)
    note = models.TextField(_("说明"), max_length=NOTE_MAX, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise EventImmutable("events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EventImmutable("events cannot be deleted")


class SlaClock(models.Model):
    """时限 — one deadline on a case, with the manual's rule ID."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    key = models.CharField(max_length=40)
    rule = models.CharField(_("规则"), max_length=30)
    name = models.CharField(_("时限"), max_length=60)
    state = models.CharField(_("状态"), max_length=10, choices=ClockState.choices)
    target_amount = models.PositiveIntegerField(_("时限数值"))
    target_unit = models.CharField(_("时限单位"), max_length=20, choices=TargetUnit.choices)
    started_at = models.DateTimeField(_("开始时间"))
    warn_at = models.DateTimeField(_("预警时间"))
    due_at = models.DateTimeField(_("到期时间"))
    stopped_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(
        _("升级级别"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["case_id", "started_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="clock_key_unique")]
        indexes = [
            # The sweep reads only clocks still counting whose next escalation point has passed.
            models.Index(
                fields=["warn_at"],
                name="clock_warn_due",
                condition=Q(state="running", warned_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="clock_breach_due",
                condition=Q(state="running", breached_at__isnull=True),
            ),
            # The compliance page (QUALITY-02) counts a month's clocks by due time; the case
            # joins to the estate.
            models.Index(fields=["due_at", "case"], name="clock_due_case"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.name}"


class SlaTarget(models.Model):
    """A per-estate override of a clock's target (the manual's number is the default)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.CASCADE, related_name="sla_targets")
    process = models.CharField(_("流程"), max_length=40)
    clock = models.CharField(_("时限"), max_length=40)
    amount = models.PositiveIntegerField(_("时限数值"))
    unit = models.CharField(_("时限单位"), max_length=20, choices=TargetUnit.choices)

    class Meta:
        verbose_name = _("时限设置")
        verbose_name_plural = _("时限设置")
        constraints = [
            models.UniqueConstraint(fields=["estate", "process", "clock"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.process}.{self.clock}: {self.amount} {self.unit}"
