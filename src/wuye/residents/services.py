"""Every write of owner move-in (业主入住, MOVEIN-*): batches and their notices, each owner's
move-in case through its steps in the manual's order, the house defects found at the
inspection, the follow-up visit and the needs it routes to a department.

The engine (workflow.services) checks roles, states and required inputs; the rules of the manual
that are more than that live here: the takeover gate (TAKEOVER-15), the 7-day notice
(MOVEIN-03), the ID check (MOVEIN-04/13), the fees paid through billing (MOVEIN-05), the 7
working days of each defect (MOVEIN-07, the engine's clock), keys and cards (MOVEIN-08), both
agreements (MOVEIN-09), the occupancy on completion and the 3-day revisit (MOVEIN-10/11).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Occupancy
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.core.validators import (
    TEXT_MAX,
    check_date,
    check_max_chars,
    check_model_text,
    normalize_id_number,
    text_too_long,
    validate_id_number,
)
from wuye.handover.selectors import takeover_confirmed
from wuye.workflow import services as engine
from wuye.workflow.calendar import latest_date_ahead

from .choices import BatchStatus, MoveInStatus, NoticeChannel
from .models import FollowUpTask, HouseDefect, MoveIn, MoveInBatch, MoveInNotice
from .processes import DESK, ENGINEERS, HOUSE_DEFECT, MOVE_IN, MOVE_IN_NEED, STAFF

NOTICE_DAYS = 7  # MOVEIN-03: 提前7天
FEE_MONTHS = 6  # MOVEIN-05: 半年物业费
MAX_KEYS = 20
# MOVEIN-10: 电话或上门
REVISIT_METHODS = {"phone": gettext_lazy("电话"), "visit": gettext_lazy("上门")}
# MOVEIN-11: the departments a need may go to.
NEED_DEPARTMENTS = (
    DepartmentKind.CUSTOMER_SERVICE,
    DepartmentKind.ENGINEERING,
    DepartmentKind.ORDER,
    DepartmentKind.ENVIRONMENT,
    DepartmentKind.FINANCE,
)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def _today(estate: Estate, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), _tz(estate)).date()


def _check_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


def _check_desk(actor: Actor) -> None:
    """MOVEIN-01: customer service leads the move-in (department heads and executives too)."""
    if not (actor.is_superuser or actor.role in DESK):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以办理入住"))


def _check_gate(building: Building) -> None:
    """TAKEOVER-15: no move-in before the takeover of the building (or its estate) is
    confirmed."""
    if not takeover_confirmed(building):
        raise ValidationError({"building": [
            _("%(building)s尚未通过接管验收（未签署《接管验收确认书》），不能安排业主入住"
              "（TAKEOVER-15）") % {"building": building.name}
        ]})  # fmt: skip


def notice_deadline(batch_start: dt.datetime, estate: Estate) -> dt.date:
    """MOVEIN-03: the last day the notices may go out (提前7天: on or before the date 7 days
    before the start, local to the estate)."""
    return latest_date_ahead(timezone.localtime(batch_start, _tz(estate)).date(), NOTICE_DAYS)


def notice_late(batch_start: dt.datetime, estate: Estate, now: dt.datetime | None = None) -> bool:
    return _today(estate, now) > notice_deadline(batch_start, estate)


def _late_message(batch_start: dt.datetime, estate: Estate) -> str:
    start = timezone.localtime(batch_start, _tz(estate))
    return _(
        "入住通知须至少提前 %(days)d 天发出：入住开始 %(start)s，最晚应在 "
        "%(deadline)s 发出通知，现已来不及。请把入住时间改到 %(earliest)s 或以后。"
    ) % {
        "days": NOTICE_DAYS,
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "deadline": notice_deadline(batch_start, estate).isoformat(),
        "earliest": (_today(estate) + dt.timedelta(days=NOTICE_DAYS)).isoformat(),
    }


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


# --- Reads used by the pages and the services ---------------------------------------------------


def batch_list(*, actor: Actor, estate: Estate | None = None) -> QuerySet[MoveInBatch]:
    qs = MoveInBatch.objects.select_related("estate", "building")
    if not actor.is_superuser:
        if actor.staff is None:
            return qs.none()
        qs = qs.filter(estate__in=visible_estates(actor))
    if estate is not None:
        qs = qs.filter(estate=estate)
    return qs


def batch_get_for_user(user, pk) -> MoveInBatch:
    return get_or_404(batch_list(actor=actor_for(user)), pk)


def move_in_list(*, actor: Actor) -> QuerySet[MoveIn]:
    qs = MoveIn.objects.select_related(
        "batch__estate", "batch__building", "room__building", "room__unit", "resident", "case"
    )
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(batch__estate__in=visible_estates(actor))


def move_in_get_for_user(user, pk) -> MoveIn:
    return get_or_404(move_in_list(actor=actor_for(user)), pk)


# --- One owner's move-in (MOVEIN-02, in order) --------------------------------------------------


def _checked(value) -> bool:
    return value is True or value in ("on", "1", "true", "True")


def _clean_defects(raw, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["defects"] = [_("验收问题格式不正确")]
        return []
    lines = []
    for line in raw:
        if not isinstance(line, dict):
            errors["defects"] = [_("验收问题格式不正确")]
            return []
        location = str(line.get("location") or "").strip()
        description = str(line.get("description") or "").strip()
        if not location and not description:
            continue
        if not location or not description:
            errors["defects"] = [_("每个问题请填写部位和问题描述，如“主卧 / 墙面空鼓”")]
            return []
        if check_model_text(HouseDefect, {}, location=location, description=description):
            errors["defects"] = [
                _("部位不能超过 %(location)d 个字，问题描述不能超过 %(description)d 个字")
                % {"location": HouseDefect._meta.get_field("location").max_length,
                   "description": HouseDefect._meta.get_field("description").max_length}
            ]  # fmt: skip
            return []
        lines.append({"location": location, "description": description})
    return lines


def _clean_needs(raw, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["needs"] = [_("业主需求格式不正确")]
        return []
    lines = []
    for line in raw:
        if not isinstance(line, dict):
            errors["needs"] = [_("业主需求格式不正确")]
            return []
        need = str(line.get("need") or "").strip()
        department = str(line.get("department") or "").strip()
        if not need and not department:
            continue
        if not need:
            errors["needs"] = [_("请填写业主需求，如“需要家政保洁服务”")]
            return []
        if department not in NEED_DEPARTMENTS:
            errors["needs"] = [_("请为每项需求选择处理部门")]
            return []
        if check_model_text(FollowUpTask, {}, need=need):
            errors["needs"] = [
                text_too_long(_("需求"), FollowUpTask._meta.get_field("need").max_length)
            ]
            return []
        lines.append({"need": need, "department": department})
    check_max_chars(errors, needs=("\n".join(n["need"] for n in lines), TEXT_MAX, _("业主需求")))
    return lines


def _attachment_id(move_in: MoveIn, value, attachments: list, key: str, errors: dict):
    """An agreement's signature or scan: one of the attachments sent with this action."""
    ids = {str(getattr(a, "pk", a)) for a in attachments or []}
    if value in (None, "") or str(value) not in ids:
        label = (
            _("《前期物业服务协议》") if key == "service_agreement" else _("《业主临时管理规约》")
        )
        errors[key] = [_("请业主签署%(doc)s（手写签名或上传签字扫描件）") % {"doc": label}]
        return None
    return str(value)


