"""Checklists (检查表): templates of items, each a yes/no check, a reading with a unit and a normal
range, a required photo or a note. A completed checklist (检查结果: the ``ChecklistAnswer`` rows of
a ``TaskRecord``) keeps a copy of each item as it was asked, so a later edit of the template
never changes a record; a failed or out-of-range answer may open one follow-up case
(``FollowUp``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

from ..choices import ItemKind
from .records import ImmutableQuerySet, RecordImmutable, TaskRecord

__all__ = ["Checklist", "ChecklistAnswer", "ChecklistItem", "FollowUp"]


class Checklist(models.Model):
    """检查表 — a template: the items a piece of work checks (a 15-day elevator service, a
    pump-room inspection, a fire-extinguisher check)."""

    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="checklists")
    # None: a template of the company, usable in all its estates.
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, null=True, blank=True,
        related_name="checklists", verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=100)
    # What it is for, a lower-case code the apps agree on (maintenance, patrol, fire_check…).
    kind = models.CharField(_("类别"), max_length=30, db_index=True)
    # Where the items come from (the equipment's manual, 《电梯维护保养规则》…).
    source = models.CharField(_("依据"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["company_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """检查项 — one thing a checklist asks."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("检查内容"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    # The normal range of a reading (either end may be open).
    low = models.DecimalField(_("下限"), max_digits=12, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(_("上限"), max_digits=12, decimal_places=3, null=True, blank=True)
    required = models.BooleanField(_("必填"), default=True)
    hint = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "position"], name="checklist_item_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="checklist_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(high__gte=models.F("low")),
                name="checklist_item_range_order",
            ),
            # Only a reading has a range.
            models.CheckConstraint(
                condition=Q(kind="reading") | (Q(low__isnull=True) & Q(high__isnull=True)),
                name="checklist_item_range_only_reading",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class ChecklistAnswer(models.Model):
    """检查结果 — the answer to one item of a completed checklist, with a copy of the item as it
    was asked (label, kind, unit, normal range). Part of the task's immutable record
    (EQUIP-MAINT-07): never updated, never deleted."""

    record = models.ForeignKey(TaskRecord, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("检查内容"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    low = models.DecimalField(_("下限"), max_digits=12, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(_("上限"), max_digits=12, decimal_places=3, null=True, blank=True)
    required = models.BooleanField(_("必填"), default=True)
    # One of these, by kind: check → passed; reading → number; note → text; photo → photo.
    passed = models.BooleanField(_("是否正常"), null=True, blank=True)
    number = models.DecimalField(_("读数"), max_digits=12, decimal_places=3, null=True, blank=True)
    text = models.TextField(_("记录"), max_length=NOTE_MAX, blank=True)
    photo = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("照片"),
    )  # fmt: skip
    out_of_range = models.BooleanField(_("超出正常范围"), default=False)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["record_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "position"], name="checklist_answer_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="checklist_answer_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(out_of_range=False) | Q(kind="reading", number__isnull=False),
                name="checklist_answer_range_only_reading",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise RecordImmutable("a completed checklist cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutable("a completed checklist cannot be deleted")

    @property
    def failed(self) -> bool:
        """A check answered "no" (不正常)."""
        return self.kind == ItemKind.CHECK and self.passed is False

    @property
    def flagged(self) -> bool:
        """What may open a follow-up: a failed check or an out-of-range reading."""
        return self.failed or self.out_of_range


class FollowUp(models.Model):
    """整改 — the follow-up case a flagged answer opened (a rectification, a fault), once per
    answer: the answer knows its case here, the case's data names the record and the item."""

    answer = models.OneToOneField(
        ChecklistAnswer, on_delete=models.PROTECT, related_name="followup",
        verbose_name=_("检查结果"),
    )  # fmt: skip
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="fieldwork_followup",
        verbose_name=_("整改工单"),
    )  # fmt: skip
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发起人"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("发起时间"))

    class Meta:
        verbose_name = _("整改跟进")
        verbose_name_plural = _("整改跟进")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.answer_id} → {self.case_id}"
