"""Move-in batches and their notices (MOVEIN-03): seven days ahead, by letter, SMS and the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Occupancy
from wuye.core.scoping import Actor
from wuye.core.validators import (
    check_date,
    check_model_text,
)
from wuye.handover.selectors import takeover_confirmed
from wuye.workflow import services as engine

from ..choices import BatchStatus, NoticeChannel
from ..models import MoveIn, MoveInBatch, MoveInNotice
from ..processes import MOVE_IN, MOVE_IN_NEED
from .common import (
    _actor,
    _check_desk,
    _check_estate,
    _check_gate,
    _late_message,
    _today,
    _tz,
    notice_late,
)

# --- Batches and notices (MOVEIN-03) ------------------------------------------------------------


@transaction.atomic
def batch_create(
    *,
    building: Building,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    documents: str,
    fees: str,
    by,
) -> MoveInBatch:
    """An 入住批次 of one building. Refused (ValidationError, nothing written) before the
    building's takeover is confirmed (TAKEOVER-15) or when its notices could no longer go out
    7 days ahead (MOVEIN-03)."""
    actor = _actor(by)
    _check_estate(actor, building.estate_id)
    _check_desk(actor)
    estate = building.estate
    errors: dict[str, list[str]] = {}
    values = {"title": title, "place": place, "documents": documents, "fees": fees}
    values = {k: (v or "").strip() for k, v in values.items()}
    messages = {
        "title": _("请填写批次名称，如“1栋第一批入住”"),
        "place": _("请填写办理地点，如“会所一楼入住大厅”"),
        "documents": _("请填写需携带资料，如身份证、购房合同"),
        "fees": _("请填写需缴费用，如半年物业费、装修押金"),
    }
    for key, message in messages.items():
        if not values[key]:
            errors[key] = [message]
    check_model_text(MoveInBatch, errors, **values)
    for key, label, moment in (("starts_at", _("入住开始时间"), starts_at),
                               ("ends_at", _("入住结束时间"), ends_at)):  # fmt: skip
        check_date(moment.date() if moment else None, field=key, label=label, errors=errors)
    if starts_at is None:
        errors["starts_at"] = [_("请填写入住开始时间")]
    if ends_at is None:
        errors["ends_at"] = [_("请填写入住结束时间")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("结束时间须晚于开始时间")]
    if errors:
        raise ValidationError(errors)
    _check_gate(building)
    if notice_late(starts_at, estate):
        raise ValidationError({"starts_at": [_late_message(starts_at, estate)]})
    batch = MoveInBatch(
        estate=estate, building=building, title=values["title"], starts_at=starts_at,
        ends_at=ends_at, place=values["place"], documents=values["documents"],
        fees=values["fees"], created_at=timezone.now(), created_by=actor.user,
    )  # fmt: skip
    batch.full_clean(exclude=["estate", "building", "created_by"], validate_constraints=False)
    batch.save()
    return batch


def batch_owners(batch: MoveInBatch) -> QuerySet[Occupancy]:
    """The owners of the batch's building (core Occupancy, relation owner, not ended)."""
    today = _today(batch.estate)
    return (
        Occupancy.objects.filter(room__building=batch.building_id, relation=Relation.OWNER)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("resident__user", "room__building", "room__unit")
        .order_by("room__unit__sort", "room__unit__name", "room__number", "resident__name")
    )


@dataclass
class NoticeResult:
    notified: int = 0
    by_app: int = 0  # owners with a login: in-app message and SMS
    letter_only: int = 0  # owners without a login: the printed letter


def notice_text(batch: MoveInBatch) -> tuple[str, str]:
    """The notice's title and body (MOVEIN-03: time, place, documents, fees)."""
    tz = _tz(batch.estate)
    start = timezone.localtime(batch.starts_at, tz)
    end = timezone.localtime(batch.ends_at, tz)
    title = _("入住通知：%(title)s") % {"title": batch.title}
    body = _(
        "尊敬的业主：您好！%(estate)s%(building)s定于 %(start)s 至 %(end)s 在%(place)s办理入住。"
        "请携带：%(documents)s。需缴费用：%(fees)s。"
    ) % {
        "estate": batch.estate.name, "building": batch.building.name,
        "start": start.strftime("%Y-%m-%d %H:%M"), "end": end.strftime("%Y-%m-%d %H:%M"),
        "place": batch.place, "documents": batch.documents, "fees": batch.fees,
    }  # fmt: skip
    if batch.estate.phone:
        body += _("咨询电话：%(phone)s。") % {"phone": batch.estate.phone}
    return title, body


