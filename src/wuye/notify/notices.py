"""The notice board (公告栏): create, publish, withdraw notices, and read them in scope.

A notice is for an estate, one building or one unit of it. One whose ``publish_at`` has come is
published by ``notice_create`` at once; a scheduled one by the periodic job
``notice_publish_due``. Either way ``published_at`` records the real moment it became visible,
written exactly once by a conditional UPDATE, and — if the notice asks for it — the messages to
the residents of its audience are enqueued in that same transaction (the outbox), at most once
per resident and channel (idempotency key ``notice:<id>``).

Staff see every notice of their estates, whatever its status; a resident sees the published,
unexpired, not withdrawn notices whose audience includes one of their current rooms; a
contractor sees none. Anything else is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Occupancy, Room, Unit
from wuye.core.scoping import Actor, actor_for, get_or_404, scope_to_estates, visible_rooms
from wuye.core.validators import check_date, check_model_text

from .choices import NOTICE_CHANNELS, Channel, NoticeCategory, NoticeStatus
from .models import Notice
from .services import message_enqueue_bulk

User = Any  # the auth user model

# Who may put up and take down notices: the customer-service desk and the managers above it.
NOTICE_WRITE_ROLES = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
TITLE_MAX = Notice._meta.get_field("title").max_length
SMS_EXCERPT = 60


# --- Permissions --------------------------------------------------------------------------------


def notice_can_write(actor: Actor, estate: Estate | None = None) -> bool:
    """Whether the actor may create and withdraw notices (of that estate)."""
    if actor.is_superuser:
        return True
    if actor.staff is None or actor.role not in NOTICE_WRITE_ROLES:
        return False
    return estate is None or estate.pk in actor.estate_ids


def _require_write(actor: Actor, estate: Estate) -> None:
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids:
        raise Http404
    if not notice_can_write(actor, estate):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以发布和撤回公告"))


# --- Writes -------------------------------------------------------------------------------------


def _validated(
    *,
    estate: Estate,
    title: str,
    body: str,
    category: str,
    publish_at: dt.datetime,
    expires_at: dt.datetime | None,
    building: Building | None,
    unit: Unit | None,
    notify_residents: bool,
    channels: Sequence[str],
    now: dt.datetime,
) -> dict[str, Any]:
    """The notice's fields, checked; every problem is reported next to its field."""
    errors: dict[str, list[str]] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("请填写标题"))
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(_("标题不能超过 %(n)d 个字") % {"n": TITLE_MAX})
    if not body:
        errors.setdefault("body", []).append(_("请填写正文"))
    check_model_text(Notice, errors, body=body)
    for key, moment in (("publish_at", publish_at), ("expires_at", expires_at)):
        label = Notice._meta.get_field(key).verbose_name
        check_date(moment.date() if moment else None, field=key, label=label, errors=errors)
    if category not in NoticeCategory.values:
        errors.setdefault("category", []).append(_("请选择公告类别"))
    if timezone.is_naive(publish_at):
        errors.setdefault("publish_at", []).append(_("发布时间需带时区"))
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors.setdefault("expires_at", []).append(_("截止时间需带时区"))
        elif timezone.is_aware(publish_at) and expires_at <= max(publish_at, now):
            errors.setdefault("expires_at", []).append(_("截止时间应晚于发布时间和当前时间"))
    if building is not None and building.estate_id != estate.pk:
        errors.setdefault("building", []).append(_("该楼栋不属于本项目"))
    if unit is not None:
        if unit.estate_id != estate.pk:
            errors.setdefault("unit", []).append(_("该单元不属于本项目"))
        elif building is not None and unit.building_id != building.pk:
            errors.setdefault("unit", []).append(_("该单元不属于所选楼栋"))
        elif building is None:
            building = unit.building
    names = list(dict.fromkeys(channels or ()))
    if any(name not in NOTICE_CHANNELS for name in names):
        errors.setdefault("channels", []).append(_("通知渠道只能是站内消息或短信"))
    elif notify_residents and not names:
        errors.setdefault("channels", []).append(_("通知住户时请至少选择一个渠道"))
    if errors:
        raise ValidationError(errors)
    return {
        "estate": estate,
        "title": title,
        "body": body,
        "category": category,
        "publish_at": publish_at,
        "expires_at": expires_at,
        "building": building,
        "unit": unit,
        "notify_residents": notify_residents,
        "channels": names if notify_residents else [],
    }


