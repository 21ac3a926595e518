"""Water and power outages (停水停电, EMERG-OUTAGE-01..13).

- ``outage_plan``: a planned outage, entered at least 48 calendar hours before it starts
  (EMERG-OUTAGE-04, to the minute); its notice — outage time, restoration time and precautions,
  composed from the fields so none can be left out (EMERG-OUTAGE-05) — goes out at once to the
  affected households by SMS, app and the notice board of each building (or the estate's).
- ``outage_report``: a sudden outage (or a planned one told less than 48 hours ahead), the
  households told in the same transaction (EMERG-OUTAGE-06).

Both open the incident (kind ``outage``; the level its scope suggests: Ⅲ from 10 buildings,
EMERG-05; Ⅰ when it covers the whole estate, EMERG-07 — every building of it, ticked one by one
or as "整个小区"; a different level with its reason) and generate the provision tasks under the
plan's steps (``services.outage_provision``: what, and when each is due). The steps follow the
manual's order (EMERG-OUTAGE-03): a step is done when what it waits for is done
(``outage_advance``).

The topic actions (``topic_act``): ``find_cause``, ``call_utility`` (EMERG-OUTAGE-10),
``restore`` (the elevators back in service, the restoration announced to the same households,
the follow-up sample drawn) and ``sample_call`` (EMERG-OUTAGE-11)."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Occupancy, Room, Staff
from wuye.core.scoping import Actor
from wuye.core.validators import check_model_text

from ..choices import IncidentKind, IncidentSource, Level, Party, Utility
from ..models import Followup, Incident, IncidentTask, Outage
from .common import as_actor, in_scope, lock_incident, precheck, record
from .incidents import incident_open
from .outage_provision import (
    STEP_NOTICE,
    STEP_RESTORE,
    cancelled,
    cause_set,
    elevators_release,
    outage_advance,
    provision_tasks,
    require_engineer,
    step_code,
    task_done,
)
from .paging import level_suggest
from .records import (
    RELEASE_BODY_MAX,
    contact_record,
    release_audience,
    release_publish,
    require_desk,
    step_complete,
)

# ``task_done`` and ``cancelled``: the hooks ``incident_act`` calls (``TASK_HOOKS``).
__all__ = [
    "NOTICE_AHEAD",
    "cancelled",
    "outage_advance",
    "outage_plan",
    "outage_report",
    "sample_size_for",
    "task_done",
    "topic_act",
]

NOTICE_AHEAD = dt.timedelta(hours=48)  # EMERG-OUTAGE-04: "提前48小时", calendar hours
# EMERG-OUTAGE-11: the follow-up calls 10 % of the affected households, at least 5, at most all.
SAMPLE_PERCENT = 10
SAMPLE_MIN = 5
WATER_POINT_DEFAULT = "小区门口"
TIME_FORMAT = "%Y-%m-%d %H:%M"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
GUARD_ROLES = frozenset({Role.GUARD})


# --- Checking what is entered -------------------------------------------------------------------


def _pk(value) -> int | None:
    """A row id from a form or a client: a positive integer of at most 18 digits, else None."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return int(text) if text.isdigit() and 0 < len(text) <= 18 and int(text) > 0 else None


def _aware(value, field: str, errors: dict) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        errors[field] = [_("请填写完整的日期和时间")]
        return None
    return value


def _clean_buildings(estate: Estate, buildings, whole_estate: bool, errors: dict) -> list:
    if whole_estate:
        return list(Building.objects.filter(estate=estate).order_by("pk"))
    wanted = set()
    for value in buildings or ():
        pk = _pk(value.pk if isinstance(value, Building) else value)
        if pk is None:
            errors["buildings"] = [_("请选择本项目的楼栋")]
            return []
        wanted.add(pk)
    found = list(Building.objects.filter(estate=estate, pk__in=wanted).order_by("pk"))
    if not wanted:
        errors["buildings"] = [_("请选择停水停电的楼栋，或勾选“整个小区”")]
    elif len(found) != len(wanted):
        errors["buildings"] = [_("请选择本项目的楼栋")]
    return found


def _clean_guard(estate: Estate, utility: str, guard, errors: dict) -> Staff | None:
    """EMERG-OUTAGE-08: a water outage names the guard on duty at the water point."""
    if utility != Utility.WATER:
        return None
    if guard in (None, ""):
        errors["guard"] = [_("停水需安排秩序员值守临时取水点，请选择值守秩序员")]
        return None
    pk = _pk(guard.pk if isinstance(guard, Staff) else guard)
    found = None
    if pk is not None:
        found = Staff.objects.filter(pk=pk, estates=estate, is_active=True,
                                     role__in=GUARD_ROLES).first()  # fmt: skip
    if found is None:
        errors["guard"] = [_("请选择本项目在岗的秩序员")]
    return found


