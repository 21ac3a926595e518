"""The guards' API shapes (names prefixed ``Guard``/``Obstruction``/``Incident``/``Patrol`` so
they stay unique across the apps)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from wuye.base.api import Id, Note, Text, When


class PatrolSetupIn(Schema):
    estate: Id
    anchor: dt.date | None = None


class PatrolRoutesOut(Schema):
    checklist: int
    general_route: int
    key_route: int
    general_schedule: int
    key_schedule: int


class PatrolAnomalyIn(Schema):
    estate: Id
    kind: Text = Field(..., max_length=20, description="damage, fire_lane, ebike, suspicious")
    description: Text = Field(..., min_length=1, max_length=500)
    location: Text = Field("", max_length=100)
    checkpoint: Id | None = None
    room: Id | None = None
    public_area: Id | None = None
    police_called_at: When | None = None
    police_ref: Text = Field("", max_length=50)
    attachments: list[Any] = Field(..., max_length=20, description="the photos' ids (one at least)")


class PatrolAnomalyOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    kind: str
    description: str
    location: str
    checkpoint: int | None = Field(None, alias="checkpoint_id")
    found_at: dt.datetime
    reported_by: int = Field(..., alias="reported_by_id")
    case: int = Field(..., alias="case_id")
    number: str
    process: str

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_process(obj) -> str:
        return obj.case.process


class GuardConductIn(Schema):
    badge: bool = False
    uniform: bool = False
    polite: bool = False


class GuardConductOut(Schema):
    id: int
    shift: int = Field(..., alias="shift_id")
    staff: int = Field(..., alias="staff_id")
    badge: bool
    uniform: bool
    polite: bool
    checked_at: dt.datetime


class GuardActionIn(Schema):
    note: Note = ""
    data: dict[str, Any] = Field(default_factory=dict)
    attachments: list[Any] = Field(default_factory=list, max_length=20)


class ObstructionIn(Schema):
    estate: Id
    kind: Text = Field(..., max_length=20, description="fire_lane or ebike")
    location: Text = Field(..., min_length=1, max_length=100)
    description: Text = Field(..., min_length=1, max_length=500)
    room: Id | None = None
    attachments: list[Any] = Field(..., max_length=20, description="the photos' ids (one at least)")


class ObstructionOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    kind: str
    location: str
    description: str
    room: int | None = Field(None, alias="room_id")
    found_at: dt.datetime
    reported_by: int = Field(..., alias="reported_by_id")
    owner_notified_at: dt.datetime | None
    next_recheck_at: dt.datetime | None
    rechecks: int
    cleared_at: dt.datetime | None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status


class IncidentIn(Schema):
    estate: Id
    location: Text = Field(..., min_length=1, max_length=100)
    description: Text = Field(..., min_length=1, max_length=500)
    attachments: list[Any] = Field(..., max_length=20, description="the photos' ids (one at least)")


class IncidentOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    number: str
    status: str
    estate: int = Field(..., alias="estate_id")
    location: str
    description: str
    found_at: dt.datetime
    reported_by: int = Field(..., alias="reported_by_id")
    head_notified_at: dt.datetime | None
    questioned_at: dt.datetime | None
    police_called_at: dt.datetime | None
    police_called_by: int | None = Field(None, alias="police_called_by_id")
    police_ref: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.case.status
