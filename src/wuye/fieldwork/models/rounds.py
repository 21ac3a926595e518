"""Routes (路线) of checkpoints (巡检点) with printed QR labels. A round (巡检/巡更) is a planned
task whose ``TaskSpec`` names a route: its checkpoints are scanned on a phone in the task's time
window (``scheduled_for`` … ``due_at``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Checkpoint",
    "MissedCheckpoint",
    "Round",
    "RoundStatus",
    "Route",
    "Scan",
    "checkpoint_code",
    "checkpoint_token",
]

# Letters and digits a guard cannot misread on a label (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def checkpoint_token() -> str:
    """The random part of a checkpoint's QR label (not guessable, not its id)."""
    return secrets.token_urlsafe(12)


def checkpoint_code() -> str:
    """The short code printed under the QR, typed when a phone cannot read the label."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


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
    # Changed with the token: a regenerated label makes the old label and its code stop working.
    code = models.CharField(_("巡检点编码"), max_length=10, unique=True, default=checkpoint_code)
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


class RoundStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    MISSED = "missed", _("有漏检")


class Round(models.Model):
    """巡查记录 — the outcome of one round: the planned task whose spec names a route. Written at
    the first scan, or by the sweep when the window ended without any; closed once (done when
    every active checkpoint was scanned, missed at the end of the window otherwise)."""

    task = models.OneToOneField(
        "workflow.PlannedTask", on_delete=models.PROTECT, related_name="round",
        verbose_name=_("计划任务"),
    )  # fmt: skip
    route = models.ForeignKey(
        Route, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("巡查路线")
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The department head was told of missed checkpoints or flagged scans (once per round).
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-task_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(closed_at__isnull=False),
                name="round_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["route", "status"])]

    def __str__(self) -> str:
        return f"{self.route} {self.task_id}"


class Scan(models.Model):
    """打卡 — one checkpoint scanned in a round, at the server's time, with the phone's position
    where it gave one. A checkpoint is scanned once per round (a second scan is not recorded)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="scans", verbose_name=_("巡查记录")
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="scans", verbose_name=_("巡检点")
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("打卡人"),
    )  # fmt: skip
    scanned_at = models.DateTimeField(_("打卡时间"))
    # How the checkpoint was named: its QR label or its typed code.
    typed = models.BooleanField(_("手输编码"), default=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距巡检点（米）"), null=True, blank=True)
    too_far = models.BooleanField(_("距离过远"), default=False)
    too_fast = models.BooleanField(_("间隔过短"), default=False)
    out_of_order = models.BooleanField(_("未按顺序"), default=False)

    class Meta:
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        ordering = ["round_id", "scanned_at", "id"]
        constraints = [
            # Two phones scanning one checkpoint at once: one row.
            models.UniqueConstraint(fields=["round", "checkpoint"], name="scan_once_per_round"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__range=(-90, 90)) & Q(longitude__range=(-180, 180))),
                name="scan_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.scanned_at:%Y-%m-%d %H:%M}"

    @property
    def flagged(self) -> bool:
        return self.too_far or self.too_fast or self.out_of_order


class MissedCheckpoint(models.Model):
    """漏检点 — an active checkpoint of the route not scanned in the round's window."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="missed", verbose_name=_("巡查记录")
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("巡检点")
    )

    class Meta:
        verbose_name = _("漏检点")
        verbose_name_plural = _("漏检点")
        ordering = ["round_id", "checkpoint__position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "checkpoint"], name="missed_once_per_round")
        ]

    def __str__(self) -> str:
        return str(self.checkpoint)
