"""Shifts and shift handover (交接班, 《交接班记录表》): EQUIP-OPS-10 for engineering duty, GUARD-04/05
for the guards' posts.

- A duty post's head (or an executive) plans shifts and puts staff of the estate on them; nobody
  is on two overlapping shifts of the same post.
- The first shift at a post with nobody on duty starts when someone on it takes it over
  (``shift_start``). After that **a handover is the only way to end a shift**: the outgoing
  person records operating status, anomalies, items handed over and the unfinished items (the
  ones the previous handover left open are carried over, and the chapter apps add theirs through
  ``register_open_items``), signs, and someone of the incoming shift signs. Only then does the
  outgoing shift end and the incoming one start. The incoming person may refuse with a reason:
  the outgoing stays on duty and they and the department head are told.
- The last shift before a post is closed ends with a closing handover that the department head
  signs as the receiver; the post is closed with it.
- A signed handover never changes again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.notify.services import message_enqueue, recipient_language
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve
from wuye.workflow.models import AttachmentKind

from ..choices import CertificateKind
from ..models import (
    DutyPost,
    Handover,
    HandoverItem,
    HandoverItemSource,
    HandoverKind,
    HandoverStatus,
    Shift,
    ShiftMember,
    ShiftStatus,
)

log = logging.getLogger(__name__)

TEXT_MAX = 2000
ARTICLES_MAX = 1000
ITEM_MAX = 500
ITEMS_MAX = 50
PLAN_DAYS_MAX = 62
SHIFT_HOURS_MAX = 24

OpenItem = dict[str, str]
Provider = Callable[[DutyPost, dt.datetime], list[OpenItem]]
_OPEN_ITEM_PROVIDERS: dict[str, list[Provider]] = {}


def register_open_items(key: str, provider: Provider) -> None:
    """A chapter app adds the open items of a kind of post (``DutyPost.kind``) or of a department
    (``DepartmentKind``) to every handover there: ``provider(post, at)`` returns
    ``[{"text": ..., "ref": ..., "url": ...}]`` (facilities: open anomalies and faults; security:
    open incidents). The handover copies them into its record. Registering twice is harmless."""
    providers = _OPEN_ITEM_PROVIDERS.setdefault(str(key), [])
    if provider not in providers:
        providers.append(provider)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _clean(value: str | None, field: str, limit: int) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise ValidationError({field: [_("不能超过 %(n)d 个字") % {"n": limit}]})
    return value


def estate_zone(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


# --- Who may do what ----------------------------------------------------------------------------


def _check_estate(actor: Actor, estate_id: int) -> None:
    """Out of the actor's estates: a 404, so its existence does not leak."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404


def is_post_head(actor: Actor, post: DutyPost) -> bool:
    """The head of the post's department in its estate (and executives, superusers)."""
    if actor.is_superuser:
        return True
    if actor.staff is None or post.estate_id not in actor.estate_ids:
        return False
    if actor.role == Role.EXECUTIVE:
        return True
    return actor.role == Role.DEPARTMENT_HEAD and actor.staff.department.kind == post.department


def _require_head(actor: Actor, post: DutyPost) -> None:
    _check_estate(actor, post.estate_id)
    if not is_post_head(actor, post):
        raise PermissionDenied(_("只有本岗位所属部门的负责人可以排班"))


def _is_member(actor: Actor, shift: Shift) -> bool:
    return actor.staff is not None and shift.members.filter(staff=actor.staff).exists()


def _check_on_duty_certificate(staff: Staff, post: DutyPost, on: dt.date) -> None:
    """EQUIP-OPS-11 (持证上岗): the one place that checks that ``staff`` holds the certificate
    ``post.required_certificate`` valid on ``on``, before they are put on a shift of the post
    and before they take one over. It is wired to the certificates' ``require_certificate``
    when both parts are merged; a post that requires nothing is never checked."""
    if not post.required_certificate:
        return


# --- Posts and shifts ---------------------------------------------------------------------------


