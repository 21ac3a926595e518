"""Recurring schedules (计划) and the planned tasks (计划任务) they generate ahead of time.

The recurrence arithmetic and every write live in ``wuye.workflow.schedules``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.validators import NOTE_MAX
from wuye.workflow.choices import TargetUnit

__all__ = ["Frequency", "PlannedTask", "PlannedTaskStatus", "RecurrenceBasis", "Schedule"]


class Frequency(models.TextChoices):
    HOURLY = "hourly", _("每隔N小时")
    DAILY = "daily", _("每天定时")
    INTERVAL_DAYS = "interval_days", _("每隔N天")
    MONTHLY = "monthly", _("每月固定日")
    QUARTERLY = "quarterly", _("每季度")
    SEASONAL = "seasonal", _("季节性")


class RecurrenceBasis(models.TextChoices):
    """What the next occurrence counts from (DESIGN.md, "Field work")."""

    CALENDAR = "calendar", _("按固定日程")  # every 15 days on the calendar, whatever was done
    COMPLETION = "completion", _("按上次完成")  # 15 days after the last service was done


class PlannedTaskStatus(models.TextChoices):
    PLANNED = "planned", _("待执行")
    DONE = "done", _("已完成")
    MISSED = "missed", _("已错过")
    CANCELLED = "cancelled", _("已取消")


class Schedule(models.Model):
    """计划 — a recurring piece of work (maintenance, inspection, patrol, fire check…).

    All times are local to the estate (``estate.time_zone``). The recurrence:

    - ``hourly``: every ``interval`` hours of elapsed time from the anchor date at ``times[0]``
      (default 00:00);
    - ``daily``: every day at each of ``times``;
    - ``interval_days``: every ``interval`` days from the anchor date, at each of ``times``;
    - ``monthly``: every ``interval`` months from the anchor's month, on ``day_of_month``
      (a month without that day uses its last day), at each of ``times``;
    - ``quarterly``: every 3 months from the anchor, on the anchor's day (clamped the same way);
    - ``seasonal``: only in ``months``: on ``day_of_month`` of each of them when it is set,
      otherwise every ``interval`` days from the anchor date; at each of ``times``.

    ``times`` defaults to 09:00 except for ``hourly``. Each occurrence is due ``due_amount``
    ``due_unit`` after it starts (workflow.calendar.due_at; 0 days: the end of that day).
    """

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="schedules", verbose_name=_("项目")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类别"), max_length=30, db_index=True, help_text=_("如 maintenance、patrol、fire_check")
    )
    rule = models.CharField(_("规则"), max_length=30, blank=True)
    frequency = models.CharField(_("频率"), max_length=20, choices=Frequency.choices)
    basis = models.CharField(
        _("周期起算"),
        max_length=12,
        choices=RecurrenceBasis.choices,
        default=RecurrenceBasis.CALENDAR,
        help_text=_("按上次完成：下一次在上次完成后隔一个周期"),
    )
    interval = models.PositiveSmallIntegerField(_("间隔"), default=1)
    times = models.JSONField(_("时间点"), default=list, blank=True, help_text=_('如 ["08:00"]'))
    day_of_month = models.PositiveSmallIntegerField(_("每月几号"), null=True, blank=True)
    months = models.JSONField(_("月份"), default=list, blank=True)
    anchor = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    due_amount = models.PositiveIntegerField(_("完成时限"), default=0)
    due_unit = models.CharField(
        _("时限单位"), max_length=20, choices=TargetUnit.choices, default=TargetUnit.DAYS
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("执行人"),
    )
    assignee_role = models.CharField(_("执行角色"), max_length=20, choices=Role.choices, blank=True)
    department = models.CharField(
        _("责任部门"),
        max_length=20,
        choices=DepartmentKind.choices,
        blank=True,
        help_text=_("错过的任务通知该部门负责人；留空则通知本项目所有部门负责人"),
    )
    active = models.BooleanField(_("启用"), default=True)
    generated_until = models.DateTimeField(_("已生成至"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        ordering = ["estate_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="schedule_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(interval__gte=1), name="schedule_interval_min"),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True) | Q(day_of_month__range=(1, 31)),
                name="schedule_day_of_month_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlannedTask(models.Model):
    """计划任务 — one occurrence of a schedule, with its own due time.

    Never deleted: an occurrence not done by its due time becomes ``missed`` (and may still be
    done late: ``done_at`` after ``due_at``, ``missed_at`` kept).
    """

    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("计划")
    )
    estate = models.ForeignKey(
        "core.Estate",
        on_delete=models.PROTECT,
        related_name="planned_tasks",
        verbose_name=_("项目"),
    )
    scheduled_for = models.DateTimeField(_("计划时间"))
    due_at = models.DateTimeField(_("到期时间"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PlannedTaskStatus.choices,
        default=PlannedTaskStatus.PLANNED,
    )
    missed_at = models.DateTimeField(_("标记错过时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("完成人"),
    )
    note = models.TextField(_("备注"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("计划任务")
        verbose_name_plural = _("计划任务")
        ordering = ["scheduled_for", "id"]
        constraints = [
            # Generation is idempotent under concurrency because of this constraint.
            models.UniqueConstraint(
                fields=["schedule", "scheduled_for"], name="planned_task_occurrence_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlannedTaskStatus.values), name="planned_task_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PlannedTaskStatus.DONE) | Q(done_at__isnull=False),
                name="planned_task_done_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "status", "scheduled_for"]),
            # The missed sweep reads only tasks still planned.
            models.Index(
                fields=["due_at"],
                name="planned_task_due",
                condition=Q(status="planned"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def late(self) -> bool:
        """Done after its due time (a missed task completed late, or one done just too late)."""
        return self.done_at is not None and self.done_at > self.due_at
