"""Monitoring intake (设备事件/告警): devices and their credentials, signed requests, one event per
alarm however often it is posted, the handlers the chapter apps register, acknowledge and clear.

EQUIP-OPS-04/07: the monitoring systems watch the equipment around the clock and post what they
see here. EQUIP-OPS-08/09: an anomaly is reported at once and engineering is told within 10
minutes. The anomaly process and its clock belong to facilities; this layer only calls the
handler registered for the event type or the device kind (``register_alarm_handler``). An alarm
no handler takes is not lost: it stays open on the alarm list and the heads of the device's
department are told at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wuye.base.api import DATETIME_MAX_YEAR, DATETIME_MIN_YEAR
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_data_size, check_field_text, check_model_text
from wuye.notify.services import message_enqueue_bulk, recipient_language
from wuye.workflow.models import Case
from wuye.workflow.services import SYSTEM_ROLE

from ..models.devices import (
    CLEARING_TYPES,
    EVENT_TYPE_KINDS,
    Device,
    DeviceEvent,
    DeviceKind,
    EventState,
    EventType,
    Severity,
    device_secret_nonce,
)

log = logging.getLogger(__name__)

# Who registers devices and hands out their secrets: the heads and the executives.
DEVICE_WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
# Who acknowledges and clears alarms: the duty staff of engineering and order, the desk that
# takes the calls, and their heads.
ALARM_ROLES = frozenset(
    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.TECHNICIAN, Role.GUARD, Role.CS_AGENT}
)
# A request whose timestamp is further than this from the server's clock is refused: a replay
# of a captured request, or a device whose clock is wrong.
SIGNATURE_MAX_SKEW = dt.timedelta(minutes=5)
PAYLOAD_MAX_BYTES = 4096
BODY_MAX_BYTES = 16 * 1024
# A device's last contact is written at most this often (one row lock a minute, not a post).
LAST_SEEN_EVERY = dt.timedelta(seconds=60)
# The department whose heads hear of a new device's alarms, by kind (a fire panel: order).
DEFAULT_DEPARTMENT = {DeviceKind.FIRE: DepartmentKind.ORDER}
# A device's default severity per event type, when it does not say.
DEFAULT_SEVERITY = {
    EventType.TRAPPED: Severity.CRITICAL,
    EventType.OVERSPEED: Severity.CRITICAL,
    EventType.OUTAGE: Severity.CRITICAL,
    EventType.FIRE_ALARM: Severity.CRITICAL,
    EventType.RECOVERED: Severity.INFO,
    EventType.CLEAR: Severity.INFO,
}
SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


# --- Credentials --------------------------------------------------------------------------------


def _derived_secret(device: Device, secret_key: str) -> str:
    return salted_hmac(
        "wuye.fieldwork.device-secret",
        f"{device.key_id}:{device.secret_nonce}",
        secret=secret_key,
        algorithm="sha256",
    ).hexdigest()


def device_signing_key(device: Device) -> str:
    """The secret a device signs with. Shown to a person once (creation, rotation); the server
    derives it again to verify, and the simulator to sign. Never put it on a page or in a log."""
    return _derived_secret(device, settings.SECRET_KEY)


def device_sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The signature of a request: hex HMAC-SHA256 of ``<timestamp>.<raw body>``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class DeviceAuthError(Exception):
    """A request the intake refuses (HTTP 401): ``code`` says why, ``message`` in words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def device_authenticate(
    *, key_id: str | None, timestamp: str | None, signature: str | None, body: bytes
) -> Device:
    """The active device whose credentials signed this request, or ``DeviceAuthError``.

    The signature is compared in constant time, under the current ``SECRET_KEY`` and its
    fallbacks (a key rotation of the server keeps devices working until they rotate). The
    timestamp (Unix seconds) must be within 5 minutes of the server's clock."""
    if not key_id or not timestamp or not signature:
        raise DeviceAuthError("unsigned", _("请求未签名：缺少设备密钥编号、时间戳或签名"))
    device = Device.objects.select_related("estate").filter(key_id=key_id[:40], active=True).first()
    if device is None:
        raise DeviceAuthError("invalid_key", _("设备密钥编号无效，或设备已停用"))
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise DeviceAuthError("bad_timestamp", _("时间戳应为 Unix 秒数"))
    signature = signature.strip().removeprefix("sha256=")
    valid = False
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        expected = device_sign(
            secret=_derived_secret(device, secret_key), timestamp=timestamp, body=body
        )
        valid = hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
        if valid:
            break
    if not valid:
        raise DeviceAuthError("bad_signature", _("签名不正确"))
    sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    if abs(timezone.now() - sent) > SIGNATURE_MAX_SKEW:
        raise DeviceAuthError(
            "stale_timestamp", _("时间戳与服务器时间相差超过 5 分钟，请校准设备时钟后重发")
        )
    return device


