"""装修登记 (GUARD-10): a room's decoration, registered by customer service; its workers' passes
never outlive it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import DecorationStatus

__all__ = ["DecorationPermit"]


class DecorationPermit(models.Model):
    """装修登记 — which room is decorated, by which company, who is in charge, from which day
    until which day (both included)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    company = models.CharField(_("装修公司"), max_length=100)
    person_in_charge = models.CharField(_("现场负责人"), max_length=30)
    phone = models.CharField(_("负责人电话"), max_length=11)
    starts_on = models.DateField(_("开工日期"))
    ends_on = models.DateField(_("完工日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DecorationStatus.choices, default=DecorationStatus.ACTIVE
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("装修登记")
        verbose_name_plural = _("装修登记")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="security_decoration_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.company}"
