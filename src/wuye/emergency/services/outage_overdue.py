"""Overdue provision tasks of outages (EMERG-OUTAGE-07/08/12/13): a water point, its guard, the
hydrants, the lighting or the elevators not done by its due time (``outage_provision``'s table)
is told to the people who can get it done, in turn, once each:

- at its due time, the head of its assignee's department (of the task's department when nobody
  is named: the order department's for the water point, engineering's for the hydrants, the
  lighting and the lifts) — the command group when that department has no head;
- ``COMMAND_AFTER`` later, still not done, the emergency command group (EMERG-01, the engine's
  escalation role ``command_group``).

A task done in time, or cancelled with its incident, is never escalated. Each escalation is an
event on the incident's timeline (the scheduler's action ``task_overdue``) and an inbox message
to each person, written in one transaction with its ``ProvisionEscalation`` row, whose
uniqueness per task and stage makes it happen once.

``provision_sweep_overdue`` is the periodic job (``wuye.jobs``). It takes one incident at a time
and locks it first, in the order every action on an incident locks its rows (the incident, then
its case and tasks), skipping one that is locked right now (someone is acting on it: the next
sweep, a minute later, takes it)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language
from wuye.workflow.services import case_act, escalation_recipients

from ..choices import IncidentKind, IncidentStatus, OverdueStage, TaskStatus
from ..models import Incident, IncidentTask, ProvisionEscalation
from ..processes import COMMAND_GROUP
from .outage_provision import PROVISION_DUE

__all__ = ["COMMAND_AFTER", "provision_sweep_overdue"]

# How long after its due time an open provision task goes on to the command group: half an hour
# without water, light or the lifts made safe is what the command group must hear of.
COMMAND_AFTER = dt.timedelta(minutes=30)
BATCH = 200  # incidents per sweep
ACTION = "task_overdue"


def _late(stage: str, now: dt.datetime) -> Q:
    """Open provision tasks of running outages, past the point of ``stage``, not told yet."""
    point = now if stage == OverdueStage.HEAD else now - COMMAND_AFTER
    return Q(
        status=TaskStatus.OPEN, kind__in=list(PROVISION_DUE), due_at__lte=point,
        incident__kind=IncidentKind.OUTAGE,
        incident__case__status__in=(IncidentStatus.ACTIVE, IncidentStatus.FOLLOWUP),
    ) & ~Q(escalations__stage=stage)  # fmt: skip


def _recipients(incident: Incident, task: IncidentTask, stage: str, memo: dict) -> list:
    if stage == OverdueStage.HEAD:
        department = getattr(getattr(task.assignee, "department", None), "kind", "")
        heads = escalation_recipients(
            incident.case, (Role.DEPARTMENT_HEAD,), department or task.department, memo
        )
        if heads:
            return heads
    return escalation_recipients(incident.case, (COMMAND_GROUP,), "", memo)


def _message(incident: Incident, task: IncidentTask, stage: str, user, url: str) -> dict:
    zone = ZoneInfo(incident.estate.time_zone or "Asia/Shanghai")
    with translation.override(recipient_language(user)):
        values = {
            "number": incident.case.number, "title": incident.case.title, "task": task.title,
            "who": task.assignee.name if task.assignee_id else task.get_department_display(),
            "due": timezone.localtime(task.due_at, zone).strftime("%Y-%m-%d %H:%M"),
            "minutes": int(COMMAND_AFTER.total_seconds() // 60),
        }  # fmt: skip
        if stage == OverdueStage.HEAD:
            title = _("保障任务超时：%(task)s") % values
            body = _("%(number)s %(title)s：保障任务“%(task)s”（%(who)s）应于 %(due)s 前完成，"
                     "至今未完成，请立即督促落实。") % values  # fmt: skip
        else:
            title = _("【上报应急指挥小组】保障任务超时：%(task)s") % values
            body = _("%(number)s %(title)s：保障任务“%(task)s”（%(who)s）应于 %(due)s 前完成，"
                     "超时 %(minutes)d 分钟仍未完成，请协调处置。") % values  # fmt: skip
    return {
        "recipient": user, "template": "notice", "context": {"title": title, "body": body},
        "channels": [Channel.INBOX], "estate": incident.estate, "ref": incident.case.number,
        "url": url, "idempotency_key": f"outage_task:{task.pk}:{stage}",
    }  # fmt: skip


def _escalate(incident_id: int, stage: str, now: dt.datetime, memo: dict) -> int:
    """Escalate this incident's late tasks of ``stage``, in one transaction; 0 when the incident
    is locked by someone acting on it (the next sweep takes it)."""
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("estate", "case", "outage")
            .filter(pk=incident_id)
            .first()
        )
        if incident is None:
            return 0
        tasks = list(
            IncidentTask.objects.filter(_late(stage, now), incident=incident)
            .select_related("assignee__department")
            .order_by("due_at", "pk")
        )
        url = reverse("emergency:outage_detail", args=[incident.outage.pk])
        requests = []
        for task in tasks:
            users = _recipients(incident, task, stage, memo)
            ProvisionEscalation.objects.create(task=task, stage=stage, at=now,
                                               notified=len(users))  # fmt: skip
            requests += [_message(incident, task, stage, user, url) for user in users]
            case_act(case=incident.case, action=ACTION, by=None, note=task.title,
                     data={"task": task.pk, "stage": stage, "due_at": task.due_at.isoformat(),
                           "notified": [u.pk for u in users]})  # fmt: skip
        message_enqueue_bulk(requests)
        return len(tasks)


def provision_sweep_overdue(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Periodic job: tell each overdue provision task's department head at its due time and the
    command group ``COMMAND_AFTER`` later, once each (see the module). Returns how many
    escalations were made."""
    now = now or timezone.now()
    memo: dict = {}
    done = 0
    for stage in (OverdueStage.HEAD, OverdueStage.COMMAND):
        incidents = (
            IncidentTask.objects.filter(_late(stage, now))
            .order_by("incident_id")
            .values_list("incident_id", flat=True)
            .distinct()[:batch]
        )
        for incident_id in list(incidents):
            done += _escalate(incident_id, stage, now, memo)
    return done
