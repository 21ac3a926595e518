"""Engineering's board API (工程设备看板): the same figures as the page, for an estate."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from wuye.base.api import READ_ERRORS, ErrorOut, IdParam
from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.core.shortcuts import is_staff

from ..selectors import board as selectors

router = Router(tags=["facilities"])


class BoardClockOut(Schema):
    name: str
    state: str
    due_at: dt.datetime


class BoardAnomalyOut(Schema):
    id: int
    number: str
    equipment: int
    equipment_name: str
    description: str
    found_at: dt.datetime
    clock: BoardClockOut | None


class BoardFaultOut(BoardAnomalyOut):
    severity: str
    entrapment: bool
    status: str


class BoardAlarmOut(Schema):
    id: int
    device: str
    event_type: str
    severity: str
    state: str
    last_seen_at: dt.datetime


class BoardRoundOut(Schema):
    id: int
    route: str
    scheduled_for: dt.datetime
    status: str
    scanned: int
    total: int
    missed_checkpoints: list[str]


class BoardLogOut(Schema):
    equipment: int
    code: str
    name: str
    missing_hours_today: int


class BoardTaskOut(Schema):
    id: int
    plan: str
    kind: str
    subject: str
    status: str
    due_at: dt.datetime
    late: bool


class BoardCertificateOut(Schema):
    id: int
    holder: str
    kind: str
    number: str
    expires_on: dt.date
    expired: bool


class BoardInspectionOut(Schema):
    equipment: int
    code: str
    name: str
    inspection_due_on: dt.date
    overdue: bool


def _block(item_schema):
    class _Block(Schema):
        count: int
        items: list[item_schema]

    _Block.__name__ = f"Board{item_schema.__name__.removeprefix('Board').removesuffix('Out')}Block"
    return _Block


class BoardRoundsBlock(Schema):
    count: int
    done: int
    later: int
    items: list[BoardRoundOut]


class BoardOut(Schema):
    estate: int
    at: dt.datetime
    today: dt.date
    anomalies: _block(BoardAnomalyOut)
    faults: _block(BoardFaultOut)
    alarms: _block(BoardAlarmOut)
    rounds: BoardRoundsBlock
    logs: _block(BoardLogOut)
    planned: _block(BoardTaskOut)
    certificates: _block(BoardCertificateOut)
    inspections: _block(BoardInspectionOut)


def _clock(item) -> dict | None:
    c = item.clock
    return {"name": c.name, "state": c.state, "due_at": c.due_at} if c else None


def _case_item(item) -> dict:
    return {
        "id": item.pk,
        "number": item.case.number,
        "equipment": item.equipment_id,
        "equipment_name": f"{item.equipment.code} {item.equipment.name}",
        "description": item.description,
        "clock": _clock(item),
    }


@router.get("/facilities/board", response={200: BoardOut, **READ_ERRORS, 403: ErrorOut})
def board_get(request: HttpRequest, estate: IdParam) -> dict:
    """Engineering's board of an estate: open anomalies (the 10-minute clock due first) and
    faults with their clocks, open monitoring alarms, today's rounds with their progress and
    missed checkpoints (``items``: those with a missed checkpoint, then those begun and not
    done; ``done`` and ``later`` counted), the equipment logged hourly with the hours missing
    so far today, planned maintenance due this week (late first), certificates expired or
    expiring within 30 days and statutory inspections due. Each block: ``count`` in all and at
    most 20 ``items`` (50 rounds, 100 logs). Staff of the estate only."""
    actor = actor_for(request.auth)
    if not is_staff(actor):
        raise PermissionDenied(_("此页面仅供物业员工使用"))
    estate_obj = get_or_404(scope_to_estates(Estate.objects.all(), actor, field="pk"), estate)
    now = timezone.now()
    b = selectors.board(actor, estate_obj, now)
    return {
        "estate": estate_obj.pk,
        "at": now,
        "today": b["today"],
        "anomalies": {
            "count": b["anomalies"].count,
            "items": [{**_case_item(a), "found_at": a.found_at} for a in b["anomalies"].rows],
        },
        "faults": {
            "count": b["faults"].count,
            "items": [
                {
                    **_case_item(f),
                    "found_at": f.detected_at,
                    "severity": f.severity,
                    "entrapment": f.entrapment,
                    "status": f.case.status,
                }
                for f in b["faults"].rows
            ],
        },
        "alarms": {
            "count": b["alarms"].count,
            "items": [
                {
                    "id": e.pk,
                    "device": e.device.name,
                    "event_type": e.event_type,
                    "severity": e.severity,
                    "state": e.state,
                    "last_seen_at": e.last_seen_at,
                }
                for e in b["alarms"].rows
            ],
        },
        "rounds": {
            "count": b["rounds"].count,
            "done": b["rounds"].done,
            "later": b["rounds"].later,
            "items": [
                {
                    "id": t.pk,
                    "route": t.schedule.spec.route.name,
                    "scheduled_for": t.scheduled_for,
                    "status": t.status,
                    "scanned": t.scanned,
                    "total": t.total,
                    "missed_checkpoints": t.missed_names,
                }
                for t in b["rounds"].rows
            ],
        },
        "logs": {
            "count": b["logs"].count,
            "items": [
                {
                    "equipment": e.pk,
                    "code": e.code,
                    "name": e.name,
                    "missing_hours_today": e.missing_hours,
                }
                for e in b["logs"].rows
            ],
        },
        "planned": {
            "count": b["planned"].count,
            "items": [
                {
                    "id": t.pk,
                    "plan": t.schedule.name,
                    "kind": t.schedule.kind,
                    "subject": t.schedule.spec.subject_name,
                    "status": t.status,
                    "due_at": t.due_at,
                    "late": t.is_late,
                }
                for t in b["planned"].rows
            ],
        },
        "certificates": {
            "count": b["certificates"].count,
            "items": [
                {
                    "id": c.pk,
                    "holder": c.holder_name,
                    "kind": c.kind,
                    "number": c.number,
                    "expires_on": c.expires_on,
                    "expired": c.expired,
                }
                for c in b["certificates"].rows
            ],
        },
        "inspections": {
            "count": b["inspections"].count,
            "items": [
                {
                    "equipment": e.pk,
                    "code": e.code,
                    "name": e.name,
                    "inspection_due_on": e.inspection_due_on,
                    "overdue": e.overdue,
                }
                for e in b["inspections"].rows
            ],
        },
    }
