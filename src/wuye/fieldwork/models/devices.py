"""Monitoring intake (设备事件/告警, EQUIP-OPS-04/07): the devices of an estate's monitoring
systems (an elevator monitor, a power monitor, a fire panel, a water-level sensor…), each with its
own signing credentials, and the events they post.

A device signs each request with HMAC-SHA256 under a secret it was given once. The secret is not
stored: it is derived from the server's ``SECRET_KEY`` and the device's ``secret_nonce``, so the
database alone gives nobody a device's secret, and a new nonce (a rotation) ends the old one.

An event is one alarm however often the device posts it: the device's own deduplication key is
unique among the device's uncleared events, repeats are counted (``repeats``, ``last_seen_at``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind

__all__ = [
    "CLEARING_TYPES",
    "EVENT_TYPE_KINDS",
    "Device",
    "DeviceEvent",
    "DeviceKind",
    "EventState",
    "EventType",
    "Severity",
    "device_key_id",
    "device_secret_nonce",
]


class DeviceKind(models.TextChoices):
    ELEVATOR = "elevator_monitor", _("电梯监控")
    POWER = "power_monitor", _("供电监控")
    FIRE = "fire_panel", _("消防主机")
    WATER_LEVEL = "water_level", _("水位监测")
    PUMP = "pump_monitor", _("水泵监控")
    OTHER = "other_monitor", _("其他监控")
    # VEHICLE-04: a gate lane's plate-recognition camera; its reads go to security's gate intake.
    GATE_CAMERA = "gate_camera", _("车牌识别相机")
    # CLEAN-07 / GREEN-12: a weather feed reports rain and heat to the environment department.
    WEATHER = "weather_station", _("气象站")


class EventType(models.TextChoices):
    TRAPPED = "trapped", _("困人")
    STOPPED = "stopped", _("停梯/停机")
    DOOR_FAULT = "door_fault", _("门故障")
    OVERSPEED = "overspeed", _("超速")
    OUTAGE = "outage", _("停电")
    VOLTAGE_HIGH = "voltage_high", _("电压过高")
    VOLTAGE_LOW = "voltage_low", _("电压过低")
    PHASE_LOSS = "phase_loss", _("缺相")
    FIRE_ALARM = "fire_alarm", _("火警")
    WATER_HIGH = "water_high", _("水位过高")
    WATER_LOW = "water_low", _("水位过低")
    FAULT = "fault", _("故障")
    OFFLINE = "offline", _("设备离线")
    RECOVERED = "recovered", _("已恢复")
    CLEAR = "clear", _("解除")
    RAIN = "rain", _("降雨")
    HEAT = "heat", _("高温")


# The event types only some kinds of device post; the others (fault, offline, recovered,
# clear) come from any device.
EVENT_TYPE_KINDS: dict[str, frozenset[str]] = {
    EventType.TRAPPED: frozenset({DeviceKind.ELEVATOR}),
    EventType.STOPPED: frozenset({DeviceKind.ELEVATOR, DeviceKind.PUMP}),
    EventType.DOOR_FAULT: frozenset({DeviceKind.ELEVATOR}),
    EventType.OVERSPEED: frozenset({DeviceKind.ELEVATOR}),
    EventType.OUTAGE: frozenset({DeviceKind.POWER, DeviceKind.PUMP}),
    EventType.VOLTAGE_HIGH: frozenset({DeviceKind.POWER}),
    EventType.VOLTAGE_LOW: frozenset({DeviceKind.POWER}),
    EventType.PHASE_LOSS: frozenset({DeviceKind.POWER, DeviceKind.PUMP}),
    EventType.FIRE_ALARM: frozenset({DeviceKind.FIRE}),
    EventType.WATER_HIGH: frozenset({DeviceKind.WATER_LEVEL}),
    EventType.WATER_LOW: frozenset({DeviceKind.WATER_LEVEL}),
    EventType.RAIN: frozenset({DeviceKind.WEATHER}),
    EventType.HEAT: frozenset({DeviceKind.WEATHER}),
}
# A posted event of these types clears the open event of the same deduplication key.
CLEARING_TYPES = frozenset({EventType.RECOVERED, EventType.CLEAR})


class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    CRITICAL = "critical", _("紧急")


class EventState(models.TextChoices):
    OPEN = "open", _("未处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLEARED = "cleared", _("已解除")


def device_key_id() -> str:
    """A device's public key id: sent in every request, names the device, proves nothing."""
    return "dev_" + secrets.token_urlsafe(12)


