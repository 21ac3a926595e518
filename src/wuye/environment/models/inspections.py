"""Inspection and rectification (检查考核、整改提升): the environment department's daily patrol
(CLEAN-12), weekly spot check of a sample the system draws (CLEAN-13) and weekly greening
inspection (GREEN-11), each zone's or area's result written as a 《清洁卫生检查记录表》 /
《绿化养护检查记录表》 with scores and photos (CLEAN-14); a failed result opens a rectification
(整改) for the responsible person with a deadline and a re-check, its cause analysed (CLEAN-15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CauseKind, InspectionKind, RectificationStatus

__all__ = ["Inspection", "InspectionItem", "Rectification", "SpotSample"]


class SpotSample(models.Model):
    """抽检样本 — the week's spot-check sample, drawn by the system from a seed it keeps, so that
    nobody picks the easy zones and anyone can draw it again and get the same (CLEAN-13)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    week_start = models.DateField(_("周一日期"))
    seed = models.BigIntegerField(_("随机种子"))
    # [{"zone": id, "task": planned task id or null}, …] in the order drawn.
    picks = models.JSONField(_("抽检对象"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("抽取人"),
    )  # fmt: skip
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        verbose_name = _("抽检样本")
        verbose_name_plural = _("抽检样本")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "week_start"], name="spot_sample_week_unique")
        ]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d}"


class Inspection(models.Model):
    """检查记录 — one zone's or green area's result of one inspection. Never changed afterwards."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    zone = models.ForeignKey(
        "environment.CleaningZone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections", verbose_name=_("清洁区域"),
    )  # fmt: skip
    green_area = models.ForeignKey(
        "environment.GreenArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections", verbose_name=_("绿化区域"),
    )  # fmt: skip
    sample = models.ForeignKey(
        SpotSample, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections",
        verbose_name=_("抽检样本"),
    )  # fmt: skip
    # The cleaner's or gardener's task that was looked at (a spot check samples tasks too).
    task = models.ForeignKey(
        "workflow.PlannedTask", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("抽检任务"),
    )  # fmt: skip
    # The inspection round this belongs to (the head's daily patrol / weekly check task).
    round_task = models.ForeignKey(
        "workflow.PlannedTask", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("检查任务"),
    )  # fmt: skip
    checklist = models.ForeignKey(
        "fieldwork.Checklist", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("检查表"),
    )  # fmt: skip
    checklist_name = models.CharField(_("检查表名称"), max_length=100, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("检查人"),
    )  # fmt: skip
    inspector_name = models.CharField(_("检查人姓名"), max_length=100)
    # The people responsible for the zone/area on the day (names as they read that day).
    responsible_name = models.CharField(_("责任人"), max_length=200, blank=True)
    at = models.DateTimeField(_("检查时间"), db_index=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    full_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1)
    passed = models.BooleanField(_("合格"))
    note = models.TextField(_("检查意见"), max_length=1000, blank=True)
    # A re-check closes this rectification (kind RECHECK).
    rechecks = models.ForeignKey(
        "environment.Rectification", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rechecks", verbose_name=_("复查的整改"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["estate", "kind", "at"]),
            models.Index(fields=["zone", "at"]),
            models.Index(fields=["green_area", "at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(zone__isnull=False) & Q(green_area__isnull=True))
                | (Q(zone__isnull=True) & Q(green_area__isnull=False)),
                name="inspection_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=models.F("full_score")),
                name="inspection_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone or self.green_area} {self.at:%Y-%m-%d}"


class InspectionItem(models.Model):
    """检查项得分 — one line of the record: the item as it was asked, its points and photo."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("检查内容"), max_length=200)
    full_score = models.DecimalField(_("满分"), max_digits=5, decimal_places=1)
    pass_score = models.DecimalField(_("合格分"), max_digits=5, decimal_places=1)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("问题描述"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("照片"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("检查项得分")
        verbose_name_plural = _("检查项得分")
        ordering = ["inspection_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="inspection_item_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=models.F("full_score")),
                name="inspection_item_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class Rectification(models.Model):
    """整改 — a failed zone or area, to be put right by its responsible person by a deadline and
    re-checked; a case of the engine (``environment_rectification``) with its clock."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="environment_rectification"
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, related_name="rectification",
        verbose_name=_("检查记录"),
    )  # fmt: skip
    zone = models.ForeignKey(
        "environment.CleaningZone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rectifications", verbose_name=_("清洁区域"),
    )  # fmt: skip
    green_area = models.ForeignKey(
        "environment.GreenArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rectifications", verbose_name=_("绿化区域"),
    )  # fmt: skip
    assignee = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("整改责任人")
    )
    problem = models.CharField(_("问题"), max_length=500)
    deadline = models.DateTimeField(_("整改期限"))
    # CLEAN-15: the cause, analysed by the department (e.g. "清洁人员巡查频率不够").
    cause_kind = models.CharField(
        _("原因类别"), max_length=20, choices=CauseKind.choices, blank=True
    )
    cause = models.CharField(_("原因分析"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    done_note = models.CharField(_("整改说明"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("复查合格时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["estate", "closed_at"]),
            models.Index(fields=["zone", "cause_kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.zone or self.green_area}"

    @property
    def status_label(self) -> str:
        return str(RectificationStatus(self.case.status).label)
