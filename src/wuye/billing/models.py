"""Fees (物业费用收缴, manual ch.3 part 3): charge items and their effective-dated rates, bills,
payments and their allocation to bills, the immutable room ledger, and online payment orders.

Money is ``Decimal`` everywhere (two places for amounts in 元, four for rates). A room's account
balance is the sum of its ledger entries: charges are positive, money received negative, so a
positive balance is arrears and a negative one prepaid credit (FEE-07).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class ChargeKind(models.TextChoices):
    """FEE-01: property fees, parking fees, shared costs (water, electricity, elevator)…"""

    PROPERTY_FEE = "property_fee", _("物业服务费")
    PARKING = "parking", _("车位管理费")
    SHARED_UTILITY = "shared_utility", _("公摊水电费")
    UTILITY = "utility", _("分户水电费")  # a room's own metered water and electricity
    ELEVATOR = "elevator", _("电梯费")
    REPAIR = "repair", _("维修费")
    DEPOSIT = "deposit", _("押金")
    ONE_OFF = "one_off", _("其他收费")


class ChargeBasis(models.TextChoices):
    PER_M2_MONTH = "per_m2_month", _("按建筑面积（元/㎡·月）")
    PER_ROOM_MONTH = "per_room_month", _("按户（元/户·月）")
    PER_SPACE_MONTH = "per_space_month", _("按车位（元/个·月）")
    FIXED = "fixed", _("按次（固定金额）")
    # 公摊: the month's disclosed shared costs divided among the rooms (FEE-08), not a rate.
    SHARED = "shared", _("按公摊分摊（每月公示）")
    METERED = "metered", _("按分户表计用量")


class ChargeItem(models.Model):
    """收费项目 — one thing an estate charges for, with how it is computed."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="charge_items",
        verbose_name=_("项目"),
    )  # fmt: skip
    name = models.CharField(_("收费项目"), max_length=40)
    kind = models.CharField(_("类别"), max_length=20, choices=ChargeKind.choices)
    basis = models.CharField(_("计费方式"), max_length=20, choices=ChargeBasis.choices)
    # Only rooms of this use (住宅, 商铺…; core RoomUse values); blank: every room.
    room_use = models.CharField(_("适用房屋用途"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="charge_item_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Rate(models.Model):
    """收费标准 — an item's price from a date on. A new rate never rewrites bills already made:
    a bill keeps the amount computed when it was posted (FEE-04)."""

    item = models.ForeignKey(ChargeItem, on_delete=models.CASCADE, related_name="rates")
    amount = models.DecimalField(
        _("单价（元）"), max_digits=12, decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    effective_from = models.DateField(_("生效日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        verbose_name=_("录入人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["item_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="rate_item_from"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount} ({self.effective_from})"


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


class LetterMethod(models.TextChoices):
    """How a written payment notice reached the owner (FEE-05)."""

    PRINTED = "printed", _("打印送达")
    HAND = "hand", _("上门送达")
    DOOR = "door", _("张贴/投递门口")
    POST = "post", _("邮寄")


class NoticeLetter(models.Model):
    """书面缴费通知 (FEE-05) — a room's written notice, printed or otherwise delivered: by whom,
    when and how, for which bills. A room whose owners have no app login stays on the letters
    page until one of these is recorded for its bills."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="notice_letters",
        verbose_name=_("房屋"),
    )  # fmt: skip
    bills = models.JSONField(_("账单"), default=list)
    method = models.CharField(_("送达方式"), max_length=10, choices=LetterMethod.choices)
    delivered_at = models.DateTimeField(_("送达时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("经办人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("书面缴费通知")
        verbose_name_plural = _("书面缴费通知")
        ordering = ["-delivered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.room_id} {self.method} {self.delivered_at:%Y-%m-%d}"


class BillingSettings(models.Model):
    """An estate's fee settings: when overdue rooms enter the lawyer's-letter list (FEE-11: the
    letter must be sent by day 60, so the list opens earlier to leave time to decide) and the
    law firm whose details the 《律师函》 carries. Edited by finance."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="billing_settings"
    )
    lawyer_list_day = models.PositiveSmallIntegerField(
        _("逾期第几天列入律师函名单"), default=45,
        validators=[MinValueValidator(30), MaxValueValidator(59)],
        help_text=_("律师函须在逾期60天内发出，提前列入名单以便审批和寄送（30～59）"),
    )  # fmt: skip
    law_firm = models.CharField(_("律师事务所"), max_length=100, blank=True)
    law_firm_address = models.CharField(_("律所地址"), max_length=200, blank=True)
    lawyer = models.CharField(_("承办律师"), max_length=40, blank=True)
    lawyer_phone = models.CharField(_("律师电话"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("修改人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("收费设置")
        verbose_name_plural = _("收费设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "BillingSettings":
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)

    @property
    def law_firm_complete(self) -> bool:
        return all((self.law_firm, self.law_firm_address, self.lawyer, self.lawyer_phone))


class PhoneReveal(models.Model):
    """Audit: who saw an owner's full phone number to call them from the collection page, when,
    and whose number it was (FEE-09)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("房屋"))  # fmt: skip
    resident = models.ForeignKey(
        "core.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("查看人"))  # fmt: skip
    at = models.DateTimeField(_("查看时间"))

    class Meta:
        verbose_name = _("查看业主电话记录")
        verbose_name_plural = _("查看业主电话记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.by_id} {self.resident_id} {self.at:%Y-%m-%d %H:%M}"


class LawyerLetterVia(models.TextChoices):
    """How a lawyer's letter went out (FEE-11)."""

    EMS = "ems", _("EMS/挂号信邮寄")
    HAND = "hand", _("专人送达")
    LAW_FIRM = "law_firm", _("律师事务所寄发")


class DunningKind(models.TextChoices):
    REMINDER = "reminder", _("催缴通知书")  # FEE-10, at 30 days overdue
    LAWYER_LETTER = "lawyer_letter", _("律师函")  # FEE-11, at 60 days, approved per case


class DunningStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    PENDING_APPROVAL = "pending_approval", _("待审批")
    APPROVED = "approved", _("已批准发送")
    REJECTED = "rejected", _("不发送")


class Dunning(models.Model):
    """A dunning step for one room's overdue bills: the 30-day reminder notice (sent at once)
    or a lawyer's letter (listed at 60 days; sent only when a manager approves the case)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="dunnings")
    kind = models.CharField(_("类型"), max_length=20, choices=DunningKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=DunningStatus.choices)
    amount = models.DecimalField(_("欠费金额（元）"), **MONEY)
    oldest_due = models.DateField(_("最早逾期账单截止日"))
    bills = models.JSONField(_("账单"), default=list)
    created_at = models.DateTimeField(_("生成时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审批人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    # FEE-11: a lawyer's letter is decided and sent by the end of day 60 of the episode.
    due_at = models.DateTimeField(_("发送期限"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发送登记人"),
    )  # fmt: skip
    sent_via = models.CharField(_("发送方式"), max_length=10, blank=True,
                                choices=LawyerLetterVia.choices)  # fmt: skip
    sent_note = models.CharField(_("发送备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("催缴")
        verbose_name_plural = _("催缴")
        ordering = ["-created_at"]
        constraints = [
            # One of each kind per overdue episode (the oldest overdue bill names it).
            models.UniqueConstraint(fields=["room", "kind", "oldest_due"], name="dunning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.kind} ¥{self.amount}"


class ContactMethod(models.TextChoices):
    """FEE-09: phone, SMS and home visits."""

    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VISIT = "visit", _("上门")


class CollectionContact(models.Model):
    """催收记录 — one contact with a debtor and its result (FEE-09)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="contacts")
    method = models.CharField(_("方式"), max_length=10, choices=ContactMethod.choices)
    result = models.CharField(_("结果"), max_length=200)
    promised_on = models.DateField(_("承诺缴费日期"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("催收记录")
        verbose_name_plural = _("催收记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.room_id} {self.method} {self.at:%Y-%m-%d}"


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


# --- Meters, readings and the monthly shared-cost disclosure (FEE-08) ------------------------


class MeterKind(models.TextChoices):
    WATER = "water", _("水表")
    ELECTRICITY = "electricity", _("电表")


class Meter(models.Model):
    """表计 — a common-area water or electricity meter (no room), or a room's own meter where
    the estate bills it. A building's meter is shared by that building's rooms; an estate's by
    all of them."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="meters", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        "core.Building", on_delete=models.CASCADE, null=True, blank=True, related_name="meters",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.CASCADE, null=True, blank=True, related_name="meters",
        verbose_name=_("房屋"),
    )  # fmt: skip
    code = models.CharField(_("表号"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=MeterKind.choices)
    multiplier = models.DecimalField(
        _("倍率"), max_digits=10, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    unit_price = models.DecimalField(
        _("单价（元/吨或元/度）"), max_digits=12, decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("表计")
        verbose_name_plural = _("表计")
        ordering = ["estate_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="meter_code_unique"),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="meter_multiplier_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MeterReading(models.Model):
    """抄表 — a meter's reading for a month. Usage is (reading − previous) × multiplier; a
    reading below the previous one, or a jump far above the usual, is kept only once someone
    confirms it (with a note)."""

    meter = models.ForeignKey(
        Meter, on_delete=models.CASCADE, related_name="readings", verbose_name=_("表计")
    )
    period = models.DateField(_("月份"))  # the first day of the month
    reading = models.DecimalField(_("本期读数"), max_digits=14, decimal_places=2)
    previous = models.DecimalField(
        _("上期读数"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    usage = models.DecimalField(_("用量"), max_digits=14, decimal_places=2, default=ZERO)
    implausible = models.BooleanField(_("异常"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("异常确认人"),
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)
    source = models.CharField(_("录入方式"), max_length=10, default="phone")
    read_at = models.DateTimeField(_("抄表时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("抄表人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("抄表记录")
        verbose_name_plural = _("抄表记录")
        ordering = ["meter_id", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="reading_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.reading}"


class AllocationMethod(models.TextChoices):
    AREA = "area", _("按建筑面积分摊")
    HOUSEHOLD = "household", _("按户均摊")


class SharedCostKind(models.TextChoices):
    WATER = "water", _("公共用水")
    ELECTRICITY = "electricity", _("公共用电")
    ELEVATOR = "elevator", _("电梯费")
    OTHER = "other", _("其他")


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")


class SharedCostDisclosure(models.Model):
    """公摊费用公示 (FEE-08) — one estate's shared costs of one month: each meter's usage and
    amount, other shared costs (the elevators), and how they are divided among the rooms. Once
    published it is on the notice board and in the residents' portal, and kept as history."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("项目"),
    )  # fmt: skip
    month = models.DateField(_("月份"))  # the first day of the month
    method = models.CharField(
        _("分摊方式"), max_length=10, choices=AllocationMethod.choices,
        default=AllocationMethod.AREA,
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=DisclosureStatus.choices,
        default=DisclosureStatus.DRAFT,
    )  # fmt: skip
    total = models.DecimalField(_("公摊总额（元）"), **MONEY, default=ZERO)
    rooms_count = models.PositiveIntegerField(_("分摊户数"), default=0)
    area_total = models.DecimalField(
        _("分摊总面积（㎡）"), max_digits=14, decimal_places=2, default=ZERO
    )
    item = models.ForeignKey(
        ChargeItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("计入收费项目"),
    )  # fmt: skip
    note = models.TextField(_("说明"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("公示人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("公摊费用公示")
        verbose_name_plural = _("公摊费用公示")
        ordering = ["estate_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "month"], name="disclosure_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.month:%Y-%m}"


class SharedCostLine(models.Model):
    """One line of a disclosure: a meter's usage × price, or another shared cost's amount."""

    disclosure = models.ForeignKey(
        SharedCostDisclosure, on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=SharedCostKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    meter = models.ForeignKey(
        Meter, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("表计"),
    )  # fmt: skip
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("分摊范围（楼栋）"),
    )  # fmt: skip
    usage = models.DecimalField(_("用量"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(
        _("单价"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)

    class Meta:
        verbose_name = _("公摊明细")
        verbose_name_plural = _("公摊明细")
        ordering = ["disclosure_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.amount}"
