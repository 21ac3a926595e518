"""API of shifts and shift handover (交接班, EQUIP-OPS-10 / GUARD-04): duty posts, shifts and who
is on them, and every step of a handover — open, record, the outgoing signature, the incoming
signature or refusal — through the same services as the pages. Signatures are uploaded first
(``POST /attachments/signature``) and named by id in ``attachments``."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import (
    PDF,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    Id,
    IdParam,
    Note,
    Term,
    Text,
    When,
    file_download,
    paginated,
)
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..documents.shifts import handover_pdf_response
from ..models import DutyPost, Handover, Shift
from ..selectors import shifts as selectors
from ..services import handovers
from ..services import shifts as services

router = Router(tags=["field work"])


# --- Schemas ------------------------------------------------------------------------------------


class PostIn(Schema):
    estate: Id
    name: Text = Field(..., min_length=1, max_length=50)
    department: Text = Field(..., max_length=20, description="DepartmentKind: engineering, order…")
    kind: Text = Field("", max_length=30, description="engineering_duty, monitoring_room, gate…")
    required_certificate: Text = Field("", max_length=30, description="CertificateKind or empty")
    equipment: list[Text] = Field(default_factory=list, max_length=30)
    three_clears: bool = False


class PostOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    name: str
    department: str
    kind: str
    required_certificate: str
    active: bool
    closed_at: dt.datetime | None
    equipment: list[str]
    three_clears: bool


class MemberOut(Schema):
    staff: int = Field(..., alias="staff_id")
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.staff.name


class ShiftOut(Schema):
    id: int
    post: int = Field(..., alias="post_id")
    estate: int = Field(..., alias="estate_id")
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    started_at: dt.datetime | None
    taken_by: int | None = Field(None, alias="taken_by_id")
    ended_at: dt.datetime | None
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class ShiftIn(Schema):
    name: Text = Field("", max_length=30)
    starts_at: When = Field(..., description="without a zone: the estate's local time")
    ends_at: When
    staff: list[Id] = Field(default_factory=list, max_length=20)


class SlotIn(Schema):
    name: Text = Field("", max_length=30)
    start: dt.time
    end: dt.time = Field(..., description="at or before start: the next day (a night shift)")


class ShiftPlanIn(Schema):
    first_day: Day
    last_day: Day
    pattern: list[SlotIn] = Field(..., min_length=1, max_length=6)


class MembersIn(Schema):
    staff: list[Id] = Field(..., min_length=1, max_length=20)


class HandoverOpenIn(Schema):
    closing: bool = Field(False, description="the last shift before the post is closed")
    incoming_shift: Id | None = Field(None, description="default: the post's next shift")


class HandoverRecordIn(Schema):
    operating_status: Note = ""
    anomalies: Note = ""
    articles: Text = Field("", max_length=1000)
    done_items: list[Id] = Field(default_factory=list, max_length=50)
    new_items: list[Text] = Field(default_factory=list, max_length=50)
    equipment: dict[str, bool] | None = Field(
        None, max_length=30, description="GUARD-04: the post's equipment, {name: present}"
    )
    clears: list[Literal["situation", "items", "records"]] | None = Field(
        None, max_length=3, description="GUARD-05: the 三清 the outgoing side confirms"
    )


class SignOutgoingIn(HandoverRecordIn):
    attachments: list[Any] = Field(..., max_length=5, description="the signature's id")


CHECKS_DESCRIPTION = "the codes of the start checks confirmed (GET /shifts/{id}/start-checks)"


class SignIn(Schema):
    attachments: list[Any] = Field(..., max_length=5, description="the signature's id")
    clears: list[Literal["situation", "items", "records"]] | None = Field(
        None, max_length=3, description="GUARD-05: the 三清 the incoming side confirms"
    )
    checks: list[Term] = Field(default_factory=list, max_length=20, description=CHECKS_DESCRIPTION)


class ShiftStartIn(Schema):
    checks: list[Term] = Field(default_factory=list, max_length=20, description=CHECKS_DESCRIPTION)


class StartCheckOut(Schema):
    code: str
    label: str
    help: str


class RefuseIn(Schema):
    reason: Note = Field(..., min_length=1)


class ItemOut(Schema):
    id: int
    position: int
    text: str
    source: str
    ref: str
    url: str
    done: bool
    carried_from: int | None = Field(None, alias="carried_from_id")


class HandoverOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    post: int = Field(..., alias="post_id")
    kind: str
    status: str
    outgoing_shift: int = Field(..., alias="outgoing_shift_id")
    incoming_shift: int | None = Field(None, alias="incoming_shift_id")
    operating_status: str
    anomalies: str
    articles: str
    created_at: dt.datetime
    outgoing_signed_at: dt.datetime | None
    outgoing_by: int | None = Field(None, alias="outgoing_by_id")
    incoming_signed_at: dt.datetime | None
    incoming_by: int | None = Field(None, alias="incoming_by_id")
    refused_at: dt.datetime | None
    refusal_reason: str
    equipment_checks: list[dict[str, Any]]
    outgoing_clears: list[str]
    incoming_clears: list[str]
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class MyShiftsOut(Schema):
    current: list[ShiftOut]
    upcoming: list[ShiftOut]
    to_sign: list[HandoverOut]


# --- Helpers ------------------------------------------------------------------------------------


def _post(request, post_id) -> DutyPost:
    return selectors.post_get_for_user(request.auth, post_id)


def _shift(request, shift_id) -> Shift:
    return selectors.shift_get_for_user(request.auth, shift_id)


def _handover(request, handover_id) -> Handover:
    return selectors.handover_get_for_user(request.auth, handover_id)


def _local(value: dt.datetime, post: DutyPost) -> dt.datetime:
    if timezone.is_naive(value):
        return value.replace(tzinfo=services.estate_zone(post.estate))
    return value


def _handover_out(request, handover: Handover) -> Handover:
    return selectors.handover_get_for_user(request.auth, handover.pk)


# --- Posts and shifts ---------------------------------------------------------------------------


@router.get("/duty-posts", response={200: list[PostOut], **READ_ERRORS})
@paginated
def duty_post_list(request: HttpRequest, estate: IdParam | None = None, active: bool | None = None):
    return selectors.post_list(actor=actor_for(request.auth), estate_id=estate, active=active)


@router.post("/duty-posts", response={201: PostOut, **WRITE_ERRORS})
def duty_post_create(request: HttpRequest, payload: PostIn):
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    post = services.post_create(
        estate=estate,
        name=payload.name,
        department=payload.department,
        kind=payload.kind,
        required_certificate=payload.required_certificate,
        equipment=payload.equipment,
        three_clears=payload.three_clears,
        by=request.auth,
    )
    return Status(201, post)


@router.get("/duty-posts/{int:post_id}", response={200: PostOut, **READ_ERRORS})
def duty_post_detail(request: HttpRequest, post_id: IdParam):
    return _post(request, post_id)


@router.post("/duty-posts/{int:post_id}/shifts", response={201: ShiftOut, **WRITE_ERRORS})
def shift_create(request: HttpRequest, post_id: IdParam, payload: ShiftIn):
    """One shift with the people on it (heads of the post's department)."""
    post = _post(request, post_id)
    shift = services.shift_create(
        post=post,
        starts_at=_local(payload.starts_at, post),
        ends_at=_local(payload.ends_at, post),
        staff=payload.staff,
        name=payload.name,
        by=request.auth,
    )
    return Status(201, _shift(request, shift.pk))


@router.post(
    "/duty-posts/{int:post_id}/shifts/plan", response={200: list[ShiftOut], **WRITE_ERRORS}
)
def shift_plan(request: HttpRequest, post_id: IdParam, payload: ShiftPlanIn):
    """A shift pattern laid over days (at most 62), in the estate's time."""
    post = _post(request, post_id)
    shifts = services.shift_plan(
        post=post,
        first_day=payload.first_day,
        last_day=payload.last_day,
        pattern=[slot.dict() for slot in payload.pattern],
        by=request.auth,
    )
    return list(
        selectors.shift_list(actor=actor_for(request.auth)).filter(pk__in=[s.pk for s in shifts])
    )


@router.get("/shifts", response={200: list[ShiftOut], **READ_ERRORS})
@paginated
def shift_list(
    request: HttpRequest,
    post: IdParam | None = None,
    estate: IdParam | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    status: Term = "",
    staff: IdParam | None = None,
):
    """Shifts overlapping the dates (the estate's days, or the server's without a post)."""
    zone = timezone.get_current_timezone()
    if post is not None:
        zone = services.estate_zone(_post(request, post).estate)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone) if date_from else None
    end = (
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        if date_to
        else None
    )
    return selectors.shift_list(
        actor=actor_for(request.auth),
        post_id=post,
        estate_id=estate,
        start=start,
        end=end,
        status=status,
        staff_id=staff,
    )


