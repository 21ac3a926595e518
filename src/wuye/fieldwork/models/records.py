"""Task records (作业记录): what was done for one planned task — who did it, when, where, the
completed checklist (``ChecklistAnswer``), photos and a signature. A record is the manual's
archived maintenance or inspection record (EQUIP-MAINT-07, EQUIP-MAINT-13): written once by
``services.records.task_complete``, never updated or deleted (like workflow's events)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

__all__ = ["ImmutableQuerySet", "RecordImmutable", "TaskRecord"]


class RecordImmutable(Exception):
    """A task record and its completed checklist are archived (归档留存): never changed."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RecordImmutable("records cannot be changed")

    def delete(self):
        raise RecordImmutable("records cannot be deleted")


class TaskRecord(models.Model):
    """作业记录 — the record of one planned task done: the person, the time and the content
    (EQUIP-MAINT-13), with copies of what the task asked so that a later edit of the plan or the
    checklist never changes it."""

    task = models.OneToOneField(
        "workflow.PlannedTask", on_delete=models.PROTECT, related_name="record",
        verbose_name=_("计划任务"),
    )  # fmt: skip
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="task_records",
        verbose_name=_("项目"),
    )  # fmt: skip
    # Copies of the plan and its subject as they were at completion.
    schedule_name = models.CharField(_("计划"), max_length=100)
    kind = models.CharField(_("类别"), max_length=30, db_index=True)
    rule = models.CharField(_("规则"), max_length=30, blank=True)
    subject = models.CharField(_("对象"), max_length=200, blank=True)
    checklist = models.ForeignKey(
        "fieldwork.Checklist", on_delete=models.PROTECT, null=True, blank=True,
        related_name="records", verbose_name=_("检查表"),
    )  # fmt: skip
    checklist_name = models.CharField(_("检查表名称"), max_length=100, blank=True)
    scheduled_for = models.DateTimeField(_("计划时间"))
    due_at = models.DateTimeField(_("到期时间"))
    # Who and when (EQUIP-MAINT-13): the account, and the name as it read that day.
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("执行人"),
    )  # fmt: skip
    done_by_name = models.CharField(_("执行人姓名"), max_length=100)
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("维保单位"),
    )  # fmt: skip
    done_at = models.DateTimeField(_("完成时间"), db_index=True)
    late = models.BooleanField(_("逾期完成"), default=False)
    missed = models.BooleanField(_("曾标记错过"), default=False)
    note = models.TextField(_("备注"), max_length=NOTE_MAX, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    signature = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("签名"),
    )  # fmt: skip

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("作业记录")
        verbose_name_plural = _("作业记录")
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["estate", "kind", "done_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__range=(-90, 90)) & Q(longitude__range=(-180, 180))),
                name="task_record_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_name} {self.done_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise RecordImmutable("a task record cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutable("a task record cannot be deleted")

    @property
    def ref(self) -> str:
        """What its photos and signature are bound by (workflow.attachments)."""
        return f"fieldwork.taskrecord:{self.pk}"