@transaction.atomic
def batch_notify(*, batch: MoveInBatch, by) -> NoticeResult:
    """Send the move-in notice to every owner of the building not told yet: an in-app message
    and an SMS to owners with a login, a printed letter for all (MOVEIN-03); each owner's
    ``move_in`` case is opened (status 已通知). Refused with a Conflict, nothing sent, once it
    is less than 7 days before the start, or before the takeover is confirmed (TAKEOVER-15)."""
    from wuye.notify.services import message_enqueue

    actor = _actor(by)
    _check_estate(actor, batch.estate_id)
    _check_desk(actor)
    batch = (
        MoveInBatch.objects.select_for_update()
        .select_related("estate", "building")
        .get(pk=batch.pk)
    )
    if batch.status == BatchStatus.CLOSED:
        raise Conflict(_("该入住批次已结束，不能再发通知"), code="invalid_state")
    if not takeover_confirmed(batch.building):
        raise Conflict(
            _("%(building)s尚未通过接管验收，不能发出入住通知") % {"building": batch.building.name},
            code="takeover_not_confirmed",
        )
    if notice_late(batch.starts_at, batch.estate):
        raise Conflict(_late_message(batch.starts_at, batch.estate), code="notice_late")
    done = set(batch.notices.values_list("room_id", "resident_id"))
    owners = [o for o in batch_owners(batch) if (o.room_id, o.resident_id) not in done]
    if not owners:
        raise Conflict(_("本楼栋的业主都已通知，没有需要发送的通知"), code="nothing_to_send")
    now = timezone.now()
    tz = _tz(batch.estate)
    # Rendered in each owner's language by notify (the letter is printed from notice_text).
    message_context = {
        "estate": batch.estate.name, "building": batch.building.name,
        "start": timezone.localtime(batch.starts_at, tz).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(batch.ends_at, tz).strftime("%Y-%m-%d %H:%M"),
        "place": batch.place, "documents": batch.documents, "fees": batch.fees,
    }  # fmt: skip
    result = NoticeResult()
    for occupancy in owners:
        resident, room = occupancy.resident, occupancy.room
        channels = [NoticeChannel.LETTER]
        user = resident.user
        if user is not None:
            channels += [NoticeChannel.INBOX, NoticeChannel.SMS]
            message_enqueue(
                recipient=user, template="move_in_notice", context=message_context,
                channels=("inbox", "sms"), estate=batch.estate, ref=batch.title[:32],
                idempotency_key=f"movein:{batch.pk}:{room.pk}:{resident.pk}",
            )  # fmt: skip
            result.by_app += 1
        else:
            result.letter_only += 1
        MoveInNotice.objects.create(
            batch=batch, room=room, resident=resident, channels=",".join(channels),
            sent_at=now, sent_by=actor.user,
        )  # fmt: skip
        case = engine.case_open(
            process=MOVE_IN, estate=batch.estate, by=actor, at=now,
            title=_("%(room)s %(name)s 入住") % {"room": room.label, "name": resident.name},
            data={"batch": batch.pk, "room": room.pk, "resident": resident.pk},
        )  # fmt: skip
        MoveIn.objects.create(batch=batch, room=room, resident=resident, case=case,
                              created_at=now)  # fmt: skip
        result.notified += 1
    batch.status = BatchStatus.NOTIFIED
    batch.notified_at = batch.notified_at or now
    batch.save(update_fields=["status", "notified_at"])
    vehicle_guidance_request(batch=batch, actor=actor, now=now)
    return result


GUIDANCE = "vehicle_guidance"


def vehicle_guidance_case(batch: MoveInBatch):
    """The order department's vehicle-guidance task of a batch (MOVEIN-01), if asked for."""
    from wuye.workflow.models import Case

    return (
        Case.objects.filter(process=MOVE_IN_NEED.code, data__batch=batch.pk, data__kind=GUIDANCE)
        .order_by("id")
        .first()
    )


def vehicle_guidance_request(*, batch: MoveInBatch, actor: Actor, now: dt.datetime):
    """MOVEIN-01: the order department (秩序部) assists with vehicle guidance on the move-in
    days. Once per batch, when its notices first go out: a task of the order department naming
    the days and the place, and its heads told. Returns the task's case."""
    from wuye.notify.services import message_enqueue

    existing = vehicle_guidance_case(batch)
    if existing is not None:
        return existing
    tz = _tz(batch.estate)
    start = timezone.localtime(batch.starts_at, tz)
    end = timezone.localtime(batch.ends_at, tz)
    need = _("入住车辆引导：%(title)s，%(start)s～%(end)s，%(place)s，请安排秩序员引导业主车辆") % {
        "title": batch.title, "start": f"{start:%Y-%m-%d %H:%M}",
        "end": f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}",
        "place": batch.place,
    }  # fmt: skip
    case = engine.case_open(
        process=MOVE_IN_NEED, estate=batch.estate, by=actor, at=now, title=need[:200],
        data={"department": DepartmentKind.ORDER, "batch": batch.pk, "kind": GUIDANCE},
    )  # fmt: skip
    for head in engine.escalation_recipients(case, (Role.DEPARTMENT_HEAD,), DepartmentKind.ORDER):
        message_enqueue(
            recipient=head, template="move_in_guidance", estate=batch.estate, ref=case.number,
            url=reverse("workflow:case_detail", args=[case.pk]),
            context={"number": case.number, "need": need},
        )  # fmt: skip
    return case