# --- Devices ------------------------------------------------------------------------------------


def _check_write(actor: Actor, estate_id: int) -> None:
    _check_estate(actor, estate_id)
    if not (actor.is_superuser or actor.role in DEVICE_WRITE_ROLES):
        raise PermissionDenied(_("只有部门负责人和企业高层可以管理监控设备"))


def _subject(estate: Estate, subject: Model | None, errors: dict) -> Model | None:
    """What a device watches must be a record of the device's own estate."""
    if subject is None:
        return None
    if getattr(subject, "pk", None) is None or getattr(subject, "estate_id", None) != estate.pk:
        errors["subject"] = [_("监控对象不属于本项目")]
        return None
    return subject


def device_subject_resolve(*, subject_type: str, subject_id: int) -> Model | None:
    """``("facilities.equipment", 12)`` → the record, or ValidationError ``subject``."""
    if not subject_type:
        return None
    app_label, _dot, model = subject_type.lower().partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise ValidationError({"subject_type": [_("监控对象类型不存在")]}) from None
    model_class = content_type.model_class()
    if model_class is None or "estate" not in {f.name for f in model_class._meta.get_fields()}:
        raise ValidationError({"subject_type": [_("该类型不能作为监控对象")]})
    found = model_class._default_manager.filter(pk=subject_id).first()
    if found is None:
        raise ValidationError({"subject_id": [_("监控对象不存在")]})
    return found


