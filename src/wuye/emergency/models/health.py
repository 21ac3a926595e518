"""Public-health events (公共卫生事件, EMERG-HEALTH): closures of the estate, a building or a
unit for the period the disease-control authority sets (the gates refuse unrelated people);
the close-contact register, with the strictest access in the system and a retention period; the
supply deliveries to isolated households."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import AccessAction, ClosureScope, DeliveryStatus

__all__ = ["CloseContact", "Closure", "ContactAccess", "Delivery", "PpeCheck"]


class Closure(models.Model):
    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.PROTECT, related_name="closures",
        verbose_name=_("事件"),
    )  # fmt: skip
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    scope = models.CharField(_("封闭范围"), max_length=20, choices=ClosureScope.choices)
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单元"),
    )  # fmt: skip
    starts_at = models.DateTimeField(_("封闭开始"))
    ends_at = models.DateTimeField(_("封闭结束"))  # the period the authority set
    authority_reference = models.CharField(_("疾控要求（文号）"), max_length=100, blank=True)
    cordon_at = models.DateTimeField(_("隔离带设置时间"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("解除人"),
    )  # fmt: skip
    # EMERG-HEALTH-06: the twice-a-day disinfection of the scope's public areas, a planned-work
    # schedule of the environment department (its tasks in the cleaner's 今日任务).
    disinfection = models.ForeignKey(
        "workflow.Schedule", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("消毒计划"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("决定人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("封闭管控")
        verbose_name_plural = _("封闭管控")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["estate", "ends_at"], name="closure_estate_idx")]

    def __str__(self) -> str:
        return str(self.get_scope_display())


class CloseContact(models.Model):
    """密切接触者登记 (EMERG-HEALTH-08): personal information of the most sensitive kind."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.PROTECT, related_name="close_contacts",
        verbose_name=_("事件"),
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=40)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)
    room = models.ForeignKey(
        "core.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("房屋"),
    )  # fmt: skip
    relation = models.CharField(_("接触情况"), max_length=200, blank=True)
    contact_on = models.DateField(_("接触日期"), null=True, blank=True)
    note = models.TextField(_("备注"), max_length=1000, blank=True)
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("密切接触者")
        verbose_name_plural = _("密切接触者")
        ordering = ["incident", "pk"]

    def __str__(self) -> str:
        return self.name


class ContactAccess(models.Model):
    """Every look at, or change of, the close-contact register; kept after the register's
    rows are deleted (it names no contact, only the incident and the row's id)."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.PROTECT, related_name="+", verbose_name=_("事件")
    )
    contact_ref = models.PositiveIntegerField(_("登记编号"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )  # fmt: skip
    at = models.DateTimeField(_("时间"))
    count = models.PositiveIntegerField(_("涉及条数"), default=1)

    class Meta:
        verbose_name = _("密接登记访问记录")
        verbose_name_plural = _("密接登记访问记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return str(self.get_action_display())


class Delivery(models.Model):
    """物资配送 (EMERG-HEALTH-12): an isolated household's request, its delivery, its
    confirmation."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.PROTECT, related_name="deliveries",
        verbose_name=_("事件"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    items = models.TextField(_("所需物资"), max_length=1000)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("申请人"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.REQUESTED
    )
    assignee = models.ForeignKey(
        "core.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("配送人"),
    )  # fmt: skip
    taken_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.TextField(_("备注"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("物资配送")
        verbose_name_plural = _("物资配送")
        ordering = ["incident", "requested_at", "pk"]

    def __str__(self) -> str:
        return self.items[:20]


class PpeCheck(models.Model):
    """EMERG-HEALTH-11: during a health event, a member of staff confirms the N95 mask and the
    gloves — at the start of their shift (``shift``: one per person, event and shift), or, off
    shift, once a day (one per person, event and day)."""

    incident = models.ForeignKey(
        "emergency.Incident", on_delete=models.CASCADE, related_name="ppe_checks",
        verbose_name=_("事件"),
    )  # fmt: skip
    staff = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工")
    )
    shift = models.ForeignKey(
        "fieldwork.Shift", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("班次"),
    )  # fmt: skip
    on = models.DateField(_("日期"))
    mask = models.BooleanField(_("N95口罩"), default=False)
    gloves = models.BooleanField(_("手套"), default=False)
    at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("防护用品确认")
        verbose_name_plural = _("防护用品确认")
        ordering = ["incident", "-on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "staff", "on"], condition=Q(shift__isnull=True),
                name="health_ppe_unique",
            ),
            models.UniqueConstraint(
                fields=["incident", "staff", "shift"], condition=Q(shift__isnull=False),
                name="health_ppe_shift_unique",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.staff} {self.on}"