@router.get("/shifts/mine", response={200: MyShiftsOut, **READ_ERRORS})
def shift_mine(request: HttpRequest):
    """我的班次: the shifts I am on duty on, my next ones, handovers waiting for my signature."""
    return selectors.my_shifts(actor=actor_for(request.auth))


@router.get("/shifts/{int:shift_id}", response={200: ShiftOut, **READ_ERRORS})
def shift_detail(request: HttpRequest, shift_id: IdParam):
    return _shift(request, shift_id)


@router.post("/shifts/{int:shift_id}/members", response={200: ShiftOut, **WRITE_ERRORS})
def shift_members(request: HttpRequest, shift_id: IdParam, payload: MembersIn):
    """Who is on a shift that has not started (replaces the list)."""
    shift = services.shift_assign(
        shift=_shift(request, shift_id), staff=payload.staff, by=request.auth
    )
    return _shift(request, shift.pk)


@router.get(
    "/shifts/{int:shift_id}/start-checks", response={200: list[StartCheckOut], **READ_ERRORS}
)
def shift_start_checks(request: HttpRequest, shift_id: IdParam):
    """What the caller confirms as they take this shift over, now (by ``start`` or by signing
    a handover): e.g. mask and gloves during a public-health event. Often none."""
    shift = _shift(request, shift_id)
    return services.start_checks(shift, actor_for(request.auth).staff)