@transaction.atomic
def device_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    department: str = "",
    location: str = "",
    subject: Model | None = None,
    by,
) -> tuple[Device, str]:
    """登记监控设备. Returns the device and its secret, which is shown this once."""
    actor = _actor(by)
    _check_write(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    name, location = (name or "").strip(), (location or "").strip()
    if not name:
        errors["name"] = [_("请填写设备名称，如 1栋1号客梯监控")]
    elif Device.objects.filter(estate=estate, name=name).exists():
        errors["name"] = [_("本项目已有名为“%(name)s”的设备") % {"name": name}]
    check_model_text(Device, errors, name=name, location=location)
    if kind not in DeviceKind.values:
        errors["kind"] = [_("请选择设备类型")]
    department = department or DEFAULT_DEPARTMENT.get(kind, DepartmentKind.ENGINEERING)
    if department not in DepartmentKind.values or department == DepartmentKind.EXECUTIVE:
        errors["department"] = [_("请选择责任部门")]
    subject = _subject(estate, subject, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    device = Device(
        estate=estate, name=name, kind=kind, department=department, location=location,
        subject_type=ContentType.objects.get_for_model(subject) if subject else None,
        subject_id=subject.pk if subject else None, secret_rotated_at=now,
        created_by=actor.user, created_at=now,
    )  # fmt: skip
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:  # the same name entered twice at once
        raise ValidationError(
            {"name": [_("本项目已有名为“%(name)s”的设备") % {"name": name}]}
        ) from None
    return device, device_signing_key(device)


def _locked(device: Device) -> Device:
    return Device.objects.select_for_update().select_related("estate").get(pk=device.pk)


@transaction.atomic
def device_secret_rotate(*, device: Device, by) -> tuple[Device, str]:
    """A new secret (shown this once); the old one stops working at once."""
    actor = _actor(by)
    _check_write(actor, device.estate_id)
    device = _locked(device)
    device.secret_nonce = device_secret_nonce()
    device.secret_rotated_at = timezone.now()
    device.save(update_fields=["secret_nonce", "secret_rotated_at"])
    return device, device_signing_key(device)


@transaction.atomic
def device_disable(*, device: Device, by) -> Device:
    """停用: the device's requests are refused from now on; its events stay."""
    actor = _actor(by)
    _check_write(actor, device.estate_id)
    device = _locked(device)
    if not device.active:
        raise Conflict(_("该设备已停用"), code="already_disabled")
    device.active = False
    device.disabled_at, device.disabled_by = timezone.now(), actor.user
    device.save(update_fields=["active", "disabled_at", "disabled_by"])
    return device


@transaction.atomic
def device_enable(*, device: Device, by) -> Device:
    """启用 again, with the same secret (rotate it if it may have leaked)."""
    actor = _actor(by)
    _check_write(actor, device.estate_id)
    device = _locked(device)
    if device.active:
        raise Conflict(_("该设备已启用"), code="already_active")
    device.active = True
    device.disabled_at = device.disabled_by = None
    device.save(update_fields=["active", "disabled_at", "disabled_by"])
    return device


@transaction.atomic
def device_simulated_get_or_create(*, estate: Estate, name: str, kind: str) -> Device:
    """The demo simulator's own device (``wuye simulate_alarms``): a trusted command, not a
    person, so no actor; an existing device of that name is reused as it is."""
    now = timezone.now()
    device, _created = Device.objects.get_or_create(
        estate=estate, name=name,
        defaults={"kind": kind, "location": _("模拟设备"), "secret_rotated_at": now,
                  "created_at": now,
                  "department": DEFAULT_DEPARTMENT.get(kind, DepartmentKind.ENGINEERING)},
    )  # fmt: skip
    return device


# --- Handlers -----------------------------------------------------------------------------------

AlarmHandler = Callable[[DeviceEvent], Case | None]
_HANDLERS: dict[str, AlarmHandler] = {}


def register_alarm_handler(kind_or_event_type: str, handler: AlarmHandler) -> AlarmHandler:
    """Call ``handler(event)`` once for every new alarm (not ``info``) of this event type, or of
    a device of this kind when no handler names the event type. It runs inside the transaction
    that creates the event: the case it returns is linked both ways; an exception rolls the
    whole intake back (the device is told to retry). Registering twice for one key is an
    error, unless it is the same handler."""
    if kind_or_event_type not in {*DeviceKind.values, *EventType.values}:
        raise ValueError(f"not a device kind or event type: {kind_or_event_type!r}")
    if kind_or_event_type in CLEARING_TYPES:
        raise ValueError(f"{kind_or_event_type!r} clears an alarm; it has no handler")
    current = _HANDLERS.get(kind_or_event_type)
    if current is not None and current is not handler:
        raise ValueError(f"an alarm handler is already registered for {kind_or_event_type!r}")
    _HANDLERS[kind_or_event_type] = handler
    return handler


def unregister_alarm_handler(kind_or_event_type: str) -> None:
    _HANDLERS.pop(kind_or_event_type, None)


def alarm_handlers() -> dict[str, AlarmHandler]:
    """The registered handlers by key (a copy)."""
    return dict(_HANDLERS)


def alarm_handler_for(event: DeviceEvent) -> AlarmHandler | None:
    return _HANDLERS.get(event.event_type) or _HANDLERS.get(event.device.kind)


@dataclass(frozen=True)
class DeviceActor(Actor):
    """The monitoring system acting in its estate: what a handler passes to ``case_open``."""

    estate_pk: int = 0

    @property
    def estate_ids(self) -> frozenset[int]:  # type: ignore[override]
        return frozenset({self.estate_pk})


def alarm_actor(event: DeviceEvent) -> DeviceActor:
    return DeviceActor(
        user=None, role=SYSTEM_ROLE, company_id=event.estate.company_id, estate_pk=event.estate_id
    )


class AlarmNotRecorded(Conflict):
    """The handler failed: nothing of the alarm was kept, the device should send it again."""


# --- Intake -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeResult:
    event: DeviceEvent | None
    created: bool  # a new alarm (else a repeat, or a clear)


def _validate(device: Device, values: dict, now: dt.datetime) -> dict:
    errors: dict[str, list[str]] = {}
    event_type = values["event_type"]
    if event_type not in EventType.values:
        errors["event_type"] = [_("事件类型不正确")]
    elif device.kind not in EVENT_TYPE_KINDS.get(event_type, frozenset({device.kind})):
        errors["event_type"] = [_("该类设备不上报此类事件")]
    severity = values["severity"] or DEFAULT_SEVERITY.get(event_type, Severity.WARNING)
    if severity not in Severity.values:
        errors["severity"] = [_("级别应为 info、warning 或 critical")]
    dedup_key = (values["dedup_key"] or "").strip()
    if not dedup_key:
        errors["dedup_key"] = [_("请提供去重标识")]
    occurred_at = values["occurred_at"]
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("请提供带时区的发生时间")]
    elif not DATETIME_MIN_YEAR <= occurred_at.year <= DATETIME_MAX_YEAR:
        errors["occurred_at"] = [_("发生时间不正确")]
    elif occurred_at > now + SIGNATURE_MAX_SKEW:
        errors["occurred_at"] = [_("发生时间不能晚于当前时间")]
    message = (values["message"] or "").strip()
    check_model_text(DeviceEvent, errors, dedup_key=dedup_key, message=message)
    payload = values["payload"] or {}
    if not isinstance(payload, dict):
        errors["payload"] = [_("附加数据应为 JSON 对象")]
    else:
        try:
            check_data_size(payload, field="payload", limit=PAYLOAD_MAX_BYTES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {**values, "severity": severity, "dedup_key": dedup_key, "message": message,
            "payload": payload}  # fmt: skip


def device_event_receive(
    *,
    device: Device,
    event_type: str,
    dedup_key: str,
    occurred_at: dt.datetime | None,
    severity: str = "",
    message: str = "",
    payload: dict | None = None,
) -> IntakeResult:
    """One posted event of an authenticated device (EQUIP-OPS-04/07).

    The same (device, deduplication key) is one event however often it is posted: a repeat is
    counted on it. A new alarm calls its handler once, here, in the transaction that creates it
    (EQUIP-OPS-08); without a handler, or when the handler opens no case, the heads of the
    device's department are told at once. A ``recovered``/``clear`` clears the open event of its
    key. A handler's failure writes nothing (``AlarmNotRecorded``: the device sends it again)."""
    now = timezone.now()
    values = _validate(device, {"event_type": event_type, "dedup_key": dedup_key,
                                "occurred_at": occurred_at, "severity": severity,
                                "message": message, "payload": payload}, now)  # fmt: skip
    if values["event_type"] in CLEARING_TYPES:
        with transaction.atomic():
            _seen(device, now)
            return IntakeResult(_clear_by_device(device, values, now), created=False)
    key = values["dedup_key"]
    uncleared = DeviceEvent.objects.filter(device=device, dedup_key=key).exclude(
        state=EventState.CLEARED
    )
    existing = None
    if device.last_cleared_at is not None and values["occurred_at"] <= device.last_cleared_at:
        # Perhaps a late copy of an alarm cleared since (sent before its clear, or repeated by a
        # device that still reports it): counted on the cleared event, not a new alarm.
        existing = (
            DeviceEvent.objects.filter(device=device, dedup_key=key)
            .filter(~Q(state=EventState.CLEARED) | Q(cleared_at__gte=values["occurred_at"]))
            .order_by(F("cleared_at").asc(nulls_first=True), "-received_at")  # uncleared first
            .first()
        )
    for _attempt in range(3):
        if existing is not None:
            break
        # Who is told if no handler takes it, decided before the insert so that the row is
        # written once (an unhandled alarm costs no second UPDATE).
        notify = values["severity"] != Severity.INFO and not _has_handler(
            values["event_type"], device.kind
        )
        event = None
        try:
            # Get-or-create on the unique constraint of the open events: this block is the
            # transaction itself when the API calls (its first write is the insert), a savepoint
            # inside a caller's transaction. A concurrent post of the same alarm waits for the
            # winner's commit, fails here and counts a repeat on the winner's event; the
            # handler runs once, in the winner's transaction.
            with transaction.atomic():
                event = DeviceEvent.objects.create(
                    estate=device.estate, device=device, received_at=now, last_seen_at=now,
                    notified_at=now if notify else None, **values,
                )  # fmt: skip
                _seen(device, now)
                if notify:
                    _tell_heads(event)
                else:
                    _after_create(event)
            return IntakeResult(event, created=True)
        except IntegrityError:
            if event is not None:
                raise  # not the insert's: something after it
            # The open event exists: count the repeat on it (none: cleared meanwhile, retry).
            if uncleared.update(repeats=F("repeats") + 1, last_seen_at=now):
                _seen(device, now)
                counted = uncleared.first() or (
                    DeviceEvent.objects.filter(device=device, dedup_key=key)
                    .order_by("-received_at")
                    .first()
                )  # cleared in between: the event the repeat was counted on, all the same
                return IntakeResult(counted, created=False)
    if existing is None:
        raise AlarmNotRecorded(_("告警处理失败，未登记，请稍后重发"), code="not_recorded")
    _seen(device, now)
    DeviceEvent.objects.filter(pk=existing.pk).update(repeats=F("repeats") + 1, last_seen_at=now)
    existing.refresh_from_db()
    return IntakeResult(existing, created=False)


def _seen(device: Device, now: dt.datetime) -> None:
    # The device's row as authentication read it: written only when a minute old.
    if device.last_seen_at is not None and device.last_seen_at >= now - LAST_SEEN_EVERY:
        return
    Device.objects.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - LAST_SEEN_EVERY), pk=device.pk
    ).update(last_seen_at=now)
    device.last_seen_at = now


