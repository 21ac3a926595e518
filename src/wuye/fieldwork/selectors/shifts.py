"""Reads of shifts and handovers (交接班), scoped to what the user may see: staff of the estate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from wuye.core.choices import Role
from wuye.core.scoping import Actor, actor_for, get_or_404, scope_to_estates
from wuye.workflow.attachments import attachments_of_record

from ..models import (
    DutyPost,
    Handover,
    HandoverKind,
    HandoverStatus,
    Shift,
    ShiftMember,
    ShiftStatus,
)


def estate_zone(estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def post_list(
    *, actor: Actor, estate_id: int | None = None, active: bool | None = None
) -> QuerySet[DutyPost]:
    posts = scope_to_estates(DutyPost.objects.select_related("estate"), actor)
    if estate_id is not None:
        posts = posts.filter(estate_id=estate_id)
    if active is not None:
        posts = posts.filter(active=active)
    return posts


def post_get_for_user(user, pk) -> DutyPost:
    return get_or_404(post_list(actor=_actor(user)), pk)


def _members() -> Prefetch:
    return Prefetch("members", queryset=ShiftMember.objects.select_related("staff"))


def shift_list(
    *,
    actor: Actor,
    post_id: int | None = None,
    estate_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: str = "",
    staff_id: int | None = None,
) -> QuerySet[Shift]:
    """Shifts that overlap [start, end), in time order."""
    shifts = scope_to_estates(Shift.objects.select_related("post", "taken_by__staff"), actor)
    if post_id is not None:
        shifts = shifts.filter(post_id=post_id)
    if estate_id is not None:
        shifts = shifts.filter(estate_id=estate_id)
    if start is not None:
        shifts = shifts.filter(ends_at__gt=start)
    if end is not None:
        shifts = shifts.filter(starts_at__lt=end)
    if status:
        shifts = shifts.filter(status=status)
    if staff_id is not None:
        shifts = shifts.filter(members__staff_id=staff_id)
    return shifts.prefetch_related(_members()).order_by("starts_at", "id")


def shift_get_for_user(user, pk) -> Shift:
    return get_or_404(shift_list(actor=_actor(user)), pk)


@dataclass
class MyShifts:
    current: list[Shift] = field(default_factory=list)
    upcoming: list[Shift] = field(default_factory=list)
    to_sign: list[Handover] = field(default_factory=list)


def my_shifts(*, actor: Actor, now: dt.datetime | None = None, upcoming: int = 5) -> MyShifts:
    """我的班次: the shifts I am on duty on, my next shifts, and the handovers waiting for my
    signature as the incoming side."""
    now = now or timezone.now()
    if actor.staff is None:
        return MyShifts()
    mine = shift_list(actor=actor, staff_id=actor.staff.pk).select_related("post__estate")
    current = list(mine.filter(status=ShiftStatus.ON_DUTY))
    later = list(mine.filter(status=ShiftStatus.PLANNED, ends_at__gt=now)[:upcoming])
    return MyShifts(current=current, upcoming=later, to_sign=list(handovers_to_sign(actor=actor)))


def handover_list(
    *,
    actor: Actor,
    post_id: int | None = None,
    estate_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
) -> QuerySet[Handover]:
    """Handovers, newest first; dates are the estate's days of the handover's start."""
    handovers = scope_to_estates(
        Handover.objects.select_related(
            "post__estate",
            "outgoing_shift",
            "incoming_shift",
            "created_by__staff",
            "outgoing_by__staff",
            "incoming_by__staff",
            "refused_by__staff",
        ),
        actor,
    )
    if post_id is not None:
        handovers = handovers.filter(post_id=post_id)
    if estate_id is not None:
        handovers = handovers.filter(estate_id=estate_id)
    zone = timezone.get_current_timezone()
    if post_id is not None:
        post = DutyPost.objects.filter(pk=post_id).select_related("estate").first()
        zone = estate_zone(post.estate) if post is not None else zone
    if date_from is not None:
        handovers = handovers.filter(
            created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        )
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        handovers = handovers.filter(created_at__lt=end)
    if status:
        handovers = handovers.filter(status=status)
    return handovers.order_by("-created_at", "-id")


def handover_get_for_user(user, pk) -> Handover:
    return get_or_404(handover_list(actor=_actor(user)), pk)


def handovers_to_sign(*, actor: Actor) -> QuerySet[Handover]:
    """Handovers whose outgoing side signed and that wait for me: I am on the incoming shift, or
    (a closing handover) I head the post's department."""
    if actor.staff is None:
        return Handover.objects.none()
    on_incoming = Exists(
        ShiftMember.objects.filter(shift=OuterRef("incoming_shift"), staff=actor.staff)
    )
    mine = Q(on_incoming)
    if actor.role == Role.DEPARTMENT_HEAD:
        mine |= Q(kind=HandoverKind.CLOSING, post__department=actor.staff.department.kind)
    return handover_list(actor=actor, status=HandoverStatus.WAITING).filter(mine)


def handover_signatures(handover: Handover) -> dict[str, object]:
    """The two signatures of a handover: ``outgoing`` and ``incoming`` (the attachments bound to
    its record, told apart by who uploaded them)."""
    signatures = [a for a in attachments_of_record(handover.ref) if a.kind == "signature"]
    found: dict[str, object] = {"outgoing": None, "incoming": None}
    for attachment in signatures:
        if attachment.uploaded_by_id == handover.outgoing_by_id and found["outgoing"] is None:
            found["outgoing"] = attachment
        elif attachment.uploaded_by_id == handover.incoming_by_id:
            found["incoming"] = attachment
    return found


@dataclass
class RosterDay:
    day: dt.date
    shifts: list[Shift]


def roster_week(*, actor: Actor, post: DutyPost, monday: dt.date) -> list[RosterDay]:
    """A post's week: each day with the shifts that start on it (in the estate's time)."""
    zone = estate_zone(post.estate)
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=7)
    days = [RosterDay(monday + dt.timedelta(days=n), []) for n in range(7)]
    for shift in shift_list(actor=actor, post_id=post.pk).filter(
        starts_at__gte=start, starts_at__lt=end
    ):
        index = (timezone.localtime(shift.starts_at, zone).date() - monday).days
        days[index].shifts.append(shift)
    return days
