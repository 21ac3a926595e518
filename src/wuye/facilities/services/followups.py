"""How facilities takes part in field work beyond alarms (see ``alarms``):

- a failed check or an out-of-range reading in the checklist of work done on a piece of
  equipment (a service, a preventive check, an inspection) opens an anomaly on that equipment,
  with engineering's 10-minute clock (EQUIP-OPS-08/09), instead of a generic follow-up;
- a handover of an engineering post copies the estate's open anomalies and faults as unfinished
  items (EQUIP-OPS-10: "异常情况、未完成事项").
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind
from wuye.fieldwork.models import TaskSpec
from wuye.fieldwork.processes import answer_summary, generic_followup_open, register_followup
from wuye.fieldwork.services.shifts import register_open_items

from ..choices import AnomalySource
from ..models import Anomaly, Equipment, Fault
from ..processes import ANOMALY_OPEN, EQUIPMENT_FAULT
from .anomalies import anomaly_report

# The kinds of planned work on equipment whose flagged answers become anomalies.
EQUIPMENT_WORK = ("maintenance", "preventive", "inspection", "operation")


def equipment_followup(answer, by):
    """A flagged answer of work on a piece of equipment: an anomaly on it (linked both ways by
    field work); work on anything else: the generic follow-up."""
    record = answer.record
    spec = TaskSpec.objects.filter(schedule_id=record.task.schedule_id).first()
    equipment = None
    if spec is not None and spec.subject_id is not None:
        if spec.subject_type_id == ContentType.objects.get_for_model(Equipment).pk:
            equipment = Equipment.objects.filter(
                pk=spec.subject_id, estate_id=record.estate_id
            ).first()
    if equipment is None:
        return generic_followup_open(answer, by)
    return anomaly_report(
        equipment=equipment, source=AnomalySource.ROUND, description=answer_summary(answer),
        by=by, data={"record": record.pk, "answer": answer.pk},
    )  # fmt: skip


def open_engineering_items(post, at) -> list[dict]:
    """The estate's open anomalies and faults, for an engineering post's handover."""
    items = []
    anomalies = Anomaly.objects.filter(
        estate_id=post.estate_id, case__status__in=ANOMALY_OPEN
    ).select_related("case", "equipment")
    for a in anomalies.order_by("found_at", "id")[:30]:
        items.append({
            "text": _("设备异常 %(number)s：%(equipment)s %(description)s") % {
                "number": a.case.number, "equipment": a.equipment.name,
                "description": a.description[:80]},
            "ref": a.case.number,
            "url": reverse("facilities:anomaly_detail", args=[a.pk]),
        })  # fmt: skip
    terminal = [s.code for s in EQUIPMENT_FAULT.states if s.terminal]
    faults = (
        Fault.objects.filter(estate_id=post.estate_id)
        .exclude(case__status__in=terminal)
        .select_related("case", "equipment")
    )
    for f in faults.order_by("detected_at", "id")[:30]:
        items.append({
            "text": _("设备故障 %(number)s：%(equipment)s（%(status)s）") % {
                "number": f.case.number, "equipment": f.equipment.name,
                "status": EQUIPMENT_FAULT.state_label(f.case.status)},
            "ref": f.case.number,
            "url": reverse("facilities:fault_detail", args=[f.pk]),
        })  # fmt: skip
    return items


def register() -> None:
    """Called once at start-up (facilities' AppConfig.ready)."""
    for kind in EQUIPMENT_WORK:
        register_followup(kind, equipment_followup)
    register_open_items(DepartmentKind.ENGINEERING, open_engineering_items)
