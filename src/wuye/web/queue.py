"""我的待办 — a person's work queue across every process: what the shell shows as the staff's
home page and ``GET /api/v1/me/queue`` answers.

An item is one of:

- an open case **assigned to me**;
- an open case **waiting for my role** in my estates: nobody is assigned, and its state has a
  step my role takes that moves the case on (``WORK``: not a comment, a cancel, a
  reclassification… — the steps anybody may take whatever the state);
- for a department head, an open case of a process of **my department** whose deadline is
  already missed (the head answers for the breach);
- a planned task (a round, a cleaning, an inspection…) of mine or my role, due to start today
  or already late.

Sorted overdue first, then by the nearest deadline (a case's earliest counting clock, a task's
due time), then the undated; each item says why it is mine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.db.models import F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import Role
from wuye.core.scoping import Actor
from wuye.fieldwork.selectors.tasks import tasks_visible
from wuye.workflow.engine import SYSTEM, get_process, processes
from wuye.workflow.models import Case, PlannedTask, SlaClock
from wuye.workflow.models.schedules import PlannedTaskStatus

# Steps anybody may take in (almost) any state: they do not make a case wait for a role.
NOT_WORK = frozenset({
    "comment", "cancel", "reclassify", "reassign", "reopen", "link_repair", "mark_major",
    "escalate_major", "relevel", "contact", "task_add", "release", "acknowledge",
})  # fmt: skip

MINE, ROLE, BREACH, TASK = "mine", "role", "breach", "task"
REASONS = {
    MINE: _("派给我的"),
    ROLE: _("待本岗位处理"),
    BREACH: _("本部门已超时"),
    TASK: _("计划任务"),
}
LIMIT = 200  # a queue longer than this is a backlog: the lists of each app page the rest


@dataclass
class QueueItem:
    kind: str  # MINE / ROLE / BREACH / TASK
    what: str  # the process's or the plan's name
    number: str
    title: str
    estate: str
    status: str
    due_at: dt.datetime | None
    url: str
    overdue: bool

    @property
    def reason(self) -> str:
        return str(REASONS[self.kind])


@cache
def waiting_states() -> dict[str, dict[str, frozenset[str]]]:
    """role → process → the states in which a step of that role moves the case on."""
    table: dict[str, dict[str, set[str]]] = {}
    for process in processes():
        for action in process.actions:
            if action.target is None or action.name in NOT_WORK or action.assignee_only:
                continue
            for role in action.roles:
                if role == SYSTEM:
                    continue
                states = table.setdefault(role, {}).setdefault(process.code, set())
                states.update(action.sources)
    return {
        role: {code: frozenset(states) for code, states in by_process.items()}
        for role, by_process in table.items()
    }


def _role_q(actor: Actor) -> Q:
    """Open cases in a state where the actor's role moves them on. A department head's role may
    act in many processes; the head's queue holds those of the head's department (and those
    that belong to no department)."""
    others = set()
    if actor.role == Role.DEPARTMENT_HEAD:
        kind = _department_kind(actor)
        others = {p.code for p in processes() if p.department and p.department != kind}
    q = Q(pk__in=[])
    for code, states in sorted(waiting_states().get(actor.role or "", {}).items()):
        if code not in others:
            q |= Q(process=code, status__in=sorted(states))
    return q


def _department_kind(actor: Actor) -> str:
    staff = actor.staff
    return staff.department.kind if staff is not None and staff.department_id else ""


def _department_processes(actor: Actor) -> list[str]:
    if actor.role != Role.DEPARTMENT_HEAD or actor.staff is None:
        return []
    kind = _department_kind(actor)
    return sorted(p.code for p in processes() if p.department and p.department == kind)


def _next_due() -> Subquery:
    counting = SlaClock.objects.filter(
        case=OuterRef("pk"), stopped_at__isnull=True, state__in=("running", "breached")
    )
    return Subquery(
        counting.order_by().values("case").annotate(due=Min("due_at")).values("due")[:1]
    )


def queue_cases(actor: Actor, *, now: dt.datetime) -> QuerySet[Case]:
    """The open cases in the actor's queue, annotated ``next_due`` and ``why``."""
    open_cases = Case.objects.filter(closed_at__isnull=True)
    if not actor.is_superuser:
        open_cases = open_cases.filter(estate_id__in=actor.estate_ids)
    wanted = Q(assignee=actor.user) | (Q(assignee__isnull=True) & _role_q(actor))
    department = _department_processes(actor)
    if department:
        breached = SlaClock.objects.filter(
            state="breached", stopped_at__isnull=True, case__process__in=department
        )
        wanted |= Q(pk__in=breached.values("case"))
    return (
        open_cases.filter(wanted)
        .annotate(next_due=_next_due())
        .select_related("estate", "assignee")
        .order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")
    )