@transaction.atomic
def notice_create(
    *,
    estate: Estate,
    title: str,
    body: str,
    category: str = NoticeCategory.GENERAL,
    publish_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    notify_residents: bool = False,
    channels: Sequence[str] = (Channel.INBOX,),
    by: User,
) -> Notice:
    """Put up a notice. Without ``publish_at``, or with one that has come, it is published now
    (and its residents notified, if asked); a later ``publish_at`` schedules it for
    ``notice_publish_due``."""
    _require_write(actor_for(by), estate)
    now = timezone.now()
    fields = _validated(
        estate=estate, title=title, body=body, category=category,
        publish_at=publish_at or now, expires_at=expires_at, building=building, unit=unit,
        notify_residents=notify_residents, channels=channels, now=now,
    )  # fmt: skip
    notice = Notice.objects.create(**fields, created_by=by, created_at=now)
    if notice.publish_at <= now:
        _publish(notice, now=now)
    return notice


def _publish(notice: Notice, *, now: dt.datetime) -> bool:
    """Mark the notice published at ``now`` if nobody has yet (the claim), then notify.

    Call inside a transaction: the claim and the messages commit together."""
    claimed = Notice.objects.filter(
        pk=notice.pk, published_at__isnull=True, withdrawn_at__isnull=True
    ).update(published_at=now)
    if not claimed:
        return False
    notice.published_at = now
    if notice.notify_residents and (notice.expires_at is None or notice.expires_at > now):
        _notify_residents(notice)
    return True


def notice_publish_due(*, now: dt.datetime | None = None) -> int:
    """The periodic job: publish the scheduled notices whose time has come; returns how many.

    Each notice is claimed by a conditional UPDATE (still unpublished → published now), so any
    number of workers may run this at once and each notice is published, and its residents
    notified, exactly once. ``published_at`` is the moment of this run, not ``publish_at``."""
    now = now or timezone.now()
    due = Notice.objects.filter(
        published_at__isnull=True, withdrawn_at__isnull=True, publish_at__lte=now
    ).order_by("publish_at", "pk")
    published = 0
    for notice in due.select_related("estate", "building", "unit"):
        with transaction.atomic():
            published += _publish(notice, now=now)
    return published


@transaction.atomic
def notice_withdraw(*, notice: Notice, by: User) -> Notice:
    """Take a notice down (published or still scheduled); it disappears from the residents'
    board and a scheduled one will not be published. Messages already sent stay sent."""
    _require_write(actor_for(by), notice.estate)
    now = timezone.now()
    done = Notice.objects.filter(pk=notice.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=by
    )
    if not done:
        raise Conflict(_("该公告已撤回"), code="already_withdrawn")
    notice.withdrawn_at, notice.withdrawn_by = now, by
    return notice


def published_ahead(notice: Notice, event_at: dt.datetime) -> dt.timedelta:
    """How long before ``event_at`` (an outage, a drill…) the notice actually became visible;
    negative if it was published after the event. An unpublished notice is a ValueError: it
    was published no time ahead of anything."""
    if notice.published_at is None:
        raise ValueError(f"notice {notice.pk} has not been published")
    return event_at - notice.published_at


# --- Delivery to residents ----------------------------------------------------------------------


