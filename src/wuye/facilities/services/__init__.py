"""Every write of facilities (设施设备), one module per topic; what other apps call is re-exported
here: the register's functions for the takeover, which fills it, ``equipment_status_set`` for
the emergencies that take equipment out of service, and ``anomaly_report`` /
``anomaly_mark_fault`` for the monitoring intake, the rounds' follow-ups and the fault process."""

from .anomalies import anomaly_mark_fault, anomaly_report
from .equipment import (
    EQUIPMENT_WRITE_ROLES,
    equipment_create,
    equipment_status_set,
    equipment_update,
    equipment_warranty_set,
)

__all__ = [
    "EQUIPMENT_WRITE_ROLES",
    "anomaly_mark_fault",
    "anomaly_report",
    "equipment_create",
    "equipment_status_set",
    "equipment_update",
    "equipment_warranty_set",
]
