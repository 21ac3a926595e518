"""Every write of the process engine: open a case, act on it, move its clocks, sweep for escalation.

Domain apps declare their processes (engine.py) and call ``case_open`` / ``case_act``; they never
write cases, events or clocks themselves, so every rule about state, role, audit trail and
deadline lives here once.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import NOTE_MAX, check_data_size, check_date, check_max_chars

from . import attachments as attachment_services
from . import calendar, selectors
from .choices import ClockState, EscalationLevel
from .engine import CREATED, SYSTEM, Action, Clock, Process, get_process
from .models import Attachment, AttachmentKind, Case, CaseCounter, Event, SlaClock, SlaTarget


def message_enqueue_bulk(requests: list[dict]) -> int:
    # notify depends on nothing of workflow; imported late so either app loads first.
    from wuye.notify.services import message_enqueue_bulk as enqueue

    return enqueue(requests)


SYSTEM_ROLE = "system"


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


# --- Case numbers -----------------------------------------------------------------------------


def case_number_next(*, estate: Estate, prefix: str, at: dt.datetime) -> str:
    """BX-20261126-0001: per estate, prefix and local date; unique under concurrency.

    The counter row is incremented with one UPDATE, which holds the row lock until the caller's
    transaction ends, so two cases opened at the same moment get consecutive numbers.
    """
    day = at.astimezone(_estate_tz(estate)).date()
    table = CaseCounter._meta.db_table
    last = None
    for _attempt in range(3):
        # One round trip: increment and read back (RETURNING: PostgreSQL, SQLite ≥ 3.35).
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "last" = "last" + 1 '
                'WHERE "estate_id" = %s AND "prefix" = %s AND "day" = %s RETURNING "last"',
                [estate.pk, prefix, connection.ops.adapt_datefield_value(day)],
            )
            row = cursor.fetchone()
        if row is not None:
            last = row[0]
            break
        try:
            with transaction.atomic():
                CaseCounter.objects.create(estate=estate, prefix=prefix, day=day, last=1)
            last = 1
            break
        except IntegrityError:
            continue  # another request created the row first: increment it
    if last is None:
        last = CaseCounter.objects.get(estate=estate, prefix=prefix, day=day).last
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"


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


def clock_target(
    process: Process, clock: Clock, estate: Estate, overrides: dict | None = None
) -> tuple[int, str]:
    """The manual's target, or the estate's override of it (``overrides``: the estate's
    overrides of this process by clock key, when the caller has read them already)."""
    if overrides is None:
        overrides = _overrides(process, estate)
    override = overrides.get(clock.key)
    if override is not None:
        return override.amount, override.unit
    return clock.amount, clock.unit


def _overrides(process: Process, estate: Estate) -> dict:
    return {t.clock: t for t in SlaTarget.objects.filter(estate=estate, process=process.code)}


def _move_clocks(process: Process, case: Case, action_name: str, at: dt.datetime) -> None:
    """Start, pause, resume and stop the case's clocks for an action (or the opening)."""
    existing = {} if action_name == CREATED else {c.key: c for c in case.clocks.all()}
    terminal = process.is_terminal(case.status)
    tz = _estate_tz(case.estate)
    overrides = None
    for decl in process.clocks:
        clock = existing.get(decl.key)
        if (
            (clock is None or clock.state == ClockState.CANCELLED)
            and action_name in decl.start_on
            and not terminal
            and decl.applies_to(case.data)
        ):
            # A new clock, or one withdrawn with the work that started it (rework) starting
            # again from this step.
            if overrides is None:
                overrides = _overrides(process, case.estate)
            amount, unit = clock_target(process, decl, case.estate, overrides)
            due = calendar.due_at(at, amount, unit, tz, estate_id=case.estate_id)
            SlaClock.objects.update_or_create(
                case=case,
                key=decl.key,
                defaults={
                    "rule": decl.rule,
                    "name": str(decl.name),
                    "state": ClockState.RUNNING,
                    "target_amount": amount,
                    "target_unit": unit,
                    "started_at": at,
                    "warn_at": calendar.warning_at(at, due, decl.warn_fraction),
                    "due_at": due,
                    "stopped_at": None,
                    "paused_at": None,
                    "paused_seconds": 0,
                    "escalation_level": EscalationLevel.NONE,
                    "warned_at": None,
                    "breached_at": None,
                },
            )
            continue
        if clock is None or clock.stopped_at is not None:
            continue
        if action_name in decl.stop_on or terminal:
            if clock.state == ClockState.PAUSED:
                clock.paused_seconds += int((at - clock.paused_at).total_seconds())
                clock.paused_at = None
            clock.stopped_at = at
            if clock.state != ClockState.BREACHED:
                clock.state = ClockState.MET if at <= clock.due_at else ClockState.BREACHED
            clock.save()
        elif action_name in decl.pause_on and clock.state == ClockState.RUNNING:
            clock.state = ClockState.PAUSED
            clock.paused_at = at
            clock.save()
        elif action_name in decl.resume_on and clock.state == ClockState.PAUSED:
            # Waiting for the owner does not count: the deadline moves by the time paused.
            paused = at - clock.paused_at
            clock.paused_seconds += int(paused.total_seconds())
            clock.due_at += paused
            clock.warn_at += paused
            clock.paused_at = None
            clock.state = ClockState.RUNNING
            clock.save()


