"""代收快递 (GUARD-13): where couriers may not enter, the gate receives their parcels, the resident
is told in the inbox and by SMS with a 6-digit pick-up code, and the parcel is handed over once,
to the right code."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from wuye.core.models import Estate, Occupancy, Room
from wuye.core.validators import check_model_text
from wuye.notify import services as notify
from wuye.notify.choices import Channel

from ..choices import ParcelStatus
from ..models import Parcel
from ..models.parcels import MAX_CODE_ATTEMPTS
from .visitors import as_actor, check_estate_staff, check_room

CODE_LENGTH = 6


def _code_hash(parcel_key: str, code: str) -> str:
    return salted_hmac("wuye.security.parcel", f"{parcel_key}:{code}").hexdigest()


def _notify_residents(parcel: Parcel, code: str) -> int:
    """The room's current residents with a login: inbox and SMS, in the receiving transaction."""
    occupancies = Occupancy.objects.filter(
        Occupancy.current_q(), room=parcel.room, resident__user__isnull=False
    ).select_related("resident__user")
    sent = 0
    for occupancy in occupancies:
        user = occupancy.resident.user
        with translation.override(notify.recipient_language(user)):
            title = _("门岗代收快递")
            body = _(
                "您的%(company)s快递（单号尾号 %(tail)s）已由门岗代收，取件码 %(code)s，"
                "请凭取件码到门岗领取。"
            ) % {"company": parcel.courier_company, "tail": parcel.tracking_no[-4:], "code": code}
        notify.message_enqueue(
            recipient=user,
            template="notice",
            context={"title": title, "body": body},
            channels=[Channel.INBOX, Channel.SMS],
            estate=parcel.estate,
            ref=f"security.parcel:{parcel.pk}",
            idempotency_key=f"parcel_received:{parcel.pk}:{parcel.code_hash[:8]}",
        )
        sent += 1
    return sent


def parcel_receive(
    *,
    estate: Estate,
    room: Room | None,
    courier_company: str,
    tracking_no: str,
    recipient_name: str = "",
    by,
) -> tuple[Parcel, str]:
    """GUARD-13: the gate receives a parcel for a room (代收快递); the residents are told with
    a 6-digit pick-up code. Returns the parcel and the code (shown to no one at the gate; the
    caller may keep it only for tests and the demo)."""
    actor = as_actor(by)
    check_estate_staff(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    try:
        check_room(room, estate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    courier_company = (courier_company or "").strip()
    tracking_no = (tracking_no or "").strip().upper()
    recipient_name = (recipient_name or "").strip()
    if not courier_company:
        errors["courier_company"] = [_("请填写快递公司")]
    if not tracking_no:
        errors["tracking_no"] = [_("请填写快递单号")]
    check_model_text(
        Parcel, errors, courier_company=courier_company, tracking_no=tracking_no,
        recipient_name=recipient_name,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    key = secrets.token_hex(8)
    try:
        with transaction.atomic():
            parcel = Parcel.objects.create(
                estate=estate,
                room=room,
                courier_company=courier_company,
                tracking_no=tracking_no,
                recipient_name=recipient_name,
                received_at=timezone.now(),
                received_by=actor.user,
                code_hash=f"{key}${_code_hash(key, code)}",
            )
            _notify_residents(parcel, code)
    except IntegrityError:
        raise ValidationError({"tracking_no": [_("该快递单号已登记代收")]}) from None
    return parcel, code


def _code_matches(parcel: Parcel, code: str) -> bool:
    key, _sep, digest = parcel.code_hash.partition("$")
    return constant_time_compare(digest, _code_hash(key, code))


def parcel_pick_up(*, parcel: Parcel | int, code: str, by) -> Parcel:
    """GUARD-13: hand a parcel over to whoever tells the right 6-digit code; once. A wrong code
    is refused (and counted: after 5 wrong codes the parcel waits for customer service)."""
    actor = as_actor(by)
    pk = parcel.pk if isinstance(parcel, Parcel) else parcel
    code = (code or "").strip()
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().filter(pk=pk).first()
        if parcel is None:
            raise Http404
        check_estate_staff(actor, parcel.estate_id)
        if parcel.status != ParcelStatus.WAITING:
            raise ValidationError({"code": [_("该快递已被取走，不能重复取件")]})
        if parcel.failed_attempts >= MAX_CODE_ATTEMPTS:
            raise ValidationError(
                {"code": [_("取件码错误次数过多，请业主联系客服中心核实身份后领取")]}
            )
        if not (len(code) == CODE_LENGTH and code.isdigit() and _code_matches(parcel, code)):
            wrong = True
        else:
            wrong = False
            parcel.status = ParcelStatus.PICKED_UP
            parcel.picked_up_at, parcel.handed_over_by = timezone.now(), actor.user
            parcel.save(update_fields=["status", "picked_up_at", "handed_over_by"])
    if wrong:
        # Counted outside the refused transaction, so the count stays.
        Parcel.objects.filter(pk=pk).update(failed_attempts=F("failed_attempts") + 1)
        raise ValidationError({"code": [_("取件码不正确，请核对短信中的 6 位取件码")]})
    return parcel
