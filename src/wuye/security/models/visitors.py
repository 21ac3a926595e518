"""外来人员登记 (GUARD-06/10): the gate's register of visitors, the estate's visitor settings."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import VisitReason

__all__ = ["Visitor", "VisitorSettings"]


class Visitor(models.Model):
    """外来人员 — one line of the 《外来人员登记表》: who came (name and ID card), whom they
    visit, why, through which gate, when they came in and went out, and the pass they showed."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    name = models.CharField(_("姓名"), max_length=30)
    # GB 11643, checked as the roster import checks it; blank only for an entry on a pass
    # whose holder was not asked for it when it was issued.
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    room = models.ForeignKey(
        "core.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("拜访房屋"),
    )
    reason = models.CharField(_("来访事由"), max_length=20, choices=VisitReason.choices)
    gate = models.CharField(_("门岗"), max_length=30, blank=True)
    entered_at = models.DateTimeField(_("进入时间"))
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    temporary_pass = models.ForeignKey(
        "security.TemporaryPass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("临时出入证"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("外来人员登记")
        verbose_name_plural = _("外来人员登记")
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["estate", "entered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("entered_at")),
                name="security_visitor_leaves_after_entering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.entered_at:%Y-%m-%d %H:%M}"

    @property
    def inside(self) -> bool:
        return self.left_at is None


class VisitorSettings(models.Model):
    """An estate's gate settings for visitors. GUARD-13: where couriers may not enter, the gate
    receives their parcels (代收快递) instead; no setting bans any kind of visitor."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="visitor_settings"
    )
    couriers_may_enter = models.BooleanField(
        _("快递员可进入小区"),
        default=True,
        help_text=_("不允许时，快递由门岗代收，并通知业主凭取件码领取"),
    )

    class Meta:
        verbose_name = _("访客设置")
        verbose_name_plural = _("访客设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "VisitorSettings":
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)