def _has_handler(event_type: str, kind: str) -> bool:
    return event_type in _HANDLERS or kind in _HANDLERS


def _after_create(event: DeviceEvent) -> None:
    if event.severity == Severity.INFO:
        return
    handler = alarm_handler_for(event)
    case = None
    if handler is not None:
        try:
            case = handler(event)
        except Exception as exc:
            log.exception("alarm handler failed for %s %s", event.device.key_id, event.dedup_key)
            raise AlarmNotRecorded(
                _("告警处理失败，未登记，请稍后重发"), code="not_recorded"
            ) from exc
    if case is not None:
        event.case = case
        event.save(update_fields=["case"])
        case.data = {**case.data, "device_event": event.pk, "device": event.device_id}
        case.save(update_fields=["data"])
    else:
        _tell_heads(event)


def _clear_by_device(device: Device, values: dict, now: dt.datetime) -> DeviceEvent | None:
    event = (
        DeviceEvent.objects.select_for_update()
        .filter(device=device, dedup_key=values["dedup_key"])
        .exclude(state=EventState.CLEARED)
        .first()
    )
    if event is None:
        return None  # nothing open under that key: a repeated clear, or one for a lost alarm
    event.state, event.cleared_at, event.cleared_by_device = EventState.CLEARED, now, True
    event.clear_note = values["message"][:500]
    event.save(update_fields=["state", "cleared_at", "cleared_by_device", "clear_note"])
    Device.objects.filter(pk=device.pk).update(last_cleared_at=now)
    return event


