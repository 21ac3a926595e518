"""Completing a planned task (作业记录) with its checklist, photos and signature, and opening a
follow-up (整改) from a failed check or an out-of-range reading.

The record is written once, with the planned task marked done in the same transaction
(``workflow.schedules.planned_task_complete``), and never changed (EQUIP-MAINT-07: 归档留存;
EQUIP-MAINT-13: it names the person, the time and the content). There is no service to update
or delete it. Two people completing the same task at once: the task row is locked, the second
one finds it done and gets a Conflict (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import NOTE_MAX, check_model_text
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve
from wuye.workflow.models import Attachment, AttachmentKind, PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_complete

from ..choices import ItemKind
from ..models import ChecklistAnswer, ChecklistItem, FollowUp, TaskRecord, TaskSpec
from ..processes import followup_opener, register_followup
from .certificates import require_certificate

__all__ = ["followup_open", "register_followup", "task_complete"]

# A reading beyond this is a typing slip, not a measurement (and would not fit the field).
READING_MAX = Decimal("999999999.999")
MAX_PHOTOS = 20


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def person_name(user, actor: Actor | None = None) -> str:
    """The name a record prints: the staff member's, or the contractor's person and company."""
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    if staff is not None:
        return staff.name
    account = getattr(user, "contractor_account", None) if hasattr(
        user, "contractor_account") else None  # fmt: skip
    if account is not None:
        return f"{account.name}（{account.contractor.name}）"
    return user.get_full_name() or user.get_username()


def _reading(value) -> Decimal | None:
    """A number as typed (int, float, Decimal or text), or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > READING_MAX:
        return None
    try:
        exact = number.quantize(Decimal("0.001"))
    except InvalidOperation:
        return None
    return exact if exact == number else None


def _answer_rows(items: list[ChecklistItem], answers: list, errors: dict) -> tuple[list, dict]:
    """Check every answer against its item; returns (rows, photo attachment id per item)."""
    by_id = {item.pk: item for item in items}
    given: dict[int, dict] = {}
    for answer in answers:
        item_id = answer.get("item") if isinstance(answer, dict) else None
        if isinstance(item_id, bool) or not isinstance(item_id, int) or item_id not in by_id:
            errors.setdefault("answers", []).append(_("检查项不存在或不属于本检查表"))
            continue
        if item_id in given:
            errors.setdefault("answers", []).append(_("同一检查项只能回答一次"))
            continue
        given[item_id] = answer
    rows, photos = [], {}
    for item in items:
        key = f"item-{item.pk}"
        value = given.get(item.pk, {}).get("value")
        row = ChecklistAnswer(
            position=item.position, label=item.label, kind=item.kind, unit=item.unit,
            low=item.low, high=item.high, required=item.required,
        )  # fmt: skip
        empty = value is None or value == ""
        if empty:
            if item.required:
                errors.setdefault(key, []).append(_("此项为必填项"))
            rows.append(row)
            continue
        if item.kind == ItemKind.CHECK:
            if not isinstance(value, bool):
                errors.setdefault(key, []).append(_("请选择正常或不正常"))
            row.passed = value if isinstance(value, bool) else None
        elif item.kind == ItemKind.READING:
            number = _reading(value)
            if number is None:
                errors.setdefault(key, []).append(_("读数应为数字（最多三位小数）"))
            else:
                row.number = number
                row.out_of_range = (item.low is not None and number < item.low) or (
                    item.high is not None and number > item.high
                )
        elif item.kind == ItemKind.NOTE:
            if not isinstance(value, str) or not value.strip():
                errors.setdefault(key, []).append(_("请填写记录"))
            elif len(value.strip()) > NOTE_MAX:
                errors.setdefault(key, []).append(_("记录不能超过 %(n)d 个字") % {"n": NOTE_MAX})
            else:
                row.text = value.strip()
        else:  # a photo: the id of an uploaded photo
            photos[item.pk] = value
        rows.append(row)
    return rows, photos


