"""Reads of the equipment register (EQUIP-OPS-01): the scoped list with its filters, one piece as
a user may see it, the statutory-inspection flag, the equipment's history and its status
changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.core.scoping import actor_for, get_or_404, scope_to_estates

from ..choices import AnomalySource
from ..models import (
    Anomaly,
    Equipment,
    EquipmentStatusChange,
    OperationLogEntry,
    OperationParameter,
)
from .logs import default_parameters, readings_text

# A statutory inspection due within this many days is flagged on the list (overdue: red).
INSPECTION_WARNING_DAYS = 30


def equipment_list(
    *,
    actor,
    estate_id: int | None = None,
    category: str = "",
    building_id: int | None = None,
    status: str = "",
    contractor_id: int | None = None,
    inspection_due: bool = False,
    today: dt.date | None = None,
    q: str = "",
) -> QuerySet[Equipment]:
    """The register as the actor may see it (staff of their estates). ``inspection_due``: the
    yearly inspection is overdue or due within 30 days of ``today``."""
    qs = scope_to_estates(Equipment.objects.all(), actor).select_related(
        "estate", "building", "contractor"
    )
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    if category:
        qs = qs.filter(category=category)
    if building_id is not None:
        qs = qs.filter(building_id=building_id)
    if status:
        qs = qs.filter(status=status)
    if contractor_id is not None:
        qs = qs.filter(contractor_id=contractor_id)
    if inspection_due:
        today = today or dt.date.today()
        qs = qs.filter(inspection_due_on__lte=today + dt.timedelta(days=INSPECTION_WARNING_DAYS))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(location__icontains=q))
    return qs.order_by("category", "code", "id")


def equipment_get_for_user(user, pk) -> Equipment:
    """One piece of equipment, or a 404 when it is out of the user's estates."""
    return get_or_404(equipment_list(actor=actor_for(user)), pk)


def equipment_by_qr(user, token: str) -> Equipment:
    """The equipment a QR label names (a 404 for an old, regenerated or foreign label)."""
    qs = equipment_list(actor=actor_for(user)).filter(qr_token=token)
    found = qs.first() if token else None
    if found is None:
        return get_or_404(Equipment.objects.none(), 0)
    return found


def inspection_state(equipment: Equipment, today: dt.date) -> str:
    """ "overdue", "due" (within 30 days) or "" for the list's flag."""
    due = equipment.inspection_due_on
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due" if due <= today + dt.timedelta(days=INSPECTION_WARNING_DAYS) else ""


STATUS_CHANGES_SHOWN = 20


def status_changes(equipment: Equipment, limit: int = STATUS_CHANGES_SHOWN):
    """状态变更记录: the equipment's last status changes, newest first, with their authors."""
    return list(
        EquipmentStatusChange.objects.filter(equipment=equipment)
        .select_related("by__staff", "by__resident")
        .order_by("-at", "-id")[:limit]
    )


# --- History: every record of a piece of equipment, by time ---------------------------------------


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    kind: str  # "log", "anomaly", and whatever later sources add ("service", "fault")
    title: str
    detail: str = ""
    url: str = ""
    alert: bool = False


# The extension point: a source is a function (equipment, limit) -> iterable of HistoryItem,
# newest first. Maintenance services and faults append theirs with ``history_source``.
HISTORY_SOURCES: list[Callable[[Equipment, int], Iterable[HistoryItem]]] = []


def history_source(func: Callable[[Equipment, int], Iterable[HistoryItem]]):
    """Register a source of the equipment's history (a decorator)."""
    if func not in HISTORY_SOURCES:
        HISTORY_SOURCES.append(func)
    return func


def parameter_table_of(equipment: Equipment) -> list[OperationParameter]:
    """Every parameter of the equipment's category (inactive too: old entries name them)."""
    rows = list(
        OperationParameter.objects.filter(
            estate_id=equipment.estate_id, category=equipment.category
        )
    )
    return rows or default_parameters(equipment.estate, equipment.category)


@history_source
def _log_history(equipment: Equipment, limit: int) -> Iterable[HistoryItem]:
    parameters = parameter_table_of(equipment)
    entries = (
        OperationLogEntry.objects.filter(equipment=equipment)
        .select_related("recorded_by__staff")
        .order_by("-recorded_at", "-id")[:limit]
    )
    for e in entries:
        who = getattr(getattr(e.recorded_by, "staff", None), "name", "") or e.recorded_by.username
        title = _("运行记录更正") if e.amends_id else _("运行记录")
        values = readings_text(e.values, parameters)
        yield HistoryItem(e.recorded_at, "log", str(title), f"{who}：{values}", "", e.is_anomaly)


@history_source
def _anomaly_history(equipment: Equipment, limit: int) -> Iterable[HistoryItem]:
    for a in equipment.anomalies.select_related("case").order_by("-found_at", "-id")[:limit]:
        yield HistoryItem(
            a.found_at,
            "anomaly",
            _("设备异常 %(number)s（%(source)s）")
            % {"number": a.case.number, "source": AnomalySource(a.source).label},
            a.description,
            reverse("facilities:anomaly_detail", args=[a.pk]),
            True,
        )


def history(equipment: Equipment, limit: int = 50) -> list[HistoryItem]:
    """The equipment's records from every source, newest first, at most ``limit``."""
    items: list[HistoryItem] = []
    for source in HISTORY_SOURCES:
        items.extend(source(equipment, limit))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


__all__ = [
    "HISTORY_SOURCES",
    "INSPECTION_WARNING_DAYS",
    "STATUS_CHANGES_SHOWN",
    "Anomaly",
    "HistoryItem",
    "equipment_by_qr",
    "equipment_get_for_user",
    "equipment_list",
    "history",
    "history_source",
    "inspection_state",
    "status_changes",
]
