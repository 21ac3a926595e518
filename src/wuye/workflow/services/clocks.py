"""The SLA clocks of a case: started, stopped, paused and resumed by its steps, reopened by a
rejection (the rework of a refused step), reconciled after a reclassification."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wuye.core.models import Estate

from .. import calendar
from ..choices import ClockState, EscalationLevel
from ..engine import CREATED, Clock, Process
from ..models import Case, SlaClock, SlaTarget
from .common import _estate_tz


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
