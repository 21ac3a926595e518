"""Fire drills (消防演练, FIRE-13): 1–2 a year per estate — planned (date, scenario, organiser),
started and carried out with participants, photos, a summary and the evacuation checklist; on
1 November the executives hear of every estate without a drill done this year.

A drill carried out is an emergency exercise (ch.7: "an incident marked as an exercise runs the
same plan and produces the same report"): starting it, or recording it if nobody started it,
opens one exercise incident of the fire plan (``wuye.emergency``), linked to the drill."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_model_text
from wuye.emergency.choices import IncidentKind, IncidentStatus
from wuye.emergency.models import Incident
from wuye.emergency.services.incidents import incident_act, incident_open
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language
from wuye.workflow.models import Case
from wuye.workflow.services import allowed_actions, case_act, case_open

from ..models import FireDrill
from ..processes import DRILL_PLANNERS, FIRE_DRILL
from .fires import evacuation_checklist

# FIRE-13: 每年需组织1-2次消防演练.
# FIRE-13: the day of the year the executives hear of estates without a drill done.
FLAG_MONTH, FLAG_DAY = 11, 1
PARTICIPANTS_MAX = 10000


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _zone(estate: Estate):
    from zoneinfo import ZoneInfo

    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _require(actor: Actor, estate: Estate) -> None:
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids or actor.staff is None:
        raise Http404
    if actor.role not in DRILL_PLANNERS:
        raise PermissionDenied(_("只有秩序管理部和管理层可以安排和记录消防演练"))


@transaction.atomic
def drill_plan(
    *, estate: Estate, planned_on: dt.date, scenario: str, organiser: Staff | None, by
) -> FireDrill:
    """Plan a drill (FIRE-13): its date, scenario (e.g. 高层住宅火灾疏散演练) and organiser."""
    actor = _actor(by)
    _require(actor, estate)
    errors: dict[str, list[str]] = {}
    scenario = (scenario or "").strip()
    if not scenario:
        errors["scenario"] = [_("请填写演练科目，如 高层住宅火灾疏散演练")]
    check_model_text(FireDrill, errors, scenario=scenario)
    check_date(planned_on, field="planned_on", label=_("计划日期"), errors=errors)
    if planned_on is None:
        errors.setdefault("planned_on", [_("请选择计划日期")])
    if organiser is None or not organiser.estates.filter(pk=estate.pk).exists():
        errors["organiser"] = [_("请选择本项目的组织人")]
    if errors:
        raise ValidationError(errors)
    case = case_open(
        process=FIRE_DRILL, estate=estate, title=_("消防演练：%(s)s") % {"s": scenario[:80]},
        by=actor, data={"planned_on": planned_on.isoformat()},
    )  # fmt: skip
    return FireDrill.objects.create(
        case=case, estate=estate, planned_on=planned_on, scenario=scenario, organiser=organiser
    )


def _record(drill: FireDrill, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    summary = str(data.get("summary") or "").strip()
    participants = str(data.get("participants") or "").strip()
    try:
        count = int(data.get("participant_count"))
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= PARTICIPANTS_MAX:
        errors["participant_count"] = [_("请填写参与人数")]
    if not participants:
        errors["participants"] = [_("请填写参与人员名单")]
    if not summary:
        errors["summary"] = [_("请填写演练总结")]
    check_model_text(FireDrill, errors, summary=summary, participants=participants)
    held_on = data.get("held_on")
    if isinstance(held_on, str):
        try:
            held_on = dt.date.fromisoformat(held_on)
        except ValueError:
            held_on = None
    today = timezone.localdate(timezone=_zone(drill.estate))
    held_on = held_on or today
    if not isinstance(held_on, dt.date) or held_on > today:
        errors["held_on"] = [_("演练日期不能晚于今天")]
    try:
        checklist = evacuation_checklist(data.get("checklist"))
    except ValidationError as error:
        errors.update(error.message_dict)
        checklist = {}
    if errors:
        raise ValidationError(errors)
    return {"held_on": held_on.isoformat(), "participant_count": count,
            "participants": participants, "summary": summary, "checklist": checklist}  # fmt: skip


@transaction.atomic
def drill_act(
    *,
    drill: FireDrill | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> FireDrill:
    """One step of a drill: ``start`` (the exercise incident opens; once), ``record`` (FIRE-13:
    ``data`` held_on, participant_count, participants, summary, checklist; photos; the exercise
    opens if nobody started it), ``cancel`` (with its reason; a started exercise is cancelled
    with it), ``comment``."""
    actor = _actor(by)
    pk = drill.pk if isinstance(drill, FireDrill) else drill
    try:
        drill = FireDrill.objects.select_for_update().select_related("estate").get(pk=pk)
    except (FireDrill.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not actor.is_superuser and (drill.estate_id not in actor.estate_ids or actor.staff is None):
        raise Http404
    if action == "start" and drill.incident_id is not None and _may(actor, drill, action):
        return drill  # FIRE-13: started once; starting again opens no second exercise
    event_data = _record(drill, dict(data or {})) if action == "record" else {}
    result = case_act(case=drill.case, action=action, by=actor, note=note or "",
                      data=event_data, attachments=attachments)  # fmt: skip
    drill.case = result.case
    if action in ("start", "record"):
        _exercise_open(drill, actor)
    elif action == "cancel":
        _exercise_cancel(drill, actor, note)
    if action == "record":
        drill.held_on = dt.date.fromisoformat(event_data["held_on"])
        drill.participant_count = event_data["participant_count"]
        drill.participants = event_data["participants"]
        drill.summary = event_data["summary"]
        drill.evacuation = event_data["checklist"]
        drill.recorded_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
        drill.save(update_fields=["held_on", "participant_count", "participants", "summary",
                                  "evacuation", "recorded_by"])  # fmt: skip
    return drill


def _may(actor: Actor, drill: FireDrill, action: str) -> bool:
    return action in {a.name for a in allowed_actions(case=drill.case, user=actor.user)}


def _exercise_open(drill: FireDrill, actor: Actor) -> None:
    """FIRE-13 + ch.7: the drill's exercise incident of the fire plan, once per drill. It pages
    as every exercise does (``emergency.services.paging``): the groups its level calls for,
    each message marked 【演练】, nobody outside the groups; no scope is given, so the level is
    the smallest (Ⅳ) and no resident is paged or told."""
    if drill.incident_id is not None:
        return
    place_max = Incident._meta.get_field("place").max_length
    drill.incident = incident_open(
        estate=drill.estate, kind=IncidentKind.FIRE, exercise=True, by=actor,
        place=drill.scenario[:place_max], title=drill.case.title,
        description=_("消防演练 %(number)s：%(scenario)s") % {
            "number": drill.case.number, "scenario": drill.scenario},
    )  # fmt: skip
    drill.save(update_fields=["incident"])


def _exercise_cancel(drill: FireDrill, actor: Actor, note: str) -> None:
    """A drill cancelled after it started cancels its exercise, which must still be running."""
    if drill.incident_id is None:
        return
    status = drill.incident.case.status
    if status == IncidentStatus.CANCELLED:
        return
    if status != IncidentStatus.ACTIVE:
        raise Conflict(_("演练已处置结束，请记录演练，不能取消"), code="exercise_ended")
    try:
        incident_act(incident=drill.incident_id, action="cancel", by=actor, note=note)
    except PermissionDenied:
        raise Conflict(
            _("演练已开始，只有部门负责人和企业高层可以取消"), code="exercise_started"
        ) from None


def drill_case_act(*, case: Case, action: str, by, **kwargs) -> FireDrill:
    """The engine's routing: the generic case page and API take a drill's steps here."""
    kwargs.pop("assignee", None)
    return drill_act(drill=case.drill.pk, action=action, by=by, **kwargs)


# --- The yearly flag (FIRE-13) -------------------------------------------------------------------


def drills_done_in(estate_id: int, year: int) -> int:
    return FireDrill.objects.filter(
        estate_id=estate_id, case__status="done", held_on__year=year
    ).count()


def drill_flag_missing(*, now: dt.datetime | None = None) -> int:
    """FIRE-13: from 1 November (the estate's local date), each estate without a drill done this
    year is flagged to the company's executives (inbox), once per estate and year (the
    messages' idempotency keys); run as often as the scheduler likes. Returns the messages
    offered."""
    now = now or timezone.now()
    offered = 0
    for estate in Estate.objects.select_related("company").order_by("pk"):
        today = timezone.localtime(now, _zone(estate)).date()
        if (today.month, today.day) < (FLAG_MONTH, FLAG_DAY):
            continue
        if drills_done_in(estate.pk, today.year):
            continue
        executives = Staff.objects.filter(
            company_id=estate.company_id, role=Role.EXECUTIVE, is_active=True
        ).select_related("user")
        with transaction.atomic():
            offered += message_enqueue_bulk(_flag(s.user, estate, today.year) for s in executives)
    return offered


def _flag(user: Any, estate: Estate, year: int) -> dict:
    from django.urls import reverse

    with translation.override(recipient_language(user)):
        title = _("%(estate)s %(year)d 年尚未进行消防演练") % {"estate": estate.name, "year": year}
        body = _("每年需组织1-2次消防演练，%(estate)s 今年还没有完成的演练，请尽快安排。") % {
            "estate": estate.name
        }
    return {"recipient": user, "template": "notice",
            "context": {"title": str(title), "body": str(body)}, "channels": [Channel.INBOX],
            "estate": estate, "ref": f"{estate.code}-{year}",
            "url": reverse("security:drill_list"),
            "idempotency_key": f"fire_drill_missing:{estate.pk}:{year}"}  # fmt: skip
