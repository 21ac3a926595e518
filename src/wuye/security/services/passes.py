"""《临时出入证》 (GUARD-10): issued by the desk or the gate, pre-registered by a resident for a
guest in the portal, tied to the room's 装修登记 for decoration workers; scanned at a gate, where
it is accepted or refused with the reason, and every scan is recorded with gate and guard."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Estate, Room
from wuye.core.scoping import visible_rooms
from wuye.core.validators import check_model_text
from wuye.emergency.selectors.closures import closure_for

from ..choices import DecorationStatus, PassKind, PassSource, ScanResult, VisitReason
from ..models import DecorationPermit, PassScan, TemporaryPass, Visitor
from ..models.passes import MAX_ENTRIES, PASS_CODE_ALPHABET, PASS_CODE_LENGTH, pass_code
from ..selectors.passes import pass_get_for_user
from .visitors import (
    as_actor,
    check_estate_staff,
    check_room,
    clean_id_number,
    clean_mobile,
    clean_name,
    closed_message,
    estate_zone,
    refuse_closed,
)

# A pass is for a visit, not a tenancy: at most a month (a decoration worker's: the permit's
# period).
PASS_MAX_DAYS = 31
DECORATION_MAX_DAYS = 367
# What a resident may grant a guest from the portal.
PORTAL_MAX_ENTRIES = 10
MINUTE = dt.timedelta(minutes=1)
REASON_OF_KIND = {
    PassKind.GUEST: VisitReason.GUEST,
    PassKind.DECORATION: VisitReason.DECORATION,
    PassKind.SERVICE: VisitReason.OTHER,
}


def local_time(value: dt.datetime, estate: Estate) -> dt.datetime:
    """A time as the estate's people mean it: a naive time is the estate's local time; seconds
    are dropped (a pass is valid to the minute)."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=estate_zone(estate))
    return value.replace(second=0, microsecond=0)


def day_start(day: dt.date, estate: Estate) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=estate_zone(estate))


def day_last_minute(day: dt.date, estate: Estate) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=estate_zone(estate))


def pass_state(temporary_pass: TemporaryPass, now: dt.datetime) -> str:
    """GUARD-10: what the gate answers now. The period is inclusive at both ends, to the minute:
    valid from ``valid_from`` (14:00:00) until the end of the minute ``valid_until`` (16:00:59),
    in the estate's time zone; then the entries left."""
    permit = temporary_pass.decoration_permit
    if temporary_pass.revoked_at is not None or (
        permit is not None and permit.status != DecorationStatus.ACTIVE
    ):
        return ScanResult.REVOKED
    if now < temporary_pass.valid_from:
        return ScanResult.NOT_YET_VALID
    if now >= temporary_pass.valid_until + MINUTE:
        return ScanResult.EXPIRED
    if temporary_pass.entries_used >= temporary_pass.max_entries:
        return ScanResult.USED_UP
    return ScanResult.ACCEPTED


def _check_issuer(actor, estate: Estate, room: Room | None, kind: str) -> str:
    """Staff at the gate or the desk issue any kind; a resident pre-registers a guest of a
    room they live in (anything else of the estate is out of their sight: 404)."""
    if actor.staff is not None or actor.is_superuser:
        check_estate_staff(actor, estate.pk)
        return PassSource.DESK
    if actor.resident is not None:
        if room is None or not visible_rooms(actor).filter(pk=room.pk).exists():
            raise Http404
        if kind != PassKind.GUEST:
            raise PermissionDenied(_("业主只能为访客预约出入证"))
        return PassSource.PORTAL
    raise Http404


def _active_permit(room: Room | None) -> DecorationPermit | None:
    if room is None:
        return None
    return (
        DecorationPermit.objects.filter(room=room, status=DecorationStatus.ACTIVE)
        .order_by("-ends_on", "-pk")
        .first()
    )