@transaction.atomic
def post_create(*, estate: Estate, name: str, department: str, kind: str = "",
                required_certificate: str = "", by) -> DutyPost:  # fmt: skip
    """A new duty post of an estate (heads of the department, executives)."""
    actor = _actor(by)
    _check_estate(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    name = _clean(name, "name", 50)
    if not name:
        errors["name"] = [_("请填写岗位名称")]
    elif DutyPost.objects.filter(estate=estate, name=name).exists():
        errors["name"] = [_("本项目已有同名岗位")]
    if department not in DepartmentKind.values:
        errors["department"] = [_("请选择所属部门")]
    kind = _clean(kind, "kind", 30).lower()
    if required_certificate and required_certificate not in CertificateKind.values:
        errors["required_certificate"] = [_("证书类型无效")]
    if errors:
        raise ValidationError(errors)
    post = DutyPost(estate=estate, name=name, department=department, kind=kind,
                    required_certificate=required_certificate or "")  # fmt: skip
    _require_head(actor, post)
    post.save()
    return post


def _lock_post(post: DutyPost | int) -> DutyPost:
    pk = post.pk if isinstance(post, DutyPost) else post
    return DutyPost.objects.select_for_update().select_related("estate").get(pk=pk)


def _staff_of(post: DutyPost, staff: Iterable) -> list[Staff]:
    ids: list[int] = []
    for item in staff or []:
        pk = item.pk if isinstance(item, Staff) else item
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValidationError({"staff": [_("值班人员无效")]})
        if pk not in ids:
            ids.append(pk)
    found = {
        s.pk: s
        for s in Staff.objects.filter(pk__in=ids, is_active=True, estates=post.estate_id)
        .select_related("user", "department")
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"staff": [_("值班人员必须是本项目在职员工")]})
    return [found[pk] for pk in ids]


def _check_overlaps(post: DutyPost, shift: Shift, people: list[Staff]) -> None:
    """Nobody is on two overlapping shifts of the same post (the post row is locked)."""
    clashes = (
        ShiftMember.objects.filter(
            staff__in=people, shift__post=post,
            shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at,
        )  # fmt: skip
        .exclude(shift_id=shift.pk)
        .select_related("staff", "shift")
    )
    zone = estate_zone(post.estate)
    messages = [
        _("%(name)s 已排在 %(start)s–%(end)s 的班次，时间重叠")
        % {
            "name": clash.staff.name,
            "start": timezone.localtime(clash.shift.starts_at, zone).strftime("%m-%d %H:%M"),
            "end": timezone.localtime(clash.shift.ends_at, zone).strftime("%m-%d %H:%M"),
        }
        for clash in clashes
    ]
    if messages:
        raise ValidationError({"staff": messages})


def _check_times(starts_at, ends_at) -> None:
    errors: dict[str, list[str]] = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[field] = [_("请填写时间")]
    if errors:
        raise ValidationError(errors)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间应晚于开始时间")]})
    if ends_at - starts_at > dt.timedelta(hours=SHIFT_HOURS_MAX):
        raise ValidationError({"ends_at": [_("一个班次不能超过 24 小时")]})


def _set_members(post: DutyPost, shift: Shift, people: list[Staff]) -> None:
    _check_overlaps(post, shift, people)
    on = timezone.localtime(shift.starts_at, estate_zone(post.estate)).date()
    for person in people:
        _check_on_duty_certificate(person, post, on)
    shift.members.exclude(staff__in=people).delete()
    have = set(shift.members.values_list("staff_id", flat=True))
    ShiftMember.objects.bulk_create(
        [ShiftMember(shift=shift, staff=p) for p in people if p.pk not in have]
    )


@transaction.atomic
def shift_create(*, post: DutyPost, starts_at: dt.datetime, ends_at: dt.datetime,
                 staff: Iterable = (), name: str = "", by) -> Shift:  # fmt: skip
    """One shift at a post with the people on it (calendar time: a night shift simply ends the
    next day, across a month end or a holiday like any other)."""
    actor = _actor(by)
    post = _lock_post(post)
    _require_head(actor, post)
    if not post.active:
        raise Conflict(_("该岗位已撤岗，不能再排班"), code="post_closed")
    _check_times(starts_at, ends_at)
    name = _clean(name, "name", 30)
    people = _staff_of(post, staff)
    shift = Shift(post=post, estate_id=post.estate_id, name=name, starts_at=starts_at,
                  ends_at=ends_at)  # fmt: skip
    shift.save()
    _set_members(post, shift, people)
    return shift