def _coordinate(value, limit: int) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or abs(number) > limit:
            return None
        return number.quantize(Decimal("0.000001"))  # a phone's position: ~0.1 m, rounded
    except (InvalidOperation, ValueError):
        return None


def _position(latitude, longitude, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    lat, lon = _coordinate(latitude, 90), _coordinate(longitude, 180)
    if lat is None or lon is None:
        errors["location"] = [_("位置无效")]
        return None, None
    return lat, lon


def _uuid(value) -> str:
    if isinstance(value, Attachment):
        return str(value.pk)
    if isinstance(value, dict):
        value = value.get("id")
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return ""


def _task_locked(task: PlannedTask, actor: Actor) -> PlannedTask:
    if not actor.is_superuser:
        if task.estate_id not in actor.estate_ids:
            raise Http404
        if actor.staff is None and actor.contractor is None:
            raise PermissionDenied(_("只有员工或维保单位可以完成计划任务"))
    task = (
        PlannedTask.objects.select_for_update(of=("self",))
        .select_related("schedule", "estate")
        .get(pk=task.pk)
    )
    if task.status not in (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED):
        raise Conflict(
            _("计划任务当前状态为“%(status)s”，不能再完成") % {"status": task.get_status_display()},
            code="invalid_state",
        )
    return task


@transaction.atomic
def task_complete(
    *,
    task: PlannedTask,
    answers: list[dict],
    by,
    photos: Iterable = (),
    signature=None,
    note: str = "",
    latitude=None,
    longitude=None,
    open_followups: bool = False,
) -> TaskRecord:
    """Complete a planned task with its checklist: ``answers`` are ``{"item": <item id>,
    "value": …}`` (check: true/false; reading: a number; note: text; photo: an uploaded photo's
    id), ``photos`` the ids of the task's photos (at least ``spec.photos``), ``signature`` the id
    of a signature (required when ``spec.signature``). Without a TaskSpec or a checklist, only a
    note and photos. Out of the estate: 404; not staff, or a contractor the plan does not name:
    403; done or cancelled already: 409; bad input: ValidationError, nothing written.
    ``open_followups``: open a follow-up for every failed check and out-of-range reading."""
    actor = _actor(by)
    task = _task_locked(task, actor)
    spec = (
        TaskSpec.objects.select_related("checklist", "contractor", "subject_type")
        .filter(schedule_id=task.schedule_id)
        .first()
    )
    if (
        actor.contractor is not None
        and not actor.is_superuser
        and (spec is None or spec.contractor_id != actor.contractor.pk)
    ):
        raise PermissionDenied(_("该任务不由贵单位执行"))
    if spec is not None and spec.certificate and not actor.is_superuser:
        # EQUIP-OPS-11 / EQUIP-MAINT-12: whoever does the work holds its certificate on the day.
        on = timezone.localtime(timezone.now(), ZoneInfo(task.estate.time_zone)).date()
        if actor.contractor is not None:
            require_certificate(kind=spec.certificate, on=on, contractor=actor.contractor)
        elif actor.staff is not None:
            require_certificate(kind=spec.certificate, on=on, staff=actor.staff)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    check_model_text(TaskRecord, errors, note=note)
    answers = list(answers or []) if isinstance(answers, list | tuple) else None
    if answers is None:
        errors["answers"] = [_("检查结果格式不正确")]
        answers = []
    checklist = spec.checklist if spec is not None else None
    items = list(checklist.items.order_by("position")) if checklist is not None else []
    if checklist is None and answers:
        errors["answers"] = [_("此任务没有检查表")]
    rows, item_photos = _answer_rows(items, answers, errors)
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}]
    needed = spec.photos if spec is not None else 0
    if len(photos) < needed:
        errors.setdefault("photos", []).append(_("请至少上传 %(n)d 张照片") % {"n": needed})
    if spec is not None and spec.signature and not signature:
        errors["signature"] = [_("请签名确认")]
    lat, lon = _position(latitude, longitude, errors)
    if errors:
        raise ValidationError(errors)
    named = [*photos, *item_photos.values(), *([signature] if signature else [])]
    ids = [_uuid(value) for value in named]
    if "" not in ids and len(set(ids)) != len(ids):
        raise ValidationError({"photos": [_("同一张照片不能重复使用")]})
    files = attachments_resolve(named, actor=actor, case=None)
    resolved = {str(a.pk): a for a in files}

    def one(value) -> Attachment:
        return resolved[_uuid(value)]

    if any(one(v).kind != AttachmentKind.PHOTO for v in [*photos, *item_photos.values()]):
        errors["photos"] = [_("请上传照片")]
    if signature and one(signature).kind != AttachmentKind.SIGNATURE:
        errors["signature"] = [_("签名不是有效的 PNG 图片")]
    if errors:
        raise ValidationError(errors)

    was_missed = task.status == PlannedTaskStatus.MISSED
    task = planned_task_complete(task=task, by=actor, note=note)
    user = actor.user
    subject = str(spec.subject)[:200] if spec is not None and spec.subject_id else ""
    try:
        with transaction.atomic():
            record = TaskRecord.objects.create(
                task=task, estate_id=task.estate_id, schedule_name=task.schedule.name,
                kind=task.schedule.kind, rule=task.schedule.rule, subject=subject,
                checklist=checklist, checklist_name=checklist.name if checklist else "",
                scheduled_for=task.scheduled_for, due_at=task.due_at, done_by=user,
                done_by_name=person_name(user)[:100], contractor=actor.contractor,
                done_at=task.done_at, late=task.late, missed=was_missed, note=note,
                latitude=lat, longitude=lon,
                signature=one(signature) if signature else None,
            )  # fmt: skip
    except IntegrityError:  # the one-to-one on the task: another completion won
        raise Conflict(_("该任务已被他人完成"), code="invalid_state") from None
    by_position = {item.position: item.pk for item in items}
    for row in rows:
        row.record = record
        photo = item_photos.get(by_position[row.position])
        row.photo = one(photo) if photo else None
    ChecklistAnswer.objects.bulk_create(rows)
    attachments_bind_record(files, estate=task.estate, ref=record.ref)
    if open_followups:
        for answer in record.answers.all():
            if answer.flagged:
                followup_open(answer=answer, by=actor)
    return record


