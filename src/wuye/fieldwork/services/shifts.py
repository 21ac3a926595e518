"""Duty posts and shifts (班次) — the half of EQUIP-OPS-10 / GUARD-04 before the handover, which
is in :mod:`.handovers`.

- A duty post's head (or an executive) plans shifts and puts staff of the estate on them; nobody
  is on two overlapping shifts of the same post. Shifts are calendar time: a night shift ends the
  next morning, across a month end or a holiday like any other.
- The first shift at a post with nobody on duty starts when someone on it takes it over
  (``shift_start``). After that a handover is the only way to end a shift: there is no "end"
  here on purpose.
- Chapter apps contribute the open items a handover copies (``register_open_items``) and what a
  person confirms as they take a shift over (``register_start_checks``: a public-health event's
  mask and gloves, EMERG-HEALTH-11). A shift starts either here or by a handover's incoming
  signature; both ask the same registry.
- ``_check_on_duty_certificate`` is the one place certificates on duty are checked
  (EQUIP-OPS-11).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for

from ..choices import CertificateKind
from ..models import (
    DutyPost,
    Shift,
    ShiftMember,
    ShiftStatus,
)
from .certificates import require_certificate

log = logging.getLogger(__name__)

TEXT_MAX = 2000
ARTICLES_MAX = 1000
ITEM_MAX = 500
ITEMS_MAX = 50
PLAN_DAYS_MAX = 62
EQUIPMENT_MAX = 30
EQUIPMENT_NAME_MAX = 30
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


@dataclass(frozen=True)
class StartCheck:
    """One thing a person confirms as they take a shift over: a box to tick on the 接班 pages,
    a ``checks`` code in the API. ``code`` is what comes back, ``label`` what the person reads,
    ``help`` the manual's guidance shown beside it."""

    code: str
    label: str
    help: str = ""


StartCheckProvider = Callable[[Shift, Staff | None, dt.datetime], list[StartCheck]]
StartCheckRecorder = Callable[[Shift, Staff, list[StartCheck], dt.datetime], None]
_START_CHECKS: dict[str, tuple[StartCheckProvider, StartCheckRecorder | None]] = {}
CHECK_CODE_MAX = 100


def register_start_checks(
    key: str, provider: StartCheckProvider, *, record: StartCheckRecorder | None = None
) -> None:
    """A chapter app adds what each person confirms when they take a shift over
    (``shift_start`` or the incoming signature of a handover): ``provider(shift, staff, now)``
    returns the required items (none: nothing to confirm; ``staff`` is None while a page does
    not know yet who signs); ``record(shift, staff, items, now)`` keeps the confirmation, in the
    transaction that starts the shift. Registering a key again replaces it."""
    _START_CHECKS[str(key)] = (provider, record)


def _required_checks(
    shift: Shift, staff: Staff | None, now: dt.datetime
) -> list[tuple[StartCheckRecorder | None, list[StartCheck]]]:
    """What each registered app requires now. A provider that fails is logged and skipped, as
    the open items are: a guard must be able to go on duty when another app is broken (its
    savepoint keeps a failed query from spoiling the transaction that starts the shift)."""
    found = []
    for key, (provider, record) in list(_START_CHECKS.items()):
        try:
            with transaction.atomic():
                items = [i for i in provider(shift, staff, now) or [] if isinstance(i, StartCheck)]
        except Exception:
            log.exception("start-checks provider %r failed for shift %s", key, shift.pk)
            continue
        if items:
            found.append((record, items))
    return found


def start_checks(shift: Shift, staff: Staff | None = None, now=None) -> list[StartCheck]:
    """What a person taking this shift over confirms now (the 接班 pages' boxes)."""
    required = _required_checks(shift, staff, now or timezone.now())
    return [item for _record, items in required for item in items]


def _confirm_start_checks(shift: Shift, staff: Staff, checks, now: dt.datetime) -> list:
    """Refuse (nothing changed) when a required item is not among ``checks``; returns what to
    record once the shift has started (``_record_start_checks``)."""
    if isinstance(checks, str):
        checks = [checks]
    given = {c[:CHECK_CODE_MAX] for c in checks or () if isinstance(c, str)}
    required = _required_checks(shift, staff, now)
    missing = [i.label for _record, items in required for i in items if i.code not in given]
    if missing:
        raise ValidationError(
            {"checks": [_("接班前请确认：%(items)s") % {"items": "、".join(missing)}]}
        )
    return required