@transaction.atomic
def shift_plan(*, post: DutyPost, first_day: dt.date, last_day: dt.date,
               pattern: list[dict], by) -> list[Shift]:  # fmt: skip
    """A shift pattern (e.g. 白班 08:00–20:00, 夜班 20:00–08:00) laid over days, in the estate's
    time: an end at or before the start is on the next day. Shifts that exist already (same
    start and end) are kept; people are put on them with ``shift_assign``."""
    actor = _actor(by)
    post = _lock_post(post)
    _require_head(actor, post)
    if not post.active:
        raise Conflict(_("该岗位已撤岗，不能再排班"), code="post_closed")
    if last_day < first_day:
        raise ValidationError({"last_day": [_("结束日期不能早于开始日期")]})
    if (last_day - first_day).days + 1 > PLAN_DAYS_MAX:
        raise ValidationError({"last_day": [_("一次最多排 %(n)d 天") % {"n": PLAN_DAYS_MAX}]})
    if not pattern or len(pattern) > 6:
        raise ValidationError({"pattern": [_("请填写 1 至 6 个班次")]})
    zone = estate_zone(post.estate)
    shifts: list[Shift] = []
    day = first_day
    while day <= last_day:
        for slot in pattern:
            start, end = slot.get("start"), slot.get("end")
            if not isinstance(start, dt.time) or not isinstance(end, dt.time):
                raise ValidationError({"pattern": [_("班次的开始和结束时间无效")]})
            starts_at = dt.datetime.combine(day, start, tzinfo=zone)
            end_day = day if end > start else day + dt.timedelta(days=1)
            ends_at = dt.datetime.combine(end_day, end, tzinfo=zone)
            shift, _created = Shift.objects.get_or_create(
                post=post, starts_at=starts_at, ends_at=ends_at,
                defaults={"estate_id": post.estate_id,
                          "name": _clean(slot.get("name"), "pattern", 30)},
            )  # fmt: skip
            shifts.append(shift)
        day += dt.timedelta(days=1)
    return shifts


@transaction.atomic
def shift_assign(*, shift: Shift, staff: Iterable, by) -> Shift:
    """Put these people on a shift that has not started (replacing who was on it)."""
    actor = _actor(by)
    post = _lock_post(shift.post_id)
    _require_head(actor, post)
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.status != ShiftStatus.PLANNED:
        raise Conflict(_("班次已开始，不能再调整值班人员"), code="shift_started")
    people = _staff_of(post, staff)
    if not people:
        raise ValidationError({"staff": [_("请选择值班人员")]})
    _set_members(post, shift, people)
    return shift


@transaction.atomic
def shift_start(*, shift: Shift, by) -> Shift:
    """Someone on the first shift of a post with nobody on duty takes it over. When a shift is
    on duty, the next one starts only through a handover."""
    actor = _actor(by)
    post = _lock_post(shift.post_id)
    _check_estate(actor, post.estate_id)
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if not _is_member(actor, shift):
        raise PermissionDenied(_("您不在这个班次上，不能接班"))
    if shift.status != ShiftStatus.PLANNED:
        raise Conflict(_("这个班次已经开始或结束"), code="shift_not_planned")
    if not post.active:
        raise Conflict(_("该岗位已撤岗"), code="post_closed")
    if Shift.objects.filter(post=post, status=ShiftStatus.ON_DUTY).exists():
        raise Conflict(_("该岗位有人值班，需通过交接班接班"), code="handover_required")
    now = timezone.now()
    _check_on_duty_certificate(actor.staff, post, timezone.localtime(now, estate_zone(post.estate)).date())
    shift.status, shift.started_at, shift.taken_by = ShiftStatus.ON_DUTY, now, actor.user
    shift.save(update_fields=["status", "started_at", "taken_by"])
    return shift


# --- The handover -------------------------------------------------------------------------------


def _open_items(post: DutyPost, at: dt.datetime) -> list[OpenItem]:
    """What the chapter apps report open at this post, cleaned. A provider that fails is logged
    and skipped: a guard must be able to hand over even when another app is broken."""
    items: list[OpenItem] = []
    for key in dict.fromkeys([post.kind, post.department]):
        for provider in _OPEN_ITEM_PROVIDERS.get(key, []) if key else []:
            try:
                found = list(provider(post, at) or [])
            except Exception:
                log.exception("open-items provider %r failed for post %s", provider, post.pk)
                continue
            for item in found:
                text = str(item.get("text") or "").replace("\x00", "").strip()[:ITEM_MAX]
                if text:
                    items.append({"text": text, "ref": str(item.get("ref") or "")[:60],
                                  "url": str(item.get("url") or "")[:200]})  # fmt: skip
    return items


def previous_handover(post: DutyPost) -> Handover | None:
    """The last handover of the post that both sides signed."""
    return (
        Handover.objects.filter(post=post, status=HandoverStatus.ACCEPTED)
        .order_by("-incoming_signed_at", "-id")
        .first()
    )


