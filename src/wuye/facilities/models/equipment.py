"""设施设备 (manual ch.4) — the estate's equipment register (EQUIP-OPS-01): what each piece is,
where it stands, who maintains it, its status, its yearly statutory inspection, its QR label, and
its warranty (设施设备保修卡, TAKEOVER-10) filled in from the documents handed over at takeover;
and every change of its status, with why and by whom (``EquipmentStatusChange``)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import EquipmentCategory, EquipmentStatus

__all__ = [
    "Equipment",
    "EquipmentCategory",
    "EquipmentStatus",
    "EquipmentStatusChange",
    "qr_token_new",
]

QR_TOKEN_LENGTH = 22  # secrets.token_urlsafe(16): 128 random bits, not guessable from a label


def qr_token_new() -> str:
    return secrets.token_urlsafe(16)


class Equipment(models.Model):
    """设备 — one piece of the estate's equipment (an elevator, a pump, a fire panel…)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="equipment", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    code = models.CharField(_("设备编号"), max_length=40)
    name = models.CharField(_("设备名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=20, choices=EquipmentCategory.choices)
    location = models.CharField(_("安装位置"), max_length=100, blank=True)
    manufacturer = models.CharField(_("生产厂家"), max_length=100, blank=True)
    model_no = models.CharField(_("型号"), max_length=60, blank=True)
    # TAKEOVER-10: from the warranty card (保修卡).
    warranty_from = models.DateField(_("保修起始日"), null=True, blank=True)
    warranty_until = models.DateField(_("保修截止日"), null=True, blank=True)
    warranty_unit = models.CharField(_("保修责任单位"), max_length=100, blank=True)
    warranty_contact = models.CharField(_("保修联系方式"), max_length=60, blank=True)
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("维保单位"),
    )  # fmt: skip
    status = models.CharField(
        _("设备状态"),
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_USE,
    )
    commissioned_on = models.DateField(_("启用日期"), null=True, blank=True)
    # EQUIP-OPS-05/06/07: whether the operators log it every hour (power, elevators).
    logs_hourly = models.BooleanField(_("每小时记录运行参数"), default=False)
    # The yearly statutory inspection (电梯年检, 压力容器定检…) and its certificate.
    inspection_name = models.CharField(_("法定检验项目"), max_length=40, blank=True,
                                       help_text=_("如 电梯年检"))  # fmt: skip
    inspected_on = models.DateField(_("上次检验日期"), null=True, blank=True)
    inspection_due_on = models.DateField(_("下次检验到期日"), null=True, blank=True)
    inspection_certificate_no = models.CharField(_("检验合格证编号"), max_length=60, blank=True)
    # The QR label's secret: its URL opens the equipment's page; regenerated if a label leaks.
    qr_token = models.CharField(
        _("二维码标识"), max_length=QR_TOKEN_LENGTH + 10, unique=True, default=qr_token_new,
        editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")
        ordering = ["estate_id", "category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="equipment_code_unique"),
            models.CheckConstraint(
                condition=Q(warranty_until__isnull=True)
                | Q(warranty_from__isnull=True)
                | Q(warranty_until__gte=models.F("warranty_from")),
                name="equipment_warranty_order",
            ),
            models.CheckConstraint(
                condition=Q(inspection_due_on__isnull=True)
                | Q(inspected_on__isnull=True)
                | Q(inspection_due_on__gte=models.F("inspected_on")),
                name="equipment_inspection_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EquipmentStatusChange(models.Model):
    """设备状态变更记录 — one change of a piece of equipment's status (在用 / 停用 / 维修中): from
    what, to what, why, from which record (``source``, e.g. "电梯困人 YJ-20260812-0001"), by whom
    and when. Written by ``services.equipment.equipment_status_set`` and ``equipment_update``;
    never changed afterwards."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="status_changes",
        verbose_name=_("设备"),
    )  # fmt: skip
    from_status = models.CharField(_("原状态"), max_length=20, choices=EquipmentStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=EquipmentStatus.choices)
    reason = models.CharField(_("变更原因"), max_length=200)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )  # fmt: skip
    at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("设备状态变更记录")
        verbose_name_plural = _("设备状态变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["equipment", "at"], name="equipment_status_change_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="equipment_status_change_changes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.from_status} → {self.to_status}"