def _clean(move_in: MoveIn, action: str, actor: Actor, data: dict, attachments: list) -> dict:
    """The move-in's checks of an action's data; returns the data as the event records it."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if action not in {a.name for a in engine.allowed_actions(case=move_in.case, user=actor)}:
        return clean  # the engine refuses it (403 role / 409 step out of order, MOVEIN-02)
    if action == "arrive":
        _check_gate(move_in.batch.building)
    elif action == "check_documents":
        # MOVEIN-04/13: the ID number checked digit by digit, the contract number recorded.
        id_number = normalize_id_number(data.get("id_number"))
        if not id_number:
            errors["id_number"] = [_("请填写业主身份证号")]
        else:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
            else:
                on_file = move_in.resident.id_number
                if on_file and on_file != id_number:
                    errors["id_number"] = [
                        _("与业主档案中的身份证号（%(masked)s）不一致，请核对证件")
                        % {"masked": move_in.resident.id_number_masked}
                    ]
        contract_no = str(data.get("contract_no") or "").strip()
        if not contract_no:
            errors["contract_no"] = [_("请填写购房合同编号")]
        elif len(contract_no) > 40:
            errors["contract_no"] = [_("购房合同编号不能超过 40 个字符")]
        clean.update(
            id_number=id_number,
            contract_no=contract_no,
            household=str(data.get("household") or "").strip(),
            emergency_contact=str(data.get("emergency_contact") or "").strip(),
        )
        check_model_text(MoveIn, errors, household=clean["household"],
                         emergency_contact=clean["emergency_contact"])  # fmt: skip
    elif action == "pay_fees":
        # MOVEIN-05: the step is done when the move-in's bills are paid at the cashier and the
        # invoice of that money is issued (引导业主缴纳相关费用…，开具发票): both on the event.
        clean["bills"] = _fees_check_paid(move_in)
        clean["invoices"] = _invoices_check_issued(move_in)
    elif action == "inspect":
        clean["defects"] = _clean_defects(data.get("defects"), errors)
    elif action == "hand_keys":
        try:
            keys = int(data.get("key_count") or 0)
        except (TypeError, ValueError):
            keys = 0
        if not 1 <= keys <= MAX_KEYS:
            errors["key_count"] = [_("钥匙数量应为 1～%(n)d 把") % {"n": MAX_KEYS}]
        cards = [c for c in re.split(r"[\s,，、;；]+", str(data.get("access_cards") or "")) if c]
        if not cards:
            errors["access_cards"] = [_("请填写交付的门禁卡卡号，多张用逗号分隔")]
        elif len("、".join(cards)) > 200:
            errors["access_cards"] = [_("门禁卡卡号太长（最多 200 个字符）")]
        if not _checked(data.get("usage_explained")):
            errors["usage_explained"] = [_("请确认已向业主讲解钥匙和门禁卡的使用方法")]
        clean.update(key_count=keys, access_cards="、".join(cards), usage_explained=True)
    elif action == "complete":
        clean["service_agreement"] = _attachment_id(
            move_in, data.get("service_agreement"), attachments, "service_agreement", errors
        )
        clean["covenant"] = _attachment_id(
            move_in, data.get("covenant"), attachments, "covenant", errors
        )
    elif action == "revisit":
        method = data.get("method")
        if method not in REVISIT_METHODS:
            errors["method"] = [_("请选择回访方式（电话或上门）")]
        try:
            score = int(data.get("satisfaction"))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors["satisfaction"] = [_("满意度应为 1～5 分")]
        clean.update(satisfaction=score, needs=_clean_needs(data.get("needs"), errors))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def move_in_act(
    *,
    move_in: MoveIn | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> MoveIn:
    """Any step of one owner's move-in, checked by the engine (role 403, state 409 — the steps
    run in the manual's order, MOVEIN-02 — inputs 400) and by the move-in rules here."""
    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    clean = _clean(move_in, action, actor, data or {}, attachments or [])
    result = engine.case_act(
        case=move_in.case, action=action, by=actor, note=note, data=clean,
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    move_in.case = result.case
    _apply(move_in, action, actor, clean, result.event.at)
    return move_in


def move_in_case_act(*, case, action: str, by, **kwargs) -> MoveIn:
    """The move-in process's service for the generic case page and API (Process.service)."""
    return move_in_act(move_in=case.move_in, action=action, by=by, **kwargs)


def _apply(move_in: MoveIn, action: str, actor: Actor, data: dict, now: dt.datetime) -> None:
    fields: list[str] = []
    if action == "check_documents":
        for key in ("id_number", "contract_no", "household", "emergency_contact"):
            setattr(move_in, key, data[key])
            fields.append(key)
    elif action == "inspect":
        _defects_open(move_in, actor, data["defects"], now)
    elif action == "hand_keys":
        move_in.key_count, move_in.access_cards = data["key_count"], data["access_cards"]
        fields += ["key_count", "access_cards"]
    elif action == "complete":
        move_in.service_agreement_id = data["service_agreement"]
        move_in.covenant_id = data["covenant"]
        fields += ["service_agreement", "covenant"]
        occupancy = _occupancy_ensure(move_in, actor, now)
        if occupancy is not None:
            move_in.occupancy = occupancy
            fields.append("occupancy")
    elif action == "revisit":
        move_in.revisit_method = data["method"]
        move_in.satisfaction = data["satisfaction"]
        move_in.needs = "\n".join(n["need"] for n in data["needs"])
        fields += ["revisit_method", "satisfaction", "needs"]
        _needs_route(move_in, actor, data["needs"], now)
    if fields:
        move_in.save(update_fields=fields)


def _occupancy_ensure(move_in: MoveIn, actor: Actor, now: dt.datetime) -> Occupancy | None:
    """MOVEIN-10 starts from here: the owner's occupancy of the room, created unless the owner
    has one in force already (the roster registered before the move-in)."""
    from wuye.core.services import occupancy_create

    exists = Occupancy.objects.filter(
        room=move_in.room_id, resident=move_in.resident_id, relation=Relation.OWNER,
        end_date__isnull=True,
    ).exists()  # fmt: skip
    if exists:
        return None
    return occupancy_create(
        room=move_in.room, resident=move_in.resident, relation=Relation.OWNER,
        start_date=_today(move_in.batch.estate, now), by=actor,
    )  # fmt: skip


def _defects_open(move_in: MoveIn, actor: Actor, defects: list[dict], now: dt.datetime) -> None:
    """MOVEIN-06/07: each problem on the 《房屋验收记录表》 is a ``house_defect`` case whose
    7-working-day rectification clock starts at the inspection."""
    for line in defects:
        case = engine.case_open(
            process=HOUSE_DEFECT, estate=move_in.batch.estate, by=actor, at=now,
            title=f"{move_in.room.label} {line['location']} {line['description']}"[:200],
            data={"move_in": move_in.pk, "room": move_in.room_id},
        )  # fmt: skip
        HouseDefect.objects.create(
            move_in=move_in, case=case, location=line["location"],
            description=line["description"], created_at=now,
        )  # fmt: skip


def _needs_route(move_in: MoveIn, actor: Actor, needs: list[dict], now: dt.datetime) -> None:
    """MOVEIN-11: each need is a ``move_in_need`` case of the chosen department (its data
    names the department: its heads are told now and escalated to)."""
    from wuye.notify.services import message_enqueue

    for line in needs:
        case = engine.case_open(
            process=MOVE_IN_NEED, estate=move_in.batch.estate, by=actor, at=now,
            title=f"{move_in.room.label} {line['need']}"[:200],
            data={"department": line["department"], "move_in": move_in.pk},
        )  # fmt: skip
        FollowUpTask.objects.create(
            move_in=move_in, case=case, department=line["department"], need=line["need"],
            created_at=now,
        )  # fmt: skip
        heads = engine.escalation_recipients(case, (Role.DEPARTMENT_HEAD,), line["department"])
        for head in heads:
            message_enqueue(
                recipient=head, template="move_in_need", estate=move_in.batch.estate,
                ref=case.number, url=reverse("workflow:case_detail", args=[case.pk]),
                context={"number": case.number, "room": move_in.room.label,
                         "name": move_in.resident.name, "need": line["need"]},
            )  # fmt: skip


# --- Fees (MOVEIN-05) ---------------------------------------------------------------------------


@dataclass
class FeeLine:
    kind: str  # "property_fee" or "deposit"
    item_name: str
    description: str
    amount: object  # Decimal


def move_in_fee_lines(move_in: MoveIn, today: dt.date | None = None) -> list[FeeLine]:
    """What the move-in charges, computed from the estate's charge items and rates (nothing is
    written): half a year of property fee from the month of move-in, for each active periodic
    property-fee item of the room's use, and the decoration deposit (the estate's deposit
    item). ValidationError when the estate has none configured."""
    from wuye.billing.models import ChargeBasis, ChargeItem, ChargeKind
    from wuye.billing.services import (
        PERIODIC,
        billed_coverage,
        billing_period,
        periodic_amount,
        rate_at,
        uncovered_spans,
    )

    estate = move_in.batch.estate
    room = move_in.room
    today = today or _today(estate)
    start, end = billing_period(first_month=today, months=FEE_MONTHS)
    items = ChargeItem.objects.filter(estate=estate, is_active=True).filter(
        Q(room_use="") | Q(room_use=room.use)
    )
    lines: list[FeeLine] = []
    for item in items.filter(kind=ChargeKind.PROPERTY_FEE, basis__in=PERIODIC).order_by("name"):
        if item.basis == ChargeBasis.PER_SPACE_MONTH:
            continue
        rate = rate_at(item, start)
        if rate is None:
            continue
        # The days other bills of the item already charge are not charged again (FEE-04).
        other = billed_coverage([room.pk], [item.pk], start, end).get((room.pk, item.pk))
        spans = uncovered_spans([(start, end)], other) if other else [(start, end)]
        amount = periodic_amount(
            basis=item.basis, rate=rate.amount, area=room.area, units=0, period_start=start,
            period_end=end, spans=spans,
        )  # fmt: skip
        if amount > 0:
            lines.append(FeeLine("property_fee", item.name, _(
                "%(item)s %(start)s～%(end)s（入住预收半年）") % {
                    "item": item.name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"},
                amount))  # fmt: skip
    errors: dict[str, list[str]] = {}
    if not lines:
        errors["fees"] = [_("本项目没有设置物业服务费的收费标准，请先由财务在“收费项目”中设置")]
    deposit = (
        items.filter(kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED)
        .order_by("-name")  # 装修押金 before other deposits, when there are several
        .filter(name__contains="装修")
        .first()
        or items.filter(kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED).order_by("name").first()
    )
    rate = rate_at(deposit, today) if deposit is not None else None
    if rate is None or rate.amount <= 0:
        errors.setdefault("fees", []).append(
            _("本项目没有设置装修押金的收费标准，请先由财务在“收费项目”中设置")
        )
    else:
        lines.append(FeeLine("deposit", deposit.name, deposit.name, rate.amount))
    if errors:
        raise ValidationError(errors)
    return lines


@transaction.atomic
def move_in_fees_raise(*, move_in: MoveIn | int, by) -> MoveIn:
    """MOVEIN-05: raise the move-in's bills on the room (half a year of property fee, the
    decoration deposit) through billing, once: a second call returns the bills made. The
    cashier then collects them on the room's ledger."""
    from wuye.billing.models import ChargeItem, ChargeKind
    from wuye.billing.services import bill_from_source, bill_room_period, billing_period

    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    _check_desk(actor)
    if move_in.case.status != MoveInStatus.DOCUMENTS_CHECKED:
        raise Conflict(
            _("资料审核通过后、缴费前才能生成入住费用（当前：%(status)s）")
            % {"status": MOVE_IN.state(move_in.case.status).label},
            code="invalid_state",
        )
    if move_in.bills:
        return move_in
    now = timezone.now()
    ids = []
    suffix = {"property_fee": "WY", "deposit": "YJ"}
    estate = move_in.batch.estate
    today = _today(estate)
    start, end = billing_period(first_month=today, months=FEE_MONTHS)
    for line in move_in_fee_lines(move_in, today):
        if line.kind == "property_fee":
            # A periodic bill of the half year: the later runs see those months as billed.
            item = ChargeItem.objects.get(estate=estate, name=line.item_name)
            bill = bill_room_period(
                room=move_in.room, item=item, period_start=start, period_end=end,
                due_date=today, at=now, by=actor.user, description=line.description,
            )  # fmt: skip
        else:
            bill = bill_from_source(
                estate=estate, room=move_in.room, kind=ChargeKind.DEPOSIT,
                item_name=line.item_name, source_ref=f"{move_in.case.number}-{suffix[line.kind]}",
                description=line.description, amount=line.amount, at=now, by=actor.user,
            )  # fmt: skip
        if bill is not None:
            ids.append(bill.pk)
    move_in.bills = ids
    move_in.save(update_fields=["bills"])
    return move_in


def move_in_bills(move_in: MoveIn) -> list:
    from wuye.billing.models import Bill

    if not move_in.bills:
        return []
    return list(Bill.objects.filter(pk__in=move_in.bills).select_related("item").order_by("id"))


def _fees_check_paid(move_in: MoveIn) -> list[int]:
    from wuye.billing.models import BillStatus

    bills = move_in_bills(move_in)
    if not bills:
        raise Conflict(_("请先生成入住费用账单（半年物业费、装修押金）"), code="fees_missing")
    unpaid = [b for b in bills if b.status != BillStatus.PAID]
    if unpaid:
        owed = sum((b.amount - b.paid_amount for b in unpaid), Decimal("0.00"))
        raise Conflict(
            _("入住费用尚未缴清（待缴 ¥%(owed)s：%(items)s），请业主到收银处缴费后再确认")
            % {"owed": f"{owed:,.2f}", "items": "、".join(b.item.name for b in unpaid)},
            code="fees_unpaid",
        )
    return [b.pk for b in bills]


def move_in_payments(move_in: MoveIn) -> list:
    """The payments that settled the move-in's bills (with their invoice, if any), in order."""
    from wuye.billing.models import Allocation, Payment

    if not move_in.bills:
        return []
    ids = (
        Allocation.objects.filter(bill_id__in=move_in.bills, amount__gt=0)
        .values_list("payment_id", flat=True)
        .distinct()
    )
    return list(Payment.objects.filter(pk__in=list(ids)).select_related("invoice").order_by("id"))


def _invoice_of(payment):
    from wuye.billing.models import Invoice

    try:
        return payment.invoice
    except Invoice.DoesNotExist:
        return None


@transaction.atomic
def move_in_invoice_issue(*, move_in: MoveIn | int, numbers: list[str], by, title: str = ""):
    """MOVEIN-05 开具发票: finance issues the invoice of each payment of the move-in fees that has
    none yet — requested in the owner's name (or ``title``) and issued with the next of
    ``numbers`` (one per payment), through billing's invoice rules (FEE-06: finance only,
    against money received). Returns the invoices issued."""
    from wuye.billing.models import InvoiceStatus
    from wuye.billing.services.invoices import invoice_issue, invoice_request

    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    pending = [
        p for p in move_in_payments(move_in)
        if _invoice_of(p) is None or _invoice_of(p).status != InvoiceStatus.ISSUED
    ]  # fmt: skip
    if not pending:
        raise Conflict(_("入住费用没有待开具的发票"), code="nothing_to_invoice")
    numbers = [str(n).strip() for n in numbers or [] if str(n).strip()]
    if len(numbers) != len(pending):
        raise ValidationError(
            {"numbers": [_("请填写 %(n)d 张发票的号码（每笔收款一张）") % {"n": len(pending)}]}
        )
    issued = []
    for payment, number in zip(pending, numbers, strict=True):
        invoice = _invoice_of(payment) or invoice_request(
            payment=payment, title=(title or move_in.resident.name).strip(), by=actor.user
        )
        issued.append(invoice_issue(invoice=invoice, by=actor.user, number=number))
    return issued


def issued_invoice(payment):
    """The payment's invoice once finance has issued it, else None."""
    from wuye.billing.models import InvoiceStatus

    invoice = _invoice_of(payment)
    return invoice if invoice is not None and invoice.status == InvoiceStatus.ISSUED else None


def _invoices_check_issued(move_in: MoveIn) -> list[str]:
    """MOVEIN-05: every payment of the move-in fees has its invoice issued by finance (FEE-06:
    against money received); the numbers, for the step's record."""
    from wuye.billing.models import InvoiceStatus

    payments = move_in_payments(move_in)
    missing = []
    numbers = []
    for payment in payments:
        invoice = _invoice_of(payment)
        if invoice is None or invoice.status != InvoiceStatus.ISSUED:
            missing.append(payment)
        else:
            numbers.append(invoice.number)
    if missing:
        amount = sum((p.amount for p in missing), Decimal("0.00"))
        raise Conflict(
            _("入住费用的发票尚未开具（收款 ¥%(amount)s），请财务开具发票后再确认缴费完成")
            % {"amount": f"{amount:,.2f}"},
            code="invoice_missing",
        )
    return numbers


# --- House defects (MOVEIN-07) and needs --------------------------------------------------------


def house_defect_list(*, actor: Actor) -> QuerySet[HouseDefect]:
    qs = HouseDefect.objects.select_related(
        "case", "move_in__room__building", "move_in__room__unit", "move_in__resident",
        "move_in__batch",
    ).prefetch_related("case__clocks")  # fmt: skip
    if actor.is_superuser:
        return qs
    if actor.staff is None:
        return qs.none()
    return qs.filter(move_in__batch__estate__in=visible_estates(actor))


@transaction.atomic
def house_defect_act(
    *, defect: HouseDefect | int, action: str, by, note: str = "", data: dict | None = None,
    attachments: list | None = None, assignee=None,
) -> HouseDefect:  # fmt: skip
    """A step of a house defect: fixed (the clock stops), accepted by the owner, or sent back."""
    actor = _actor(by)
    qs = house_defect_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    defect = get_or_404(qs, defect.pk if isinstance(defect, HouseDefect) else defect)
    result = engine.case_act(
        case=defect.case, action=action, by=actor, note=note, data=data or {},
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    defect.case = result.case
    return defect


def house_defect_case_act(*, case, action: str, by, **kwargs) -> HouseDefect:
    """The house-defect process's service for the generic case page and API."""
    return house_defect_act(defect=case.house_defect, action=action, by=by, **kwargs)


def follow_up_list(*, actor: Actor, department: str = "") -> QuerySet[FollowUpTask]:
    """The needs routed to departments (MOVEIN-11); ``department``: only that one's."""
    qs = FollowUpTask.objects.select_related(
        "case", "move_in__room__building", "move_in__room__unit", "move_in__resident"
    )
    if not actor.is_superuser:
        if actor.staff is None or actor.role not in STAFF | ENGINEERS:
            return qs.none()
        qs = qs.filter(move_in__batch__estate__in=visible_estates(actor))
    if department:
        qs = qs.filter(department=department)
    return qs