def _record_start_checks(required: list, shift: Shift, staff: Staff, now: dt.datetime) -> None:
    for record, items in required:
        if record is not None:
            record(shift, staff, items, now)


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
    and before they take one over; a post that requires nothing is never checked."""
    if not post.required_certificate:
        return
    require_certificate(kind=post.required_certificate, on=on, staff=staff)


# --- Posts and shifts ---------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *,
    estate: Estate,
    name: str,
    department: str,
    kind: str = "",
    required_certificate: str = "",
    equipment: Iterable[str] = (),
    three_clears: bool = False,
    by,
) -> DutyPost:
    """A new duty post of an estate (heads of the department, executives). ``equipment``: what
    is handed over at the post, checked item by item at each handover (GUARD-04);
    ``three_clears``: each handover confirmed "三清" by both sides (GUARD-05)."""
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
    things = _equipment_names(equipment, errors)
    if errors:
        raise ValidationError(errors)
    post = DutyPost(
        estate=estate,
        name=name,
        department=department,
        kind=kind,
        required_certificate=required_certificate or "",
        equipment=things,
        three_clears=bool(three_clears),
    )
    _require_head(actor, post)
    post.save()
    return post


def _equipment_names(equipment: Iterable[str], errors: dict) -> list[str]:
    """GUARD-04: the post's equipment list, each name once, in order."""
    names: list[str] = []
    for value in equipment or []:
        name = str(value or "").replace("\x00", "").strip()
        if len(name) > EQUIPMENT_NAME_MAX:
            errors["equipment"] = [_("物品名称不能超过 %(n)d 个字") % {"n": EQUIPMENT_NAME_MAX}]
        elif name and name not in names:
            names.append(name)
    if len(names) > EQUIPMENT_MAX:
        errors["equipment"] = [_("岗位物品最多 %(n)d 项") % {"n": EQUIPMENT_MAX}]
    return names


def _lock_post(post: DutyPost | int) -> DutyPost:
    pk = post.pk if isinstance(post, DutyPost) else post
    return DutyPost.objects.select_for_update(of=("self",)).select_related("estate").get(pk=pk)


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
        for s in Staff.objects.filter(
            pk__in=ids, is_active=True, estates=post.estate_id
        ).select_related("user", "department")
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"staff": [_("值班人员必须是本项目在职员工")]})
    return [found[pk] for pk in ids]


def _check_overlaps(post: DutyPost, shift: Shift, people: list[Staff]) -> None:
    """Nobody is on two overlapping shifts of the same post (the post row is locked)."""
    clashes = (
        ShiftMember.objects.filter(
            staff__in=people,
            shift__post=post,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
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
def shift_create(
    *,
    post: DutyPost,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    staff: Iterable = (),
    name: str = "",
    by,
) -> Shift:
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
    shift = Shift(
        post=post, estate_id=post.estate_id, name=name, starts_at=starts_at, ends_at=ends_at
    )
    shift.save()
    _set_members(post, shift, people)
    return shift


@transaction.atomic
def shift_plan(
    *, post: DutyPost, first_day: dt.date, last_day: dt.date, pattern: list[dict], by
) -> list[Shift]:
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
                post=post,
                starts_at=starts_at,
                ends_at=ends_at,
                defaults={
                    "estate_id": post.estate_id,
                    "name": _clean(slot.get("name"), "pattern", 30),
                },
            )
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
def shift_start(*, shift: Shift, by, checks: Iterable[str] | None = None) -> Shift:
    """Someone on the first shift of a post with nobody on duty takes it over, confirming the
    chapter apps' start checks (``checks``: their codes). When a shift is on duty, the next
    one starts only through a handover."""
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
    _check_on_duty_certificate(
        actor.staff, post, timezone.localtime(now, estate_zone(post.estate)).date()
    )
    required = _confirm_start_checks(shift, actor.staff, checks, now)
    shift.status, shift.started_at, shift.taken_by = ShiftStatus.ON_DUTY, now, actor.user
    shift.save(update_fields=["status", "started_at", "taken_by"])
    _record_start_checks(required, shift, actor.staff, now)
    return shift
