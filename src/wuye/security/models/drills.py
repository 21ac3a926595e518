"""消防演练 (FIRE-13: 1–2 a year per estate) — planned with its date, scenario and organiser,
carried out with participants, photos, a summary and the evacuation checklist. Each drill is a
case of the ``fire_drill`` process, so its photos and steps are on the case's timeline; carried
out, it runs as an exercise incident of the fire plan (``emergency``), which gives its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX

__all__ = ["FireDrill"]


class FireDrill(models.Model):
    """消防演练 — one drill of an estate, e.g. 高层住宅火灾疏散演练."""

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="drill")
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="fire_drills", verbose_name=_("项目")
    )
    planned_on = models.DateField(_("计划日期"))
    scenario = models.CharField(_("演练科目"), max_length=200)
    organiser = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织人")
    )
    # Carried out: when, who took part, what was learnt.
    held_on = models.DateField(_("实际日期"), null=True, blank=True)
    participant_count = models.PositiveIntegerField(_("参与人数"), null=True, blank=True)
    participants = models.TextField(_("参与人员"), max_length=NOTE_MAX, blank=True)
    summary = models.TextField(_("演练总结"), max_length=NOTE_MAX, blank=True)
    evacuation = models.JSONField(_("疏散检查"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("记录人"),
    )  # fmt: skip
    # FIRE-13 + ch.7: the drill carried out is an emergency exercise (演练) of the fire plan,
    # one per drill; its steps, pages and report are the emergency incident's.
    incident = models.OneToOneField(
        "emergency.Incident", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("演练事件"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("消防演练")
        verbose_name_plural = _("消防演练")
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["estate", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(participant_count__gte=1),
                name="fire_drill_held_has_participants",
            )
        ]

    def __str__(self) -> str:
        return f"{self.planned_on} {self.scenario}"
