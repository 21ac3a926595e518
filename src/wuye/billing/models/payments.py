"""Payments, their allocation to bills, the append-only room ledger, online payment orders with the
gateway's callbacks, and refunds."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bills import Bill
from .common import MONEY


class PaymentChannel(models.TextChoices):
    """FEE-05/12: WeChat, Alipay, bank transfer, and at the counter cash or POS."""

    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现金")
    POS = "pos", _("POS刷卡")


class LedgerImmutable(Exception):
    """Ledger entries, payments and their allocations are never changed or deleted: a correction
    is a new reversing record (a void, a refund), so the money's history stays as it happened."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable(f"{self.model._meta.model_name} rows cannot be changed")

    def delete(self):
        raise LedgerImmutable(f"{self.model._meta.model_name} rows cannot be deleted")


class AppendOnly(models.Model):
    """A row written once (PostgreSQL's triggers refuse UPDATE, DELETE and TRUNCATE as well:
    migrations billing 0003 and 0010)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise LedgerImmutable(f"{self._meta.model_name} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(f"{self._meta.model_name} rows cannot be deleted")


class Payment(AppendOnly):
    """收款 — money received for a room (confirmed: FEE-06 invoices only after this)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="payments")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(
        _("金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    channel = models.CharField(_("缴费渠道"), max_length=10, choices=PaymentChannel.choices)
    reference = models.CharField(_("交易流水号"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("到账时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("收款人"),
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # 收据号 SK-20261126-0001: per estate and day, given when the money is recorded.
    receipt_no = models.CharField(_("收据号"), max_length=24, blank=True)

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.UniqueConstraint(
                fields=["estate", "receipt_no"],
                condition=~Q(receipt_no=""),
                name="payment_receipt_once",
            ),
            # A gateway's transaction is credited once, however often its callback arrives.
            models.UniqueConstraint(
                fields=["channel", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} ¥{self.amount} {self.channel}"


class Allocation(AppendOnly):
    """How much of a payment (or of a refund's reversal) settles how much of a bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("核销")
        verbose_name_plural = _("核销")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.bill_id} {self.amount}"


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("应收")
    PAYMENT = "payment", _("收款")
    REFUND = "refund", _("退款")
    VOID = "void", _("冲销")


class LedgerEntry(AppendOnly):
    """业主缴费台账 (FEE-07) — one immutable line of a room's account."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    # Positive: owed (a charge, a refund paid out); negative: money in (a payment, a void).
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("摘要"), max_length=200)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["room", "at"])]

    def __str__(self) -> str:
        return f"{self.room_id} {self.kind} {self.amount}"


class GatewayOrderStatus(models.TextChoices):
    CREATED = "created", _("待支付")
    PAID = "paid", _("已支付")
    CLOSED = "closed", _("已关闭")


class GatewayOrder(models.Model):
    """An online payment order (WeChat Pay / Alipay): created → paid by the gateway's signed
    callback. ``out_trade_no`` is ours; the gateway's transaction id arrives with the callback."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("支付方式"), max_length=10, choices=PaymentChannel.choices)
    out_trade_no = models.CharField(_("商户订单号"), max_length=40, unique=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    bills = models.JSONField(_("账单"), default=list)  # the bill ids the payer chose
    status = models.CharField(
        _("状态"), max_length=10, choices=GatewayOrderStatus.choices,
        default=GatewayOrderStatus.CREATED,
    )  # fmt: skip
    transaction_id = models.CharField(_("支付流水号"), max_length=64, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="gateway_order"
    )
    created_at = models.DateTimeField(_("创建时间"))
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("在线支付订单")
        verbose_name_plural = _("在线支付订单")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.out_trade_no


class CallbackLog(models.Model):
    """Every gateway callback as received, accepted or refused with the reason (audit)."""

    received_at = models.DateTimeField()
    out_trade_no = models.CharField(max_length=40, blank=True)
    transaction_id = models.CharField(max_length=64, blank=True)
    body = models.TextField()
    accepted = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    # Who sent it: refused callbacks from one address are logged up to a limit per hour.
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("支付回调记录")
        verbose_name_plural = _("支付回调记录")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["remote_addr", "received_at"])]

    def __str__(self) -> str:
        return f"{self.out_trade_no} {'ok' if self.accepted else self.reason}"


class Refund(models.Model):
    """退款 — prepaid credit given back: requested by one person, approved by another, then a
    reversing ledger entry (never an edit of the payment)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, default="pending",
        choices=[("pending", _("待审批")), ("approved", _("已退款")), ("rejected", _("已驳回"))],
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id} ¥{self.amount} {self.status}"
