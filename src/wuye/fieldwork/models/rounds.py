"""Routes (路线) of checkpoints (巡检点) with printed QR labels. A round (巡检/巡更) is a planned
task whose ``TaskSpec`` names a route: its checkpoints are scanned on a phone in the task's time
window (``scheduled_for`` … ``due_at``)."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Checkpoint", "Route", "checkpoint_token"]


def checkpoint_token() -> str:
    """The random part of a checkpoint's QR label (not guessable, not its id)."""
    return secrets.token_urlsafe(12)


class Route(models.Model):
    """路线 — the checkpoints one round passes (an hourly elevator patrol, a night patrol)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="routes", verbose_name=_("项目")
    )
    name = models.CharField(_("名称"), max_length=100)
    # Lower-case code the apps agree on (elevator_patrol, security_patrol, cleaning_check…).
    kind = models.CharField(_("类别"), max_length=30, db_index=True)
    # In order: checkpoint 1, then 2…; otherwise any order.
    ordered = models.BooleanField(_("按顺序巡查"), default=False)
    # Faster than this between two checkpoints (or a fixed gap where a checkpoint has no
    # position) is flagged: nobody walks that fast, someone scanned photos of the labels.
    walking_speed = models.DecimalField(
        _("步行速度上限（米/秒）"), max_digits=4, decimal_places=1, default=3
    )
    min_gap_seconds = models.PositiveIntegerField(_("两点最短间隔（秒）"), default=20)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("巡查路线")
        verbose_name_plural = _("巡查路线")
        ordering = ["estate_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="route_name_unique"),
            models.CheckConstraint(condition=Q(walking_speed__gt=0), name="route_speed_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    """巡检点 — one place on a route, with a QR label (its ``token``) and, where known, its
    position, against which a scan's distance is measured."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="checkpoints")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    location = models.CharField(_("位置说明"), max_length=100, blank=True)
    token = models.CharField(_("二维码标识"), max_length=40, unique=True, default=checkpoint_token)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # A scan farther than this from the checkpoint is flagged.
    radius_m = models.PositiveIntegerField(_("允许偏差（米）"), default=50)
    # What to check at this point (optional).
    checklist = models.ForeignKey(
        "fieldwork.Checklist", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("检查表"),
    )  # fmt: skip
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("巡检点")
        verbose_name_plural = _("巡检点")
        ordering = ["route_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "position"], name="checkpoint_position_unique"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__range=(-90, 90)) & Q(longitude__range=(-180, 180))),
                name="checkpoint_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
