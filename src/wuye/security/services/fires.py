"""Fires (火灾处理, FIRE-02/08..12, VEHICLE-13): the report with its three required facts, the 119
call, the order department told at once, initial firefighting (or waiting for the brigade when
the fire is large), the guided evacuation along the fire escape routes with the lifts recalled
and the vehicles led out through the fire lanes, and the aftermath record. Every step goes
through the engine (``workflow.services.case_act``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language
from wuye.workflow.models import Case
from wuye.workflow.services import case_act, case_open

from ..choices import EVACUATION_REQUIRED, EvacuationItem, FirefightingMeans, FireSize, Trapped
from ..models import FireIncident
from ..processes import FIRE_INCIDENT, FIRE_REPORTERS

NAME_MAX = 50
INVESTIGATOR_MAX = 100


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def fire_url(fire: FireIncident) -> str:
    from django.urls import reverse

    return reverse("security:fire_detail", args=[fire.pk])


# --- Who hears of a fire (FIRE-08) ---------------------------------------------------------------


def order_department_on_duty(estate: Estate, now: dt.datetime) -> list:
    """The order department's heads of the estate and its guards on duty now (on a shift that
    is running); with no shift on record, every guard of the estate, so nobody is missed."""
    from wuye.fieldwork.models import Shift  # the field-work layer below: its data

    staff = Staff.objects.filter(company_id=estate.company_id, estates=estate, is_active=True)
    heads = staff.filter(role=Role.DEPARTMENT_HEAD, department__kind=DepartmentKind.ORDER)
    on_shift = Shift.objects.filter(estate=estate).filter(
        Q(status="on_duty") | Q(status="planned", starts_at__lte=now, ends_at__gt=now)
    )
    guards = staff.filter(role=Role.GUARD)
    on_duty = guards.filter(pk__in=on_shift.values("staff"))
    chosen = list(heads.select_related("user")) + list(
        (on_duty if on_duty.exists() else guards).select_related("user")
    )
    return list({s.user_id: s.user for s in chosen}.values())


def _tell_order_department(fire: FireIncident, now: dt.datetime) -> int:
    """FIRE-08: inbox and SMS to the order department, in the report's transaction (outbox)."""
    requests = []
    for user in order_department_on_duty(fire.estate, now):
        with translation.override(recipient_language(user)):
            title = _("火警 %(number)s") % {"number": fire.case.number}
            body = _("%(estate)s %(place)s 发生火灾，%(size)s，%(trapped)s。请立即到场处置。") % {
                "estate": fire.estate.name, "place": fire.place,
                "size": FireSize(fire.size).label, "trapped": Trapped(fire.trapped).label,
            }  # fmt: skip
        requests.append(
            {"recipient": user, "template": "notice",
             "context": {"title": str(title), "body": str(body)},
             "channels": [Channel.INBOX, Channel.SMS], "estate": fire.estate,
             "ref": fire.case.number, "url": fire_url(fire),
             "idempotency_key": f"fire:{fire.pk}:reported:{user.pk}"}
        )  # fmt: skip
    return message_enqueue_bulk(requests)


# --- The report (FIRE-08/09) ---------------------------------------------------------------------


def _check_report(
    *, estate: Estate, place: str, size: str, trapped: str, building, trapped_note: str,
    description: str, called_119_by: str, called_119_at, now,
) -> dict[str, list[str]]:  # fmt: skip
    errors: dict[str, list[str]] = {}
    # FIRE-09: the place, the size of the fire and whether anyone is trapped, all three.
    if not place:
        errors["place"] = [_("请说明火灾地点，如 3栋2单元12楼楼道")]
    if size not in FireSize.values:
        errors["size"] = [_("请选择火势大小")]
    if trapped not in Trapped.values:
        errors["trapped"] = [_("请说明有无人员被困")]
    check_model_text(
        FireIncident, errors, place=place, trapped_note=trapped_note, description=description
    )
    if len(called_119_by) > NAME_MAX:
        errors["called_119_by"] = [_("姓名不能超过 %(n)d 个字") % {"n": NAME_MAX}]
    if called_119_at is not None and (timezone.is_naive(called_119_at) or called_119_at > now):
        errors["called_119_at"] = [_("拨打119的时间不能晚于现在")]
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("该楼栋不属于本项目")]
    return errors


