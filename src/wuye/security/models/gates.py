"""Gate lanes, what passes them (VEHICLE-03/04/06) and the temporary cars' stays with their
《临时停车卡》 (VEHICLE-11)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import GateDirection, GateOutcome, GateSource, PayChannel, StayStatus

__all__ = ["GateEvent", "GateLane", "ParkingStay"]


class GateLane(models.Model):
    """道闸通道 — one lane of a gate, entry or exit, with its plate-recognition camera (a
    fieldwork device of the camera kind)."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="gate_lanes", verbose_name=_("项目")
    )
    gate = models.CharField(_("门岗"), max_length=40)
    name = models.CharField(_("通道名称"), max_length=40)
    direction = models.CharField(_("方向"), max_length=10, choices=GateDirection.choices)
    device = models.OneToOneField(
        "fieldwork.Device", on_delete=models.PROTECT, null=True, blank=True,
        related_name="gate_lane", verbose_name=_("车牌识别相机"),
    )  # fmt: skip
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("道闸通道")
        verbose_name_plural = _("道闸通道")
        ordering = ["estate_id", "gate", "direction", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="gate_lane_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.gate} {self.name}"


class ParkingStay(models.Model):
    """临时停车卡 — one temporary car's stay: card number, entry and exit times, fee and payment
    (VEHICLE-06/07/11). An exit without an entry is kept as a stay to resolve."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="parking_stays",
        verbose_name=_("项目"),
    )  # fmt: skip
    card_no = models.CharField(_("停车卡号"), max_length=24)
    plate = models.CharField(_("车牌号"), max_length=10)
    status = models.CharField(_("状态"), max_length=10, choices=StayStatus.choices)
    area = models.ForeignKey(
        "security.ParkingArea", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="stays", verbose_name=_("引导区域"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("入场时间"), null=True, blank=True)
    left_at = models.DateTimeField(_("离场时间"), null=True, blank=True)
    fee = models.DecimalField(
        _("应缴金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_amount = models.DecimalField(_("已缴金额（元）"), max_digits=12, decimal_places=2,
                                      default=0)  # fmt: skip
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    pay_channel = models.CharField(
        _("缴费方式"), max_length=10, choices=PayChannel.choices, blank=True
    )
    pay_reference = models.CharField(_("支付流水号"), max_length=64, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("收费人"),
    )  # fmt: skip
    resolution = models.CharField(_("处理说明"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("处理人"),
    )  # fmt: skip
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("临时停车卡")
        verbose_name_plural = _("临时停车卡")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "card_no"], name="stay_card_unique"),
            # One car is inside once: two reads of its entry meet here (VEHICLE-11).
            models.UniqueConstraint(
                fields=["estate", "plate"], condition=Q(status="inside"), name="stay_one_inside"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True)
                | Q(entered_at__isnull=True)
                | Q(left_at__gte=models.F("entered_at")),
                name="stay_times_ordered",
            ),
        ]
        indexes = [models.Index(fields=["estate", "status", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.card_no} {self.plate}"


class GateEvent(models.Model):
    """过闸记录 — one read of a plate at a lane (a camera's or a guard's), and what the gate did."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="gate_events", verbose_name=_("项目")
    )
    lane = models.ForeignKey(
        GateLane, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
        verbose_name=_("通道"),
    )  # fmt: skip
    direction = models.CharField(_("方向"), max_length=10, choices=GateDirection.choices)
    source = models.CharField(_("来源"), max_length=10, choices=GateSource.choices)
    device = models.ForeignKey(
        "fieldwork.Device", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("相机"),
    )  # fmt: skip
    # The camera's own event id: the same read posted again is this row.
    camera_event_id = models.CharField(_("相机事件编号"), max_length=64, blank=True)
    plate = models.CharField(_("车牌号"), max_length=10)
    occurred_at = models.DateTimeField(_("过闸时间"))
    received_at = models.DateTimeField(_("接收时间"))
    photo_url = models.CharField(_("抓拍图片"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=GateOutcome.choices)
    amount_due = models.DecimalField(
        _("待缴金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    vehicle = models.ForeignKey(
        "security.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("台账车辆"),
    )  # fmt: skip
    stay = models.ForeignKey(
        ParkingStay, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
        verbose_name=_("临时停车卡"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"),
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("过闸记录")
        verbose_name_plural = _("过闸记录")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "camera_event_id"],
                condition=Q(device__isnull=False),
                name="gate_event_camera_dedup",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "-occurred_at"]),
            models.Index(fields=["estate", "plate"]),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.get_direction_display()}"
