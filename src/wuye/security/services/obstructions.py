"""Fire-lane obstructions (FIRE-14) and e-bikes in corridors/stairwells (VEHICLE-12), found on
patrol: a case with photos; the occupant of the room it belongs to, when known, told to clear it
(inbox and SMS, through notify, in the same transaction); re-checked on the spot with a photo
until it is clear — a failed re-check keeps it open and plans the next one."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.models import Building, Estate, Occupancy, Room
from wuye.core.scoping import Actor, actor_for
from wuye.notify import services as notify
from wuye.notify.choices import Channel
from wuye.workflow import services as engine
from wuye.workflow.models import Case

from ..choices import ObstructionKind
from ..models import Obstruction
from ..models.obstructions import DESCRIPTION_MAX
from ..processes import OBSTRUCTION
from ..selectors.obstructions import obstruction_get_for_user
from .patrol_common import check_guard, require_photo

__all__ = [
    "RECHECK_HOURS",
    "obstruction_act",
    "obstruction_case_act",
    "obstruction_open",
    "obstruction_recheck_remind",
]

# The next re-check of an obstruction still there (calendar hours: a patrol round or so later).
RECHECK_HOURS = 2


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _occupant_users(room: Room) -> list:
    today = timezone.localdate()
    occupancies = Occupancy.objects.filter(room=room, start_date__lte=today).exclude(
        end_date__lt=today
    )
    users = []
    for o in occupancies.select_related("resident__user"):
        user = getattr(o.resident, "user", None)
        if user is not None and user not in users:
            users.append(user)
    return users


def _notify_owner(obstruction: Obstruction) -> int:
    """FIRE-14 / VEHICLE-12: the occupant is asked to clear it (inbox and SMS)."""
    sent = 0
    for user in _occupant_users(obstruction.room):
        with translation.override(notify.recipient_language(user)):
            title = _("请及时清理：%(kind)s") % {"kind": obstruction.get_kind_display()}
            body = _(
                "秩序员巡逻发现 %(location)s %(description)s。消防通道和楼道须保持畅通，"
                "电动车请停放在电动车棚，请尽快清理，我们将复查。"
            ) % {"location": obstruction.location, "description": obstruction.description}
        notify.message_enqueue(
            recipient=user,
            template="notice",
            context={"title": title, "body": body},
            channels=(Channel.INBOX, Channel.SMS),
            estate=obstruction.estate,
            ref=f"security.obstruction:{obstruction.pk}",
            idempotency_key=f"obstruction_owner:{obstruction.pk}:{obstruction.rechecks}",
        )
        sent += 1
    return sent


def _clean(estate: Estate, kind, location, description, room, building) -> dict:
    errors: dict[str, list[str]] = {}
    if kind not in ObstructionKind.values:
        errors["kind"] = [_("请选择堵塞类别")]
    location, description = (location or "").strip(), (description or "").strip()
    if not location:
        errors["location"] = [_("请填写位置，如 3栋1单元楼梯间")]
    elif len(location) > 100:
        errors["location"] = [_("位置不能超过 100 个字")]
    if not description:
        errors["description"] = [_("请描述堵塞情况，如 纸箱堆放")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("情况说明不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}]
    if room is not None and room.estate_id != estate.pk:
        errors["room"] = [_("该房屋不属于本项目")]
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("该楼栋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "location": location, "description": description}


@transaction.atomic
def obstruction_open(
    *,
    estate: Estate,
    kind: str,
    location: str,
    description: str,
    attachments: list,
    by,
    room: Room | None = None,
    building: Building | None = None,
    found_at: dt.datetime | None = None,
) -> Obstruction:
    """FIRE-14 / VEHICLE-12: open the case with its photo (at least one); tell the occupant of
    ``room`` when it is known; the first re-check is due in ``RECHECK_HOURS``."""
    actor = _actor(by)
    check_guard(actor, estate.pk)
    values = _clean(estate, kind, location, description, room, building)
    photos = require_photo(actor, attachments)
    now = timezone.now()
    found_at = found_at or now
    case = engine.case_open(
        process=OBSTRUCTION,
        estate=estate,
        title=f"{ObstructionKind(kind).label}：{values['location']}"[:200],
        by=actor,
        at=found_at,
        data={"kind": kind},
        attachments=photos,
    )
    obstruction = Obstruction.objects.create(
        case=case,
        estate=estate,
        room=room,
        building=building or (room.building if room is not None else None),
        found_at=found_at,
        reported_by=actor.user,
        next_recheck_at=now + dt.timedelta(hours=RECHECK_HOURS),
        **values,
    )
    if room is not None:
        result = engine.case_act(case=case, action="notify_owner", by=actor, note=room.label)
        obstruction.case = result.case
        if _notify_owner(obstruction):
            obstruction.owner_notified_at = now
            obstruction.save(update_fields=["owner_notified_at"])
    return obstruction


@transaction.atomic
def obstruction_case_act(
    *,
    case: Case,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Obstruction:
    """One step of an obstruction: tell the owner, a re-check (failed: the next one is planned;
    passed: it is closed), a note."""
    obstruction = Obstruction.objects.select_for_update().get(case=case)
    actor = _actor(by)
    if not actor.is_superuser and obstruction.estate_id not in actor.estate_ids:
        raise Http404
    if action == "notify_owner" and obstruction.room is None:
        raise ValidationError({"room": [_("不知道是哪户的物品，无法通知业主")]})
    result = engine.case_act(
        case=obstruction.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip
    now = result.event.at
    obstruction.case = result.case
    if action == "notify_owner":
        if _notify_owner(obstruction):
            obstruction.owner_notified_at = now
    elif action == "recheck_fail":
        # FIRE-14: still there — it stays open and the next re-check is planned.
        obstruction.rechecks += 1
        obstruction.next_recheck_at = now + dt.timedelta(hours=RECHECK_HOURS)
    elif action == "recheck_pass":
        obstruction.rechecks += 1
        obstruction.cleared_at, obstruction.next_recheck_at = now, None
    obstruction.save()
    return obstruction


def obstruction_act(
    *,
    obstruction: Obstruction | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Obstruction:
    """The pages' and the API's way in."""
    actor = _actor(by)
    pk = obstruction.pk if isinstance(obstruction, Obstruction) else obstruction
    obstruction = obstruction_get_for_user(actor.user, pk)
    OBSTRUCTION.action(action)
    return obstruction_case_act(
        case=obstruction.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip


def obstruction_recheck_remind(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Periodic job (FIRE-14): each open obstruction whose re-check is due tells the guards on
    duty at the estate's guard posts and the order head, once per planned re-check (the
    message's idempotency key), so a due re-check is never silently skipped. Returns how many
    obstructions were due."""
    from wuye.fieldwork.models import Shift, ShiftStatus

    from .guards import order_heads

    now = now or timezone.now()
    due = Obstruction.objects.filter(
        cleared_at__isnull=True, next_recheck_at__lte=now
    ).select_related("estate")[:batch]
    count = 0
    for obstruction in due:
        on_duty = Shift.objects.filter(
            estate_id=obstruction.estate_id,
            status=ShiftStatus.ON_DUTY,
            post__kind__in=("gate", "patrol"),
        ).values_list("members__staff__user", flat=True)
        users = list(order_heads(obstruction.estate_id))
        users += list(get_user_model().objects.filter(pk__in=[pk for pk in on_duty if pk]))
        requests = []
        for user in dict.fromkeys(users):
            with translation.override(notify.recipient_language(user)):
                title = _("请复查：%(kind)s %(location)s") % {
                    "kind": obstruction.get_kind_display(),
                    "location": obstruction.location,
                }
            requests.append(
                {
                    "recipient": user,
                    "template": "notice",
                    "context": {"title": title, "body": obstruction.description},
                    "estate": obstruction.estate,
                    "ref": f"security.obstruction:{obstruction.pk}",
                    "url": reverse("security:obstruction_detail", args=[obstruction.pk]),
                    "idempotency_key": (
                        f"obstruction_recheck:{obstruction.pk}:{obstruction.rechecks}"
                    ),
                }
            )
        with transaction.atomic():
            notify.message_enqueue_bulk(requests)
        count += 1
    return count