@transaction.atomic
def followup_open(*, answer: ChecklistAnswer, by):
    """Open the follow-up of a failed check or an out-of-range reading, once per answer: the
    chapter's own case for work of a registered kind (``register_followup``), else the generic
    整改. Staff of the record's estate (or the contractor who did the work); a second opening,
    or an answer that found nothing wrong, is a Conflict."""
    actor = _actor(by)
    record = TaskRecord.objects.select_related("estate").get(pk=answer.record_id)
    if not actor.is_superuser:
        if record.estate_id not in actor.estate_ids:
            raise Http404
        if actor.staff is None and not (
            actor.contractor is not None and record.contractor_id == actor.contractor.pk
        ):
            raise PermissionDenied(_("只有员工可以发起整改"))
    # The answer row is the lock: two people opening the same follow-up queue here.
    answer = ChecklistAnswer.objects.select_for_update().get(pk=answer.pk)
    if not answer.flagged:
        raise Conflict(_("该检查项结果正常，无需整改"), code="not_flagged")
    if FollowUp.objects.filter(answer=answer).exists():
        raise Conflict(_("该检查项已发起整改"), code="exists")
    answer.record = record
    case = followup_opener(record.kind)(answer, actor)
    try:
        with transaction.atomic():
            FollowUp.objects.create(
                answer=answer, case=case, opened_at=timezone.now(),
                opened_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("该检查项已发起整改"), code="exists") from None
    return case
