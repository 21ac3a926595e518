"""The shift handover (交接班, 《交接班记录表》): EQUIP-OPS-10 for engineering duty, GUARD-04/05 for
the guards' posts. The posts and shifts, who may do what and the open-items registry are in
:mod:`.shifts`.

The outgoing person opens the handover of their on-duty shift (``handover_open``): the open items
of the previous handover are carried over and the chapter apps' open items copied in. They record
operating status, anomalies, the articles handed over and the unfinished items, and sign
(``handover_sign_outgoing``). Someone of the incoming shift then signs
(``handover_sign_incoming``): only then does the outgoing shift end and the incoming one start —
**a handover is the only way to end a shift**. Or they refuse with a reason
(``handover_refuse``): the outgoing stays on duty, and they and the department head are told. A
closing handover (the last shift before its post is closed) is signed by the department head and
closes the post. A signed handover never changes again.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Staff
from wuye.core.scoping import Actor
from wuye.notify.services import message_enqueue, recipient_language
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve
from wuye.workflow.models import AttachmentKind

from ..models import (
    DutyPost,
    Handover,
    HandoverClear,
    HandoverItem,
    HandoverItemSource,
    HandoverKind,
    HandoverStatus,
    Shift,
    ShiftStatus,
)
from . import shifts
from .shifts import (
    ARTICLES_MAX,
    ITEM_MAX,
    ITEMS_MAX,
    TEXT_MAX,
    OpenItem,
    _actor,
    _check_estate,
    _clean,
    _is_member,
    _lock_post,
    estate_zone,
    is_post_head,
)

log = logging.getLogger(__name__)


# --- The handover -------------------------------------------------------------------------------


def _open_items(post: DutyPost, at: dt.datetime) -> list[OpenItem]:
    """What the chapter apps report open at this post, cleaned. A provider that fails is logged
    and skipped: a guard must be able to hand over even when another app is broken."""
    items: list[OpenItem] = []
    for key in dict.fromkeys([post.kind, post.department]):
        for provider in shifts._OPEN_ITEM_PROVIDERS.get(key, []) if key else []:
            try:
                found = list(provider(post, at) or [])
            except Exception:
                log.exception("open-items provider %r failed for post %s", provider, post.pk)
                continue
            for item in found:
                text = str(item.get("text") or "").replace("\x00", "").strip()[:ITEM_MAX]
                if text:
                    items.append(
                        {
                            "text": text,
                            "ref": str(item.get("ref") or "")[:60],
                            "url": str(item.get("url") or "")[:200],
                        }
                    )
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
        Shift.objects.filter(
            post_id=shift.post_id,
            status=ShiftStatus.PLANNED,
            starts_at__gte=shift.starts_at,
            members__isnull=False,
        )
        .exclude(pk=shift.pk)
        .order_by("starts_at", "id")
        .distinct()
        .first()
    )


def _lock_outgoing(actor: Actor, shift_pk: int) -> Shift:
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("post__estate")
        .get(pk=shift_pk)
    )
    _check_estate(actor, shift.estate_id)
    if not _is_member(actor, shift):
        raise PermissionDenied(_("只有本班次的值班人员可以交班"))
    if shift.status != ShiftStatus.ON_DUTY:
        raise Conflict(_("这个班次不在值班中，不能交班"), code="shift_not_on_duty")
    return shift


@transaction.atomic
def handover_open(
    *, shift: Shift, by, incoming_shift: Shift | None = None, closing: bool = False
) -> Handover:
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
            raise ValidationError(
                {"incoming_shift": [_("没有安排下一班，无法交班，请联系部门负责人排班")]}
            )
    now = timezone.now()
    handover = Handover.objects.create(
        estate_id=shift.estate_id,
        post=post,
        outgoing_shift=shift,
        incoming_shift=incoming,
        kind=HandoverKind.CLOSING if closing else HandoverKind.REGULAR,
        created_at=now,
        created_by=actor.user,
        # GUARD-04: the post's equipment, to be checked item by item.
        equipment_checks=[{"name": name, "ok": None} for name in post.equipment or []],
    )
    rows: list[HandoverItem] = []
    previous = previous_handover(post)
    carried_refs: set[str] = set()
    if previous is not None:
        for item in previous.items.filter(done=False):
            rows.append(
                HandoverItem(
                    handover=handover,
                    text=item.text,
                    ref=item.ref,
                    url=item.url,
                    source=HandoverItemSource.CARRIED,
                    carried_from=item,
                )
            )
            if item.ref:
                carried_refs.add(item.ref)
    for item in _open_items(post, now):
        if item["ref"] and item["ref"] in carried_refs:
            continue
        if item["ref"]:
            carried_refs.add(item["ref"])
        rows.append(
            HandoverItem(
                handover=handover,
                text=item["text"],
                ref=item["ref"],
                url=item["url"],
                source=HandoverItemSource.SYSTEM,
            )
        )
    for position, row in enumerate(rows, start=1):
        row.position = position
    HandoverItem.objects.bulk_create(rows)
    return handover


def _lock_handover(actor: Actor, handover: Handover | int) -> Handover:
    pk = handover.pk if isinstance(handover, Handover) else handover
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("post__estate", "outgoing_shift", "incoming_shift")
        .get(pk=pk)
    )
    _check_estate(actor, handover.estate_id)
    return handover


def _clears(value, field: str, errors: dict) -> list[str]:
    """GUARD-05: the clears confirmed, as their codes (in the declared order)."""
    if value is None:
        return []
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("三清确认无效")]
        return []
    unknown = set(value) - set(HandoverClear.values)
    if unknown:
        errors[field] = [_("三清确认无效")]
        return []
    return [code for code in HandoverClear.values if code in value]


def _check_clears(handover: Handover, confirmed: list[str], field: str) -> None:
    """GUARD-05: at a post that requires it, all three clears are confirmed by this side."""
    if not handover.post.three_clears:
        return
    missing = [str(HandoverClear(c).label) for c in HandoverClear.values if c not in confirmed]
    if missing:
        raise ValidationError(
            {field: [_("请确认做到三清，尚未确认：%(names)s") % {"names": "、".join(missing)}]}
        )


def _equipment(handover: Handover, value, errors: dict) -> list[dict] | None:
    """GUARD-04: ``{name: present}`` for the post's equipment (None: unchanged)."""
    if value is None:
        return None
    names = [row["name"] for row in handover.equipment_checks]
    if not isinstance(value, dict) or not all(
        k in names and isinstance(v, bool) for k, v in value.items()
    ):
        errors["equipment"] = [_("物品清点无效")]
        return None
    return [{"name": n, "ok": value.get(n, None)} for n in names]


