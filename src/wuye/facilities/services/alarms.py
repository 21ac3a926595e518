"""Monitoring alarms on equipment (EQUIP-OPS-04/08/09, EQUIP-FAULT-04/10/11): what a device event
from field work's intake becomes when the device watches a piece of the register.

- a trapped-passenger alarm of an elevator opens an emergency fault at once, with the 5-minute
  on-site and 30-minute rescue clocks from the alarm (EQUIP-FAULT-10/11);
- every other alarm is an anomaly on the equipment, with engineering's 10-minute clock
  (EQUIP-OPS-09), once per device event (its dedup key).

An alarm from a device that watches no equipment is left to field work's fallback (the heads of
the device's department are told), and so is one whose equipment is out of service.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from wuye.fieldwork.models import DeviceEvent, DeviceKind, EventType
from wuye.fieldwork.services.devices import alarm_actor, register_alarm_handler
from wuye.workflow.models import Case

from ..choices import AnomalySource, EquipmentCategory
from ..models import Equipment, FaultSeverity, FaultSource
from .anomalies import anomaly_report
from .faults import fault_create


def _equipment(event: DeviceEvent) -> Equipment | None:
    device = event.device
    if device.subject_id is None or device.subject_type_id != (
        ContentType.objects.get_for_model(Equipment).pk
    ):
        return None
    return Equipment.objects.filter(pk=device.subject_id, estate_id=event.estate_id).first()


def equipment_alarm(event: DeviceEvent) -> Case | None:
    """The alarm handler for devices of the register (registered for every monitoring kind)."""
    equipment = _equipment(event)
    if equipment is None:
        return None
    by = alarm_actor(event)
    text = (event.message or event.get_event_type_display())[:200]
    if event.event_type == EventType.TRAPPED and equipment.category == EquipmentCategory.ELEVATOR:
        fault = fault_create(
            equipment=equipment, severity=FaultSeverity.GENERAL, source=FaultSource.MONITORING,
            description=text, by=by, entrapment=True, detected_at=event.occurred_at,
        )  # fmt: skip
        return fault.case
    return anomaly_report(
        equipment=equipment, source=AnomalySource.MONITORING, description=text,
        found_at=event.occurred_at, by=by, dedup=f"device-event:{event.pk}",
        data={"device_event": event.pk, "event_type": event.event_type},
    )  # fmt: skip


def register() -> None:
    """Called once at start-up (facilities' AppConfig.ready)."""
    for kind in DeviceKind.values:
        register_alarm_handler(kind, equipment_alarm)
