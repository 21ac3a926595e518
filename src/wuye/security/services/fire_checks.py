"""A guard's check of a fire facility (《消防设施检查记录表》, FIRE-03/04/05) and the replacement of
an expired or under-pressure extinguisher (FIRE-06).

- ``fire_check_submit``: the facility's open check task (this month's, or this quarter's full
  inspection of a hydrant) completed with its checklist through field work's ``task_complete``;
  an extinguisher's pressure reading is written onto it. A failed gauge or expiry item, an
  out-of-range reading, or a reading under the extinguisher's own pressure floor opens its
  replacement (one open replacement per extinguisher); any other failed item opens field work's
  generic follow-up (整改).
- ``fire_replacement_open`` / ``fire_replacement_close``: the replacement case (3 days by default,
  see processes.py), closed by engineering with the new expiry and pressure.
- ``fire_expiry_sweep`` (daily job): expired extinguishers get a replacement; those expiring
  within 30 days are announced once to engineering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import NOTE_MAX, check_date, exact_decimal
from wuye.facilities.models import Equipment
from wuye.fieldwork.models import TaskRecord, TaskSpec
from wuye.fieldwork.processes import generic_followup_open
from wuye.fieldwork.services.records import followup_open, task_complete
from wuye.notify.services import message_enqueue
from wuye.workflow import services as engine
from wuye.workflow.models import Case, PlannedTask, PlannedTaskStatus
from wuye.workflow.services import SYSTEM_ROLE

from ..choices import FireFacilityKind, ReplacementReason
from ..models import FireFacility, FireReplacement
from ..processes import FIRE_REPLACEMENT
from .fire_facilities import PRESSURE_READING, REPLACEMENT_ITEMS

__all__ = [
    "CHECK_ROLES",
    "EXPIRY_WARNING_DAYS",
    "fire_check_followup",
    "fire_check_submit",
    "fire_check_task",
    "fire_expiry_sweep",
    "fire_replacement_case_act",
    "fire_replacement_close",
    "fire_replacement_open",
]

# FIRE-01: the order-maintenance department (秩序管理部) inspects the fire facilities; the heads
# and the executives may stand in.
CHECK_ROLES = frozenset({Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# The daily job announces an extinguisher expiring within this many days (the issue: 30).
EXPIRY_WARNING_DAYS = 30
OPEN_TASK = (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED)


@dataclass(frozen=True)
class SweepActor(Actor):
    """The daily job acting in one estate (opening a replacement nobody reported)."""

    estate_pk: int = 0

    @property
    def estate_ids(self) -> frozenset[int]:  # type: ignore[override]
        return frozenset({self.estate_pk})


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def _in_estate(actor: Actor, estate_id: int) -> None:
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


# --- The check --------------------------------------------------------------------------------


def fire_check_task(facility: FireFacility, now: dt.datetime | None = None) -> PlannedTask | None:
    """The facility's check to do now: its open task already begun (planned or missed), the
    earliest first (a missed month is still done, late)."""
    ids = [i for i in (facility.monthly_schedule_id, facility.quarterly_schedule_id) if i]
    if not ids:
        return None
    return (
        PlannedTask.objects.filter(
            schedule_id__in=ids, status__in=OPEN_TASK, scheduled_for__lte=now or timezone.now()
        )
        .select_related("schedule")
        .order_by("scheduled_for", "id")
        .first()
    )


def _reading_of(record: TaskRecord, label: str) -> Decimal | None:
    answer = record.answers.filter(label=label, number__isnull=False).first()
    return answer.number if answer is not None else None


@transaction.atomic
def fire_check_submit(
    *,
    facility: FireFacility,
    answers: list[dict],
    by,
    note: str = "",
    photos=(),
    latitude=None,
    longitude=None,
) -> TaskRecord:
    """FIRE-03: a guard fills in the facility's 《消防设施检查记录表》 (its open check task's
    checklist). Nothing to check now: a Conflict. Returns the record."""
    actor = _actor(by)
    _in_estate(actor, facility.estate_id)
    if not actor.is_superuser and actor.role not in CHECK_ROLES:
        raise PermissionDenied(_("消防设施检查由秩序员填写"))
    facility = (
        FireFacility.objects.select_for_update().select_related("equipment").get(pk=facility.pk)
    )
    task = fire_check_task(facility)
    if task is None:
        raise Conflict(_("该设施当前没有待做的检查"), code="nothing_due")
    record = task_complete(
        task=task, answers=answers, by=actor, note=note, photos=photos,
        latitude=latitude, longitude=longitude,
    )  # fmt: skip
    pressure = _reading_of(record, PRESSURE_READING)
    if pressure is not None and facility.kind == FireFacilityKind.EXTINGUISHER:
        facility.last_pressure = pressure
        facility.last_read_at = record.done_at
        facility.save(update_fields=["last_pressure", "last_read_at"])
    flagged = [a for a in record.answers.order_by("position") if a.flagged]
    replaced = False
    for answer in flagged:
        if _replaces(facility, answer.label):
            if replaced or _open_replacement(facility) is not None:
                continue  # one replacement covers every finding of the extinguisher
            replaced = True
        followup_open(answer=answer, by=actor)
    low = facility.pressure_low
    if pressure is not None and low is not None and pressure < low and not replaced:
        # Within the checklist's range but under this extinguisher's own floor.
        fire_replacement_open(
            facility=facility, reason=ReplacementReason.LOW_PRESSURE, record=record, by=actor,
            detail=_("检查读数 %(value)s MPa，低于压力下限 %(low)s MPa")
            % {"value": pressure, "low": low},
        )  # fmt: skip
    return record


def _replaces(facility: FireFacility, label: str) -> bool:
    # FIRE-06: 过期灭火器（如压力不足）— the gauge, the reading and the expiry mean replacing it.
    return facility.kind == FireFacilityKind.EXTINGUISHER and label in REPLACEMENT_ITEMS


def _open_replacement(facility: FireFacility) -> FireReplacement | None:
    return FireReplacement.objects.filter(facility=facility, closed_at__isnull=True).first()


def fire_check_followup(answer, by):
    """Field work's opener for a flagged answer of a fire check (registered in processes.py):
    an extinguisher's pressure or expiry opens its replacement, anything else the generic
    follow-up."""
    record = answer.record
    spec = TaskSpec.objects.filter(schedule_id=record.task.schedule_id).first()
    facility = None
    if spec is not None and spec.subject_type_id == ContentType.objects.get_for_model(Equipment).pk:
        facility = FireFacility.objects.filter(
            equipment_id=spec.subject_id, estate_id=record.estate_id
        ).first()
    if facility is None or not _replaces(facility, answer.label):
        return generic_followup_open(answer, by)
    from wuye.fieldwork.processes import answer_summary

    reason = ReplacementReason.CHECK_FAILED
    if answer.label == PRESSURE_READING or "压力" in answer.label:
        reason = ReplacementReason.LOW_PRESSURE
    return fire_replacement_open(
        facility=facility, reason=reason, detail=answer_summary(answer), record=record, by=by
    ).case


# --- Replacement (FIRE-06) --------------------------------------------------------------------


@transaction.atomic
def fire_replacement_open(
    *,
    facility: FireFacility,
    reason: str,
    by,
    detail: str = "",
    record: TaskRecord | None = None,
) -> FireReplacement:
    """FIRE-06: open the replacement of an extinguisher (its 3-day clock starts). An open one
    already there is returned as it is: a second finding does not open a second case."""
    actor = _actor(by)
    _in_estate(actor, facility.estate_id)
    if facility.kind != FireFacilityKind.EXTINGUISHER:
        raise ValidationError({"facility": [_("只有灭火器需要更换")]})
    if reason not in ReplacementReason.values:
        raise ValidationError({"reason": [_("请选择更换原因")]})
    existing = _open_replacement(facility)
    if existing is not None:
        return existing
    equipment = facility.equipment
    title = _("更换灭火器 %(code)s %(name)s（%(reason)s）") % {
        "code": equipment.code, "name": equipment.name,
        "reason": ReplacementReason(reason).label,
    }  # fmt: skip
    try:
        with transaction.atomic():
            case = engine.case_open(
                process=FIRE_REPLACEMENT, estate=facility.estate, title=title[:200], by=actor,
                note=detail[:NOTE_MAX], data={"facility": facility.pk, "reason": reason},
            )  # fmt: skip
            return FireReplacement.objects.create(
                case=case, estate_id=facility.estate_id, facility=facility, reason=reason,
                detail=detail[:200], record=record, opened_at=case.created_at,
            )  # fmt: skip
    except IntegrityError:  # opened at the same moment by another finding: that one stands
        found = _open_replacement(facility)
        if found is None:
            raise
        return found


def _close_values(expires_on, pressure, facility: FireFacility, today: dt.date) -> tuple:
    errors: dict[str, list[str]] = {}
    if not isinstance(expires_on, dt.date) or isinstance(expires_on, dt.datetime):
        errors["expires_on"] = [_("请填写更换后的有效期")]
    else:
        check_date(expires_on, field="expires_on", label=_("新有效期至"), errors=errors)
        if not errors and expires_on <= today:
            errors["expires_on"] = [_("新有效期须晚于今天")]
    number = None
    if pressure is None or pressure == "" or isinstance(pressure, bool):
        errors["pressure"] = [_("请填写更换后的压力读数")]
    else:
        try:
            number = exact_decimal(pressure, places=2, field="pressure", label=_("压力读数"))
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if not Decimal("0") < number <= Decimal("99"):
                errors["pressure"] = [_("压力读数应大于 0、不超过 99")]
            elif facility.pressure_low is not None and number < facility.pressure_low:
                errors["pressure"] = [_("更换后的压力仍低于下限，不能关闭")]
    if errors:
        raise ValidationError(errors)
    return expires_on, number


@transaction.atomic
def fire_replacement_close(
    *, replacement: FireReplacement, expires_on: dt.date, pressure, by, note: str = ""
) -> FireReplacement:
    """FIRE-06: engineering replaced (or refilled) the extinguisher: the new expiry and pressure
    go onto the facility, the case closes and its clock stops."""
    actor = _actor(by)
    _in_estate(actor, replacement.estate_id)
    replacement = FireReplacement.objects.select_for_update().get(pk=replacement.pk)
    facility = FireFacility.objects.select_for_update().get(pk=replacement.facility_id)
    if replacement.closed_at is not None:
        raise Conflict(_("该更换已完成"), code="invalid_state")
    today = timezone.now().astimezone(estate_tz(facility.estate)).date()
    expires_on, number = _close_values(expires_on, pressure, facility, today)
    engine.case_act(
        case=replacement.case, action="replace", by=actor, note=note,
        data={"expires_on": expires_on.isoformat(), "pressure": str(number)},
    )  # fmt: skip
    now = timezone.now()
    replacement.closed_at = now
    replacement.closed_by = _user(actor)
    replacement.new_expires_on = expires_on
    replacement.new_pressure = number
    replacement.save(update_fields=["closed_at", "closed_by", "new_expires_on", "new_pressure"])
    facility.expires_on = expires_on
    facility.last_pressure = number
    facility.last_read_at = now
    facility.save(update_fields=["expires_on", "last_pressure", "last_read_at"])
    return replacement


def fire_replacement_case_act(*, case: Case, action: str, by, note: str = "", data=None,
                              attachments=None, assignee=None):  # fmt: skip
    """The replacement's actions from the generic case page and API: closing goes through
    ``fire_replacement_close`` (the facility's new data), a note through the engine."""
    replacement = FireReplacement.objects.get(case=case)
    if action == "replace":
        data = data or {}
        expires = data.get("expires_on")
        try:
            expires = dt.date.fromisoformat(expires) if isinstance(expires, str) else expires
        except ValueError:
            raise ValidationError({"expires_on": [_("请填写更换后的有效期")]}) from None
        return fire_replacement_close(
            replacement=replacement, expires_on=expires, pressure=data.get("pressure"),
            by=by, note=note,
        )  # fmt: skip
    return engine.case_act(
        case=case, action=action, by=by, note=note, data=data, attachments=attachments,
        assignee=assignee,
    )  # fmt: skip


# --- The daily sweep --------------------------------------------------------------------------


def _engineering(estate) -> list:
    users = get_user_model().objects.filter(
        staff__is_active=True,
        staff__estates=estate,
        staff__department__kind=DepartmentKind.ENGINEERING,
    )
    return list(users.distinct())


def fire_expiry_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict:
    """Daily job (FIRE-06): every expired extinguisher without an open replacement gets one;
    each extinguisher expiring within 30 days is announced to the estate's engineering once
    per expiry date. Rows are claimed with SKIP LOCKED, so workers may run it at once; a second
    run finds nothing to do. Returns the counts ``opened`` and ``warned``."""
    now = now or timezone.now()
    opened = warned = 0
    handled: set[int] = set()
    # A day's margin either side: the estate's own date decides below.
    soon = now.date() + dt.timedelta(days=EXPIRY_WARNING_DAYS + 1)
    candidates = (
        FireFacility.objects.filter(
            kind=FireFacilityKind.EXTINGUISHER, expires_on__isnull=False, expires_on__lte=soon
        )
        .exclude(equipment__status="stopped")
        .exclude(replacements__closed_at__isnull=True, replacements__isnull=False)
        .exclude(
            expiry_warned_for=F("expires_on"), expires_on__gt=now.date() + dt.timedelta(days=1)
        )
    )
    lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    while True:
        with transaction.atomic():
            rows = list(
                candidates.exclude(pk__in=handled)
                .select_for_update(of=("self",), **lock)
                .select_related("estate", "equipment")
                .order_by("id")[:batch]
            )
            for facility in rows:
                handled.add(facility.pk)
                today = now.astimezone(estate_tz(facility.estate)).date()
                if facility.expires_on < today:
                    if _open_replacement(facility) is None:
                        fire_replacement_open(
                            facility=facility, reason=ReplacementReason.EXPIRED,
                            by=_sweep_actor(facility),
                            detail=_("有效期至 %(day)s，已过期") % {"day": facility.expires_on},
                        )  # fmt: skip
                        opened += 1
                elif (
                    facility.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
                    and facility.expiry_warned_for != facility.expires_on
                ):
                    _warn(facility)
                    facility.expiry_warned_for = facility.expires_on
                    facility.save(update_fields=["expiry_warned_for"])
                    warned += 1
        if len(rows) < batch:
            break
    return {"opened": opened, "warned": warned}


def _sweep_actor(facility: FireFacility) -> SweepActor:
    return SweepActor(
        user=None, role=SYSTEM_ROLE, company_id=facility.estate.company_id,
        estate_pk=facility.estate_id,
    )  # fmt: skip


def _warn(facility: FireFacility) -> None:
    equipment = facility.equipment
    title = _("灭火器即将到期")
    body = _("灭火器 %(code)s %(name)s（%(place)s）有效期至 %(day)s，请安排更换或换药。") % {
        "code": equipment.code, "name": equipment.name, "place": equipment.location or "-",
        "day": facility.expires_on.isoformat(),
    }  # fmt: skip
    url = reverse("security:fire_facility_detail", args=[facility.pk])
    for user in _engineering(facility.estate):
        message_enqueue(
            recipient=user, template="notice", context={"title": title, "body": body},
            estate=facility.estate, ref=equipment.code, url=url,
            idempotency_key=f"fire_expiry:{facility.pk}:{facility.expires_on.isoformat()}",
        )  # fmt: skip