def _next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(post_id=shift.post_id, status=ShiftStatus.PLANNED,
                             starts_at__gte=shift.starts_at, members__isnull=False)  # fmt: skip
        .exclude(pk=shift.pk)
        .order_by("starts_at", "id")
        .distinct()
        .first()
    )


def _lock_outgoing(actor: Actor, shift_pk: int) -> Shift:
    shift = Shift.objects.select_for_update().select_related("post__estate").get(pk=shift_pk)
    _check_estate(actor, shift.estate_id)
    if not _is_member(actor, shift):
        raise PermissionDenied(_("只有本班次的值班人员可以交班"))
    if shift.status != ShiftStatus.ON_DUTY:
        raise Conflict(_("这个班次不在值班中，不能交班"), code="shift_not_on_duty")
    return shift


@transaction.atomic
def handover_open(*, shift: Shift, by, incoming_shift: Shift | None = None,
                  closing: bool = False) -> Handover:  # fmt: skip
    """Start the handover of an on-duty shift (someone on it): the record to fill in, with the
    previous handover's open items carried over and the chapter apps' open items copied in.
    Returns the handover under way if there is one. ``closing``: the last shift before the post
    is closed hands over to the department head."""
    actor = _actor(by)
    shift = _lock_outgoing(actor, shift.pk)
    current = Handover.objects.filter(
        outgoing_shift=shift, status__in=[HandoverStatus.DRAFT, HandoverStatus.WAITING]
    ).first()
    if current is not None:
        return current
    post = shift.post
    if closing:
        incoming = None
    else:
        if incoming_shift is not None:
            incoming = Shift.objects.filter(pk=incoming_shift.pk, post=post).first()
            if incoming is None or incoming.status != ShiftStatus.PLANNED:
                raise ValidationError({"incoming_shift": [_("接班班次应为本岗位未开始的班次")]})
            if not incoming.members.exists():
                raise ValidationError({"incoming_shift": [_("接班班次还没有安排值班人员")]})
        else:
            incoming = _next_shift(shift)
        if incoming is None:
            raise ValidationError({"incoming_shift": [_("没有安排下一班，无法交班，请联系部门负责人排班")]})
    now = timezone.now()
    handover = Handover.objects.create(
        estate_id=shift.estate_id, post=post, outgoing_shift=shift, incoming_shift=incoming,
        kind=HandoverKind.CLOSING if closing else HandoverKind.REGULAR, created_at=now,
        created_by=actor.user,
    )  # fmt: skip
    rows: list[HandoverItem] = []
    previous = previous_handover(post)
    carried_refs: set[str] = set()
    if previous is not None:
        for item in previous.items.filter(done=False):
            rows.append(HandoverItem(handover=handover, text=item.text, ref=item.ref, url=item.url,
                                     source=HandoverItemSource.CARRIED, carried_from=item))  # fmt: skip
            if item.ref:
                carried_refs.add(item.ref)
    for item in _open_items(post, now):
        if item["ref"] and item["ref"] in carried_refs:
            continue
        if item["ref"]:
            carried_refs.add(item["ref"])
        rows.append(HandoverItem(handover=handover, text=item["text"], ref=item["ref"],
                                 url=item["url"], source=HandoverItemSource.SYSTEM))  # fmt: skip
    for position, row in enumerate(rows, start=1):
        row.position = position
    HandoverItem.objects.bulk_create(rows)
    return handover


def _lock_handover(actor: Actor, handover: Handover | int) -> Handover:
    pk = handover.pk if isinstance(handover, Handover) else handover
    handover = (
        Handover.objects.select_for_update()
        .select_related("post__estate", "outgoing_shift", "incoming_shift")
        .get(pk=pk)
    )
    _check_estate(actor, handover.estate_id)
    return handover


