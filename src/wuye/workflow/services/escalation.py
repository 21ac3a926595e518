"""Escalation: the sweep that warns before a deadline and escalates a breach along the chain, once
per clock and level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from wuye.core.choices import Role
from wuye.core.models import Estate, Staff

from ..choices import ClockState, EscalationLevel
from ..engine import Clock, Process, get_process
from ..models import Case, Event, SlaClock
from .common import SYSTEM_ROLE, _estate_tz, message_enqueue_bulk

# --- Escalation -------------------------------------------------------------------------------

# Escalation roles that are not staff roles: a name in a clock's ``escalate_to`` (e.g.
# "command_group", the emergency command group of EMERG-01/EMERG-LIFT-06) resolved by the app
# that owns it to the users of an estate: ``resolver(estate) -> list[User]``.
_ROLE_RESOLVERS: dict[str, Callable[[Estate], list]] = {}


def register_escalation_role(name: str, resolver: Callable[[Estate], list]) -> None:
    """Let clocks escalate to ``name``: ``resolver(estate)`` gives its people for one estate
    (called once per estate and sweep). Registering another resolver under a taken name is an
    error."""
    current = _ROLE_RESOLVERS.get(name)
    if current is not None and current is not resolver:
        raise ValueError(f"an escalation role is already registered as {name!r}")
    _ROLE_RESOLVERS[name] = resolver


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
        if key not in memo and role in _ROLE_RESOLVERS:
            memo[key] = list(_ROLE_RESOLVERS[role](case.estate))
        elif key not in memo:
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
