"""Repair orders (报修单)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Category, Channel, Urgency


class RepairOrder(models.Model):
    """报修单 — a repair request from an owner or a staff member; runs as a case of the repair
    process (number, status, clocks and timeline live on the case)."""

    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="repair_order"
    )
    estate = models.ForeignKey(
        "core.Estate",
        on_delete=models.PROTECT,
        related_name="repair_orders",
        verbose_name=_("项目"),
    )
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="repair_orders",
        verbose_name=_("房屋"),
    )  # fmt: skip
    public_area = models.ForeignKey(
        "core.PublicArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="repair_orders", verbose_name=_("公共区域"),
    )  # fmt: skip
    description = models.TextField(_("报修内容"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    suggested_urgency = models.CharField(_("系统建议"), max_length=10, choices=Urgency.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("报修渠道"), max_length=10, choices=Channel.choices)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    preferred_time = models.CharField(_("期望上门时间"), max_length=60, blank=True)
    reported_at = models.DateTimeField(_("报修时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("报修单")
        verbose_name_plural = _("报修单")
        ordering = ["-reported_at"]
        constraints = [
            # REPAIR-02: every request names its place: a room or a public area, exactly one.
            models.CheckConstraint(
                condition=(Q(room__isnull=False) & Q(public_area__isnull=True))
                | (Q(room__isnull=True) & Q(public_area__isnull=False)),
                name="repair_order_one_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.description[:20]}"

    @property
    def place_label(self) -> str:
        return self.room.label if self.room_id else self.public_area.name
