"""The finance desk's records: invoices, approved corrections (voids, amended amounts, deposits
given back), cashier closings and temporary parking rules."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bills import Bill
from .common import MONEY, ZERO
from .payments import Payment


class InvoiceStatus(models.TextChoices):
    REQUESTED = "requested", _("待开票")
    ISSUED = "issued", _("已开票")


class Invoice(models.Model):
    """发票 — asked for against money already received (FEE-06: only after finance confirmed the
    payment arrived), issued by finance through the e-invoice provider or recorded by hand."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="invoice")
    title = models.CharField(_("发票抬头"), max_length=100)
    tax_id = models.CharField(_("纳税人识别号"), max_length=20, blank=True)
    email = models.EmailField(_("接收邮箱"), blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.REQUESTED
    )
    number = models.CharField(_("发票号码"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("开票时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发票")
        verbose_name_plural = _("发票")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="invoice_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ¥{self.amount}"


# --- Corrections: voids, amended amounts and deposits given back, each approved ----------------


class AdjustmentKind(models.TextChoices):
    VOID = "void", _("作废账单")
    CORRECT = "correct", _("更正金额")
    DEPOSIT_RETURN = "deposit_return", _("退还押金")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class BillAdjustment(models.Model):
    """账单调整 — a bill is never edited: a void, a corrected amount (the bill is voided and a new
    one made) or a deposit given back is asked for by one person and approved by another, and
    only then written to the ledger as new reversing entries."""

    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("账单")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AdjustmentKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    new_amount = models.DecimalField(_("更正后金额（元）"), **MONEY, null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    replacement = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("更正后账单"),
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("申请人"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审批人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("账单调整")
        verbose_name_plural = _("账单调整")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=Q(status="pending"), name="adjustment_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.kind} {self.status}"


class CashierClosing(models.Model):
    """收银日结 — a cashier's day closed: what came in by channel, and the cash counted against
    it. After closing, that cashier records no more money for the day."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("收银员"),
    )  # fmt: skip
    day = models.DateField(_("日期"))
    # {channel: {"count": n, "amount": "123.00"}}
    totals = models.JSONField(_("分渠道合计"), default=dict)
    count = models.PositiveIntegerField(_("笔数"), default=0)
    amount = models.DecimalField(_("合计（元）"), **MONEY, default=ZERO)
    cash_expected = models.DecimalField(_("应交现金（元）"), **MONEY, default=ZERO)
    cash_counted = models.DecimalField(_("实点现金（元）"), **MONEY, default=ZERO)
    difference = models.DecimalField(_("长短款（元）"), **MONEY, default=ZERO)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("日结时间"))

    class Meta:
        verbose_name = _("收银日结")
        verbose_name_plural = _("收银日结")
        ordering = ["-day", "cashier_id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "cashier", "day"], name="closing_once")
        ]

    def __str__(self) -> str:
        return f"{self.cashier_id} {self.day} ¥{self.amount}"


class ParkingRule(models.Model):
    """临时停车收费规则 — from a date on: free minutes, a price per started hour and a cap per 24
    hours (used by vehicle management at the gate)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="parking_rules",
        verbose_name=_("项目"),
    )  # fmt: skip
    free_minutes = models.PositiveIntegerField(_("免费时长（分钟）"), default=15)
    per_hour = models.DecimalField(
        _("每小时（元，不足1小时按1小时）"), **MONEY, validators=[MinValueValidator(ZERO)]
    )
    daily_cap = models.DecimalField(
        _("24小时封顶（元）"), **MONEY, null=True, blank=True,
        validators=[MinValueValidator(ZERO)],
    )  # fmt: skip
    effective_from = models.DateField(_("生效日期"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("临时停车收费规则")
        verbose_name_plural = _("临时停车收费规则")
        ordering = ["estate_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "effective_from"], name="parking_rule_from")
        ]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.per_hour}/h ({self.effective_from})"