def _case_url(case: Case) -> str:
    """The generic case page, which forwards to the process's own page (``Process.page``):
    asking each process for its page here would read each case's domain record."""
    return reverse("workflow:case_detail", args=[case.pk])


def queue_tasks(actor: Actor, *, now: dt.datetime, zone) -> QuerySet[PlannedTask]:
    """Planned tasks of mine or my role, due to start by the end of today or already late."""
    tomorrow = end_of_day(now, zone)
    mine = Q(schedule__assignee=actor.user)
    if actor.role is not None:
        mine |= Q(schedule__assignee__isnull=True, schedule__assignee_role=actor.role)
    late = Q(status=PlannedTaskStatus.MISSED, done_at__isnull=True)
    due = Q(status=PlannedTaskStatus.PLANNED, scheduled_for__lt=tomorrow)
    return tasks_visible(actor).filter(mine).filter(late | due).order_by("due_at", "pk")


def work_queue(actor: Actor, *, now: dt.datetime | None = None, zone=None) -> list[QueueItem]:
    """The actor's queue, overdue first, then by the nearest deadline, then the undated."""
    now = now or timezone.now()
    zone = zone or timezone.get_current_timezone()
    if actor.staff is None and not actor.is_superuser:
        return []
    department = set(_department_processes(actor))
    items: list[QueueItem] = []
    for case in queue_cases(actor, now=now)[:LIMIT]:
        process = get_process(case.process)
        overdue = case.next_due is not None and case.next_due < now
        if case.assignee_id == getattr(actor.user, "pk", None):
            kind = MINE
        elif case.process in department and overdue:
            kind = BREACH
        else:
            kind = ROLE
        items.append(
            QueueItem(
                kind=kind,
                what=str(process.label),
                number=case.number,
                title=case.title,
                estate=case.estate.name,
                status=str(process.state_label(case.status)),
                due_at=case.next_due,
                url=_case_url(case),
                overdue=overdue,
            )
        )
    for task in queue_tasks(actor, now=now, zone=zone)[:LIMIT]:
        items.append(
            QueueItem(
                kind=TASK,
                what=str(_("计划任务")),
                number="",
                title=task.schedule.name,
                estate=task.estate.name,
                status=str(task.get_status_display()),
                due_at=task.due_at,
                url=reverse("fieldwork:my_tasks"),
                overdue=task.status == PlannedTaskStatus.MISSED or task.due_at < now,
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    items.sort(key=lambda i: (not i.overdue, i.due_at or far, i.number))
    return items[:LIMIT]


def end_of_day(now: dt.datetime, zone) -> dt.datetime:
    """Midnight after ``now``, local time."""
    return dt.datetime.combine(
        now.astimezone(zone).date() + dt.timedelta(days=1), dt.time.min, tzinfo=zone
    )


def queue_counts(items: list[QueueItem], *, now: dt.datetime, zone) -> dict[str, int]:
    """The figures above the list: all, overdue, due today."""
    end = end_of_day(now, zone)
    return {
        "total": len(items),
        "overdue": sum(1 for i in items if i.overdue),
        "today": sum(1 for i in items if not i.overdue and i.due_at is not None and i.due_at < end),
    }


def filter_items(items: list[QueueItem], show: str, *, now: dt.datetime, zone) -> list[QueueItem]:
    """``overdue``: the late ones; ``today``: the others due before midnight; else all."""
    if show == "overdue":
        return [i for i in items if i.overdue]
    if show == "today":
        end = end_of_day(now, zone)
        return [i for i in items if not i.overdue and i.due_at is not None and i.due_at < end]
    return items
