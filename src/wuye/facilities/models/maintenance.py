"""维护保养 (manual ch.4 §2): maintenance plans (《设施设备维护保养计划》, EQUIP-MAINT-03/04) from
draft through an executive's approval (EQUIP-MAINT-05) to the engine's schedules, engineering's
item-by-item verification of a contractor's service (EQUIP-MAINT-06/11) and the monthly
effectiveness review (EQUIP-MAINT-08)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

from ..choices import EquipmentCategory

__all__ = [
    "MaintenanceCheck",
    "MaintenancePlan",
    "MaintenancePlanEvent",
    "MaintenancePlanSchedule",
    "MaintenanceReview",
    "MaintenanceVerification",
    "PlanStatus",
]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    ACTIVE = "active", _("已批准执行中")
    SUPERSEDED = "superseded", _("已被新版本取代")
    RETIRED = "retired", _("已停用")


class MaintenancePlan(models.Model):
    """维护保养计划 — for one piece of equipment, or every piece of a category of an estate.
    An approved plan is never edited: a change is a new version (``previous``) that needs
    approval again, while the old one keeps generating work."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="maintenance_plans",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("计划名称"), max_length=100)
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices)
    equipment = models.ForeignKey(
        "facilities.Equipment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="maintenance_plans", verbose_name=_("设备"),
    )  # fmt: skip
    template = models.CharField(_("标准模板"), max_length=30, blank=True)
    rule = models.CharField(_("依据条款"), max_length=30, blank=True)
    frequency = models.CharField(_("频次"), max_length=20)
    interval = models.PositiveSmallIntegerField(_("间隔"), default=1)
    basis = models.CharField(_("计算方式"), max_length=12)
    anchor = models.DateField(_("起始日期"))
    due_days = models.PositiveSmallIntegerField(_("完成期限（天）"), default=3)
    checklist = models.ForeignKey(
        "fieldwork.Checklist", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("保养内容"),
    )  # fmt: skip
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("维保单位"),
    )  # fmt: skip
    certificate = models.CharField(_("所需资质"), max_length=30, blank=True)
    standard = models.TextField(_("执行标准"), max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
        db_index=True,
    )  # fmt: skip
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version",
        verbose_name=_("上一版本"),
    )  # fmt: skip
    approval_note = models.TextField(_("审批意见"), max_length=NOTE_MAX, blank=True)
    return_reason = models.TextField(_("退回原因"), max_length=NOTE_MAX, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审批人"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("编制人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("编制时间"))

    class Meta:
        verbose_name = _("维护保养计划")
        verbose_name_plural = _("维护保养计划")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class MaintenancePlanSchedule(models.Model):
    """The engine's schedule of one piece of equipment under an approved plan."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="schedules")
    schedule = models.OneToOneField(
        "workflow.Schedule", on_delete=models.PROTECT, related_name="maintenance_plan_link"
    )
    equipment = models.ForeignKey(
        "facilities.Equipment", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("保养计划排程")
        verbose_name_plural = _("保养计划排程")

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.equipment_id}"


class MaintenancePlanEvent(models.Model):
    """The plan's history: who did what, when, with which note."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    note = models.TextField(_("说明"), max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("操作人"),
    )  # fmt: skip
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("保养计划记录")
        verbose_name_plural = _("保养计划记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class MaintenanceVerification(models.Model):
    """核对 — engineering's check of a completed maintenance record, item by item."""

    record = models.OneToOneField(
        "fieldwork.TaskRecord", on_delete=models.PROTECT, related_name="maintenance_verification",
        verbose_name=_("作业记录"),
    )  # fmt: skip
    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("全部合格"))
    note = models.TextField(_("核对意见"), max_length=NOTE_MAX, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("核对人"),
    )  # fmt: skip
    verified_by_name = models.CharField(_("核对人姓名"), max_length=100)
    verified_at = models.DateTimeField(_("核对时间"))

    class Meta:
        verbose_name = _("保养核对")
        verbose_name_plural = _("保养核对")
        ordering = ["-verified_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.verified_by_name}"


class MaintenanceCheck(models.Model):
    """One item of a verification: the answer confirmed, or not done properly (with a note and
    the follow-up it opened)."""

    verification = models.ForeignKey(
        MaintenanceVerification, on_delete=models.PROTECT, related_name="checks"
    )
    answer = models.OneToOneField(
        "fieldwork.ChecklistAnswer", on_delete=models.PROTECT, related_name="maintenance_check"
    )
    confirmed = models.BooleanField(_("确认合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    case = models.ForeignKey(
        "workflow.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("整改单"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("核对项")
        verbose_name_plural = _("核对项")
        ordering = ["answer__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed=True) | ~Q(note=""), name="maintenance_check_note_when_failed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.confirmed}"


class MaintenanceReview(models.Model):
    """保养效果评估 — the month's conclusion and plan adjustment, one per estate, category and
    month (EQUIP-MAINT-08)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices)
    month = models.DateField(_("月份"))
    conclusion = models.TextField(_("评估结论"), max_length=NOTE_MAX)
    adjustment = models.TextField(_("计划调整"), max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("评估人"),
    )  # fmt: skip
    at = models.DateTimeField(_("评估时间"))

    class Meta:
        verbose_name = _("保养效果评估")
        verbose_name_plural = _("保养效果评估")
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "category", "month"], name="maintenance_review_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m}"