def _record(handover: Handover, *, operating_status, anomalies, articles, done_items,
            new_items) -> None:  # fmt: skip
    errors: dict[str, list[str]] = {}
    values = {}
    for field, value, limit in (("operating_status", operating_status, TEXT_MAX),
                                ("anomalies", anomalies, TEXT_MAX),
                                ("articles", articles, ARTICLES_MAX)):  # fmt: skip
        try:
            values[field] = _clean(value, field, limit)
        except ValidationError as error:
            errors.update(error.message_dict)
    texts = []
    for text in new_items or []:
        text = str(text or "").replace("\x00", "").strip()
        if len(text) > ITEM_MAX:
            errors["new_items"] = [_("每项不能超过 %(n)d 个字") % {"n": ITEM_MAX}]
        elif text:
            texts.append(text)
    items = list(handover.items.all())
    if len(items) + len(texts) > ITEMS_MAX:
        errors["new_items"] = [_("未完成事项最多 %(n)d 项") % {"n": ITEMS_MAX}]
    done = set()
    for pk in done_items or []:
        if not isinstance(pk, int) or isinstance(pk, bool) or pk not in {i.pk for i in items}:
            errors["done_items"] = [_("事项不属于这份交接记录")]
            break
        done.add(pk)
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(handover, field, value)
    handover.save(update_fields=list(values))
    for item in items:
        if item.done != (item.pk in done):
            item.done = item.pk in done
            item.save(update_fields=["done"])
    position = max((i.position for i in items), default=0)
    HandoverItem.objects.bulk_create(
        [HandoverItem(handover=handover, text=text, position=position + n,
                      source=HandoverItemSource.ADDED) for n, text in enumerate(texts, 1)]
    )  # fmt: skip


def _check_outgoing(actor: Actor, handover: Handover) -> None:
    if not _is_member(actor, handover.outgoing_shift):
        raise PermissionDenied(_("只有交班班次的值班人员可以填写和签字"))
    if handover.status != HandoverStatus.DRAFT:
        raise Conflict(_("交班人已签字，交接记录不能再修改"), code="handover_signed")


@transaction.atomic
def handover_record(*, handover: Handover | int, by, operating_status: str = "",
                    anomalies: str = "", articles: str = "", done_items: Iterable[int] = (),
                    new_items: Iterable[str] = ()) -> Handover:  # fmt: skip
    """Save what the outgoing person wrote so far (the items in ``done_items`` are done, the
    others stay open; ``new_items`` are added)."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_outgoing(actor, handover)
    _record(handover, operating_status=operating_status, anomalies=anomalies,
            articles=articles, done_items=list(done_items), new_items=list(new_items))  # fmt: skip
    return handover


def _signature(actor: Actor, attachments) -> list:
    resolved = attachments_resolve(attachments, actor=actor, case=None)
    if not any(a.kind == AttachmentKind.SIGNATURE for a in resolved):
        raise ValidationError({"signature": [_("请签名确认")]})
    return resolved


@transaction.atomic
def handover_sign_outgoing(*, handover: Handover | int, attachments, by, **content) -> Handover:
    """The outgoing person signs (with what they wrote, ``content`` as for ``handover_record``,
    saved first). The operating status must be written. The incoming shift is told to sign."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_outgoing(actor, handover)
    if content:
        _record(handover, operating_status=content.get("operating_status", ""),
                anomalies=content.get("anomalies", ""), articles=content.get("articles", ""),
                done_items=list(content.get("done_items") or []),
                new_items=list(content.get("new_items") or []))  # fmt: skip
    if not handover.operating_status:
        raise ValidationError({"operating_status": [_("请填写运行状态（岗位情况）")]})
    resolved = _signature(actor, attachments)
    attachments_bind_record(resolved, estate=handover.post.estate, ref=handover.ref)
    handover.status = HandoverStatus.WAITING
    handover.outgoing_signed_at, handover.outgoing_by = timezone.now(), actor.user
    handover.save(update_fields=["status", "outgoing_signed_at", "outgoing_by"])
    _notify(
        handover, _receivers(handover), "handover_waiting:%s" % handover.pk,
        title=lambda: _("请接班签字：%(post)s") % {"post": handover.post.name},
        body=lambda: _("%(post)s 交班人已签字，请核对交接内容后签字接班。")
        % {"post": handover.post.name},
        url=reverse("fieldwork:handover_accept", args=[handover.pk]),
    )  # fmt: skip
    return handover


def _heads(post: DutyPost) -> list:
    staff = Staff.objects.filter(
        is_active=True, estates=post.estate_id, role=Role.DEPARTMENT_HEAD,
        department__kind=post.department,
    ).select_related("user")  # fmt: skip
    return [s.user for s in staff]


def _receivers(handover: Handover) -> list:
    """Who may sign as the incoming side: the incoming shift's people, or for a closing handover
    the department's head(s)."""
    if handover.kind == HandoverKind.CLOSING:
        return _heads(handover.post)
    return [m.staff.user for m in handover.incoming_shift.members.select_related("staff__user")]


def _may_receive(actor: Actor, handover: Handover) -> bool:
    if handover.kind == HandoverKind.CLOSING:
        return is_post_head(actor, handover.post) and (
            actor.is_superuser or actor.role == Role.DEPARTMENT_HEAD
        )
    return _is_member(actor, handover.incoming_shift)


