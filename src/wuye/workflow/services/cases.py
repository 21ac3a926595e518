"""Opening a case and acting on it: the role, the inputs and the state checked, the event written,
the clocks moved, the domain's own service routed to."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.core.validators import NOTE_MAX, check_data_size, check_date, check_max_chars

from .. import attachments as attachment_services
from .. import selectors
from ..engine import CREATED, SYSTEM, Action, Process, get_process
from ..models import Attachment, AttachmentKind, Case, Event
from .clocks import _move_clocks, _reconcile_clocks, _rejected_step, _reopen_clocks
from .common import SYSTEM_ROLE, _actor, case_number_next

# --- Opening and acting -----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionResult:
    case: Case
    event: Event


def _check_role(process: Process, action: Action, actor: Actor | None) -> None:
    if actor is None:
        if SYSTEM not in action.roles:
            raise PermissionDenied(_("“%(action)s”须由人执行") % {"action": action.label})
        return
    if actor.is_superuser:
        return
    if actor.role is None or actor.role not in action.roles:
        raise PermissionDenied(_("您的角色不能执行“%(action)s”") % {"action": action.label})


def _check_bounds(note: str, data: dict) -> None:
    """Every action passes here: its note and data are bounded (core.validators: NOTE_MAX
    characters, DATA_MAX_BYTES of UTF-8 JSON), so no one stores megabytes on an immutable event
    for ever. Refused before anything is written."""
    check_max_chars(note=(note, NOTE_MAX, Event._meta.get_field("note").verbose_name))
    check_data_size(data)


def _check_inputs(action: Action, note: str, data: dict, attachments: list[Attachment]) -> None:
    _check_bounds(note, data)
    errors: dict[str, list[str]] = {}
    for key in action.requires:
        if data.get(key) in (None, "", [], {}):
            errors.setdefault(key, []).append(_("此项为必填项"))
    if action.note_required and not note.strip():
        errors.setdefault("note", []).append(_("请填写说明"))
    photos = [a for a in attachments if a.kind == AttachmentKind.PHOTO]
    if len(photos) < action.photos:
        errors.setdefault("photos", []).append(_("请至少上传 %(n)d 张照片") % {"n": action.photos})
    if action.signature and not any(a.kind == AttachmentKind.SIGNATURE for a in attachments):
        errors.setdefault("signature", []).append(_("请签名确认"))
    if errors:
        raise ValidationError(errors)


def _event(case: Case, *, action: str, actor: Actor | None, at: dt.datetime, from_status: str,
           to_status: str, note: str = "", data: dict | None = None) -> Event:  # fmt: skip
    return Event.objects.create(
        case=case,
        action=action,
        actor=actor.user if actor is not None and actor.user is not None else None,
        role=(actor.role or ("superuser" if actor.is_superuser else "")) if actor else SYSTEM_ROLE,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


@transaction.atomic
def case_open(
    *,
    process: Process | str,
    estate: Estate,
    title: str,
    by,
    at: dt.datetime | None = None,
    assignee=None,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Case:
    """Open a case: its number, the initial status, the ``created`` event and starting clocks.

    ``at`` is when the request was received (the report time): clocks whose start point the
    manual does not state start there (DESIGN.md, "start point implied").
    ``attachments`` (Attachment objects, ids or ``{"id": ...}``: photos the reporter uploaded
    first) are bound to the ``created`` event.
    """
    process = get_process(process) if isinstance(process, str) else process
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        from django.http import Http404

        raise Http404
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("受理时间不能晚于当前时间")]})
    check_date(at.date(), field="at", label=_("受理时间"))
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("请填写标题")]})
    _check_bounds(note, data or {})
    files = attachment_services.attachments_resolve(attachments, actor=actor, case=None)
    case = Case.objects.create(
        estate=estate,
        process=process.code,
        number=case_number_next(estate=estate, prefix=process.prefix, at=at),
        title=title[:200],
        status=process.initial,
        assignee=assignee,
        created_by=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        created_at=at,
        updated_at=now,
        data=data or {},
    )
    event_data = dict(data or {})
    if files:
        event_data["attachments"] = attachment_services.attachments_summary(files)
    event = _event(case, action=CREATED, actor=actor, at=at, from_status="",
                   to_status=case.status, note=note, data=event_data)  # fmt: skip
    attachment_services.attachments_bind(files, case=case, event=event)
    _move_clocks(process, case, CREATED, at)
    return case


@transaction.atomic
def case_act(
    *,
    case: Case,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> ActionResult:
    """Take one action on a case: check the role and the state, record the event, move clocks.

    Refused with PermissionDenied (403) when the role may not, Conflict (409) when the state
    does not allow it now, ValidationError (400) when a required input is missing.
    ``attachments``: Attachment objects, ids or ``{"id": ...}`` of photos and signatures the
    actor uploaded (workflow.attachments); they count towards the action's ``photos`` and
    ``signature`` and are bound to its event, once.
    """
    process = get_process(case.process)
    decl = process.action(action)
    actor = None if by is None else _actor(by)  # None: the scheduler (an action open to SYSTEM)
    # Lock the case (NO KEY UPDATE: events inserted by the sweep may still reference it).
    case = Case.objects.select_for_update(no_key=True).select_related("estate").get(pk=case.pk)
    _check_role(process, decl, actor)
    if case.status not in decl.sources:
        raise Conflict(
            _("工单当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": process.state(case.status).label, "action": decl.label},
            code="invalid_state",
        )
    if (
        decl.assignee_only
        and actor is not None
        and not actor.is_superuser
        and case.assignee_id != actor.user.pk
    ):
        raise PermissionDenied(_("只有本工单的处理人可以执行“%(action)s”") % {"action": decl.label})
    data = dict(data or {})
    files = attachment_services.attachments_resolve(attachments, actor=actor, case=case)
    _check_inputs(decl, note, data, files)
    if decl.assigns and (assignee is not None or not decl.assignee_optional):
        if assignee is None:
            raise ValidationError({"assignee": [_("请选择处理人")]})
        if not selectors.assignable_users(case).filter(pk=assignee.pk).exists():
            raise ValidationError({"assignee": [_("处理人须为本项目的在职员工")]})
        case.assignee = assignee
        data["assignee"] = assignee.pk
    elif decl.assigns:
        case.assignee = None  # the department as a whole, nobody in particular
    now = timezone.now()
    before = case.status
    rejected = None
    if decl.rejects:
        history = list(
            case.events.order_by("at", "id").values_list("action", "at", "from_status",
                                                         "to_status")
        )  # fmt: skip
        rejected = _rejected_step(history, before)
    if decl.target:
        case.status = decl.target
    case.updated_at = now
    if process.is_terminal(case.status) and not process.is_terminal(before):
        case.closed_at = now
    updated = {key: data[key] for key in decl.updates if key in data}
    if updated:
        data["previous"] = {key: case.data.get(key) for key in updated}
        case.data = {**case.data, **updated}
    case.save()
    if files:
        data["attachments"] = attachment_services.attachments_summary(files)
    event = _event(case, action=action, actor=actor, at=now, from_status=before,
                   to_status=case.status, note=note, data=data)  # fmt: skip
    attachment_services.attachments_bind(files, case=case, event=event)
    if decl.rejects:
        _reopen_clocks(process, case, rejected, now)
    if updated:
        _reconcile_clocks(process, case)
    _move_clocks(process, case, action, now)
    return ActionResult(case=case, event=event)


def case_act_routed(*, case: Case, action: str, by, **kwargs) -> Case:
    """Take an action through the process's domain service when it declares one (a repair's
    charges, acceptance and messages), else through the engine. Returns the case as it is now."""
    process = get_process(case.process)
    if process.service:
        module, _dot, name = process.service.rpartition(".")
        getattr(importlib.import_module(module), name)(case=case, action=action, by=by, **kwargs)
        return Case.objects.get(pk=case.pk)
    return case_act(case=case, action=action, by=by, **kwargs).case


def allowed_actions(*, case: Case, user) -> list[Action]:
    """The actions this user may take on this case now (the buttons on the case page)."""
    process = get_process(case.process)
    actor = _actor(user)
    return [
        a
        for a in process.actions
        if case.status in a.sources
        and (actor.role in a.roles or (actor.is_superuser and a.roles != {SYSTEM}))
    ]
