"""Weekly meetings with the developer (INTAKE-12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wuye.handover.models import (
    HandoverProject,
    SuggestionStatus,
    WeeklyMeeting,
)
from wuye.workflow import services as engine

from .common import _actor, _case, _check_member, _local_date, current_case, local_today
from .team import _clean_past_date, _clean_text

# --- Weekly meetings (INTAKE-12) ------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    project: HandoverProject,
    held_on,
    attendees: str,
    minutes: str,
    decisions: str = "",
    open_points: str = "",
    by,
) -> WeeklyMeeting:
    """The weekly meeting with the developer (INTAKE-12): minutes, decisions, open points."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    day = _clean_past_date(project, held_on, "held_on", errors)
    attendees = _clean_text(attendees, "attendees", errors, required=True,
                            label=_("请填写参会人员"))  # fmt: skip
    minutes = _clean_text(minutes, "minutes", errors, required=True, label=_("请填写会议纪要"))
    decisions = _clean_text(decisions, "decisions", errors, required=False)
    open_points = _clean_text(open_points, "open_points", errors, required=False)
    if day is not None and project.meetings.filter(held_on=day).exists():
        errors["held_on"] = [_("%(day)s 已登记过例会") % {"day": day.isoformat()}]
    if errors:
        raise ValidationError(errors)
    note = _("%(day)s 例会纪要：%(minutes)s") % {"day": day.isoformat(), "minutes": minutes}
    if decisions:
        note += "\n" + _("会议决定：%(text)s") % {"text": decisions}
    if open_points:
        note += "\n" + _("待办事项：%(text)s") % {"text": open_points}
    result = engine.case_act(
        case=case, action="meeting", by=actor, note=note, data={"held_on": day.isoformat()}
    )
    try:
        with transaction.atomic():
            return WeeklyMeeting.objects.create(
                project=project, held_on=day, attendees=attendees, minutes=minutes,
                decisions=decisions, open_points=open_points, recorded_by=actor.user,
                recorded_at=result.event.at,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            {"held_on": [_("%(day)s 已登记过例会") % {"day": day.isoformat()}]}
        ) from None


@dataclass(frozen=True)
class MeetingWeeks:
    gaps: list[tuple[dt.date, dt.date]]  # past weeks (Monday, Sunday) without a meeting
    this_week_pending: bool  # the current week has had none yet (not a gap until it ends)


def meeting_weeks(project: HandoverProject, today: dt.date | None = None) -> MeetingWeeks:
    """INTAKE-12: the weeks (Monday to Sunday) of the active stages — from the week the case
    opened to the week it closed, or this week — that had no meeting with the developer."""
    case = current_case(project)
    if case is None:
        return MeetingWeeks(gaps=[], this_week_pending=False)
    today = today or local_today(project)
    start = _local_date(project, case.created_at)
    end = _local_date(project, case.closed_at) if case.closed_at else today
    held = set(project.meetings.values_list("held_on", flat=True))
    monday = start - dt.timedelta(days=start.weekday())
    gaps = []
    pending = False
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        had = any(monday + dt.timedelta(days=i) in held for i in range(7))
        if not had:
            if sunday < today:
                gaps.append((monday, sunday))
            elif case.closed_at is None:
                pending = True
        monday += dt.timedelta(days=7)
    return MeetingWeeks(gaps=gaps, this_week_pending=pending)


def open_points(project: HandoverProject) -> list[dict]:
    """What is still open: suggestions without an answer and the latest meetings' open points."""
    points = [
        {"kind": "suggestion", "text": f"{s.number} {s.title}", "since": s.submitted_at}
        for s in project.suggestions.filter(status=SuggestionStatus.SUBMITTED).order_by(
            "submitted_at"
        )
    ]
    # The latest meeting's list supersedes the earlier ones.
    latest = project.meetings.order_by("-held_on").first()
    if latest is not None:
        for line in latest.open_points.splitlines():
            if line.strip():
                points.append({"kind": "meeting", "text": line.strip(), "since": latest.held_on})
    return points
