"""设施设备故障 (manual ch.4 §3, EQUIP-FAULT-01..15) — a fault of a piece of equipment, run as a
case of the ``equipment_fault`` process (its number, status, clocks and timeline live on the
case); the acceptance test's no-load runs, the 《故障处理报告》 and its preventive measures, each
measure carried out by a recurring schedule (EQUIP-FAULT-15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

__all__ = [
    "Fault",
    "FaultReport",
    "FaultSeverity",
    "FaultSource",
    "FaultTestRun",
    "PreventiveMeasure",
]


class FaultSeverity(models.TextChoices):
    GENERAL = "general", _("一般故障")  # EQUIP-FAULT-12: repaired within 24 hours
    MAJOR = "major", _("重大故障")  # EQUIP-FAULT-13: e.g. a power interruption, 48 hours


class FaultSource(models.TextChoices):
    """How the fault was found (EQUIP-FAULT-04); an elevator entrapment (EMERG-LIFT-02) may also
    come in at the customer-service desk or by a resident's phone call."""

    MONITORING = "monitoring", _("监控系统报警")
    ANOMALY = "anomaly", _("运行异常上报")
    REPAIR = "repair", _("业主报修")
    DESK = "desk", _("客服中心接报")
    CALL = "call", _("业主来电")


class Fault(models.Model):
    """设备故障 — a sudden fault or abnormal stoppage of one piece of equipment (EQUIP-FAULT-01)."""

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="fault")
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="faults", verbose_name=_("项目")
    )
    equipment = models.ForeignKey(
        "facilities.Equipment", on_delete=models.PROTECT, related_name="faults",
        verbose_name=_("设备"),
    )  # fmt: skip
    severity = models.CharField(_("故障等级"), max_length=10, choices=FaultSeverity.choices)
    # 电梯困人 (EQUIP-FAULT-10/11, EMERG-LIFT-04..06): the emergency clocks run.
    entrapment = models.BooleanField(_("电梯困人"), default=False)
    source = models.CharField(_("发现途径"), max_length=12, choices=FaultSource.choices)
    # The case it was found from (an anomaly's, a repair order's); that case reaches the fault
    # back through ``caused_faults``.
    source_case = models.ForeignKey(
        "workflow.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="caused_faults", verbose_name=_("来源工单"),
    )  # fmt: skip
    # Further repair orders about the same fault, linked by engineering.
    linked_cases = models.ManyToManyField(
        "workflow.Case", blank=True, related_name="linked_faults", verbose_name=_("关联报修")
    )
    description = models.TextField(_("故障现象"), max_length=NOTE_MAX)
    detected_at = models.DateTimeField(_("发现时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("上报人"),
    )  # fmt: skip
    # EQUIP-FAULT-06: the maintenance contractor called for specialist repair.
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True,
        related_name="faults", verbose_name=_("维保单位"),
    )  # fmt: skip
    # The times of the steps, kept for lists (the case's events are the record).
    contractor_called_at = models.DateTimeField(_("联系维保时间"), null=True, blank=True)
    contractor_arrived_at = models.DateTimeField(_("维保到场时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    rescued_at = models.DateTimeField(_("解救时间"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("修复时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    # Each repair handed in opens a new round of acceptance test runs (a failed run: rework).
    repair_round = models.PositiveSmallIntegerField(_("维修轮次"), default=0)

    class Meta:
        verbose_name = _("设备故障")
        verbose_name_plural = _("设备故障")
        ordering = ["-detected_at"]
        indexes = [models.Index(fields=["estate", "detected_at"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.equipment}"


class FaultTestRun(models.Model):
    """空载试运行 — one run of the acceptance test (EQUIP-FAULT-07: 3 no-load elevator runs)."""

    fault = models.ForeignKey(Fault, on_delete=models.CASCADE, related_name="test_runs")
    repair_round = models.PositiveSmallIntegerField(_("维修轮次"))
    number = models.PositiveSmallIntegerField(_("第几次"))
    normal = models.BooleanField(_("运行正常"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("测试人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("试运行记录")
        verbose_name_plural = _("试运行记录")
        ordering = ["fault_id", "repair_round", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fault", "repair_round", "number"], name="fault_test_run_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="fault_test_run_number"),
        ]

    def __str__(self) -> str:
        return f"{self.fault_id} {self.repair_round}.{self.number}"


class FaultReport(models.Model):
    """《故障处理报告》 (EQUIP-FAULT-09): the cause, what was done, the preventive measures."""

    fault = models.OneToOneField(Fault, on_delete=models.PROTECT, related_name="report")
    cause = models.TextField(_("原因分析"), max_length=NOTE_MAX)
    handling = models.TextField(_("处理经过"), max_length=NOTE_MAX)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("编写人"),
    )  # fmt: skip
    written_at = models.DateTimeField(_("编写时间"))

    class Meta:
        verbose_name = _("故障处理报告")
        verbose_name_plural = _("故障处理报告")

    def __str__(self) -> str:
        return str(self.fault)


class PreventiveMeasure(models.Model):
    """预防措施 — one measure of a report, carried out by its recurring schedule
    (EQUIP-FAULT-15: 每周清洁传感器 → every 7 days, a planned task on the equipment)."""

    report = models.ForeignKey(FaultReport, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("预防措施"), max_length=200)
    interval_days = models.PositiveSmallIntegerField(_("执行周期（天）"))
    schedule = models.OneToOneField(
        "workflow.Schedule", on_delete=models.PROTECT, related_name="preventive_measure",
        verbose_name=_("执行计划"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("预防措施")
        verbose_name_plural = _("预防措施")
        ordering = ["report_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gte=1), name="preventive_measure_interval"
            )
        ]

    def __str__(self) -> str:
        return self.text