def _households(estate: Estate, buildings: list, whole_estate: bool):
    """The rooms of the scope with someone living there now (the households told)."""
    rooms = Room.objects.filter(estate=estate)
    if not whole_estate:
        rooms = rooms.filter(building__in=buildings)
    current = Occupancy.objects.filter(Occupancy.current_q(), room__in=rooms)
    return rooms.filter(pk__in=current.values("room_id")).order_by("pk")


# --- The notice (EMERG-OUTAGE-05) ----------------------------------------------------------------


def _when(moment: dt.datetime, estate: Estate) -> str:
    from zoneinfo import ZoneInfo

    local = timezone.localtime(moment, ZoneInfo(estate.time_zone or "Asia/Shanghai"))
    return f"{local.strftime(TIME_FORMAT)}（{_(WEEKDAYS[local.weekday()])}）"


def scope_label(outage: Outage) -> str:
    incident = outage.incident
    if incident.whole_estate:
        return _("全小区")
    return "、".join(b.name for b in incident.buildings.order_by("pk"))


def notice_text(outage: Outage) -> tuple[str, str]:
    """The notice's title and body, composed from the outage's fields: the outage time, the
    restoration time and the precautions are always in it (EMERG-OUTAGE-05)."""
    estate = outage.incident.estate
    water = outage.utility == Utility.WATER
    if outage.planned:
        title = _("计划停水通知") if water else _("计划停电通知")
    else:
        title = _("突发停水通知") if water else _("突发停电通知")
    cause = outage.incident.description
    lines = [
        _("尊敬的业主："),
        (_("%(scope)s将停水。") if water else _("%(scope)s将停电。"))
        % {"scope": scope_label(outage)}
        if outage.starts_at > timezone.now()
        else (_("%(scope)s已停水。") if water else _("%(scope)s已停电。"))
        % {"scope": scope_label(outage)},
    ]
    if cause:
        lines.append(_("原因：%(cause)s") % {"cause": cause})
    lines += [
        (_("停水时间：%(at)s") if water else _("停电时间：%(at)s"))
        % {"at": _when(outage.starts_at, estate)},
        _("预计恢复时间：%(at)s") % {"at": _when(outage.expected_end_at, estate)},
        _("注意事项：%(text)s") % {"text": outage.precautions},
        _("如有疑问，请联系客户服务中心。给您带来不便，敬请谅解。"),
    ]
    return title, "\n".join(lines)


def restore_text(outage: Outage) -> tuple[str, str]:
    estate = outage.incident.estate
    water = outage.utility == Utility.WATER
    title = _("恢复供水通知") if water else _("恢复供电通知")
    body = (_("尊敬的业主：%(scope)s已于%(at)s恢复供水。感谢您的理解与配合。") if water
            else _("尊敬的业主：%(scope)s已于%(at)s恢复供电。感谢您的理解与配合。")) % {
        "scope": scope_label(outage), "at": _when(outage.restored_at, estate),
    }  # fmt: skip
    return title, body


# --- Opening ------------------------------------------------------------------------------------


