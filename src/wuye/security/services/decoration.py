"""装修登记 (GUARD-10): customer service registers a room's decoration; its workers' passes are
tied to it and end with it (finished or revoked early: their passes are refused as revoked)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.base.bounds import DATE_MAX, DATE_MIN
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Room
from wuye.core.validators import check_model_text

from ..choices import DecorationStatus
from ..models import DecorationPermit
from .visitors import as_actor, check_estate_staff, check_room, clean_mobile

# Customer service registers decorations (客服中心), with its head and the executives.
DESK_ROLES = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
DECORATION_MAX_DAYS = 366


def decoration_permit_register(
    *,
    estate: Estate,
    room: Room | None,
    company: str,
    person_in_charge: str,
    phone: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
    by,
) -> DecorationPermit:
    """Register a room's decoration (装修登记): company, person in charge, from/until dates."""
    actor = as_actor(by)
    check_estate_staff(actor, estate.pk, DESK_ROLES, _("装修登记由客服中心办理"))
    errors: dict[str, list[str]] = {}
    try:
        check_room(room, estate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    company, person_in_charge = (company or "").strip(), (person_in_charge or "").strip()
    if not company:
        errors["company"] = [_("请填写装修公司")]
    if not person_in_charge:
        errors["person_in_charge"] = [_("请填写现场负责人")]
    check_model_text(
        DecorationPermit, errors, company=company, person_in_charge=person_in_charge,
        note=(note or "").strip(),
    )  # fmt: skip
    phone = clean_mobile(phone, errors, "phone")
    if not phone and "phone" not in errors:
        errors["phone"] = [_("请填写负责人电话")]
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            errors[field] = [_("请填写日期")]
        elif not DATE_MIN <= value <= DATE_MAX:
            errors[field] = [_("日期无效")]
    if "starts_on" not in errors and "ends_on" not in errors:
        if ends_on < starts_on:
            errors["ends_on"] = [_("完工日期不能早于开工日期")]
        elif (ends_on - starts_on).days > DECORATION_MAX_DAYS:
            errors["ends_on"] = [_("装修期最长一年，请分期登记")]
    if errors:
        raise ValidationError(errors)
    return DecorationPermit.objects.create(
        estate=estate,
        room=room,
        company=company,
        person_in_charge=person_in_charge,
        phone=phone,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
        registered_by=actor.user,
        registered_at=timezone.now(),
    )


@transaction.atomic
def decoration_permit_close(*, permit: DecorationPermit | int, status: str, by) -> DecorationPermit:
    """Finish (已完工) or revoke (已撤销) a decoration; its workers' passes stop at once."""
    actor = as_actor(by)
    pk = permit.pk if isinstance(permit, DecorationPermit) else permit
    permit = DecorationPermit.objects.select_for_update().filter(pk=pk).first()
    if permit is None:
        raise Http404
    check_estate_staff(actor, permit.estate_id, DESK_ROLES, _("装修登记由客服中心办理"))
    if status not in (DecorationStatus.FINISHED, DecorationStatus.REVOKED):
        raise ValidationError({"status": [_("请选择已完工或已撤销")]})
    if permit.status != DecorationStatus.ACTIVE:
        raise Conflict(_("该装修登记已结束"))
    permit.status, permit.closed_at = status, timezone.now()
    permit.save(update_fields=["status", "closed_at"])
    return permit
