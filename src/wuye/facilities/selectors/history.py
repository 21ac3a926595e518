"""The equipment page's history from the other records of facilities and field work: faults
(EQUIP-FAULT) and the planned work done on it (its services and checks, EQUIP-MAINT-07/13).
Registered with ``history_source`` at start-up (facilities' AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.fieldwork.models import TaskRecord

from ..models import Equipment, Fault, FaultSeverity
from ..processes import EQUIPMENT_FAULT
from .equipment import HistoryItem, history_source


@history_source
def fault_history(equipment: Equipment, limit: int) -> Iterable[HistoryItem]:
    faults = Fault.objects.filter(equipment=equipment).select_related("case")
    for f in faults.order_by("-detected_at", "-id")[:limit]:
        title = _("设备故障 %(number)s（%(severity)s%(trapped)s，%(status)s）") % {
            "number": f.case.number,
            "severity": FaultSeverity(f.severity).label,
            "trapped": _("，困人") if f.entrapment else "",
            "status": EQUIPMENT_FAULT.state_label(f.case.status),
        }
        yield HistoryItem(
            f.detected_at,
            "fault",
            title,
            f.description,
            reverse("facilities:fault_detail", args=[f.pk]),
            True,
        )


@history_source
def work_history(equipment: Equipment, limit: int) -> Iterable[HistoryItem]:
    kind = ContentType.objects.get_for_model(Equipment)
    records = TaskRecord.objects.filter(
        task__schedule__spec__subject_type=kind, task__schedule__spec__subject_id=equipment.pk
    ).order_by("-done_at", "-id")[:limit]
    for r in records:
        yield HistoryItem(
            r.done_at,
            "service",
            _("%(plan)s（%(who)s）") % {"plan": r.schedule_name, "who": r.done_by_name},
            r.note,
            reverse("fieldwork:record_detail", args=[r.pk]),
            r.late,
        )