def _open(
    *,
    estate: Estate,
    utility: str,
    planned: bool,
    starts_at,
    expected_end_at,
    precautions: str,
    by,
    buildings=(),
    whole_estate: bool = False,
    guard=None,
    water_point: str = "",
    cause: str = "",
    level: int | None = None,
    level_reason: str = "",
) -> Outage:
    actor = as_actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    require_desk(actor)  # customer service notifies and communicates (EMERG-OUTAGE-02)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if utility not in Utility.values:
        errors["utility"] = [_("请选择停水或停电")]
    starts = _aware(starts_at, "starts_at", errors)
    ends = _aware(expected_end_at, "expected_end_at", errors)
    if starts is None and "starts_at" not in errors:
        errors["starts_at"] = [_("请填写停水停电时间")]
    if ends is None and "expected_end_at" not in errors:
        errors["expected_end_at"] = [_("请填写预计恢复时间")]
    if starts and ends and ends <= starts:
        errors["expected_end_at"] = [_("恢复时间应晚于停水停电时间")]
    # EMERG-OUTAGE-04: a planned outage is told 48 hours ahead; a later one is entered as sudden.
    if planned and starts and starts - now < NOTICE_AHEAD:
        errors["starts_at"] = [
            _("计划停水停电需提前48小时通知业主，距开始不足48小时，请按突发停水停电登记")
        ]
    precautions = (precautions or "").strip()
    water_point = (water_point or "").strip() or WATER_POINT_DEFAULT
    cause = (cause or "").strip()
    if not precautions:
        errors["precautions"] = [_("请填写注意事项，如“请业主提前储水”")]
    check_model_text(Outage, errors, precautions=precautions, cause=cause)
    check_model_text(IncidentTask, errors, place=water_point)
    if "place" in errors:
        errors["water_point"] = errors.pop("place")
    chosen = _clean_buildings(estate, buildings, whole_estate, errors)
    staff = _clean_guard(estate, utility, guard, errors)
    # EMERG-07 "涉及整个小区": every building of the estate is the whole estate, however ticked.
    whole_estate = whole_estate or bool(
        chosen and len(chosen) == Building.objects.filter(estate=estate).count()
    )
    # EMERG-05/07: the level the scope suggests (Ⅰ the whole estate, Ⅲ from 10 buildings), or
    # another one with its reason (checked with the rest, so every error shows at once).
    level_reason = (level_reason or "").strip()
    suggested = level_suggest(IncidentKind.OUTAGE, whole_estate=whole_estate,
                              buildings=len(chosen))  # fmt: skip
    if level is not None and level not in Level.values:
        errors["level"] = [_("请选择响应级别")]
    elif level is not None and level != suggested and not level_reason:
        errors["level_reason"] = [_("与建议级别不同，请说明原因")]
    if errors:
        raise ValidationError(errors)
    households = _households(estate, chosen, whole_estate).count()
    label = Utility(utility).label
    place = _("全小区") if whole_estate else "、".join(b.name for b in chosen)
    if len(place) > 100:
        place = _("%(first)s等 %(n)d 栋楼") % {"first": chosen[0].name, "n": len(chosen)}
    kind_text = _("计划") if planned else _("突发")
    incident = incident_open(
        estate=estate, kind=IncidentKind.OUTAGE, place=place, by=actor,
        source=IncidentSource.PLANNED if planned else IncidentSource.DESK,
        description=cause, buildings=chosen, households=min(households, 100_000),
        whole_estate=whole_estate, level=level, level_reason=level_reason,
        title=f"{kind_text}{label} {place}",
    )  # fmt: skip
    outage = Outage.objects.create(
        incident=incident, utility=utility, planned=planned, starts_at=starts,
        expected_end_at=ends, precautions=precautions, guard=staff,
    )  # fmt: skip
    # EMERG-OUTAGE-04/05/06: the notice at once, to every affected household.
    title, body = notice_text(outage)
    if len(body) > RELEASE_BODY_MAX:
        raise ValidationError(
            {"precautions": [_("注意事项和原因过长，通知正文不能超过 %(n)d 个字")
                             % {"n": RELEASE_BODY_MAX}]}
        )  # fmt: skip
    outage.release = release_publish(incident=incident, title=title, body=body, actor=actor,
                                      now=now)  # fmt: skip
    outage.save(update_fields=["release"])
    if step_code(incident, STEP_NOTICE):
        step_complete(incident=incident, code=STEP_NOTICE, actor=actor, note=title, now=now)
    provision_tasks(outage, actor=actor, now=now, water_point=water_point)
    return outage


@transaction.atomic
def outage_plan(
    *,
    estate: Estate,
    utility: str,
    starts_at: dt.datetime,
    expected_end_at: dt.datetime,
    precautions: str,
    by,
    buildings=(),
    whole_estate: bool = False,
    guard=None,
    water_point: str = "",
    cause: str = "",
    level: int | None = None,
    level_reason: str = "",
) -> Outage:
    """计划停水停电: refused less than 48 hours before its start (EMERG-OUTAGE-04); the notice
    goes out at once (EMERG-OUTAGE-05). ``cause``: what the outage is for (e.g. 二次供水水箱清洗),
    shown in the notice. ``level``: None for the one the scope suggests (EMERG-05/07), another
    with ``level_reason``."""
    return _open(estate=estate, utility=utility, planned=True, starts_at=starts_at,
                 expected_end_at=expected_end_at, precautions=precautions, by=by,
                 buildings=buildings, whole_estate=whole_estate, guard=guard,
                 water_point=water_point, cause=cause, level=level,
                 level_reason=level_reason)  # fmt: skip