def _clean_period(estate, valid_from, valid_until, max_entries, max_allowed, errors, max_days):
    now = timezone.now()
    if valid_from is None:
        valid_from = now
    if not isinstance(valid_from, dt.datetime):
        errors["valid_from"] = [_("生效时间无效")]
    if not isinstance(valid_until, dt.datetime):
        errors["valid_until"] = [_("请填写失效时间")]
    if isinstance(max_entries, bool) or not isinstance(max_entries, int):
        errors["max_entries"] = [_("请填写可进入次数")]
    elif not 1 <= max_entries <= max_allowed:
        errors["max_entries"] = [_("可进入次数应为 1 至 %(n)d 次") % {"n": max_allowed}]
    if "valid_from" in errors or "valid_until" in errors:
        return valid_from, valid_until
    valid_from, valid_until = local_time(valid_from, estate), local_time(valid_until, estate)
    if valid_until <= valid_from:
        errors["valid_until"] = [_("失效时间应晚于生效时间")]
    elif valid_until + MINUTE <= now:
        errors["valid_until"] = [_("失效时间已过，请重新选择")]
    elif valid_until - valid_from > dt.timedelta(days=max_days):
        errors["valid_until"] = [_("临时出入证最长 %(n)d 天") % {"n": max_days}]
    return valid_from, valid_until


def _check_permit(permit, estate, valid_from, valid_until, errors) -> None:
    """GUARD-10: a decoration worker's pass never outlives the room's 装修登记."""
    start, end = day_start(permit.starts_on, estate), day_last_minute(permit.ends_on, estate)
    if "valid_from" not in errors and valid_from < start:
        errors["valid_from"] = [
            _("装修工人出入证不能早于装修开工日期 %(d)s") % {"d": permit.starts_on.isoformat()}
        ]
    if "valid_until" not in errors and valid_until > end:
        errors["valid_until"] = [
            _("装修工人出入证不能超过装修完工日期 %(d)s") % {"d": permit.ends_on.isoformat()}
        ]


def pass_issue(
    *,
    estate: Estate,
    kind: str,
    visitor_name: str,
    valid_until: dt.datetime,
    max_entries: int = 1,
    valid_from: dt.datetime | None = None,
    room: Room | None = None,
    visitor_mobile: str = "",
    id_number: str = "",
    note: str = "",
    by,
) -> TemporaryPass:
    """GUARD-10: issue a 《临时出入证》. Staff issue any kind; a resident (the portal) a guest's
    pass to a room they live in. Times without a zone are the estate's local time."""
    actor = as_actor(by)
    source = _check_issuer(actor, estate, room, kind)
    errors: dict[str, list[str]] = {}
    if kind not in PassKind.values:
        errors["kind"] = [_("请选择出入证类别")]
    visitor_name = clean_name(visitor_name, errors, "visitor_name")
    visitor_mobile = clean_mobile(visitor_mobile, errors, "visitor_mobile")
    id_number = clean_id_number(id_number, errors, required=False)
    check_model_text(TemporaryPass, errors, note=note.strip())
    try:
        check_room(room, estate, required=kind != PassKind.SERVICE)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    limit = PORTAL_MAX_ENTRIES if source == PassSource.PORTAL else MAX_ENTRIES
    # GUARD-10: where the room has a 装修登记, a decoration worker's pass is tied to it and may
    # last as long as the permit (itself at most a year); without one it is an ordinary pass.
    permit = None
    if kind == PassKind.DECORATION and "room" not in errors:
        permit = _active_permit(room)
    max_days = DECORATION_MAX_DAYS if permit is not None else PASS_MAX_DAYS
    valid_from, valid_until = _clean_period(
        estate, valid_from, valid_until, max_entries, limit, errors, max_days
    )
    if permit is not None:
        _check_permit(permit, estate, valid_from, valid_until, errors)
    if errors:
        raise ValidationError(errors)
    refuse_closed(estate, room, valid_from, valid_until)  # EMERG-HEALTH-10
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TemporaryPass.objects.create(
                    estate=estate,
                    code=pass_code(),
                    kind=kind,
                    source=source,
                    visitor_name=visitor_name,
                    visitor_mobile=visitor_mobile,
                    id_number=id_number,
                    room=room,
                    decoration_permit=permit,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    max_entries=max_entries,
                    issued_by=actor.user,
                    issued_at=timezone.now(),
                    note=note.strip(),
                )
        except IntegrityError:  # the one-in-a-trillion code already taken: draw again
            continue
    raise RuntimeError("no free pass code")


