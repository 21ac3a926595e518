"""Reads of the monitoring intake: devices and their alarms, scoped to the caller's estates."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from wuye.core.models import Estate
from wuye.core.scoping import Actor, get_or_404, scope_to_estates

from ..models import TaskSpec
from ..models.devices import Device, DeviceEvent, EventState, Severity

# What a device may watch, offered on the device form: records of the estate (app.model).
SUBJECT_MODELS = ("facilities.equipment", "core.publicarea")


def device_list(
    *, actor: Actor, estate_id: int | None = None, kind: str = "", active: bool | None = None,
    q: str = "",
) -> QuerySet[Device]:  # fmt: skip
    devices = scope_to_estates(Device.objects.select_related("estate", "subject_type"), actor)
    if estate_id:
        devices = devices.filter(estate_id=estate_id)
    if kind:
        devices = devices.filter(kind=kind)
    if active is not None:
        devices = devices.filter(active=active)
    if q:
        devices = devices.filter(Q(name__icontains=q) | Q(location__icontains=q) | Q(key_id=q))
    return devices.annotate(maintained=maintained_q()).order_by("estate_id", "kind", "name")


def maintained_q() -> Exists:
    """EQUIP-OPS-12: the monitoring system itself is maintained periodically — an active plan of
    planned work names the device as its subject (the manual gives no interval, so any)."""
    return Exists(
        TaskSpec.objects.filter(
            subject_type=ContentType.objects.get_for_model(Device),
            subject_id=OuterRef("pk"),
            schedule__active=True,
        )
    )


def device_get(*, actor: Actor, pk: int) -> Device:
    """The device if the caller may see it, else 404."""
    return get_or_404(device_list(actor=actor), pk)


def device_event_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    device_id: int | None = None,
    kind: str = "",
    state: str = "",
    severity: str = "",
    event_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    open_only: bool = False,
) -> QuerySet[DeviceEvent]:
    """Alarms, open first, then the most severe, then the latest. ``date_from``/``date_to`` are
    dates of receipt in the server's zone (the estate's, for the pages)."""
    events = scope_to_estates(
        DeviceEvent.objects.select_related(
            "device", "estate", "case", "acknowledged_by__staff", "cleared_by__staff"
        ),
        actor,
    )
    if estate_id:
        events = events.filter(estate_id=estate_id)
    if device_id:
        events = events.filter(device_id=device_id)
    if kind:
        events = events.filter(device__kind=kind)
    if state:
        events = events.filter(state=state)
    if open_only:
        events = events.exclude(state=EventState.CLEARED)
    if severity:
        events = events.filter(severity=severity)
    if event_type:
        events = events.filter(event_type=event_type)
    if date_from:
        events = events.filter(received_at__date__gte=date_from)
    if date_to:
        events = events.filter(received_at__date__lte=date_to)
    return events.annotate(
        state_rank=Case(
            When(state=EventState.OPEN, then=Value(0)),
            When(state=EventState.ACKNOWLEDGED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        severity_rank=Case(
            When(severity=Severity.CRITICAL, then=Value(0)),
            When(severity=Severity.WARNING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("state_rank", "severity_rank", "-last_seen_at", "-id")


def device_event_get(*, actor: Actor, pk: int) -> DeviceEvent:
    """The alarm if the caller may see it, else 404."""
    return get_or_404(device_event_list(actor=actor), pk)


def device_event_counts(*, actor: Actor, estate_id: int) -> dict[str, int]:
    """How many alarms are open, and how many of them critical (the list's header)."""
    events = scope_to_estates(DeviceEvent.objects.filter(estate_id=estate_id), actor).exclude(
        state=EventState.CLEARED
    )
    return {
        "open": events.count(),
        "critical": events.filter(severity=Severity.CRITICAL).count(),
    }


def device_subject_choices(estate: Estate) -> list[tuple[str, str]]:
    """``("<app.model>:<pk>", label)`` of the estate's records a device may watch."""
    choices = []
    for label in SUBJECT_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        verbose = str(model._meta.verbose_name)
        for record in model._default_manager.filter(estate=estate)[:500]:
            choices.append((f"{label}:{record.pk}", f"{verbose} · {record}"))
    return choices


def device_subject_label(device: Device) -> str:
    """The watched record as a line of text ("设备 · DT-1-01 1号客梯"), or ""."""
    if device.subject_type_id is None:
        return ""
    model = ContentType.objects.get_for_id(device.subject_type_id).model_class()
    record: Model | None = (
        model._default_manager.filter(pk=device.subject_id).first() if model else None
    )
    return f"{model._meta.verbose_name} · {record}" if record is not None and model else ""
