"""Supply deliveries to isolated households (物资配送, EMERG-HEALTH-12).

A resident whose room is closed now asks from the portal (what they need); staff of the estate
take the request (one of them: two taking it at once, one wins), deliver it to the door and
record it; the resident confirms receipt. A request may be cancelled by the resident before it
is taken."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.models import Room
from wuye.core.scoping import visible_rooms

from ..choices import DeliveryStatus as D
from ..models import Delivery
from ..processes import STAFF
from ..selectors.closures import closure_for
from .common import as_actor

__all__ = [
    "delivery_cancel",
    "delivery_confirm",
    "delivery_deliver",
    "delivery_request",
    "delivery_take",
]

ITEMS_MAX = 500
NOTE_MAX = 500


def _resident_room(actor, room) -> Room:
    pk = getattr(room, "pk", room)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationError({"room": [_("请选择您的房屋")]}) from None
    if actor.resident is None or actor.staff is not None:
        raise PermissionDenied(_("物资配送由封闭单元的住户本人申请"))
    found = visible_rooms(actor).filter(pk=pk).select_related("unit", "building").first()
    if found is None:
        raise Http404
    return found


@transaction.atomic
def delivery_request(*, room, items: str, by, note: str = "") -> Delivery:
    """EMERG-HEALTH-12: only a resident of a room under a closure in force may ask."""
    actor = as_actor(by)
    room = _resident_room(actor, room)
    items, note = (items or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not items:
        errors["items"] = [_("请填写需要配送的物资，如 米、蔬菜、药品")]
    elif len(items) > ITEMS_MAX:
        errors["items"] = [_("物资清单不能超过 %(n)d 个字") % {"n": ITEMS_MAX}]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("备注不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    if errors:
        raise ValidationError(errors)
    closure = closure_for(room.estate_id, room=room)
    if closure is None:
        raise Conflict(_("您的房屋不在封闭管控范围内，无需申请物资配送"), code="not_closed")
    return Delivery.objects.create(
        incident_id=closure.incident_id, room=room, items=items, note=note,
        requested_at=timezone.now(), requested_by=actor.user,
    )  # fmt: skip


def _locked(delivery) -> Delivery:
    pk = getattr(delivery, "pk", delivery)
    try:
        return (
            Delivery.objects.select_for_update(of=("self",)).select_related("room").get(pk=int(pk))
        )
    except (Delivery.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _staff(actor, delivery: Delivery) -> None:
    if actor.is_superuser:
        return
    if actor.staff is None or delivery.room.estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in STAFF:
        raise PermissionDenied(_("您的角色不能配送物资"))


def _resident(actor, delivery: Delivery) -> None:
    if not visible_rooms(actor).filter(pk=delivery.room_id).exists() or actor.staff is not None:
        raise Http404


def _state(delivery: Delivery, *allowed) -> None:
    if delivery.status not in allowed:
        raise Conflict(
            _("该配送当前为“%(status)s”") % {"status": delivery.get_status_display()},
            code="invalid_state",
        )


@transaction.atomic
def delivery_take(*, delivery, by) -> Delivery:
    """A member of staff takes the request (the row is locked: one of two at once wins)."""
    actor = as_actor(by)
    delivery = _locked(delivery)
    _staff(actor, delivery)
    _state(delivery, D.REQUESTED)
    delivery.status, delivery.assignee, delivery.taken_at = (
        D.DELIVERING,
        actor.staff,
        (timezone.now()),
    )
    delivery.save(update_fields=["status", "assignee", "taken_at"])
    return delivery


@transaction.atomic
def delivery_deliver(*, delivery, by, note: str = "") -> Delivery:
    """The one who took it records it delivered to the door."""
    actor = as_actor(by)
    delivery = _locked(delivery)
    _staff(actor, delivery)
    _state(delivery, D.DELIVERING)
    if not actor.is_superuser and delivery.assignee_id != getattr(actor.staff, "pk", None):
        raise PermissionDenied(_("只能由接单人登记送达"))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("备注不能超过 %(n)d 个字") % {"n": NOTE_MAX}]})
    delivery.status, delivery.delivered_at = D.DELIVERED, timezone.now()
    if note:
        delivery.note = (delivery.note + "\n" + note).strip()[:1000]
    delivery.save(update_fields=["status", "delivered_at", "note"])
    return delivery


@transaction.atomic
def delivery_confirm(*, delivery, by) -> Delivery:
    """The resident confirms receipt."""
    actor = as_actor(by)
    delivery = _locked(delivery)
    _resident(actor, delivery)
    _state(delivery, D.DELIVERED)
    delivery.status, delivery.confirmed_at = D.CONFIRMED, timezone.now()
    delivery.save(update_fields=["status", "confirmed_at"])
    return delivery


@transaction.atomic
def delivery_cancel(*, delivery, by) -> Delivery:
    """The resident withdraws a request nobody has taken yet."""
    actor = as_actor(by)
    delivery = _locked(delivery)
    _resident(actor, delivery)
    _state(delivery, D.REQUESTED)
    delivery.status = D.CANCELLED
    delivery.save(update_fields=["status"])
    return delivery
