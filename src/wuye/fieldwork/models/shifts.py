"""Duty posts (值班岗位), their shifts (班次) and who is on them, and the shift handover
(交接班, the 《交接班记录表》 of EQUIP-OPS-10 and GUARD-04).

A shift is calendar time: it starts and ends at a time, a night shift crosses midnight (and a
month end, and a holiday) like any other. It starts when someone on it takes it over and ends
only through a handover that both sides signed (or, for the last shift before its post is
closed, a closing handover to the department head)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind

from ..choices import CertificateKind

__all__ = [
    "DutyPost",
    "Handover",
    "HandoverClear",
    "HandoverItem",
    "HandoverItemSource",
    "HandoverKind",
    "HandoverStatus",
    "Shift",
    "ShiftMember",
    "ShiftStatus",
]


class DutyPost(models.Model):
    """值班岗位 — a post that is staffed around the clock or part of it (工程值班, 监控室, 门岗)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="duty_posts", verbose_name=_("项目")
    )
    name = models.CharField(_("岗位名称"), max_length=50)
    department = models.CharField(_("所属部门"), max_length=20, choices=DepartmentKind.choices)
    # Lower-case code the apps agree on (engineering_duty, monitoring_room, gate…): chapter apps
    # register the open items of a kind of post (``services.shifts.register_open_items``).
    kind = models.CharField(_("岗位类别"), max_length=30, blank=True, db_index=True)
    # EQUIP-OPS-11: whoever is on duty here holds this certificate (持证上岗).
    required_certificate = models.CharField(
        _("上岗所需证书"), max_length=30, choices=CertificateKind.choices, blank=True
    )
    active = models.BooleanField(_("启用"), default=True)
    closed_at = models.DateTimeField(_("撤岗时间"), null=True, blank=True)
    # GUARD-04: the post's equipment (对讲机, 警棍…), checked item by item at every handover.
    equipment = models.JSONField(_("岗位物品"), default=list, blank=True)
    # GUARD-05: handovers here must be "三清" (situation, items, records), confirmed by both.
    three_clears = models.BooleanField(_("交接须做到三清"), default=False)

    class Meta:
        verbose_name = _("值班岗位")
        verbose_name_plural = _("值班岗位")
        ordering = ["estate_id", "department", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="duty_post_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", _("未接班")
    ON_DUTY = "on_duty", _("值班中")
    ENDED = "ended", _("已交班")


class Shift(models.Model):
    """班次 — one stretch of duty at a post, with the people on it."""

    post = models.ForeignKey(
        DutyPost, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("值班岗位")
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    name = models.CharField(_("班次名称"), max_length=30, blank=True)  # 白班, 夜班…
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    started_at = models.DateTimeField(_("接班时间"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接班人"),
    )
    ended_at = models.DateTimeField(_("交班时间"), null=True, blank=True)
    staff = models.ManyToManyField(
        "core.Staff", through="ShiftMember", related_name="shifts", verbose_name=_("值班人员")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["post_id", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            # One shift on duty at a post at a time: the next starts only by handover.
            models.UniqueConstraint(
                fields=["post"], condition=Q(status="on_duty"), name="shift_one_on_duty_per_post"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(started_at__isnull=False),
                name="shift_started_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_at__isnull=False),
                name="shift_ended_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.name or ''} {self.starts_at:%Y-%m-%d %H:%M}".strip()


class ShiftMember(models.Model):
    """One person on one shift."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey("core.Staff", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("值班人员")
        verbose_name_plural = _("值班人员")
        constraints = [
            models.UniqueConstraint(fields=["shift", "staff"], name="shift_member_unique"),
        ]

    def __str__(self) -> str:
        return str(self.staff)


class HandoverKind(models.TextChoices):
    REGULAR = "regular", _("交接班")
    CLOSING = "closing", _("撤岗交接")  # the last shift hands the post over to the head


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    WAITING = "waiting", _("待接班人签字")
    ACCEPTED = "accepted", _("已完成交接")
    REFUSED = "refused", _("接班人拒绝接收")


class Handover(models.Model):
    """交接班记录 — one handover from an outgoing shift to the next (or, closing the post, to the
    department head). Signed first by someone of the outgoing shift, then by someone of the
    incoming one; from then on it never changes."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    post = models.ForeignKey(
        DutyPost, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("值班岗位")
    )
    kind = models.CharField(
        _("类型"), max_length=10, choices=HandoverKind.choices, default=HandoverKind.REGULAR
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT
    )
    outgoing_shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="handovers_out", verbose_name=_("交班班次")
    )
    incoming_shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_in",
        verbose_name=_("接班班次"),
    )
    # EQUIP-OPS-10: 运行状态 / 异常情况 (未完成事项 are the items); GUARD-04: 物品.
    operating_status = models.TextField(_("运行状态"), max_length=2000, blank=True)
    anomalies = models.TextField(_("异常情况"), max_length=2000, blank=True)
    articles = models.TextField(_("交接物品"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("交班人"),
    )
    outgoing_signed_at = models.DateTimeField(_("交班签字时间"), null=True, blank=True)
    outgoing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("交班签字人"),
    )
    incoming_signed_at = models.DateTimeField(_("接班签字时间"), null=True, blank=True)
    incoming_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接班签字人"),
    )
    refused_at = models.DateTimeField(_("拒收时间"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("拒收人"),
    )
    refusal_reason = models.TextField(_("拒收原因"), max_length=2000, blank=True)
    # GUARD-04: the post's equipment as handed over: [{"name": "对讲机", "ok": true}, …]
    # (``ok`` None until checked).
    equipment_checks = models.JSONField(_("物品清点"), default=list, blank=True)
    # GUARD-05: the "三清" each side confirmed (codes of ``CLEARS``).
    outgoing_clears = models.JSONField(_("交班人确认三清"), default=list, blank=True)
    incoming_clears = models.JSONField(_("接班人确认三清"), default=list, blank=True)

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["post", "created_at"], name="handover_post_created")]
        constraints = [
            # One handover under way per outgoing shift, and one that ended it.
            models.UniqueConstraint(
                fields=["outgoing_shift"],
                condition=Q(status__in=["draft", "waiting"]),
                name="handover_one_open_per_shift",
            ),
            models.UniqueConstraint(
                fields=["outgoing_shift"],
                condition=Q(status="accepted"),
                name="handover_one_accepted_per_shift",
            ),
            # "A handover cannot end a shift without both signatures" (EQUIP-OPS-10).
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(outgoing_signed_at__isnull=False, incoming_signed_at__isnull=False),
                name="handover_accepted_signed_twice",
            ),
            models.CheckConstraint(
                condition=Q(kind="closing", incoming_shift__isnull=True)
                | Q(kind="regular", incoming_shift__isnull=False),
                name="handover_incoming_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def ref(self) -> str:
        """The attachments' reference to this record (its two signatures)."""
        return f"fieldwork.handover:{self.pk}"


class HandoverClear(models.TextChoices):
    """GUARD-05: the three clears (三清) of a handover."""

    SITUATION = "situation", _("情况清")
    ITEMS = "items", _("物品清")
    RECORDS = "records", _("记录清")


class HandoverItemSource(models.TextChoices):
    CARRIED = "carried", _("上一班移交")
    ADDED = "added", _("本班新增")
    SYSTEM = "system", _("系统带入")  # an open anomaly, fault or incident of a chapter app


class HandoverItem(models.Model):
    """未完成事项 — one unfinished item of a handover. Items not marked done are carried over
    into the next handover of the post."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("事项"), max_length=500)
    source = models.CharField(_("来源"), max_length=10, choices=HandoverItemSource.choices)
    # What a chapter app's item points at ("facilities.fault:12") and its page.
    ref = models.CharField(_("关联"), max_length=60, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("未完成事项")
        verbose_name_plural = _("未完成事项")
        ordering = ["handover_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "position"], name="handover_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text
