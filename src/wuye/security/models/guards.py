"""The guards' conduct check at the start of a shift (GUARD-12): badge, uniform, polite language,
confirmed by the guard like the repairs arrival checklist. Posts, shifts and the handover with
its 三清 are the field-work layer's (``fieldwork.DutyPost``, ``Shift``, ``Handover``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ConductCheck"]


class ConductCheck(models.Model):
    """仪容仪表确认 — a guard confirms badge, uniform and polite language for one shift."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    shift = models.ForeignKey(
        "fieldwork.Shift", on_delete=models.PROTECT, related_name="+", verbose_name=_("班次")
    )
    staff = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("秩序员")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("确认人"),
    )  # fmt: skip
    badge = models.BooleanField(_("佩戴工牌"))
    uniform = models.BooleanField(_("穿着统一服装"))
    polite = models.BooleanField(_("使用礼貌用语"))
    checked_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("仪容仪表确认")
        verbose_name_plural = _("仪容仪表确认")
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "staff"], name="conduct_once_per_shift"),
            # GUARD-12: nothing less than all three is a confirmation.
            models.CheckConstraint(
                condition=models.Q(badge=True, uniform=True, polite=True),
                name="conduct_all_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.checked_at:%Y-%m-%d %H:%M}"
