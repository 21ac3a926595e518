"""API: today's tasks of a cleaner or gardener (今日任务), completing one with its checklist and
photos, and the start-of-shift protective equipment check (CLEAN-16) — the same services as
the phone pages. Photos are uploaded first through the engine's attachments API."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Note, Text, paginated
from wuye.core.models import Estate, Staff
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates, visible_estates

from ..models import ProtectionCheck
from ..selectors import my_tasks as selectors
from ..selectors import zones as zone_selectors
from ..services.my_tasks import my_task_complete
from ..services.protection import protection_check_record

router = Router(tags=["environment"])


class MyTaskOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    work: str
    place: str
    zone: int | None
    scheduled_for: dt.datetime
    due_at: dt.datetime
    status: str
    group: str
    photos: int
    checklist: int | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.schedule.name

    @staticmethod
    def resolve_work(obj) -> str:
        line = getattr(obj.schedule, "environment_line", None)
        return line.work if line else ""

    @staticmethod
    def resolve_place(obj) -> str:
        return str(getattr(obj, "place", "") or "")

    @staticmethod
    def resolve_zone(obj) -> int | None:
        line = getattr(obj.schedule, "environment_line", None)
        return line.zone_id if line else None

    @staticmethod
    def resolve_photos(obj) -> int:
        spec = getattr(obj.schedule, "spec", None)
        return spec.photos if spec else 0

    @staticmethod
    def resolve_checklist(obj) -> int | None:
        spec = getattr(obj.schedule, "spec", None)
        return spec.checklist_id if spec else None


class MyTaskAnswerIn(Schema):
    item: Id
    value: bool | float | Text | None = None


class MyTaskCompleteIn(Schema):
    answers: list[MyTaskAnswerIn] = Field(default_factory=list, max_length=200)
    photos: list[Text] = Field(default_factory=list, max_length=20)
    note: Note = ""
    signature: Text | None = None


class RecordOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    done_at: dt.datetime
    late: bool


class ProtectionIn(Schema):
    estate: Id
    items: list[Text] = Field(..., max_length=10)
    staff: Id | None = None
    note: Text = Field("", max_length=200)


class ProtectionOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    staff: int = Field(..., alias="staff_id")
    staff_name: str
    on: dt.date
    items: list[str]
    passed: bool
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_staff_name(obj) -> str:
        return obj.staff.name


def _estate(request: HttpRequest, pk: int) -> Estate:
    return get_or_404(visible_estates(actor_for(request.auth)), pk)


@router.get("/environment/my-tasks", response={200: list[MyTaskOut], **READ_ERRORS})
def my_tasks(request: HttpRequest, estate: IdParam, zone: IdParam | None = None):
    """Today's tasks of the caller in time order, each with its group (late/now/later/done)."""
    found = _estate(request, estate)
    place = zone_selectors.zone_get_for_user(request.auth, zone) if zone else None
    day = selectors.my_tasks_today(request.auth, found, zone=place)
    out = []
    for group in ("late", "now", "later", "done"):
        for task in getattr(day, group):
            task.group = group
            out.append(task)
    return out


@router.post(
    "/environment/my-tasks/{int:task_id}/complete", response={201: RecordOut, **WRITE_ERRORS}
)
def my_task_done(request: HttpRequest, task_id: IdParam, payload: MyTaskCompleteIn):
    """Done with the checklist and photos; a cleaner's cleaning task needs today's passed
    protective equipment check first (409 otherwise)."""
    task = selectors.my_task_get(request.auth, task_id)
    record = my_task_complete(
        task=task, by=request.auth, answers=[a.dict() for a in payload.answers],
        photos=payload.photos, note=payload.note, signature=payload.signature,
    )  # fmt: skip
    return Status(201, record)


@router.post("/environment/protection-checks", response={201: ProtectionOut, **WRITE_ERRORS})
def protection_check(request: HttpRequest, payload: ProtectionIn):
    estate = _estate(request, payload.estate)
    staff = (
        get_or_404(Staff.objects.filter(estates=estate), payload.staff) if payload.staff else None
    )
    check = protection_check_record(
        estate=estate, by=request.auth, items=payload.items, staff=staff, note=payload.note
    )
    return Status(201, check)


@router.get("/environment/protection-checks", response={200: list[ProtectionOut], **READ_ERRORS})
@paginated
def protection_check_list(request: HttpRequest, estate: IdParam | None = None,
                          on: dt.date | None = None, passed: bool | None = None):  # fmt: skip
    actor = actor_for(request.auth)
    qs = ProtectionCheck.objects.select_related("staff")
    qs = scope_to_estates(qs, actor) if actor.staff or actor.is_superuser else qs.none()
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if on is not None:
        qs = qs.filter(on=on)
    if passed is not None:
        qs = qs.filter(passed=passed)
    return qs