@router.post("/shifts/{int:shift_id}/start", response={200: ShiftOut, **WRITE_ERRORS})
def shift_start(request: HttpRequest, shift_id: IdParam, payload: ShiftStartIn):
    """Take over the first shift of a post nobody is on duty at (409 when someone is: the next
    shift starts only by handover); 400 when a start check is not confirmed."""
    shift = services.shift_start(
        shift=_shift(request, shift_id), by=request.auth, checks=payload.checks
    )
    return _shift(request, shift.pk)


@router.post("/shifts/{int:shift_id}/handover", response={200: HandoverOut, **WRITE_ERRORS})
def handover_open(request: HttpRequest, shift_id: IdParam, payload: HandoverOpenIn):
    """Start the handover of my on-duty shift (or get the one under way), with the open items
    carried over and contributed."""
    shift = _shift(request, shift_id)
    incoming = None
    if payload.incoming_shift is not None:
        incoming = _shift(request, payload.incoming_shift)
    handover = handovers.handover_open(
        shift=shift, by=request.auth, incoming_shift=incoming, closing=payload.closing
    )
    return _handover_out(request, handover)


# --- Handovers ----------------------------------------------------------------------------------


@router.get("/handovers", response={200: list[HandoverOut], **READ_ERRORS})
@paginated
def handover_list(
    request: HttpRequest,
    post: IdParam | None = None,
    estate: IdParam | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    status: Term = "",
):
    """A post's handover history, newest first (dates: the estate's days)."""
    return selectors.handover_list(
        actor=actor_for(request.auth),
        post_id=post,
        estate_id=estate,
        date_from=date_from,
        date_to=date_to,
        status=status,
    ).prefetch_related("items")


class HandoverToSignOut(HandoverOut):
    """A handover waiting for the caller's signature (its own name: a second paged list of
    handovers would otherwise share the first one's schema name)."""


@router.get("/handovers/to-sign", response={200: list[HandoverToSignOut], **READ_ERRORS})
@paginated
def handover_to_sign(request: HttpRequest):
    """Handovers waiting for my signature as the incoming side."""
    return selectors.handovers_to_sign(actor=actor_for(request.auth)).prefetch_related("items")


@router.get("/handovers/{int:handover_id}", response={200: HandoverOut, **READ_ERRORS})
def handover_detail(request: HttpRequest, handover_id: IdParam):
    return _handover(request, handover_id)


@router.get(
    "/handovers/{int:handover_id}/record.pdf",
    response=READ_ERRORS,
    openapi_extra=file_download(PDF, description="《交接班记录表》"),
)
def handover_pdf(request: HttpRequest, handover_id: IdParam):
    return handover_pdf_response(_handover(request, handover_id))


@router.post("/handovers/{int:handover_id}/record", response={200: HandoverOut, **WRITE_ERRORS})
def handover_record(request: HttpRequest, handover_id: IdParam, payload: HandoverRecordIn):
    """Save the outgoing person's record so far (a draft only; 409 once signed)."""
    handover = handovers.handover_record(
        handover=_handover(request, handover_id), by=request.auth, **payload.dict()
    )
    return _handover_out(request, handover)


@router.post(
    "/handovers/{int:handover_id}/sign-outgoing", response={200: HandoverOut, **WRITE_ERRORS}
)
def handover_sign_outgoing(request: HttpRequest, handover_id: IdParam, payload: SignOutgoingIn):
    """The outgoing person's record and signature (someone of the outgoing shift, else 403)."""
    content = payload.dict()
    attachments = content.pop("attachments")
    handover = handovers.handover_sign_outgoing(
        handover=_handover(request, handover_id),
        attachments=attachments,
        by=request.auth,
        **content,
    )
    return _handover_out(request, handover)


@router.post(
    "/handovers/{int:handover_id}/sign-incoming", response={200: HandoverOut, **WRITE_ERRORS}
)
def handover_sign_incoming(request: HttpRequest, handover_id: IdParam, payload: SignIn):
    """The incoming person's signature: the outgoing shift ends, the incoming starts. 409 before
    the outgoing signature or once handled; 403 for someone not on the incoming shift."""
    handover = handovers.handover_sign_incoming(
        handover=_handover(request, handover_id),
        attachments=payload.attachments,
        by=request.auth,
        clears=payload.clears,
        checks=payload.checks,
    )
    return _handover_out(request, handover)


@router.post("/handovers/{int:handover_id}/refuse", response={200: HandoverOut, **WRITE_ERRORS})
def handover_refuse(request: HttpRequest, handover_id: IdParam, payload: RefuseIn):
    """The incoming side refuses with a reason; the outgoing stays on duty."""
    handover = handovers.handover_refuse(
        handover=_handover(request, handover_id), reason=payload.reason, by=request.auth
    )
    return _handover_out(request, handover)