@transaction.atomic
def outage_report(
    *,
    estate: Estate,
    utility: str,
    expected_end_at: dt.datetime,
    precautions: str,
    by,
    starts_at: dt.datetime | None = None,
    buildings=(),
    whole_estate: bool = False,
    guard=None,
    water_point: str = "",
    cause: str = "",
    level: int | None = None,
    level_reason: str = "",
) -> Outage:
    """突发停水停电 (or a planned one told less than 48 hours ahead): the households are told in
    the same transaction (EMERG-OUTAGE-06); ``starts_at`` defaults to now. ``level`` as for
    ``outage_plan``."""
    return _open(estate=estate, utility=utility, planned=False,
                 starts_at=starts_at or timezone.now(), expected_end_at=expected_end_at,
                 precautions=precautions, by=by, buildings=buildings,
                 whole_estate=whole_estate, guard=guard, water_point=water_point,
                 cause=cause, level=level, level_reason=level_reason)  # fmt: skip


# --- Topic actions -------------------------------------------------------------------------------


def sample_size_for(households: int) -> int:
    """EMERG-OUTAGE-11: 10 % of the households (rounded up), at least 5, at most all."""
    if households <= 0:
        return 0
    return min(households, max(SAMPLE_MIN, math.ceil(households * SAMPLE_PERCENT / 100)))


def _sample_draw(outage: Outage, *, now: dt.datetime) -> int:
    """Draw the follow-up sample: reproducible (seeded by the outage), so the same outage always
    gives the same households."""
    incident = outage.incident
    rooms = list(_households(incident.estate, list(incident.buildings.all()),
                             incident.whole_estate).values_list("pk", flat=True))  # fmt: skip
    n = sample_size_for(len(rooms))
    chosen = sorted(random.Random(f"outage:{outage.pk}").sample(rooms, n))
    occupants: dict[int, Occupancy] = {}
    for occ in (Occupancy.objects.filter(Occupancy.current_q(), room_id__in=chosen)
                .select_related("resident").order_by("room_id", "relation", "pk")):  # fmt: skip
        occupants.setdefault(occ.room_id, occ)
    Followup.objects.bulk_create(
        Followup(incident=incident, room_id=pk,
                 person=occupants[pk].resident.name[:40] if pk in occupants else "",
                 phone=occupants[pk].resident.mobile[:20] if pk in occupants else "")
        for pk in chosen
    )  # fmt: skip
    outage.sampled_at, outage.sample_size = now, n
    outage.save(update_fields=["sampled_at", "sample_size"])
    return n


def _restore(outage: Outage, *, actor: Actor, note: str, data: dict, now: dt.datetime) -> None:
    incident = outage.incident
    if outage.restored_at is not None:
        raise Conflict(_("已于 %(at)s 恢复供应") % {"at": _when(outage.restored_at,
                                                              incident.estate)},
                       code="already_restored")  # fmt: skip
    restored_at = data.get("restored_at") or now
    if isinstance(restored_at, str):
        restored_at = _parse_moment(restored_at)
    if not isinstance(restored_at, dt.datetime) or timezone.is_naive(restored_at):
        raise ValidationError({"restored_at": [_("请填写完整的恢复时间")]})
    if restored_at > now or restored_at < outage.starts_at:
        raise ValidationError({"restored_at": [_("恢复时间应在停水停电开始之后、当前时间之前")]})
    # The restoration may bring the cause with it, if engineering has not recorded it yet.
    if not outage.cause and data.get("cause"):
        cause_set(outage, str(data["cause"]), actor=actor, now=now)
        outage_advance(outage, actor=actor, now=now)
    step_complete(incident=incident, code=STEP_RESTORE, actor=actor, note=note, now=now,
                  event=False)  # fmt: skip
    outage.restored_at = restored_at
    back = elevators_release(outage, by=actor)  # EMERG-OUTAGE-13
    outage.save(update_fields=["restored_at"])
    record(incident, action="restore", actor=actor, note=note,
           data={"restored_at": restored_at.isoformat(), "elevators": back})  # fmt: skip
    title, body = restore_text(outage)
    # The same households as the notice: the same audience.
    outage.restore_release = release_publish(
        incident=incident, title=title, body=body, actor=actor, now=now,
        audience=release_audience(incident),
    )  # fmt: skip
    outage.save(update_fields=["restore_release"])
    _sample_draw(outage, now=now)
    outage_advance(outage, actor=actor, now=now)


