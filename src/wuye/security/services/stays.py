"""Paying and resolving the 《临时停车卡》 (VEHICLE-06/07/11): the guard collects the fee the
estate's rule gives (cash, or a scan whose payment reference the guard records), and resolves a
stay without an exit or an exit without an entry with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.validators import check_field_text

from ..choices import PayChannel, StayStatus
from ..models import ParkingStay
from ..selectors.gates import unresolved_q
from .gates import _actor, _check_gate, stay_due


def stay_get_for_user(user, pk, *, for_write: bool = False) -> ParkingStay:
    """The stay if the user is staff of its estate, else 404."""
    actor = _actor(user)
    qs = ParkingStay.objects.select_related("estate", "area")
    if not actor.is_superuser:
        if not actor.is_staff_member:
            raise Http404
        qs = qs.filter(estate_id__in=actor.estate_ids)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (ParkingStay.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@transaction.atomic
def stay_pay(*, stay: ParkingStay, channel: str, reference: str = "", by) -> ParkingStay:
    """收费 (VEHICLE-06/07): the amount due now under the estate's rule, collected at once; the
    car then has ``EXIT_GRACE`` to leave."""
    actor = _actor(by)
    _check_gate(actor, stay.estate_id)
    stay = ParkingStay.objects.select_for_update().select_related("estate").get(pk=stay.pk)
    errors: dict[str, list[str]] = {}
    reference = (reference or "").strip()
    if channel not in PayChannel.values:
        errors["channel"] = [_("请选择缴费方式")]
    elif channel != PayChannel.CASH and not reference:
        errors["reference"] = [_("扫码支付请填写支付流水号")]
    check_field_text(ParkingStay, "pay_reference", reference, key="reference", errors=errors)
    if errors:
        raise ValidationError(errors)
    if stay.status != StayStatus.INSIDE:
        raise Conflict(_("该车不在场内，无需缴费"), code="not_inside")
    now = timezone.now()
    fee, due = stay_due(stay, now)
    if due <= 0:
        raise Conflict(_("该车无需缴费"), code="nothing_due")
    stay.fee, stay.paid_amount, stay.paid_at = fee, stay.paid_amount + due, now
    stay.pay_channel, stay.pay_reference, stay.collected_by = channel, reference, actor.user
    stay.save(update_fields=["fee", "paid_amount", "paid_at", "pay_channel", "pay_reference",
                             "collected_by"])  # fmt: skip
    return stay


def stay_needs_resolution(stay: ParkingStay, now) -> bool:
    return ParkingStay.objects.filter(unresolved_q(now), pk=stay.pk).exists()


@transaction.atomic
def stay_resolve(*, stay: ParkingStay, reason: str, by) -> ParkingStay:
    """处理 a stay without an exit (older than a day) or an exit without an entry: closed with
    the guard's reason, kept on record."""
    actor = _actor(by)
    _check_gate(actor, stay.estate_id)
    reason = (reason or "").strip()
    errors = check_field_text(ParkingStay, "resolution", reason, key="reason")
    if not reason:
        errors["reason"] = [_("请填写处理说明，如 车辆已离场，识别漏拍")]
    if errors:
        raise ValidationError(errors)
    stay = ParkingStay.objects.select_for_update().get(pk=stay.pk)
    now = timezone.now()
    if not stay_needs_resolution(stay, now):
        raise Conflict(_("该停车记录无需处理"), code="not_unresolved")
    stay.status, stay.resolution = StayStatus.RESOLVED, reason
    stay.resolved_by, stay.resolved_at = actor.user, now
    stay.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return stay


def stay_amount_now(*, stay: ParkingStay, at) -> tuple:
    """(fee, due) if the car left at ``at``; nothing to pay for a car no longer inside."""
    if stay.status != StayStatus.INSIDE:
        fee = stay.fee or stay.paid_amount
        return fee, fee - fee
    return stay_due(stay, at)