def _heads(event: DeviceEvent) -> list:
    estate = event.estate
    # The preference comes along: the message is written in each head's language.
    staff = Staff.objects.filter(company_id=estate.company_id, is_active=True).select_related(
        "user__notify_preference"
    )
    heads = staff.filter(
        role=Role.DEPARTMENT_HEAD, estates=estate, department__kind=event.device.department
    )
    # No head of that department in the estate: the executives, so that somebody is told.
    return [s.user for s in heads] or [s.user for s in staff.filter(role=Role.EXECUTIVE)]


def _tell_heads(event: DeviceEvent) -> None:
    """EQUIP-OPS-08/09: an alarm no handler took goes at once to the department's heads."""
    device = event.device
    local = event.occurred_at.astimezone(ZoneInfo(event.estate.time_zone or "Asia/Shanghai"))
    url = reverse("fieldwork:device_event_detail", args=[event.pk])
    requests = []
    for user in _heads(event):
        with translation.override(recipient_language(user)):
            title = _("设备告警：%(device)s %(type)s") % {
                "device": device.name,
                "type": event.get_event_type_display(),
            }
            body = _(
                "%(device)s（%(location)s）于 %(time)s 报告“%(type)s”（%(severity)s）%(message)s。"
                "尚无人处理，请立即安排。"
            ) % {
                "device": device.name, "location": device.location or event.estate.name,
                "time": f"{local:%Y-%m-%d %H:%M}", "type": event.get_event_type_display(),
                "severity": event.get_severity_display(),
                "message": _("：%(text)s") % {"text": event.message} if event.message else "",
            }  # fmt: skip
        requests.append({"recipient": user, "template": "notice", "estate": event.estate,
                         "context": {"title": title, "body": body}, "url": url,
                         "ref": f"fieldwork.deviceevent:{event.pk}",
                         "idempotency_key": f"device_event:{event.pk}"})  # fmt: skip
    message_enqueue_bulk(requests)
    if event.notified_at is None:
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])