@transaction.atomic
def pass_revoke(*, temporary_pass: TemporaryPass | int, by) -> TemporaryPass:
    """Revoke a pass: the staff of its estate, or the resident who pre-registered it."""
    actor = as_actor(by)
    pk = temporary_pass.pk if isinstance(temporary_pass, TemporaryPass) else temporary_pass
    pass_get_for_user(actor.user, pk)  # 404 out of sight
    temporary_pass = TemporaryPass.objects.select_for_update().get(pk=pk)
    if actor.staff is not None or actor.is_superuser:
        check_estate_staff(actor, temporary_pass.estate_id)
    if temporary_pass.revoked_at is not None:
        raise ValidationError({"__all__": [_("该出入证已作废")]})
    temporary_pass.revoked_at, temporary_pass.revoked_by = timezone.now(), actor.user
    temporary_pass.save(update_fields=["revoked_at", "revoked_by"])
    return temporary_pass


_CODE_IN_TEXT = re.compile(r"(?:code=|/)([A-Za-z0-9-]{8,9})/?$")


def parse_pass_code(text: str) -> str:
    """The code as typed ("ABCD-EFGH", "abcdefgh") or pasted from the QR (its scan URL)."""
    text = (text or "").strip()
    match = _CODE_IN_TEXT.search(text)
    if match:
        text = match.group(1)
    return text.replace("-", "").replace(" ", "").upper()[:40]


def pass_scan(*, estate: Estate, code: str, gate: str = "", by) -> PassScan:
    """GUARD-10: a gate scans a pass. Accepted: one entry is used and the visitor is written
    into the register (GUARD-06). Refused: the reason (not yet valid, expired, used up, revoked,
    unknown, or closed: its place is under a public-health closure). Either way the scan is
    recorded with gate and guard.

    Two gates scanning the last entry at once: the pass row is locked, so one is accepted and
    the other refused as used up."""
    actor = as_actor(by)
    check_estate_staff(actor, estate.pk)
    gate = (gate or "").strip()
    errors: dict[str, list[str]] = {}
    check_model_text(PassScan, errors, gate=gate)
    code = parse_pass_code(code)
    if not code:
        errors["code"] = [_("请扫描或输入出入证编码")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        valid = len(code) == PASS_CODE_LENGTH and set(code) <= set(PASS_CODE_ALPHABET)
        temporary_pass = (
            TemporaryPass.objects.select_for_update(of=("self",))
            .select_related("decoration_permit", "room")
            .filter(estate=estate, code=code)
            .first()
            if valid
            else None
        )
        result = ScanResult.UNKNOWN if temporary_pass is None else pass_state(temporary_pass, now)
        closure = None
        if result == ScanResult.ACCEPTED:
            # EMERG-HEALTH-05/10: a pass issued before the closure began does not open a closed
            # unit, building or estate (a pass without a room: the estate only); its holder is
            # not one of the residents, who pass as they live there.
            closure = closure_for(estate, room=temporary_pass.room, at=now)
            if closure is not None:
                result = ScanResult.CLOSED
        scan = PassScan.objects.create(
            estate=estate,
            temporary_pass=temporary_pass,
            code=code,
            gate=gate,
            guard=actor.user,
            scanned_at=now,
            result=result,
        )
        scan.visitor, scan.closure = None, closure
        if result == ScanResult.ACCEPTED:
            temporary_pass.entries_used += 1
            temporary_pass.save(update_fields=["entries_used"])
            scan.visitor = Visitor.objects.create(
                estate=estate,
                name=temporary_pass.visitor_name,
                id_number=temporary_pass.id_number,
                mobile=temporary_pass.visitor_mobile,
                room=temporary_pass.room,
                reason=REASON_OF_KIND[temporary_pass.kind],
                gate=gate,
                entered_at=now,
                temporary_pass=temporary_pass,
                registered_by=actor.user,
            )
    return scan


def scan_message(scan: PassScan) -> str:
    """What the gate shows and says of a scan: its result, and for a closure the closed place
    (EMERG-HEALTH-10)."""
    closure = getattr(scan, "closure", None)
    if scan.result == ScanResult.CLOSED and closure is not None:
        return closed_message(closure)
    return str(ScanResult(scan.result).label)