def _check_incoming(actor: Actor, handover: Handover) -> None:
    if not _may_receive(actor, handover):
        raise PermissionDenied(_("只有接班班次的值班人员可以签字接班"))
    if handover.outgoing_by_id is not None and handover.outgoing_by_id == actor.user.pk:
        raise PermissionDenied(_("交班人不能自己签字接班，请由接班人签字"))
    if handover.status == HandoverStatus.DRAFT:
        raise Conflict(_("交班人尚未签字，请等交班人签字后再接班"), code="outgoing_not_signed")
    if handover.status != HandoverStatus.WAITING:
        raise Conflict(_("这份交接记录已处理，不能再签字"), code="handover_closed")


@transaction.atomic
def handover_sign_incoming(*, handover: Handover | int, attachments, by) -> Handover:
    """The incoming side signs: the outgoing shift ends and the incoming one starts, now and
    only now (EQUIP-OPS-10: a handover cannot end a shift without both signatures). A closing
    handover signed by the head closes the post."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_incoming(actor, handover)
    now = timezone.now()
    post = _lock_post(handover.post_id)
    outgoing = Shift.objects.select_for_update().get(pk=handover.outgoing_shift_id)
    incoming = None
    if handover.incoming_shift_id is not None:
        incoming = Shift.objects.select_for_update().get(pk=handover.incoming_shift_id)
        if incoming.status != ShiftStatus.PLANNED:
            raise Conflict(_("接班班次已开始或结束"), code="shift_not_planned")
        _check_on_duty_certificate(actor.staff, post, timezone.localtime(now, estate_zone(post.estate)).date())
    if outgoing.status != ShiftStatus.ON_DUTY:
        raise Conflict(_("交班班次已不在值班中"), code="shift_not_on_duty")
    resolved = _signature(actor, attachments)
    attachments_bind_record(resolved, estate=post.estate, ref=handover.ref)
    handover.status = HandoverStatus.ACCEPTED
    handover.incoming_signed_at, handover.incoming_by = now, actor.user
    handover.save(update_fields=["status", "incoming_signed_at", "incoming_by"])
    # The outgoing shift first: one shift on duty per post (a database constraint).
    outgoing.status, outgoing.ended_at = ShiftStatus.ENDED, now
    outgoing.save(update_fields=["status", "ended_at"])
    if incoming is not None:
        incoming.status, incoming.started_at, incoming.taken_by = ShiftStatus.ON_DUTY, now, actor.user
        incoming.save(update_fields=["status", "started_at", "taken_by"])
    else:
        post.active, post.closed_at = False, now
        post.save(update_fields=["active", "closed_at"])
    return handover


@transaction.atomic
def handover_refuse(*, handover: Handover | int, reason: str, by) -> Handover:
    """The incoming side refuses to accept, with a reason: the outgoing stays on duty; they and
    the department head are told. The outgoing starts a new handover after sorting it out."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_incoming(actor, handover)
    reason = _clean(reason, "reason", TEXT_MAX)
    if not reason:
        raise ValidationError({"reason": [_("请填写拒绝接班的原因")]})
    handover.status = HandoverStatus.REFUSED
    handover.refused_at, handover.refused_by, handover.refusal_reason = (
        timezone.now(), actor.user, reason,
    )  # fmt: skip
    handover.save(update_fields=["status", "refused_at", "refused_by", "refusal_reason"])
    people = [m.staff.user for m in handover.outgoing_shift.members.select_related("staff__user")]
    name = actor.staff.name if actor.staff is not None else actor.user.get_username()
    _notify(
        handover, people + _heads(handover.post), "handover_refused:%s" % handover.pk,
        title=lambda: _("接班人拒绝接班：%(post)s") % {"post": handover.post.name},
        body=lambda: _("%(name)s 拒绝接收 %(post)s 的交班，原因：%(reason)s。交班人继续值班。")
        % {"name": name, "post": handover.post.name, "reason": reason},
        url=reverse("fieldwork:handover_detail", args=[handover.pk]),
    )  # fmt: skip
    return handover


def _notify(handover: Handover, users: list, key: str, *, title, body, url: str) -> None:
    """An inbox message to each user, written in their own language."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(recipient_language(user)):
            context = {"title": str(title()), "body": str(body())}
        message_enqueue(recipient=user, template="notice", context=context,
                        estate=handover.post.estate, ref=handover.ref, url=url,
                        idempotency_key=key)  # fmt: skip
