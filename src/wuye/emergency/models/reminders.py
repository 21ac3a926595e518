"""Paging reminders: a page that must be acknowledged and was not within five minutes is sent
again once, and the command group's leader told (``services.reminders``). One row per page
reminded: its uniqueness is what makes the reminder happen once, whatever the workers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PageReminder"]


class PageReminder(models.Model):
    """催确认 — the second page sent to someone who did not acknowledge in time."""

    page = models.OneToOneField(
        "emergency.Page", on_delete=models.CASCADE, related_name="reminder",
        verbose_name=_("应急通知"),
    )  # fmt: skip
    sent_at = models.DateTimeField(_("再次通知时间"))

    class Meta:
        verbose_name = _("应急通知提醒")
        verbose_name_plural = _("应急通知提醒")

    def __str__(self) -> str:
        return str(self.page)