# --- Acknowledge and clear ----------------------------------------------------------------------


def _check_alarm_role(actor: Actor, event: DeviceEvent) -> None:
    _check_estate(actor, event.estate_id)
    if not (actor.is_superuser or actor.role in ALARM_ROLES):
        raise PermissionDenied(_("只有值班、维修、客服人员和管理层可以处理告警"))


def _locked_event(event: DeviceEvent) -> DeviceEvent:
    return DeviceEvent.objects.select_for_update().select_related("device").get(pk=event.pk)


@transaction.atomic
def device_event_acknowledge(*, event: DeviceEvent, by) -> DeviceEvent:
    """确认: somebody has seen the alarm and is on it (who and when are kept)."""
    actor = _actor(by)
    _check_alarm_role(actor, event)
    event = _locked_event(event)
    if event.state == EventState.ACKNOWLEDGED:
        raise Conflict(_("该告警已确认"), code="already_acknowledged")
    if event.state == EventState.CLEARED:
        raise Conflict(_("该告警已解除，无需确认"), code="already_cleared")
    event.state = EventState.ACKNOWLEDGED
    event.acknowledged_at, event.acknowledged_by = timezone.now(), actor.user
    event.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    return event


@transaction.atomic
def device_event_clear(*, event: DeviceEvent, by, note: str = "") -> DeviceEvent:
    """解除 by a person: the alarm is over (the device may also clear it itself)."""
    actor = _actor(by)
    _check_alarm_role(actor, event)
    note = (note or "").strip()
    check_field_text(DeviceEvent, "clear_note", note, key="note")
    event = _locked_event(event)
    if event.state == EventState.CLEARED:
        raise Conflict(_("该告警已解除"), code="already_cleared")
    now = timezone.now()
    event.state, event.cleared_at, event.cleared_by = EventState.CLEARED, now, actor.user
    event.clear_note = note
    fields = ["state", "cleared_at", "cleared_by", "clear_note"]
    if event.acknowledged_at is None:  # clearing it is seeing it
        event.acknowledged_at, event.acknowledged_by = now, actor.user
        fields += ["acknowledged_at", "acknowledged_by"]
    event.save(update_fields=fields)
    Device.objects.filter(pk=event.device_id).update(last_cleared_at=now)
    return event
