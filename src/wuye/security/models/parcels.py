"""代收快递 (GUARD-13): parcels received at the gate where couriers may not enter, the resident
told, picked up once with a 6-digit code."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ParcelStatus

__all__ = ["Parcel"]

MAX_CODE_ATTEMPTS = 5


class Parcel(models.Model):
    """代收快递 — a parcel the gate took in for a room. The pick-up code is kept only as a
    keyed hash: the gate checks it and cannot read it."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("收件房屋")
    )
    courier_company = models.CharField(_("快递公司"), max_length=30)
    tracking_no = models.CharField(_("快递单号"), max_length=40)
    recipient_name = models.CharField(_("收件人"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("代收时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代收人"),
    )
    code_hash = models.CharField(max_length=64)
    failed_attempts = models.PositiveSmallIntegerField(_("取件码错误次数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=ParcelStatus.choices, default=ParcelStatus.WAITING
    )
    picked_up_at = models.DateTimeField(_("取件时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("交付人"),
    )

    class Meta:
        verbose_name = _("代收快递")
        verbose_name_plural = _("代收快递")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["estate", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "courier_company", "tracking_no"],
                name="security_parcel_once",
            ),
            models.CheckConstraint(
                condition=Q(status=ParcelStatus.WAITING) | Q(picked_up_at__isnull=False),
                name="security_parcel_picked_up_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.courier_company} {self.tracking_no}"