@transaction.atomic
def fire_report(
    *,
    estate: Estate,
    place: str,
    size: str,
    trapped: str,
    by,
    building: Building | None = None,
    trapped_note: str = "",
    description: str = "",
    called_119: bool = False,
    called_119_at: dt.datetime | None = None,
    called_119_by: str = "",
    attachments: list | None = None,
) -> FireIncident:
    """Report a fire (火灾报警): its three facts (FIRE-09) and the 119 call (FIRE-08); the case,
    the record and the messages to the order department commit together, or nothing does."""
    actor = _actor(by)
    if not actor.is_superuser:
        if estate.pk not in actor.estate_ids or actor.staff is None:
            raise Http404
        if actor.role not in FIRE_REPORTERS:
            raise PermissionDenied(_("只有本项目的员工可以报告火警"))
    now = timezone.now()
    place, trapped_note = (place or "").strip(), (trapped_note or "").strip()
    description, called_119_by = (description or "").strip(), (called_119_by or "").strip()
    errors = _check_report(
        estate=estate, place=place, size=size, trapped=trapped, building=building,
        trapped_note=trapped_note, description=description, called_119_by=called_119_by,
        called_119_at=called_119_at, now=now,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    called = called_119 or called_119_at is not None
    case = case_open(
        process=FIRE_INCIDENT, estate=estate, title=_("火警：%(place)s") % {"place": place[:80]},
        by=actor, note=description, attachments=attachments,
        data={"place": place, "size": size, "trapped": trapped,
              "called_119": "yes" if called else "no"},
    )  # fmt: skip
    user = _user(actor)
    fire = FireIncident.objects.create(
        case=case, estate=estate, place=place, building=building, size=size, trapped=trapped,
        trapped_note=trapped_note, description=description, reported_at=case.created_at,
        reported_by=user,
        called_119_at=(called_119_at or now) if called else None,
        called_119_by=(called_119_by or (user.get_full_name() or user.username if user else ""))
        if called else "",
    )  # fmt: skip
    _tell_order_department(fire, now)  # FIRE-08
    return fire


# --- The steps (FIRE-10/11/12, VEHICLE-13) -------------------------------------------------------


def _in_scope(actor: Actor, fire: FireIncident) -> None:
    if actor.is_superuser:
        return
    if fire.estate_id not in actor.estate_ids or actor.staff is None:
        raise Http404


def _precheck(actor: Actor, action: str, case: Case) -> None:
    """The engine's role and state checks, before a step writes its own records."""
    decl = FIRE_INCIDENT.action(action)
    if not actor.is_superuser and actor.role not in decl.roles:
        raise PermissionDenied(_("您的角色不能执行“%(action)s”") % {"action": decl.label})
    if case.status not in decl.sources:
        raise Conflict(
            _("当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": FIRE_INCIDENT.state_label(case.status), "action": decl.label},
            code="invalid_state",
        )


def _facilities(raw: Any) -> list[str]:
    """FIRE-10: which fire facilities were used (at least one)."""
    items = raw if isinstance(raw, list | tuple) else [raw] if raw else []
    chosen = list(dict.fromkeys(str(i) for i in items))
    if not chosen or any(i not in FirefightingMeans.values for i in chosen):
        raise ValidationError({"facilities": [_("请选择使用的消防设施，如 灭火器、消防栓")]})
    return chosen


def evacuation_checklist(raw: Any, *, field: str = "checklist") -> dict[str, bool]:
    """FIRE-11 / VEHICLE-13: the evacuation checklist (ticked item codes, or item → bool); the
    escape routes, no lifts, the lifts recalled and the vehicles led out must all be ticked."""
    if isinstance(raw, dict):
        ticked = {str(k) for k, v in raw.items() if v is True or v in ("on", "true", "1", 1)}
    elif isinstance(raw, list | tuple):
        ticked = {str(i) for i in raw}
    else:
        ticked = set()
    unknown = ticked - set(EvacuationItem.values)
    missing = [EvacuationItem(i).label for i in EVACUATION_REQUIRED if i not in ticked]
    if unknown:
        raise ValidationError({field: [_("疏散检查项不正确")]})
    if missing:
        raise ValidationError(
            {field: [_("疏散须确认：%(items)s") % {"items": "；".join(str(m) for m in missing)}]}
        )
    return {item: item in ticked for item in EvacuationItem.values}


def _aftermath(data: dict) -> dict:
    """FIRE-12: the fire department's investigation, the cause, the site cleared, order back."""
    errors: dict[str, list[str]] = {}
    investigated_by = str(data.get("investigated_by") or "").strip()
    cause = str(data.get("cause") or "").strip()
    if not investigated_by:
        errors["investigated_by"] = [_("请填写配合调查的消防部门，如 区消防救援大队")]
    elif len(investigated_by) > INVESTIGATOR_MAX:
        errors["investigated_by"] = [_("不能超过 %(n)d 个字") % {"n": INVESTIGATOR_MAX}]
    if not cause:
        errors["cause"] = [_("请填写火灾原因（以消防部门调查结论为准）")]
    check_model_text(FireIncident, errors, cause=cause)
    for key, message in (
        ("site_cleared", _("现场清理完成后才能结案")),
        ("order_restored", _("秩序恢复后才能结案")),
    ):
        if data.get(key) not in (True, "on", "true", "1", 1):
            errors[key] = [message]
    if errors:
        raise ValidationError(errors)
    return {"investigated_by": investigated_by, "cause": cause, "site_cleared": True,
            "order_restored": True}  # fmt: skip


def _check_step(fire: FireIncident, action: str, data: dict, note: str) -> dict:
    """The rules of one step, before anything is written; returns the event's data."""
    if action == "call_119":
        if fire.called_119_at is not None:
            raise Conflict(_("已记录拨打119"), code="already_called")
        name = str(data.get("by_name") or "").strip()
        if len(name) > NAME_MAX:
            raise ValidationError({"by_name": [_("姓名不能超过 %(n)d 个字") % {"n": NAME_MAX}]})
        return {"by_name": name}
    if action == "fight":
        if fire.size == FireSize.LARGE:  # FIRE-10
            raise Conflict(_("火势较大，须等待消防人员到达，请先组织疏散"), code="large_fire")
        return {"facilities": _facilities(data.get("facilities"))}
    if action == "brigade_arrive" and fire.brigade_arrived_at is not None:
        raise Conflict(_("已记录消防人员到场"), code="already_arrived")
    if action == "upgrade":
        if fire.size == FireSize.LARGE:
            raise Conflict(_("已是“火势较大”"), code="already_large")
        return {"size": FireSize.LARGE}
    if action == "evacuated":
        return {"checklist": evacuation_checklist(data.get("checklist"))}
    if action == "close":
        return _aftermath(data)
    return {}


def _apply(fire: FireIncident, action: str, data: dict, actor: Actor, now) -> list[str]:
    """What a step changes on the fire's record (the case's events are the record)."""
    if action == "call_119":
        user = _user(actor)
        fire.called_119_at = now
        fire.called_119_by = data["by_name"] or (
            (user.get_full_name() or user.username) if user else ""
        )
        return ["called_119_at", "called_119_by"]
    if action == "fight":
        fire.facilities_used = data["facilities"]
        return ["facilities_used"]
    if action == "await_brigade":
        fire.waited_for_brigade = True
        return ["waited_for_brigade"]
    if action == "brigade_arrive":
        fire.brigade_arrived_at = now
        return ["brigade_arrived_at"]
    if action == "upgrade":
        fire.size = FireSize.LARGE
        return ["size"]
    if action == "evacuated":
        fire.evacuation, fire.evacuated_at = data["checklist"], now
        return ["evacuation", "evacuated_at"]
    if action == "close":
        for key in ("investigated_by", "cause", "site_cleared", "order_restored"):
            setattr(fire, key, data[key])
        fire.closed_at = now
        return ["investigated_by", "cause", "site_cleared", "order_restored", "closed_at"]
    return []


@transaction.atomic
def fire_act(
    *,
    fire: FireIncident | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> FireIncident:
    """One step of a fire, with its rules (the engine checks role and state):

    - ``call_119`` (FIRE-08): ``data["by_name"]`` optional; once;
    - ``fight`` (FIRE-10): ``data["facilities"]`` the facilities used; refused for a large fire;
    - ``await_brigade`` / ``brigade_arrive`` (FIRE-10); ``upgrade``: the fire grew large;
    - ``evacuated`` (FIRE-11, VEHICLE-13): ``data["checklist"]`` the ticked items;
    - ``close`` (FIRE-12): ``investigated_by``, ``cause``, ``site_cleared``, ``order_restored``.
    """
    actor = _actor(by)
    pk = fire.pk if isinstance(fire, FireIncident) else fire
    try:
        fire = FireIncident.objects.select_for_update().select_related("estate").get(pk=pk)
    except (FireIncident.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _in_scope(actor, fire)
    _precheck(actor, action, fire.case)
    note = note or ""
    event_data = _check_step(fire, action, dict(data or {}), note)
    now = timezone.now()
    result = case_act(case=fire.case, action=action, by=actor, note=note, data=event_data,
                      attachments=attachments)  # fmt: skip
    fire.case = result.case
    changed = _apply(fire, action, event_data, actor, now)
    if changed:
        fire.save(update_fields=changed)
    return fire


def fire_case_act(*, case: Case, action: str, by, **kwargs) -> FireIncident:
    """The engine's routing (``Process.service``): the generic case page and API take a fire's
    steps through ``fire_act``."""
    kwargs.pop("assignee", None)
    return fire_act(fire=case.fire.pk, action=action, by=by, **kwargs)