def _record(
    handover: Handover,
    *,
    operating_status,
    anomalies,
    articles,
    done_items,
    new_items,
    equipment=None,
    clears=None,
) -> None:
    errors: dict[str, list[str]] = {}
    values = {}
    for field, value, limit in (
        ("operating_status", operating_status, TEXT_MAX),
        ("anomalies", anomalies, TEXT_MAX),
        ("articles", articles, ARTICLES_MAX),
    ):
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
    checks = _equipment(handover, equipment, errors)
    confirmed = _clears(clears, "clears", errors)
    if errors:
        raise ValidationError(errors)
    if checks is not None:
        values["equipment_checks"] = checks
    if clears is not None:
        values["outgoing_clears"] = confirmed
    for field, value in values.items():
        setattr(handover, field, value)
    handover.save(update_fields=list(values))
    for item in items:
        if item.done != (item.pk in done):
            item.done = item.pk in done
            item.save(update_fields=["done"])
    position = max((i.position for i in items), default=0)
    HandoverItem.objects.bulk_create(
        [
            HandoverItem(
                handover=handover, text=text, position=position + n, source=HandoverItemSource.ADDED
            )
            for n, text in enumerate(texts, 1)
        ]
    )


def _check_outgoing(actor: Actor, handover: Handover) -> None:
    if not _is_member(actor, handover.outgoing_shift):
        raise PermissionDenied(_("只有交班班次的值班人员可以填写和签字"))
    if handover.status != HandoverStatus.DRAFT:
        raise Conflict(_("交班人已签字，交接记录不能再修改"), code="handover_signed")


