"""Declared processes: states, actions and SLA clocks, as each app writes them in processes.py.

A process mirrors the manual's shape (goal, roles, steps, deadlines). It is plain data, checked
when declared: an unknown state, a state no action reaches, an action nobody may take, or a clock
that can never stop is a ``ProcessError`` at start-up, not a surprise in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CREATED = "created"  # the pseudo-action of opening a case: clocks may start on it
# Events the engine itself writes, with their labels on the timeline.
SYSTEM_ACTIONS = {
    CREATED: _("登记"),
    "sla_warning": _("即将超时提醒"),
    "sla_breached": _("超时升级"),
}


class ProcessError(Exception):
    """A process declaration that cannot work."""


@dataclass(frozen=True)
class State:
    code: str
    label: str | Promise
    terminal: bool = False


@dataclass(frozen=True)
class Action:
    """A step a person takes on a case.

    ``sources``: the states it may be taken from; ``target``: the state it leads to (None: the
    status stays); ``roles``: who may take it (role codes from core.choices.Role); ``requires``:
    keys that must be present and non-empty in the action's data; ``note_required``, ``photos``
    (at least that many attachments) and ``signature`` as the manual asks.
    ``assignee_only``: only the case's assignee (or a superuser) may take it — a technician acts
    on their own orders, not a colleague's.
    ``updates``: keys of the action's data written into the case's data (a reclassification);
    clocks whose ``only_if`` no longer holds are cancelled and the ones that now hold start as
    if the case had always had the new values (from the report time).
    ``SYSTEM`` in ``roles``: the scheduler may take it with no person acting (an auto-close).
    ``rejects``: the action refuses the work handed in by the step that brought the case to its
    source state (an owner's 验收不通过, an executive's 退回重办, a failed re-inspection); see
    ``Clock`` for what that does to the clocks.
    """

    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    requires: tuple[str, ...] = ()
    note_required: bool = False
    photos: int = 0
    signature: bool = False
    assigns: bool = False  # the action sets the case's assignee (dispatch, grab, reassign)
    assignee_optional: bool = False  # with ``assigns``: a person may be named, or none
    assignee_only: bool = False
    updates: tuple[str, ...] = ()
    rejects: bool = False


SYSTEM = "system"  # the role of the scheduler's own actions


@dataclass(frozen=True)
class Clock:
    """An SLA clock: a deadline of the manual with its rule ID.

    It starts on any action in ``start_on`` (``CREATED`` for the case's opening), stops on any
    action in ``stop_on`` or when the case reaches a terminal state, and pauses/resumes on the
    actions named. ``unit`` is a workflow.calendar.TargetUnit value.
    ``escalate_to``: roles notified on warning and breach, in order (the assignee first).

    Rework (DESIGN.md: a deadline is kept when the work is done, and work that is refused was not
    done). A clock is met only when the work it measures is accepted:

    - an action declared ``rejects`` finds the step it refuses (the last one that brought the
      case into the state the rejection is taken from: the completion an owner rejects, the
      submission an executive sends back);
    - every clock that step stopped is reopened with its original start and due times, so a
      repair reported at 10:00, "completed" at 11:00, rejected and truly fixed the next day at
      16:00 shows its 24-hour limit as missed. A reopened clock already escalated stays
      escalated (breached, not escalated again); one that was stopped in time and is now past
      its due is escalated by the next sweep, as if it had never stopped;
    - every clock that step started is withdrawn (state ``cancelled``) and starts again at the
      next such step: a revisit due 24 hours after the repair counts from the accepted repair,
      not the rejected one.

    A reclassification (``Action.updates``) that takes a clock away and back again restores it
    with the escalations it already had: the same breach is never escalated twice.
    """

    key: str
    rule: str
    name: str | Promise
    amount: int
    unit: str
    start_on: tuple[str, ...]
    stop_on: tuple[str, ...]
    pause_on: tuple[str, ...] = ()
    resume_on: tuple[str, ...] = ()
    warn_fraction: float = 0.75
    escalate_to: tuple[str, ...] = ("assignee", "department_head", "executive")
    warn_count: int = 1  # how many of ``escalate_to`` (from the first) are warned before breach
    # The clock runs only for cases whose data has these values (e.g. (("urgency", "emergency"),)).
    only_if: tuple[tuple[str, str], ...] = ()

    def applies_to(self, data: dict) -> bool:
        return all(data.get(key) == value for key, value in self.only_if)


@dataclass(frozen=True)
class Process:
    code: str
    label: str | Promise
    prefix: str
    states: tuple[State, ...]
    initial: str
    actions: tuple[Action, ...]
    clocks: tuple[Clock, ...] = ()
    department: str = ""  # core.choices.DepartmentKind whose head is escalated to
    # Which of its cases a resident may see: a function (actor) -> Q over workflow.Case, or None
    # when residents see none (the attachments and the case API ask it).
    resident_cases: Callable[..., Q] | None = None
    # The domain's own service for an action (dotted path of a function taking the arguments of
    # workflow.services.case_act): its rules, records and messages apply wherever the action is
    # taken — the generic case page and API call it instead of the bare engine.
    service: str = ""
    # The domain's own page of a case: a function (case) -> URL; the generic page redirects there.
    page: Callable[..., str] | None = None
    _actions: dict[str, Action] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._actions.update({a.name: a for a in self.actions})

    @property
    def state_codes(self) -> set[str]:
        return {s.code for s in self.states}

    def state(self, code: str) -> State:
        for s in self.states:
            if s.code == code:
                return s
        raise ProcessError(f"{self.code}: unknown state {code!r}")

    def action(self, name: str) -> Action:
        try:
            return self._actions[name]
        except KeyError:
            raise ProcessError(f"{self.code}: unknown action {name!r}") from None

    def action_label(self, name: str) -> str | Promise:
        if name in SYSTEM_ACTIONS:
            return SYSTEM_ACTIONS[name]
        return self._actions[name].label if name in self._actions else name

    def event_label(self, event) -> str:
        """What a timeline says of an event: its action's label; an escalation names its clock
        ("超时升级：派单时限"), as a case has several."""
        label = self.action_label(event.action)
        key = (event.data or {}).get("clock") if event.action in SYSTEM_ACTIONS else None
        decl = next((c for c in self.clocks if c.key == key), None) if key else None
        if decl is None:
            return label
        return _("%(event)s：%(clock)s") % {"event": label, "clock": decl.name}

    def rejects(self, name: str) -> bool:
        """Whether the action ``name`` refuses the work of the step before it (rework)."""
        action = self._actions.get(name)
        return action is not None and action.rejects

    def state_label(self, code: str) -> str | Promise:
        return next((s.label for s in self.states if s.code == code), code)

    def is_terminal(self, code: str) -> bool:
        return self.state(code).terminal

    def validate(self) -> None:
        from wuye.workflow.choices import TargetUnit

        codes = self.state_codes
        if len(codes) != len(self.states):
            raise ProcessError(f"{self.code}: a state is declared twice")
        if self.initial not in codes:
            raise ProcessError(f"{self.code}: initial state {self.initial!r} is not declared")
        if len(self._actions) != len(self.actions):
            raise ProcessError(f"{self.code}: an action is declared twice")
        for a in self.actions:
            unknown = (set(a.sources) | ({a.target} if a.target else set())) - codes
            if unknown:
                raise ProcessError(f"{self.code}.{a.name}: unknown state(s) {sorted(unknown)}")
            if not a.roles:
                raise ProcessError(f"{self.code}.{a.name}: no role may take this action")
        reachable = {self.initial}
        frontier = [self.initial]
        while frontier:
            here = frontier.pop()
            for a in self.actions:
                if here in a.sources and a.target and a.target not in reachable:
                    reachable.add(a.target)
                    frontier.append(a.target)
        if codes - reachable:
            raise ProcessError(f"{self.code}: unreachable state(s) {sorted(codes - reachable)}")
        names = set(self._actions) | {CREATED}
        for c in self.clocks:
            if c.unit not in TargetUnit.values:
                raise ProcessError(f"{self.code}.{c.key}: unknown unit {c.unit!r}")
            if c.amount <= 0:
                raise ProcessError(f"{self.code}.{c.key}: the target must be positive")
            for group in (c.start_on, c.stop_on, c.pause_on, c.resume_on):
                if set(group) - names:
                    raise ProcessError(
                        f"{self.code}.{c.key}: unknown action(s) {sorted(set(group) - names)}"
                    )
            if not c.start_on:
                raise ProcessError(f"{self.code}.{c.key}: the clock never starts")
            # A clock also stops when the case reaches a terminal state.
            if not c.stop_on and not any(s.terminal for s in self.states if s.code in reachable):
                raise ProcessError(f"{self.code}.{c.key}: the clock can never stop")
            if c.pause_on and not c.resume_on:
                raise ProcessError(f"{self.code}.{c.key}: the clock pauses but never resumes")


_REGISTRY: dict[str, Process] = {}


def register(process: Process) -> Process:
    """Declare a process (called at import of an app's processes.py); validated at once."""
    process.validate()
    if process.code in _REGISTRY and _REGISTRY[process.code] is not process:
        raise ProcessError(f"process {process.code!r} is declared twice")
    _REGISTRY[process.code] = process
    return process


def get_process(code: str) -> Process:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise ProcessError(f"unknown process {code!r}") from None


def processes() -> Iterable[Process]:
    return _REGISTRY.values()