def audience_rooms(notice: Notice) -> QuerySet[Room]:
    """The rooms a notice is for: its unit's, its building's, or the whole estate's."""
    rooms = Room.objects.filter(estate_id=notice.estate_id)
    if notice.unit_id is not None:
        return rooms.filter(unit_id=notice.unit_id)
    if notice.building_id is not None:
        return rooms.filter(building_id=notice.building_id)
    return rooms


def audience_users(notice: Notice) -> QuerySet:
    """The login accounts of the residents who currently occupy a room of the audience."""
    occupancies = Occupancy.objects.filter(Occupancy.current_q(), room__in=audience_rooms(notice))
    return (
        get_user_model()
        .objects.filter(is_active=True, resident__occupancies__in=occupancies)
        .select_related("notify_preference", "resident", "staff")
        .distinct()
        .order_by("pk")
    )


def _notify_residents(notice: Notice) -> int:
    url = reverse("notify:notice_detail", args=[notice.pk])
    common = {
        "template": "notice",
        "estate": notice.estate,
        "ref": f"NOTICE-{notice.pk}",
        "url": url,
        "idempotency_key": f"notice:{notice.pk}",
    }
    contexts = {
        Channel.INBOX: {"title": notice.title, "body": notice.body},
        # A text message carries the gist; the full text is on the board.
        Channel.SMS: {
            "title": notice.title,
            "body": f"【{notice.estate.name}】{notice.title}："
            f"{Truncator(' '.join(notice.body.split())).chars(SMS_EXCERPT)}",
        },
    }
    requests = [
        {**common, "recipient": user, "channels": [name], "context": contexts[name]}
        for user in audience_users(notice)
        for name in notice.channels
    ]
    return message_enqueue_bulk(requests)


# --- Reads --------------------------------------------------------------------------------------


def notice_status_q(status: str, *, now: dt.datetime | None = None) -> Q:
    """The notices in a status, the same order of precedence as ``Notice.status``."""
    now = now or timezone.now()
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    if status == NoticeStatus.WITHDRAWN:
        return Q(withdrawn_at__isnull=False)
    if status == NoticeStatus.EXPIRED:
        return Q(withdrawn_at__isnull=True, expires_at__lte=now)
    if status == NoticeStatus.SCHEDULED:
        return Q(withdrawn_at__isnull=True, published_at__isnull=True) & live
    if status == NoticeStatus.PUBLISHED:
        return Q(withdrawn_at__isnull=True, published_at__isnull=False) & live
    raise ValueError(f"unknown notice status {status!r}")


def notice_list_for_user(user: User) -> QuerySet[Notice]:
    """Every notice the user may see, newest first (see the module's docstring)."""
    actor = actor_for(user)
    notices = Notice.objects.select_related("estate", "building", "unit")
    if actor.is_superuser or actor.staff is not None:
        notices = scope_to_estates(notices, actor)
    elif actor.resident is not None:
        rooms = visible_rooms(actor)
        audience = (
            Q(estate__in=rooms.values("estate_id"), building__isnull=True)
            | Q(building__in=rooms.values("building_id"), unit__isnull=True)
            | Q(unit__in=rooms.filter(unit__isnull=False).values("unit_id"))
        )
        notices = notices.filter(audience & notice_status_q(NoticeStatus.PUBLISHED))
    else:
        return Notice.objects.none()
    return notices.order_by("-publish_at", "-pk")


def notice_list(
    *,
    user: User,
    estate: Estate | None = None,
    status: str = "",
    category: str = "",
    search: str = "",
) -> QuerySet[Notice]:
    """The notices of ``notice_list_for_user``, filtered as the list page and the API ask."""
    notices = notice_list_for_user(user)
    if estate is not None:
        notices = notices.filter(estate=estate)
    if status:
        notices = notices.filter(notice_status_q(status))
    if category:
        notices = notices.filter(category=category)
    if search:
        notices = notices.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return notices


def notice_get_for_user(user: User, pk: Any) -> Notice:
    """One notice the user may see; any other is a 404."""
    return get_or_404(notice_list_for_user(user), pk)