def _rejected_step(history: list[tuple], status: str) -> str | None:
    """The step a rejection taken from ``status`` refuses: the last action (of ``history``, the
    case's earlier events as (action, at, from_status, to_status)) that brought the case into
    ``status``."""
    for name, _at, before, after in reversed(history):
        if after == status and before != status:
            return name
    return None


def _reopen_clocks(process: Process, case: Case, step: str | None, at: dt.datetime) -> None:
    """A rejection refused the work ``step`` handed in (``Clock``: rework): reopen the clocks it
    stopped, keeping their due times; withdraw the ones it started, to start at the next one."""
    if step is None:
        return
    decls = {c.key: c for c in process.clocks}
    for clock in case.clocks.all():
        decl = decls.get(clock.key)
        if decl is None or clock.state == ClockState.CANCELLED:
            continue
        if step in decl.start_on:
            clock.state = ClockState.CANCELLED
            clock.stopped_at = clock.stopped_at or at
            clock.paused_at = None
            clock.save()
        elif step in decl.stop_on and clock.stopped_at is not None:
            clock.stopped_at = None
            # Escalated already: late and told; else counting again, and the sweep escalates
            # it as soon as it is past its warning or due time.
            clock.state = ClockState.BREACHED if clock.breached_at else ClockState.RUNNING
            clock.save()


def _replay(process: Process, decl: Clock, events: list[tuple]) -> tuple:
    """When a clock started and stopped by the case's events (action, at, from, to), with the
    rework rule applied: a rejected stop does not count, a rejected start starts again."""
    start = stop = None
    history: list[tuple] = []
    for event in events:
        name, at, before, _after = event
        if process.rejects(name):
            step = _rejected_step(history, before)
            if step in decl.start_on:
                start = stop = None
            elif step in decl.stop_on:
                stop = None
        if start is None and name in decl.start_on:
            start = at
        elif start is not None and stop is None and name in decl.stop_on:
            stop = at
        history.append(event)
    return start, stop


