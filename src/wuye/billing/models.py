"""Billing items (收费项目): what a resident owes, from any source (a repair's charges now; the
periodic fees of the billing issue later). Collection and invoices are the billing issue's."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingStatus(models.TextChoices):
    UNPAID = "unpaid", _("待收款")
    PAID = "paid", _("已收款")
    VOID = "void", _("已作废")


class BillingSource(models.TextChoices):
    REPAIR = "repair", _("维修费")


class BillingItem(models.Model):
    """One amount owed for one room (or the reporter, for a public area), traceable to its
    source: the source kind and the case number (e.g. a repair order BX-20261127-0003)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="billing_items",
        verbose_name=_("项目"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, null=True, blank=True,
        related_name="billing_items", verbose_name=_("房屋"),
    )  # fmt: skip
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("付款人"),
    )  # fmt: skip
    source = models.CharField(_("来源"), max_length=20, choices=BillingSource.choices)
    source_ref = models.CharField(_("来源单号"), max_length=32)
    description = models.CharField(_("收费内容"), max_length=200)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=BillingStatus.choices, default=BillingStatus.UNPAID
    )
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("确认人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One charge per source document: confirming twice never bills twice.
            models.UniqueConstraint(fields=["source", "source_ref"], name="billing_item_source"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source_ref} ¥{self.amount}"
