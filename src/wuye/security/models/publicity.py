"""火灾预防宣传 (FIRE-07) — the estate's yearly plan of fire-prevention topics by month, each
published by customer service (FIRE-01) as a notice on the board, by SMS and in the app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import TEXT_MAX

__all__ = ["PublicityTopic"]


class PublicityTopic(models.Model):
    """消防宣传主题 — one planned topic of a month, e.g. 电动车不得进楼入户充电."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="fire_publicity",
        verbose_name=_("项目"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    title = models.CharField(_("宣传主题"), max_length=100)
    body = models.TextField(_("宣传内容"), max_length=TEXT_MAX)
    channels = models.JSONField(_("宣传渠道"), default=list)
    notice = models.OneToOneField(
        "notify.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("公告"),
    )  # fmt: skip
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发布人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消防宣传主题")
        verbose_name_plural = _("消防宣传主题")
        ordering = ["year", "month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "year", "month", "title"], name="publicity_topic_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="publicity_topic_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.title}"