@transaction.atomic
def handover_record(
    *,
    handover: Handover | int,
    by,
    operating_status: str = "",
    anomalies: str = "",
    articles: str = "",
    done_items: Iterable[int] = (),
    new_items: Iterable[str] = (),
    equipment: dict[str, bool] | None = None,
    clears: Iterable[str] | None = None,
) -> Handover:
    """Save what the outgoing person wrote so far (the items in ``done_items`` are done, the
    others stay open; ``new_items`` are added; ``equipment``: the post's equipment checked,
    ``{name: present}``; ``clears``: the 三清 confirmed)."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_outgoing(actor, handover)
    _record(
        handover,
        operating_status=operating_status,
        anomalies=anomalies,
        articles=articles,
        done_items=list(done_items),
        new_items=list(new_items),
        equipment=equipment,
        clears=None if clears is None else list(clears),
    )
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
        _record(
            handover,
            operating_status=content.get("operating_status", ""),
            anomalies=content.get("anomalies", ""),
            articles=content.get("articles", ""),
            done_items=list(content.get("done_items") or []),
            new_items=list(content.get("new_items") or []),
            equipment=content.get("equipment"),
            clears=None if content.get("clears") is None else list(content["clears"]),
        )
    if not handover.operating_status:
        raise ValidationError({"operating_status": [_("请填写运行状态（岗位情况）")]})
    # GUARD-04: every piece of the post's equipment checked; a missing one is written down.
    unchecked = [row["name"] for row in handover.equipment_checks if row.get("ok") is None]
    if unchecked:
        raise ValidationError(
            {"equipment": [_("请清点物品：%(names)s") % {"names": "、".join(unchecked)}]}
        )
    if any(row.get("ok") is False for row in handover.equipment_checks) and not (
        handover.anomalies
    ):
        raise ValidationError({"anomalies": [_("有物品缺失或损坏，请在异常情况中写明")]})
    _check_clears(handover, handover.outgoing_clears, "clears")
    resolved = _signature(actor, attachments)
    attachments_bind_record(resolved, estate=handover.post.estate, ref=handover.ref)
    handover.status = HandoverStatus.WAITING
    handover.outgoing_signed_at, handover.outgoing_by = timezone.now(), actor.user
    handover.save(update_fields=["status", "outgoing_signed_at", "outgoing_by"])
    _notify(
        handover,
        handover_receivers(handover),
        f"handover_waiting:{handover.pk}",
        title=lambda: _("请接班签字：%(post)s") % {"post": handover.post.name},
        body=lambda: (
            _("%(post)s 交班人已签字，请核对交接内容后签字接班。") % {"post": handover.post.name}
        ),
        url=reverse("fieldwork:handover_accept", args=[handover.pk]),
    )
    return handover


def _heads(post: DutyPost) -> list:
    staff = Staff.objects.filter(
        is_active=True,
        estates=post.estate_id,
        role=Role.DEPARTMENT_HEAD,
        department__kind=post.department,
    ).select_related("user")
    return [s.user for s in staff]


def handover_receivers(handover: Handover) -> list:
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
def handover_sign_incoming(
    *,
    handover: Handover | int,
    attachments,
    by,
    clears: Iterable[str] | None = None,
    checks: Iterable[str] | None = None,
) -> Handover:
    """The incoming side signs: the outgoing shift ends and the incoming one starts, now and
    only now (EQUIP-OPS-10, GUARD-04: a handover cannot end a shift without both signatures).
    At a post that requires it the incoming side confirms the 三清 too (``clears``, GUARD-05),
    and whoever takes a shift over the chapter apps' start checks (``checks``, as for
    ``shift_start``). A closing handover signed by the head closes the post."""
    actor = _actor(by)
    handover = _lock_handover(actor, handover)
    _check_incoming(actor, handover)
    errors: dict[str, list[str]] = {}
    confirmed = _clears(clears, "clears", errors)
    if errors:
        raise ValidationError(errors)
    _check_clears(handover, confirmed, "clears")
    now = timezone.now()
    post = _lock_post(handover.post_id)
    outgoing = Shift.objects.select_for_update().get(pk=handover.outgoing_shift_id)
    incoming, required = None, []
    if handover.incoming_shift_id is not None:
        incoming = Shift.objects.select_for_update().get(pk=handover.incoming_shift_id)
        if incoming.status != ShiftStatus.PLANNED:
            raise Conflict(_("接班班次已开始或结束"), code="shift_not_planned")
        shifts._check_on_duty_certificate(
            actor.staff, post, timezone.localtime(now, estate_zone(post.estate)).date()
        )
        required = shifts._confirm_start_checks(incoming, actor.staff, checks, now)
    if outgoing.status != ShiftStatus.ON_DUTY:
        raise Conflict(_("交班班次已不在值班中"), code="shift_not_on_duty")
    resolved = _signature(actor, attachments)
    attachments_bind_record(resolved, estate=post.estate, ref=handover.ref)
    handover.status = HandoverStatus.ACCEPTED
    handover.incoming_signed_at, handover.incoming_by = now, actor.user
    handover.incoming_clears = confirmed
    handover.save(update_fields=["status", "incoming_signed_at", "incoming_by", "incoming_clears"])
    # The outgoing shift first: one shift on duty per post (a database constraint).
    outgoing.status, outgoing.ended_at = ShiftStatus.ENDED, now
    outgoing.save(update_fields=["status", "ended_at"])
    if incoming is not None:
        incoming.status, incoming.started_at, incoming.taken_by = (
            ShiftStatus.ON_DUTY,
            now,
            actor.user,
        )
        incoming.save(update_fields=["status", "started_at", "taken_by"])
        shifts._record_start_checks(required, incoming, actor.staff, now)
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
        timezone.now(),
        actor.user,
        reason,
    )
    handover.save(update_fields=["status", "refused_at", "refused_by", "refusal_reason"])
    people = [m.staff.user for m in handover.outgoing_shift.members.select_related("staff__user")]
    name = actor.staff.name if actor.staff is not None else actor.user.get_username()
    _notify(
        handover,
        people + _heads(handover.post),
        f"handover_refused:{handover.pk}",
        title=lambda: _("接班人拒绝接班：%(post)s") % {"post": handover.post.name},
        body=lambda: (
            _("%(name)s 拒绝接收 %(post)s 的交班，原因：%(reason)s。交班人继续值班。")
            % {"name": name, "post": handover.post.name, "reason": reason}
        ),
        url=reverse("fieldwork:handover_detail", args=[handover.pk]),
    )
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
        message_enqueue(
            recipient=user,
            template="notice",
            context=context,
            estate=handover.post.estate,
            ref=handover.ref,
            url=url,
            idempotency_key=key,
        )