def _parse_moment(text: str):
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _sample_call(outage: Outage, *, actor: Actor, note: str, data: dict, now) -> Followup:
    pk = _pk(data.get("followup"))
    visit = None
    if pk is not None:
        visit = Followup.objects.select_for_update().filter(pk=pk, incident=outage.incident).first()
    if visit is None:
        raise ValidationError({"followup": [_("该户不在本次回访抽样中")]})
    if visit.contacted_at is not None:
        raise Conflict(_("该户已回访"), code="already_called")
    reached = data.get("reached", True)
    if not isinstance(reached, bool):
        raise ValidationError({"reached": [_("请选择是否联系上")]})
    satisfaction = data.get("satisfaction")
    if isinstance(satisfaction, str) and satisfaction.strip().isdigit():
        satisfaction = int(satisfaction)
    errors: dict[str, list[str]] = {}
    if reached:
        if (not isinstance(satisfaction, int) or isinstance(satisfaction, bool)
                or not 1 <= satisfaction <= 5):  # fmt: skip
            errors["satisfaction"] = [_("请选择满意度（1 至 5 分）")]
    else:
        satisfaction = None
    note = (note or "").strip()
    check_model_text(Followup, errors, note=note)
    if errors:
        raise ValidationError(errors)
    visit.contacted_at, visit.by, visit.reached = now, actor.user, reached
    visit.satisfaction, visit.note = satisfaction, note or (_("未接通") if not reached else "")
    visit.save(update_fields=["contacted_at", "by", "reached", "satisfaction", "note"])
    return visit


def _call_utility(outage: Outage, *, actor: Actor, note: str, data: dict, now):
    """EMERG-OUTAGE-10: the utility of this outage called, when and with what reference."""
    party = Party.WATER_UTILITY if outage.utility == Utility.WATER else Party.POWER_UTILITY
    errors: dict[str, list[str]] = {}
    if not str(data.get("reference") or "").strip():
        errors["reference"] = [_("请填写报修单号或回执编号")]
    if not (str(data.get("organisation") or "").strip() or str(data.get("phone") or "").strip()):
        errors["organisation"] = [_("请填写联系的单位或电话")]
    if errors:
        raise ValidationError(errors)
    return contact_record(outage.incident, actor=actor, data={**data, "party": party},
                          note=(note or "").strip(), now=now)  # fmt: skip


@transaction.atomic
def topic_act(*, incident: Incident | int, action: str, by, note: str = "",
              data: dict | None = None, attachments=None) -> Incident:  # fmt: skip
    """The outage's actions (see the module's docstring), each in one transaction."""
    actor = as_actor(by)
    incident = lock_incident(incident)
    in_scope(actor, incident)
    precheck(actor, action, incident)
    outage = Outage.objects.select_for_update().filter(incident=incident).first()
    if outage is None:
        raise Conflict(_("该事件不是停水停电"), code="not_outage")
    outage.incident = incident
    data = dict(data or {})
    note = (note or "").strip()
    now = timezone.now()
    if action == "restore":
        if not note:
            raise ValidationError({"note": [_("请填写恢复情况")]})
        _restore(outage, actor=actor, note=note, data=data, now=now)
    elif action == "find_cause":
        require_engineer(actor, _("记录故障原因"))
        cause_set(outage, str(data.get("cause") or ""), actor=actor, now=now)
        record(incident, action=action, actor=actor, note=note, attachments=attachments,
               data={"cause": outage.cause})  # fmt: skip
        outage_advance(outage, actor=actor, now=now)
    elif action == "call_utility":
        contact = _call_utility(outage, actor=actor, note=note, data=data, now=now)
        record(incident, action=action, actor=actor, note=note,
               data={"contact": contact.pk, "party": contact.party,
                     "reference": contact.reference})  # fmt: skip
    elif action == "sample_call":
        if outage.sampled_at is None:
            raise Conflict(_("恢复供应后才能回访"), code="not_restored")
        visit = _sample_call(outage, actor=actor, note=note, data=data, now=now)
        record(incident, action=action, actor=actor, note=visit.note,
               data={"followup": visit.pk, "reached": visit.reached,
                     "satisfaction": visit.satisfaction})  # fmt: skip
        outage_advance(outage, actor=actor, now=now)
    else:
        raise Conflict(_("请通过相应页面执行该操作"), code="use_topic")
    return incident