def device_secret_nonce() -> str:
    return secrets.token_urlsafe(24)


class Device(models.Model):
    """监控设备 — one device of a monitoring system that posts events for the estate."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="devices", verbose_name=_("项目")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("设备类型"), max_length=20, choices=DeviceKind.choices)
    # Whose heads hear of an alarm nobody handles (engineering for most, order for a fire panel).
    department = models.CharField(
        _("责任部门"), max_length=20, choices=DepartmentKind.choices,
        default=DepartmentKind.ENGINEERING,
    )  # fmt: skip
    location = models.CharField(_("安装位置"), max_length=100, blank=True)
    # What it watches: a facilities.Equipment, a core.PublicArea… (None: the estate).
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    key_id = models.CharField(_("密钥编号"), max_length=40, unique=True, default=device_key_id)
    secret_nonce = models.CharField(max_length=64, default=device_secret_nonce, editable=False)
    secret_rotated_at = models.DateTimeField(_("密钥生成时间"))
    active = models.BooleanField(_("启用"), default=True)
    last_seen_at = models.DateTimeField(_("最近上报"), null=True, blank=True)
    # When an alarm of the device was last cleared: a post of an alarm that occurred before it may
    # be a late copy of a cleared one, and only such a post is looked up among cleared events.
    last_cleared_at = models.DateTimeField(_("最近解除告警"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"))
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("停用人"),
    )  # fmt: skip
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监控设备")
        verbose_name_plural = _("监控设备")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="device_name_unique"),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="device_subject_whole",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.name


class DeviceEvent(models.Model):
    """设备事件 / 告警 — one alarm of a device, however often it was posted."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="device_events",
        verbose_name=_("项目"),
    )  # fmt: skip
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="events", verbose_name=_("设备")
    )
    event_type = models.CharField(_("事件类型"), max_length=20, choices=EventType.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    dedup_key = models.CharField(_("去重标识"), max_length=100)
    message = models.CharField(_("描述"), max_length=500, blank=True)
    payload = models.JSONField(_("附加数据"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"))
    last_seen_at = models.DateTimeField(_("最近上报"))
    repeats = models.PositiveIntegerField(_("重复上报次数"), default=0)
    state = models.CharField(
        _("状态"), max_length=20, choices=EventState.choices, default=EventState.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("确认人"),
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("解除人"),
    )  # fmt: skip
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    cleared_by_device = models.BooleanField(_("设备自动解除"), default=False)
    clear_note = models.CharField(_("解除说明"), max_length=500, blank=True)
    # The case its handler opened (an anomaly, an emergency fault); the case's data names the
    # event back (``device_event``).
    case = models.ForeignKey(
        "workflow.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="device_events", verbose_name=_("工单"),
    )  # fmt: skip
    # When the department heads were told of an alarm no handler took.
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("设备告警")
        verbose_name_plural = _("设备告警")
        ordering = ["-received_at", "-id"]
        constraints = [
            # One uncleared event per device and key: concurrent posts of an alarm meet here.
            models.UniqueConstraint(
                fields=["device", "dedup_key"],
                condition=~Q(state="cleared"),
                name="device_event_dedup_open",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "acknowledged", "cleared"]),
                name="device_event_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="cleared") | Q(cleared_at__isnull=False),
                name="device_event_cleared_when",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "state", "-received_at"]),
            models.Index(fields=["device", "dedup_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.get_event_type_display()}"
