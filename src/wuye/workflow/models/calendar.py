"""The holiday table (节假日 / 调休) beside the official calendar (chinese-calendar)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Holiday", "HolidayKind"]


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class Holiday(models.Model):
    """节假日 / 调休 — one date that is off (放假) or a make-up working day (调休上班).

    A row without an estate is nationwide: entered by an administrator once the State Council
    publishes a year the chinese-calendar package does not know yet (it also overrides the
    package). A row with an estate is a local override for that estate only. See
    ``wuye.workflow.calendar`` for the order in which the sources are asked.
    """

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=HolidayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如 春节"))
    estate = models.ForeignKey(
        "core.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="holidays",
        verbose_name=_("项目"),
        help_text=_("留空表示全国通用；选择项目则只对该项目生效"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date", "estate_id"]
        constraints = [
            models.UniqueConstraint(fields=["date", "estate"], name="holiday_date_estate_unique"),
            # NULLs are distinct in a unique constraint: one nationwide row per date needs its own.
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(estate__isnull=True),
                name="holiday_date_national_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=HolidayKind.values), name="holiday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
        return f"{label} {self.name}" if self.name else label
