"""Billing runs and the bills they post, one per room, item and period."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .charges import ChargeItem
from .common import MONEY, ZERO


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("未缴")
    PARTIAL = "partial", _("部分缴纳")
    PAID = "paid", _("已缴纳")
    VOID = "void", _("已作废")
    RETURNED = "returned", _("已退还")  # a deposit given back


class BillingRunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BillingRun(models.Model):
    """费用核算 (FEE-04): one run of an estate's periodic bills for a period."""

    estate = models.ForeignKey("core.Estate", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    due_date = models.DateField(_("缴费截止日"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BillingRunStatus.choices,
        default=BillingRunStatus.RUNNING,
    )  # fmt: skip
    rooms_total = models.PositiveIntegerField(_("房屋数"), default=0)
    rooms_done = models.PositiveIntegerField(_("已处理"), default=0)
    bills_created = models.PositiveIntegerField(_("新生成账单"), default=0)
    amount_total = models.DecimalField(_("新生成金额（元）"), **MONEY, default=ZERO)
    error = models.TextField(_("错误"), blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # FEE-05: a due date less than 15 days away was confirmed by ``started_by`` for this reason.
    short_notice_reason = models.CharField(_("通知不足15天的原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("账单生成")
        verbose_name_plural = _("账单生成")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.period_start}–{self.period_end}"


class Bill(models.Model):
    """账单 — one amount owed by one room for one item and period (or one source document: a
    repair order's accepted charge). Posting a run twice never doubles a bill: the periodic
    ones are unique per room, item and period start; the sourced ones per item and source."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="bills", verbose_name=_("项目")
    )
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="bills", verbose_name=_("房屋")
    )
    item = models.ForeignKey(
        ChargeItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("收费项目")
    )
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    description = models.CharField(_("摘要"), max_length=200)
    amount = models.DecimalField(
        _("应缴金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_amount = models.DecimalField(_("已缴金额（元）"), **MONEY, default=ZERO)
    status = models.CharField(
        _("状态"), max_length=10, choices=BillStatus.choices, default=BillStatus.UNPAID
    )
    due_date = models.DateField(_("缴费截止日"))
    source_ref = models.CharField(_("来源单号"), max_length=32, blank=True)
    run = models.ForeignKey(
        BillingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="bills"
    )
    # FEE-05: when and how the owner was told (15 days before the due date).
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    notified_via = models.CharField(_("通知方式"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["room", "status", "due_date"]),
            models.Index(fields=["estate", "status", "due_date"]),
            # The bills of an item reaching into a period (runs skip the days they cover).
            models.Index(fields=["item", "period_end"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "item", "period_start"],
                condition=Q(source_ref=""),
                name="bill_periodic_once",
            ),
            models.UniqueConstraint(
                fields=["item", "source_ref"],
                condition=~Q(source_ref=""),
                name="bill_source_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            # Never more paid than owed: an over-allocation fails in the database too.
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="bill_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="bill_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.description} ¥{self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount
