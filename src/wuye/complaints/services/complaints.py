"""Every write of complaints: intake and the actions on a complaint (through the engine)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuye.complaints.choices import Channel, ComplaintType, ReplyChannel, Status, Urgency
from wuye.complaints.models import (
    CONTENT_MAX,
    REPLY_MAX,
    RESOLUTION_MAX,
    Complaint,
    ComplaintSettings,
)
from wuye.complaints.processes import COMPLAINT
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Resident, Room, Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, visible_rooms
from wuye.core.validators import check_max_chars, normalize_mobile
from wuye.workflow import services as engine

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# Departments a complaint can be assigned to (executives approve; they do not handle).
HANDLING_DEPARTMENTS = [k for k in DepartmentKind if k != DepartmentKind.EXECUTIVE]
# COMPLAINT-13: a reply apologises sincerely; COMPLAINT-17: it never promises a certain fix.
APOLOGY_WORDS = ("道歉", "抱歉", "歉意", "对不起", "致歉")
# COMPLAINT-13: words that say "we will improve" without saying how. A measure is what is left
# after them: "我们将改进措施" leaves nothing; "电梯维保提高至每10天一次" is all substance.
MEASURE_FILLER = (
    "改进措施", "整改措施", "相关措施", "有效措施", "措施", "改进", "整改", "完善", "加以",
    "进一步", "今后", "以后", "我们", "我司", "将会", "将", "会", "一定", "努力", "积极",
    "认真", "尽快", "做好", "相关", "工作", "问题", "的", "了", "是", "为", "：", ":",
)  # fmt: skip
MEASURE_MIN_CHARS = 4
_NOT_WORDS = re.compile(r"[\s，,。.；;！!？?、“”\"'（）()【】\[\]…—-]+")
FORBIDDEN_PROMISES = ("一定解决", "保证解决", "肯定解决", "一定会解决", "保证会解决")
# COMPLAINT-15: no buck-passing ("这不是我们的责任，你找开发企业吧"): a complaint about the
# developer's work is still ours to follow up; the reply says what we do, not who else to ask.
BUCK_PASSING = (
    "不是我们的责任", "不归我们管", "不关我们的事", "与我们无关", "跟我们没关系", "不属于我们",
    "找开发商", "找开发企业", "找开发公司", "找施工单位", "找物业公司以外",
)  # fmt: skip


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _text(value, field: str, errors: dict, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        errors[field] = [_("内容含有无效字符")]
    elif required and not text:
        errors[field] = [_("此项为必填项")]
    elif len(text) > limit:
        errors[field] = [
            _("不能超过 %(limit)d 字（现有 %(n)d 字）") % {"limit": limit, "n": len(text)}
        ]
    return text


# --- Intake ------------------------------------------------------------------------------------


@transaction.atomic
def complaint_create(
    *,
    estate: Estate,
    content: str,
    contact_name: str,
    contact_phone: str,
    channel: str,
    type: str,
    urgency: str = Urgency.GENERAL,
    type_other: str = "",
    room: Room | None = None,
    complainant: Resident | None = None,
    contact_email: str = "",
    received_at: dt.datetime | None = None,
    attachments: list | None = None,
    by,
) -> Complaint:
    """Intake (COMPLAINT-05) and classification (COMPLAINT-06/07): one call, one case, its
    clocks running from the receipt time (COMPLAINT-08/09/10)."""
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if actor.role == Role.RESIDENT:
        # A resident complains for themselves, about their estate (a room of theirs, or none).
        if room is not None and not visible_rooms(actor).filter(pk=room.pk).exists():
            raise Http404
        complainant, channel = actor.resident, Channel.APP
    elif actor.role == Role.CONTRACTOR or (actor.role is None and not actor.is_superuser):
        raise PermissionDenied(_("只有业主住户和物业员工可以登记投诉"))
    errors: dict[str, list[str]] = {}
    content = _text(content, "content", errors, required=True, limit=CONTENT_MAX)
    contact_name = _text(contact_name, "contact_name", errors, required=True, limit=50)
    phone = normalize_mobile(contact_phone or "")
    if not PHONE_RE.match(phone):
        errors["contact_phone"] = [_("请填写手机号或座机号，如 13800138000 或 0571-88886666")]
    if channel not in Channel.values:
        errors["channel"] = [_("投诉渠道无效")]
    if type not in ComplaintType.values:
        errors["type"] = [_("请选择投诉类型")]
    type_other = _text(type_other, "type_other", errors, required=False, limit=50)
    if type == ComplaintType.OTHER and not type_other:
        errors["type_other"] = [_("选择“其他”时请写明投诉类型")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("紧急程度应为一般或紧急")]
    if room is not None and room.estate_id != estate.pk:
        errors["room"] = [_("该房屋不属于本项目")]
    if complainant is not None and complainant.company_id != estate.company_id:
        errors["complainant"] = [_("投诉人不属于本公司")]
    if channel == Channel.EMAIL and not contact_email:
        errors["contact_email"] = [_("邮件投诉请填写来信邮箱")]
    if errors:
        raise ValidationError(errors)
    if complainant is None and room is not None:
        complainant = _occupant_with_mobile(room, phone)
    received_at = received_at or timezone.now()
    case = engine.case_open(
        process=COMPLAINT,
        estate=estate,
        title=content[:200],
        by=actor,
        at=received_at,
        data={"urgency": urgency, "type": type},
        **({"attachments": attachments} if attachments else {}),
    )
    complaint = Complaint(
        case=case, estate=estate, room=room, complainant=complainant, content=content,
        contact_name=contact_name, contact_phone=phone, contact_email=contact_email.strip(),
        channel=channel, type=type,
        type_other=type_other if type == ComplaintType.OTHER else "", urgency=urgency,
        received_at=received_at, reported_by=actor.user,
    )  # fmt: skip
    complaint.full_clean(
        exclude=["case", "reported_by", "estate", "room", "complainant", "reopened_from"],
        validate_constraints=False,
    )
    complaint.save()
    return complaint


def _occupant_with_mobile(room: Room, phone: str) -> Resident | None:
    """The room's current resident whose mobile is the contact's: the complaint is theirs (the
    reply reaches them in the portal too)."""
    from wuye.core.models import Occupancy

    occupancy = (
        Occupancy.objects.filter(Occupancy.current_q(), room=room, resident__mobile=phone)
        .select_related("resident")
        .first()
    )
    return occupancy.resident if occupancy is not None else None


# --- Checking an action's inputs ---------------------------------------------------------------


def can_handle(actor: Actor | None, complaint: Complaint) -> bool:
    """COMPLAINT-03: the responsible department handles (its staff, its head), executives may."""
    if actor is None or actor.is_superuser or actor.role == Role.EXECUTIVE:
        return True
    staff = actor.staff
    return staff is not None and staff.department.kind == complaint.department


def can_record_progress(actor: Actor | None, complaint: Complaint) -> bool:
    """COMPLAINT-11: customer service tracks every complaint and updates the ledger daily, so
    it may record progress too; otherwise the handling department."""
    if actor is not None and actor.staff is not None:
        if actor.staff.department.kind == DepartmentKind.CUSTOMER_SERVICE:
            return True
    return can_handle(actor, complaint)


def _plain(text: str) -> str:
    """Text without white space and punctuation, to compare what was written, not how."""
    return _NOT_WORDS.sub("", text or "")


def buck_passing(text: str) -> list[str]:
    """COMPLAINT-15: the buck-passing phrases a text contains (spacing and punctuation aside)."""
    plain = _plain(text)
    return [p for p in BUCK_PASSING if p in plain]


def measure_substance(measure: str) -> str:
    """COMPLAINT-13: what a measure says beyond "we will improve" (empty: nothing concrete)."""
    rest = _plain(measure)
    for word in MEASURE_FILLER:
        rest = rest.replace(word, "")
    return rest


def measure_is_concrete(measure: str) -> bool:
    return len(measure_substance(measure)) >= MEASURE_MIN_CHARS


def reply_check(text: str, complaint: Complaint) -> list[str]:
    """COMPLAINT-13/15/17: what a reply lacks or must not say (empty: it may be sent).

    COMPLAINT-13: a sincere apology (抱歉/致歉/道歉/对不起/歉意) and the improvement measure the
    handling department recorded when it resolved the complaint, quoted in the reply (punctuation
    and spacing aside). A reply that only says "我们将改进措施" is refused; so is a reply to a
    complaint whose recorded measure has no substance."""
    problems = []
    if not any(word in text for word in APOLOGY_WORDS):
        problems.append(_("回复须包含真诚的道歉（如“给您带来不便，我们深表歉意”）"))
    measure = complaint.measure or ""
    if not measure_is_concrete(measure):
        problems.append(
            _("处理部门登记的改进措施不具体，请处理部门补充具体措施后再回复")
            if measure.strip()
            else _("尚未登记改进措施，请处理部门先登记具体的改进措施")
        )
    elif _plain(measure) not in _plain(text):
        problems.append(
            _("回复须告知改进措施：“%(measure)s”") % {"measure": measure.strip().rstrip("。.")}
        )
    passed_on = buck_passing(text)
    if passed_on:
        words = pgettext("list separator", "、").join(passed_on)
        problems.append(
            _("不要推诿（“%(words)s”）：请告诉业主我们如何跟进，需开发企业处理的由我们协调")
            % {"words": words}
        )
    promised = [p for p in FORBIDDEN_PROMISES if p in text]
    if promised:
        words = pgettext("list separator", "、").join(promised)
        problems.append(_("不要承诺“%(words)s”，请说“我们会尽力解决”") % {"words": words})
    return problems


def _clean(complaint: Complaint, action: str, actor: Actor | None, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if (action == "progress" and not can_record_progress(actor, complaint)) or (
        action in ("resolve", "submit_approval") and not can_handle(actor, complaint)
    ):
        dept = DepartmentKind(complaint.department).label if complaint.department else "—"
        raise PermissionDenied(_("该投诉由%(dept)s处理") % {"dept": dept})
    if action == "reclassify":
        if data.get("urgency") not in Urgency.values:
            errors["urgency"] = [_("紧急程度应为一般或紧急")]
        clean["type"] = data.get("type") or complaint.type
        if clean["type"] not in ComplaintType.values:
            errors["type"] = [_("请选择投诉类型")]
    elif action in ("assign", "reassign"):
        if data.get("department") not in HANDLING_DEPARTMENTS:
            errors["department"] = [_("请选择责任部门")]
    elif action in ("resolve", "submit_approval"):
        clean["resolution"] = _text(data.get("resolution"), "resolution", errors, required=True,
                                    limit=RESOLUTION_MAX)  # fmt: skip
        clean["measure"] = _text(data.get("measure"), "measure", errors, required=True,
                                 limit=REPLY_MAX)  # fmt: skip
        if (
            clean["measure"]
            and "measure" not in errors
            and not measure_is_concrete(clean["measure"])
        ):
            # COMPLAINT-13: the owner is told this measure; "我们将改进" tells them nothing.
            errors["measure"] = [
                _("请写明具体的改进措施（做什么、多久一次），如“电梯维保频次提高至每10天一次”")
            ]
    elif action == "reply":
        if data.get("channel") not in ReplyChannel.values:
            errors["channel"] = [_("请选择回复方式（电话、短信或APP）")]
        clean["text"] = _text(data.get("text"), "text", errors, required=True, limit=REPLY_MAX)
        if clean["text"] and "text" not in errors:
            problems = reply_check(clean["text"], complaint)
            if problems:
                errors["text"] = problems
    elif action in ("rate", "archive"):
        value = data.get("satisfaction")
        if value in (None, "") and action == "archive":
            clean["satisfaction"] = None
        else:
            try:
                clean["satisfaction"] = int(value)
            except (TypeError, ValueError):
                clean["satisfaction"] = 0
            if not 1 <= clean["satisfaction"] <= 5:
                errors["satisfaction"] = [_("评分应为 1～5 分")]
        clean["comment"] = _text(data.get("comment"), "comment", errors, required=False,
                                 limit=REPLY_MAX)  # fmt: skip
    elif action == "reopen":
        days = ComplaintSettings.for_estate(complaint.estate).reopen_days
        if complaint.replied_at is None or timezone.now() > complaint.replied_at + dt.timedelta(
            days=days
        ):
            raise Conflict(
                _("回复已超过 %(days)d 天，不能再要求重新处理，请重新投诉") % {"days": days},
                code="reopen_expired",
            )
    elif action == "link_repair":
        from wuye.repairs.models import RepairOrder

        order = RepairOrder.objects.filter(
            pk=data.get("repair_order") if str(data.get("repair_order", "")).isdigit() else None,
            estate=complaint.estate,
        ).first()
        if order is None:
            errors["repair_order"] = [_("本项目没有这张报修单")]
        else:
            clean["repair_order"] = order.pk
            clean["repair_number"] = order.case.number
    elif action == "comment":
        resident = actor is not None and actor.role == Role.RESIDENT
        clean["internal"] = bool(data.get("internal")) and not resident
    if errors:
        raise ValidationError(errors)
    return clean


def _check_assignee(assignee, department: str) -> None:
    if assignee is None:
        return
    staff = Staff.objects.filter(user=assignee, is_active=True).select_related("department")
    staff = staff.first()
    if staff is None or staff.department.kind != department:
        raise ValidationError({"assignee": [_("处理人须为所选责任部门的员工")]})


# --- Acting on a complaint ---------------------------------------------------------------------


@transaction.atomic
def complaint_act(
    *,
    complaint: Complaint | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Complaint:
    """Any step of the complaint process, checked by the engine (role 403, state 409, inputs
    400) and by the rules here. ``resolve`` of a major complaint goes to an executive for
    approval (``submit_approval``) — the service picks. ``by=None``: the scheduler."""
    from wuye.complaints.selectors.complaints import complaint_list

    actor = None if by is None else _actor(by)
    complaints = Complaint.objects.all() if actor is None else complaint_list(actor=actor)
    complaints = (
        complaints.select_related(None)
        .select_related("case__assignee__staff", "estate", "complainant__user", "room")
        .select_for_update(no_key=True, of=("case",))
        .order_by()
    )
    pk = complaint.pk if isinstance(complaint, Complaint) else complaint
    complaint = get_or_404(complaints, pk)
    if action in ("resolve", "submit_approval"):
        action = "submit_approval" if complaint.is_major else "resolve"
    clean = _clean(complaint, action, actor, data or {})
    if action == "mark_major":
        # The reason is kept on the complaint too (列为重大投诉原因): refused, not cut, when long.
        field = Complaint._meta.get_field("major_reason")
        check_max_chars(note=(note.strip(), field.max_length, field.verbose_name))
    if action == "cancel":
        # COMPLAINT-15: a complaint is withdrawn or a duplicate, never cancelled as "not ours".
        passed_on = buck_passing(note)
        if passed_on:
            words = pgettext("list separator", "、").join(passed_on)
            message = _(
                "投诉不能以“%(words)s”为由撤销：请分派给责任部门，需开发企业处理的由我们跟进协调"
            )
            raise ValidationError({"note": [message % {"words": words}]})
    if action in ("assign", "reassign"):
        _check_assignee(assignee, clean["department"])
    result = engine.case_act(
        case=complaint.case, action=action, by=actor, note=note, data=clean,
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    complaint.case = result.case
    _apply(complaint, action, actor, note, clean, result.event.at)
    _notify(complaint, action, actor, note, clean)
    return complaint


def complaint_case_act(*, case, action: str, by, **kwargs) -> Complaint:
    """The complaint process's service for the generic case page and API (Process.service)."""
    return complaint_act(complaint=case.complaint.pk, action=action, by=by, **kwargs)


def _apply(complaint: Complaint, action: str, actor, note: str, data: dict, now) -> None:
    user = actor.user if actor is not None else None
    fields: list[str] = []

    def set_(**values):
        for key, value in values.items():
            setattr(complaint, key, value)
            fields.append(key)

    if action == "reclassify":
        set_(urgency=data["urgency"], type=data["type"])
    elif action in ("assign", "reassign"):
        set_(department=data["department"])
        if complaint.assigned_at is None:
            set_(assigned_at=now)
    elif action in ("mark_major", "escalate_major"):
        set_(is_major=True, major_reason=(note or _("处理超时，自动升级"))[:200])
    elif action in ("resolve", "submit_approval"):
        set_(resolution=data["resolution"], measure=data["measure"], resolved_at=now)
    elif action == "approve":
        set_(approved_at=now, approved_by=user)
    elif action == "reply":
        set_(reply_channel=data["channel"], reply_text=data["text"], replied_at=now,
             replied_by=user)  # fmt: skip
    elif action in ("rate", "archive"):
        set_(archived_at=now)
        if data.get("satisfaction"):
            set_(satisfaction=data["satisfaction"], satisfaction_comment=data["comment"])
    elif action == "reopen":
        set_(archived_at=complaint.archived_at or now)
    elif action == "link_repair":
        complaint.repair_orders.add(data["repair_order"])
    if fields:
        complaint.save(update_fields=fields)
    if action == "reopen":
        _reopen(complaint, actor, note)


def _reopen(complaint: Complaint, actor, note: str) -> Complaint:
    """The complainant is not satisfied: the same complaint is handled again, as a new case
    linked to the first (its own clocks, from now)."""
    again = complaint_create(
        estate=complaint.estate,
        content=_("【重新处理】%(reason)s\n原投诉 %(number)s：%(content)s")
        % {"reason": note, "number": complaint.case.number, "content": complaint.content}
        if len(note) + len(complaint.content) < 4900
        else note[:4900],
        contact_name=complaint.contact_name,
        contact_phone=complaint.contact_phone,
        contact_email=complaint.contact_email,
        channel=complaint.channel,
        type=complaint.type,
        type_other=complaint.type_other,
        urgency=complaint.urgency,
        room=complaint.room,
        complainant=complaint.complainant,
        by=actor if actor is not None and actor.role != Role.RESIDENT else complaint.reported_by,
    )
    again.reopened_from = complaint
    again.save(update_fields=["reopened_from"])
    return again


# --- Notifications -----------------------------------------------------------------------------


def _department_heads(complaint: Complaint) -> list:
    return engine.escalation_recipients(
        complaint.case, (Role.DEPARTMENT_HEAD,), complaint.department
    )


def _notify(complaint: Complaint, action: str, actor, note: str, data: dict) -> None:
    from wuye.notify.choices import Channel as MessageChannel
    from wuye.notify.services import message_enqueue

    case = complaint.case
    context = {"number": case.number, "title": complaint.content[:40]}
    staff_url = reverse("complaints:detail", args=[complaint.pk])

    def tell(user, template, url=staff_url, channels=(MessageChannel.INBOX,), **extra):
        message_enqueue(
            recipient=user, template=template, context={**context, **extra},
            channels=channels, estate=complaint.estate, ref=case.number, url=url,
        )  # fmt: skip

    if action in ("assign", "reassign"):
        # The department is told (its head, and the person named if any).
        told = {u.pk: u for u in _department_heads(complaint)}
        if case.assignee_id:
            told[case.assignee_id] = case.assignee
        for user in told.values():
            tell(user, "complaint_assigned",
                 department=DepartmentKind(complaint.department).label)  # fmt: skip
    elif action == "submit_approval":
        for user in engine.escalation_recipients(case, (Role.EXECUTIVE,), ""):
            tell(user, "complaint_approval")
    elif action == "send_back":
        for user in _department_heads(complaint):
            tell(user, "complaint_sent_back", reason=note[:100])
    elif action == "reply":
        user = complaint.complainant.user if complaint.complainant_id else None
        if user is not None:
            channels = [MessageChannel.INBOX]
            if data["channel"] == ReplyChannel.SMS:
                channels.append(MessageChannel.SMS)
            tell(user, "complaint_replied", url=reverse("complaints:my_detail",
                                                        args=[complaint.pk]),
                 channels=channels, reply=data["text"][:300])  # fmt: skip


# --- Scheduled -----------------------------------------------------------------------------------


def complaint_escalate_breached(*, now: dt.datetime | None = None) -> int:
    """Periodic job: a complaint whose handling deadline has passed becomes a major complaint
    (issue 5: "escalated from a breach"), so an executive approves its resolution. Idempotent."""
    now = now or timezone.now()
    ids = list(
        Complaint.objects.filter(
            is_major=False,
            case__status__in=(Status.WAITING_ASSIGN, Status.HANDLING),
            case__clocks__key__in=("handle_general", "handle_urgent"),
            case__clocks__due_at__lt=now,
            case__clocks__state__in=("running", "breached"),
        ).values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in ids:
        try:
            complaint_act(complaint=pk, action="escalate_major", by=None)
        except Conflict:
            continue
        done += 1
    return done


# --- Settings ----------------------------------------------------------------------------------


def complaint_settings_save(*, estate: Estate, reopen_days: int, by) -> ComplaintSettings:
    actor = _actor(by)
    if not actor.is_superuser and (
        estate.pk not in actor.estate_ids
        or actor.role not in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)
    ):
        raise PermissionDenied(_("只有部门负责人或企业高层可以修改投诉设置"))
    settings_row, _created = ComplaintSettings.objects.get_or_create(estate=estate)
    settings_row.reopen_days = reopen_days
    settings_row.full_clean()
    settings_row.save()
    return settings_row
