"""The store of cleaning products, disinfectants, pesticides and fertilisers (物料存放点): kept at
a fixed place out of children's reach and checked monthly (CLEAN-17); each product with its
environmental-compliance flag (CLEAN-11, GREEN-15), stock in and out, and a minimum."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import MovementKind, ProductKind

__all__ = ["Product", "StockMovement", "Store", "StoreCheck"]


class Store(models.Model):
    """存放点 — one fixed place where products are kept (CLEAN-17: 定点存放)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    name = models.CharField(_("名称"), max_length=60)
    location = models.CharField(_("存放位置"), max_length=100)
    keeper = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("保管人"),
    )  # fmt: skip
    # CLEAN-17: properties the monthly check confirms.
    locked = models.BooleanField(_("加锁"), default=True)
    out_of_reach = models.BooleanField(_("儿童无法接触"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))
    # CLEAN-17: the store's monthly check, planned with the store (migration 0002_store).
    check_schedule = models.OneToOneField(
        "workflow.Schedule", on_delete=models.PROTECT, null=True, blank=True,
        related_name="environment_store", verbose_name=_("月检计划"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("存放点")
        verbose_name_plural = _("存放点")
        ordering = ["estate_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="environment_store_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """物料 — a cleaning product, disinfectant, pesticide, biological agent, fertiliser or
    protective item in one store, with its stock (kept by its movements)."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="products", verbose_name=_("存放点")
    )
    name = models.CharField(_("名称"), max_length=60)  # 84消毒液, 吡虫啉, 七星瓢虫…
    kind = models.CharField(_("类别"), max_length=20, choices=ProductKind.choices)
    spec = models.CharField(_("规格"), max_length=60, blank=True)
    unit = models.CharField(_("单位"), max_length=10)  # 瓶, 升, 千克, 盒
    # CLEAN-11 / GREEN-15: meets the environmental requirements (and the proof of it).
    eco_compliant = models.BooleanField(_("符合环保要求"), default=False)
    compliance_note = models.CharField(_("环保依据"), max_length=200, blank=True)
    stock = models.DecimalField(_("库存"), max_digits=12, decimal_places=3, default=0)
    minimum = models.DecimalField(_("最低库存"), max_digits=12, decimal_places=3, default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("物料")
        verbose_name_plural = _("物料")
        ordering = ["store_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name", "spec"], name="product_name_unique"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(minimum__gte=0), name="product_minimum_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.spec}".strip()


class StockMovement(models.Model):
    """出入库 — stock in, out or a count's adjustment, with the balance after it. Never changed."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="movements", verbose_name=_("物料")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=MovementKind.choices)
    # Signed: in > 0, out < 0, an adjustment either way.
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3)
    balance = models.DecimalField(_("结存"), max_digits=12, decimal_places=3)
    purpose = models.CharField(_("用途/来源"), max_length=200, blank=True)
    # Drawn for a pest treatment (GREEN-13/15).
    treatment = models.ForeignKey(
        "environment.PestTreatment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="movements", verbose_name=_("病虫害防治"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("经办人"),
    )  # fmt: skip
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["product", "at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_not_zero"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="stock_movement_balance"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.quantity}"


class StoreCheck(models.Model):
    """存放点月检 — CLEAN-17: once a month, the store is at its fixed place, locked, out of
    children's reach, every product labelled."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="checks", verbose_name=_("存放点")
    )
    month = models.DateField(_("月份"))  # the first day of the month checked
    fixed_place = models.BooleanField(_("定点存放"))
    locked = models.BooleanField(_("加锁"))
    out_of_reach = models.BooleanField(_("儿童无法接触"))
    labelled = models.BooleanField(_("标识清楚"))
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("照片"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("检查人"),
    )  # fmt: skip
    at = models.DateTimeField(_("检查时间"))

    class Meta:
        verbose_name = _("存放点检查")
        verbose_name_plural = _("存放点检查")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "month"], name="store_check_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.month:%Y-%m}"