def _reconcile_clocks(process: Process, case: Case) -> None:
    """After the case's data changed (a reclassification): cancel the clocks that no longer
    apply, and start the ones that now do as if the data had always been so — from their start
    event (the report time for ``created``), stopped at once if their stop event already
    happened. A clock taken away and given back for the same start keeps the escalations it had
    (the same breach is not escalated twice). The timeline keeps what was and when it changed."""
    existing = {c.key: c for c in case.clocks.all()}
    events = list(
        case.events.order_by("at", "id").values_list("action", "at", "from_status", "to_status")
    )
    tz = _estate_tz(case.estate)
    for decl in process.clocks:
        clock = existing.get(decl.key)
        applies = decl.applies_to(case.data)
        if clock is not None and not applies and clock.state != ClockState.CANCELLED:
            clock.state = ClockState.CANCELLED
            clock.stopped_at = clock.stopped_at or timezone.now()
            clock.save()
        elif applies and (clock is None or clock.state == ClockState.CANCELLED):
            start, stop = _replay(process, decl, events)
            if start is None:
                continue  # its start event has not happened: _move_clocks starts it later
            amount, unit = clock_target(process, decl, case.estate)
            due = calendar.due_at(start, amount, unit, tz, estate_id=case.estate_id)
            if stop is None and process.is_terminal(case.status):
                stop = case.closed_at
            kept = clock if clock is not None and clock.started_at == start else None
            escalated = {
                "escalation_level": kept.escalation_level if kept else EscalationLevel.NONE,
                "warned_at": kept.warned_at if kept else None,
                "breached_at": kept.breached_at if kept else None,
            }
            state = ClockState.BREACHED if escalated["breached_at"] else ClockState.RUNNING
            if stop is not None and state != ClockState.BREACHED:
                state = ClockState.MET if stop <= due else ClockState.BREACHED
            SlaClock.objects.update_or_create(
                case=case,
                key=decl.key,
                defaults={
                    "rule": decl.rule,
                    "name": str(decl.name),
                    "state": state,
                    "target_amount": amount,
                    "target_unit": unit,
                    "started_at": start,
                    "warn_at": calendar.warning_at(start, due, decl.warn_fraction),
                    "due_at": due,
                    "stopped_at": stop,
                    "paused_at": None,
                    "paused_seconds": 0,
                    **escalated,
                },
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


# --- Escalation -------------------------------------------------------------------------------


def escalation_recipients(
    case: Case, roles: tuple[str, ...], department: str, memo: dict | None = None
) -> list:
    """The users behind an escalation chain's roles, for this case's estate.

    ``memo`` keeps the staff lookups of one sweep, so 10,000 clocks of one estate cost one query
    per role, not one per clock."""
    memo = {} if memo is None else memo
    users = []
    for role in roles:
        if role == "assignee":
            if case.assignee_id:
                users.append(case.assignee)
            continue
        key = (case.estate_id, role, department)
        if key not in memo:
            staff = Staff.objects.filter(
                company_id=case.estate.company_id, is_active=True, role=role
            )
            if role != Role.EXECUTIVE:  # executives oversee every estate of the company
                staff = staff.filter(estates=case.estate_id)
                if department and role == Role.DEPARTMENT_HEAD:
                    staff = staff.filter(department__kind=department)
            memo[key] = [s.user for s in staff.select_related("user")]
        users.extend(memo[key])
    seen: set[int] = set()
    return [u for u in users if not (u.pk in seen or seen.add(u.pk))]


def _escalation_recipients_of(
    clock: SlaClock, level: int, process: Process, decl: Clock | None, memo: dict
) -> list:
    """Who is told of one clock's escalation: warning → the first of the chain (the assignee,
    or the department head when nobody is assigned); breach → the whole chain."""
    chain = decl.escalate_to if decl else ("assignee", "department_head", "executive")
    roles = chain[: decl.warn_count if decl else 1] if level == EscalationLevel.WARNING else chain
    # The department responsible for this case (a complaint's), else the process's own.
    department = clock.case.data.get("department") or process.department
    recipients = escalation_recipients(clock.case, roles, department, memo)
    if level == EscalationLevel.WARNING and not recipients:
        recipients = escalation_recipients(clock.case, chain[1:2], department, memo)
    return recipients


DIGEST_NUMBERS = 20  # case numbers listed in one digest message; the count says the rest


def _escalation_messages(level: int, by_recipient: dict[int, tuple], now: dt.datetime) -> list:
    """One message per recipient per sweep batch: the case itself when it is one, a digest
    ("N 张工单已超时：…") when it is many, so a head of department is told once, not N times."""
    single = "sla_warning" if level == EscalationLevel.WARNING else "sla_breached"
    messages = []
    for user, clocks in by_recipient.values():
        first = clocks[0]
        estate = first.case.estate
        if len(clocks) == 1:
            due = timezone.localtime(first.due_at, _estate_tz(estate))
            template = single
            context = {
                "number": first.case.number,
                "title": first.case.title,
                "rule": first.rule,
                "clock": first.name,
                "due_at": due.strftime("%Y-%m-%d %H:%M"),
            }
            ref, key = first.case.number, f"sla:{first.pk}:{level}"
        else:
            numbers = [c.case.number for c in clocks[:DIGEST_NUMBERS]]
            more = len(clocks) - len(numbers)
            template = f"{single}_digest"
            context = {
                "count": len(clocks),
                "numbers": "、".join(numbers) + (f" …（+{more}）" if more else ""),
            }
            ref = ""
            # Unique per batch: the batch's clocks are claimed once, so is their digest.
            key = f"sla-digest:{level}:{first.pk}:{len(clocks)}"
        messages.append(
            {
                "recipient": user,
                "template": template,
                "context": context,
                "channels": ["inbox"],
                "estate": estate,
                "ref": ref,
                "idempotency_key": key,
            }
        )
    return messages


def _sweep_rows(claimed, memo: dict) -> list[SimpleNamespace]:
    """The claimed clocks as light rows (values(), not model instances: a sweep reads thousands),
    each with its case, the case's estate and assignee looked up once per batch."""
    rows = list(
        claimed.values(
            "id", "key", "rule", "name", "due_at", "case_id", "case__number", "case__title",
            "case__status", "case__process", "case__estate_id", "case__assignee_id",
            "case__data__department",
        )
    )  # fmt: skip
    estates = memo.setdefault("estates", {})
    missing = {r["case__estate_id"] for r in rows} - estates.keys()
    estates.update(Estate.objects.in_bulk(missing))
    users = memo.setdefault("users", {})
    wanted = {r["case__assignee_id"] for r in rows if r["case__assignee_id"]} - users.keys()
    users.update(get_user_model().objects.in_bulk(wanted))
    return [
        SimpleNamespace(
            pk=r["id"],
            key=r["key"],
            rule=r["rule"],
            name=r["name"],
            due_at=r["due_at"],
            case=SimpleNamespace(
                pk=r["case_id"],
                number=r["case__number"],
                title=r["case__title"],
                status=r["case__status"],
                process=r["case__process"],
                estate_id=r["case__estate_id"],
                estate=estates[r["case__estate_id"]],
                assignee_id=r["case__assignee_id"],
                assignee=users.get(r["case__assignee_id"]),
                data={"department": r["case__data__department"] or ""},
            ),
        )
        for r in rows
    ]


def sla_sweep(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Periodic job: escalate every clock past its warning or breach point, once per level.

    Each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), so any number of
    sweepers can run at once and each clock is taken by one; the level is stamped by a
    conditional UPDATE in the same transaction as its event and notifications, so a crash
    leaves the clock for the next sweep and nothing is escalated twice. Breach is handled before
    warning so a clock found already late is not also warned.
    """
    now = now or timezone.now()
    done = 0
    memo: dict = {}
    levels = [
        (
            EscalationLevel.BREACH,
            Q(state=ClockState.RUNNING, breached_at__isnull=True, due_at__lte=now),
            {
                "state": ClockState.BREACHED,
                "breached_at": now,
                "warned_at": Coalesce("warned_at", now),
                "escalation_level": EscalationLevel.BREACH,
            },
            "sla_breached",
        ),
        (
            EscalationLevel.WARNING,
            Q(state=ClockState.RUNNING, warned_at__isnull=True, warn_at__lte=now),
            {"warned_at": now, "escalation_level": EscalationLevel.WARNING},
            "sla_warning",
        ),
    ]
    for level, due, stamp, action in levels:
        while True:
            with transaction.atomic():
                ids = list(
                    SlaClock.objects.filter(due)
                    .order_by()
                    .select_for_update(skip_locked=True)
                    .values_list("id", flat=True)[:batch]
                )
                if not ids:
                    break
                claimed = SlaClock.objects.filter(due, id__in=ids)
                clocks = _sweep_rows(claimed, memo)
                claimed.filter(id__in=[c.pk for c in clocks]).update(**stamp)
                events = []
                by_recipient: dict[int, tuple] = {}
                for clock in clocks:
                    process = get_process(clock.case.process)
                    decl = next((c for c in process.clocks if c.key == clock.key), None)
                    events.append(
                        Event(
                            case_id=clock.case.pk,
                            action=action,
                            role=SYSTEM_ROLE,
                            at=now,
                            from_status=clock.case.status,
                            to_status=clock.case.status,
                            data={
                                "clock": clock.key,
                                "rule": clock.rule,
                                "due_at": clock.due_at.isoformat(),
                            },
                        )
                    )
                    for user in _escalation_recipients_of(clock, level, process, decl, memo):
                        by_recipient.setdefault(user.pk, (user, []))[1].append(clock)
                Event.objects.bulk_create(events, batch_size=1000)
                message_enqueue_bulk(_escalation_messages(level, by_recipient, now))
                done += len(clocks)
            if len(ids) < batch:
                break
    return done
