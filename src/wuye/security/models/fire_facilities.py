"""消防设施 (manual ch.6 §消防) — the estate's fire facilities as equipment of the facilities
register (category ``fire``, with its QR label), with what fire work needs of each: its kind, an
extinguisher's agent, pressures and expiry; the schedules of its checks (FIRE-03/04/05); and the
replacement of an expired or under-pressure extinguisher (FIRE-06)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ExtinguisherAgent, FireFacilityKind, ReplacementReason

__all__ = ["FireFacility", "FireReplacement"]


class FireFacility(models.Model):
    """消防设施 — one extinguisher, hydrant, alarm panel, sprinkler system, emergency light or
    fire door, one-to-one with its equipment of the register (code, name, building, location,
    status, QR label). Engineering maintains it (FIRE-01), the guards check it."""

    equipment = models.OneToOneField(
        "facilities.Equipment", on_delete=models.PROTECT, related_name="fire_facility",
        verbose_name=_("设备"),
    )  # fmt: skip
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("设施类型"), max_length=20, choices=FireFacilityKind.choices)
    agent = models.CharField(
        _("灭火剂类型"), max_length=20, choices=ExtinguisherAgent.choices, blank=True
    )
    capacity = models.CharField(_("规格"), max_length=20, blank=True, help_text=_("如 4kg"))
    rated_pressure = models.DecimalField(
        _("额定压力(MPa)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    pressure_low = models.DecimalField(
        _("压力下限(MPa)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    last_pressure = models.DecimalField(
        _("最近压力读数(MPa)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    last_read_at = models.DateTimeField(_("最近读数时间"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True,
                                  help_text=_("灭火器的报废或换药日期"))  # fmt: skip
    # The warning of an expiry within 30 days, sent once per expiry date.
    expiry_warned_for = models.DateField(null=True, blank=True, editable=False)
    monthly_schedule = models.ForeignKey(
        "workflow.Schedule", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("月度检查计划"),
    )  # fmt: skip
    quarterly_schedule = models.ForeignKey(
        "workflow.Schedule", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("季度检查计划"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消防设施")
        verbose_name_plural = _("消防设施")
        ordering = ["estate_id", "kind", "equipment__code"]
        indexes = [models.Index(fields=["estate", "kind"]), models.Index(fields=["expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rated_pressure__isnull=True) | Q(rated_pressure__gt=0),
                name="fire_facility_rated_pressure_positive",
            ),
            models.CheckConstraint(
                condition=Q(last_pressure__isnull=True) | Q(last_pressure__gte=0),
                name="fire_facility_last_pressure_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.equipment)


class FireReplacement(models.Model):
    """灭火器更换 — the replacement of an expired or under-pressure extinguisher (FIRE-06): a case
    engineering closes by recording the new expiry and pressure on the facility."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="fire_replacement"
    )
    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        FireFacility, on_delete=models.PROTECT, related_name="replacements",
        verbose_name=_("消防设施"),
    )  # fmt: skip
    reason = models.CharField(_("更换原因"), max_length=20, choices=ReplacementReason.choices)
    detail = models.CharField(_("情况说明"), max_length=200, blank=True)
    record = models.ForeignKey(
        "fieldwork.TaskRecord", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("检查记录"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("发起时间"))
    closed_at = models.DateTimeField(_("更换时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    new_expires_on = models.DateField(_("新有效期至"), null=True, blank=True)
    new_pressure = models.DecimalField(
        _("更换后压力(MPa)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("灭火器更换")
        verbose_name_plural = _("灭火器更换")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open replacement per extinguisher: a second finding joins the open one.
            models.UniqueConstraint(
                fields=["facility"], condition=Q(closed_at__isnull=True),
                name="fire_replacement_one_open",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.case.number} {self.facility}"
