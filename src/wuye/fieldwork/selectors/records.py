"""Reads of task records (作业记录) and of the planned task a person is about to complete: who may
see what (staff: their estates; a contractor: the work its plans name; residents: nothing), the
record's pieces for its page, its PDF and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404
from wuye.workflow.attachments import attachments_of_record
from wuye.workflow.models import Attachment, PlannedTask

from ..models import ChecklistAnswer, ChecklistItem, TaskRecord, TaskSpec


def record_list(
    *,
    actor: Actor,
    estate: int | None = None,
    kind: str = "",
    done_from: dt.datetime | None = None,
    done_to: dt.datetime | None = None,
    flagged: bool | None = None,
    late: bool | None = None,
) -> QuerySet[TaskRecord]:
    """The records the actor may see, newest first, with the filters of the list."""
    qs = TaskRecord.objects.select_related("estate")
    if not actor.is_superuser:
        if actor.staff is not None:
            qs = qs.filter(estate_id__in=actor.estate_ids)
        elif actor.contractor is not None:
            qs = qs.filter(estate_id__in=actor.estate_ids, contractor=actor.contractor)
        else:
            return qs.none()
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if kind:
        qs = qs.filter(kind=kind)
    if done_from is not None:
        qs = qs.filter(done_at__gte=done_from)
    if done_to is not None:
        qs = qs.filter(done_at__lt=done_to)
    if late is not None:
        qs = qs.filter(late=late)
    if flagged is not None:
        bad = ChecklistAnswer.objects.filter(record=OuterRef("pk")).filter(
            Q(out_of_range=True) | Q(kind="check", passed=False)
        )
        qs = qs.annotate(has_flag=Exists(bad)).filter(has_flag=flagged)
    return qs.order_by("-done_at", "-id")


def task_record_get_for_user(user, pk) -> TaskRecord:
    """The record if the user may see it, else a 404."""
    return get_or_404(record_list(actor=actor_for(user)).select_related("task"), pk)


def task_get_for_completion(user, pk) -> PlannedTask:
    """The planned task a person opens to complete: staff of its estate, or the contractor its
    plan names; a 404 otherwise."""
    actor = actor_for(user)
    qs = PlannedTask.objects.select_related("schedule", "estate")
    if not actor.is_superuser:
        if actor.staff is not None:
            qs = qs.filter(estate_id__in=actor.estate_ids)
        elif actor.contractor is not None:
            qs = qs.filter(
                estate_id__in=actor.estate_ids, schedule__spec__contractor=actor.contractor
            )
        else:
            return get_or_404(qs.none(), pk)
    return get_or_404(qs, pk)


@dataclass(frozen=True)
class TaskForm:
    """What completing a task asks: its spec (None: only a note and photos), its items."""

    task: PlannedTask
    spec: TaskSpec | None
    items: list[ChecklistItem]

    @property
    def photos(self) -> int:
        return self.spec.photos if self.spec is not None else 0

    @property
    def signature(self) -> bool:
        return bool(self.spec is not None and self.spec.signature)

    @property
    def subject(self) -> str:
        spec = self.spec
        return str(spec.subject)[:200] if spec is not None and spec.subject_id else ""


def task_form(task: PlannedTask) -> TaskForm:
    spec = (
        TaskSpec.objects.select_related("checklist", "contractor")
        .filter(schedule_id=task.schedule_id)
        .first()
    )
    items = list(spec.checklist.items.order_by("position")) if spec and spec.checklist else []
    return TaskForm(task=task, spec=spec, items=items)


@dataclass(frozen=True)
class RecordParts:
    """A record's answers (with their follow-up cases), its other photos and its signature."""

    record: TaskRecord
    answers: list[ChecklistAnswer]
    photos: list[Attachment]
    signature: Attachment | None


def record_parts(record: TaskRecord) -> RecordParts:
    answers = list(record.answers.select_related("photo", "followup__case").order_by("position"))
    used = {a.photo_id for a in answers if a.photo_id} | {record.signature_id}
    photos = [a for a in attachments_of_record(record.ref) if a.pk not in used]
    return RecordParts(record=record, answers=answers, photos=photos, signature=record.signature)
