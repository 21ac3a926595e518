"""Repair orders (报修单)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

from .choices import Acceptance, Category, Channel, RepeatCause, RevisitSource, Urgency

SCORE = [MinValueValidator(1), MaxValueValidator(5)]
COMMENT_MAX = 1000  # the owner's words at the revisit or rating


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
    description = models.TextField(_("报修内容"), max_length=NOTE_MAX)
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
    # REPAIR-13: a repeat of an order completed within 30 days, for the same place and category.
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats",
        verbose_name=_("返修原单"),
    )  # fmt: skip
    repeat_cause = models.CharField(
        _("返修原因"), max_length=20, choices=RepeatCause.choices, blank=True
    )
    diagnosis = models.TextField(_("故障诊断"), max_length=NOTE_MAX, blank=True)
    # The times of the steps, kept on the order for lists and KPIs (the events are the record).
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("维修人"),
    )  # fmt: skip
    # REPAIR-10/11: acceptance, with the amount the owner confirmed.
    charge_total = models.DecimalField(
        _("维修费用（元）"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("验收人"),
    )  # fmt: skip
    acceptance = models.CharField(
        _("验收方式"), max_length=20, choices=Acceptance.choices, blank=True
    )
    # REPAIR-12: the revisit (or the resident's own rating).
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, validators=SCORE
    )
    quality_score = models.PositiveSmallIntegerField(
        _("维修质量"), null=True, blank=True, validators=SCORE
    )
    attitude_score = models.PositiveSmallIntegerField(
        _("服务态度"), null=True, blank=True, validators=SCORE
    )
    revisit_comment = models.TextField(_("回访意见"), max_length=COMMENT_MAX, blank=True)
    revisited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    revisited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("回访人"),
    )  # fmt: skip
    revisit_source = models.CharField(
        _("回访方式"), max_length=10, choices=RevisitSource.choices, blank=True
    )
    follow_up = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="followed_repair", verbose_name=_("跟进工单"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("报修单")
        verbose_name_plural = _("报修单")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["estate", "reported_at"]),
            models.Index(fields=["room", "category", "completed_at"]),
            models.Index(fields=["public_area", "category", "completed_at"]),
        ]
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


class RepairSettings(models.Model):
    """An estate's choices for its repairs (the manual's deadlines are clocks, set elsewhere)."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="repair_settings"
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("完工后未验收自动关闭（天）"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("维修完成后业主既未确认也未驳回，满该自然日数自动关闭"),
    )  # fmt: skip
    follow_up_below = models.PositiveSmallIntegerField(
        _("低分跟进阈值"), default=3, validators=SCORE,
        help_text=_("回访任一评分低于该分值时自动生成跟进工单"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("报修设置")
        verbose_name_plural = _("报修设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "RepairSettings":
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)


class PriceItem(models.Model):
    """收费标准 — one published line of an estate's repair price list (REPAIR-11)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="repair_prices",
        verbose_name=_("项目"),
    )  # fmt: skip
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    name = models.CharField(_("收费项目"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10, default="项")
    price = models.DecimalField(
        _("单价（元）"), max_digits=10, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )  # fmt: skip
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["estate_id", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="price_item_name_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_item_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.price}/{self.unit}"


class RepairCharge(models.Model):
    """A chargeable line of an order, priced from the price list at the time it was recorded."""

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="charges")
    price_item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("收费项目"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("维修收费")
        verbose_name_plural = _("维修收费")
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class RepairMaterial(models.Model):
    """A material used on an order (charged or not: the charge lines say what the owner pays)."""

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=60)
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10, default="个")

    class Meta:
        verbose_name = _("维修用料")
        verbose_name_plural = _("维修用料")
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}{self.unit}"
