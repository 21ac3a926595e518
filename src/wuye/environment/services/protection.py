"""The start-of-shift protective equipment check (防护用品检查, CLEAN-16): before the day's first
cleaning task a cleaner confirms what they wear. Gloves and a mask are required: without them
the check does not pass, the environment department's heads are told in their inbox, and the
day's cleaning tasks cannot be completed until a later check the same day passes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.notify.services import message_enqueue

from ..choices import ProtectiveItem
from ..models import ProtectionCheck
from ..processes import ENVIRONMENT_LEADS, ENVIRONMENT_WORKERS

__all__ = ["REQUIRED_ITEMS", "protection_check_record", "protection_passed", "protection_require"]

# CLEAN-16: "佩戴防护用品（如手套、口罩）".
REQUIRED_ITEMS = (ProtectiveItem.GLOVES, ProtectiveItem.MASK)
NOTE_MAX = 200


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _today(estate: Estate) -> dt.date:
    return timezone.now().astimezone(estate_tz(estate)).date()


def protection_passed(*, staff: Staff, estate: Estate, on: dt.date | None = None) -> bool:
    return ProtectionCheck.objects.filter(
        staff=staff, on=on or _today(estate), passed=True
    ).exists()


def protection_require(*, staff: Staff, estate: Estate) -> None:
    """CLEAN-16: a cleaner's cleaning task is completed only after today's check passed."""
    if not protection_passed(staff=staff, estate=estate):
        raise Conflict(
            _("请先完成今天的防护用品检查（佩戴手套、口罩），再提交清洁任务"),
            code="protection_check_required",
        )


def _heads(estate: Estate):
    return (
        Staff.objects.filter(
            estates=estate,
            role=Role.DEPARTMENT_HEAD,
            is_active=True,
            department__kind=DepartmentKind.ENVIRONMENT,
        )
        .select_related("user")
        .order_by("id")
    )


@transaction.atomic
def protection_check_record(
    *, estate: Estate, by, items: list[str], staff: Staff | None = None, note: str = ""
) -> ProtectionCheck:
    """Record today's check of ``staff`` (default: the person recording it; a lead may record
    it for a cleaner of the estate). One check per person and day: a check that did not pass
    may be done again once the missing items are worn; a passed one is final (409)."""
    actor = _actor(by)
    if not actor.is_superuser and (actor.staff is None or estate.pk not in actor.estate_ids):
        raise Http404
    staff = staff or actor.staff
    if staff is None:
        raise ValidationError({"staff": [_("请选择员工")]})
    if not actor.is_superuser and staff.pk != actor.staff.pk:
        if actor.role not in ENVIRONMENT_LEADS:
            raise PermissionDenied(_("只能为自己确认防护用品"))
    if staff.role not in ENVIRONMENT_WORKERS or not staff.estates.filter(pk=estate.pk).exists():
        raise ValidationError({"staff": [_("须为本项目的清洁或绿化人员")]})
    errors: dict[str, list[str]] = {}
    if not isinstance(items, list | tuple) or any(i not in ProtectiveItem.values for i in items):
        errors["items"] = [_("请选择佩戴的防护用品")]
        items = []
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("说明不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    if errors:
        raise ValidationError(errors)
    worn = [i for i in ProtectiveItem.values if i in set(items)]
    passed = all(i in worn for i in REQUIRED_ITEMS)
    now, today = timezone.now(), _today(estate)
    values = {"estate": estate, "items": worn, "passed": passed, "note": note,
              "by": actor.user, "at": now}  # fmt: skip
    check = ProtectionCheck.objects.select_for_update().filter(staff=staff, on=today).first()
    if check is not None and check.passed:
        raise Conflict(_("今天的防护用品检查已合格，无需重复确认"), code="exists")
    if check is None:
        try:
            with transaction.atomic():
                check = ProtectionCheck.objects.create(staff=staff, on=today, **values)
        except IntegrityError:  # the same person's check submitted twice at once
            raise Conflict(_("今天的防护用品检查已提交"), code="exists") from None
    else:
        for field, value in values.items():
            setattr(check, field, value)
        check.save()
    if not passed:
        missing = "、".join(str(ProtectiveItem(i).label) for i in REQUIRED_ITEMS if i not in worn)
        for head in _heads(estate):
            message_enqueue(
                recipient=head.user, template="notice", estate=estate,
                context={"title": _("防护用品不合格"),
                         "body": _("%(name)s 今天开工前未佩戴：%(missing)s。") % {
                             "name": staff.name, "missing": missing}},
                idempotency_key=f"protection:{check.pk}:{now.isoformat()}",
            )  # fmt: skip
    return check
