"""The close-contact register (密切接触者登记, EMERG-HEALTH-08): the strictest access in the system.

- Who: the executives and the head of the customer-service centre of the estate (who works
  with the disease-control authority); nobody else, whatever page or path they try (404 for
  another estate, 403 for another role).
- Every list, detail, export and change is written to ``ContactAccess`` (who, when, which
  incident, which row, how many rows) — it names no contact, so it is kept after the rows go.
- The rows appear in no other list, no API, no admin; mobile numbers are masked in lists.
- Deleted by ``contact_purge_expired`` when the retention period after the event has passed:
  ``WUYE_CLOSE_CONTACT_RETENTION_DAYS`` calendar days (default 30) after the incident was
  closed or cancelled, to 23:59:59 local of the last day (DESIGN.md, "N days").
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Room
from wuye.core.scoping import Actor
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import check_model_text
from wuye.workflow.calendar import due_at
from wuye.workflow.choices import TargetUnit

from ..choices import AccessAction, IncidentKind
from ..models import CloseContact, ContactAccess, Incident
from .common import as_actor

__all__ = [
    "contact_create",
    "contact_get",
    "contact_list",
    "contact_purge_expired",
    "contact_update",
    "contacts_export_rows",
    "mask_mobile",
    "may_see_contacts",
    "retention_days",
]

FIELDS = ("name", "mobile", "room", "relation", "contact_on", "note")
ROOM_LABEL = ("room__building", "room__unit")  # what a room's label (1栋2单元301室) reads
_MOBILE = re.compile(r"^[0-9+\- ]{5,20}$")


def retention_days() -> int:
    return int(getattr(settings, "WUYE_CLOSE_CONTACT_RETENTION_DAYS", 30))


def mask_mobile(value: str) -> str:
    """138****5678: the first three and last four digits only."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def may_see_contacts(actor: Actor, estate_id: int) -> bool:
    """EMERG-HEALTH-08: the executives and the customer-service centre's head of the estate."""
    if actor.is_superuser:
        return True
    if actor.staff is None or estate_id not in actor.estate_ids:
        return False
    if actor.role == Role.EXECUTIVE:
        return True
    return actor.role == Role.DEPARTMENT_HEAD and (
        getattr(actor.staff.department, "kind", "") == DepartmentKind.CUSTOMER_SERVICE
    )


def _incident(actor: Actor, incident) -> Incident:
    pk = incident.pk if isinstance(incident, Incident) else incident
    found = Incident.objects.select_related("estate", "case").filter(pk=pk).first()
    if found is None or found.kind != IncidentKind.HEALTH:
        raise Http404
    if not actor.is_superuser and (actor.staff is None or found.estate_id not in actor.estate_ids):
        raise Http404
    if not may_see_contacts(actor, found.estate_id):
        raise PermissionDenied(_("密切接触者登记仅限企业高层和客户服务中心负责人查看"))
    return found


def _log(incident, actor, action, *, ref=None, count=1):
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    ContactAccess.objects.create(incident=incident, contact_ref=ref, action=action, user=user,
                                 at=timezone.now(), count=count)  # fmt: skip


@transaction.atomic
def contact_list(*, incident, by) -> list[CloseContact]:
    """The register of one event, each look logged (with how many rows it showed)."""
    actor = as_actor(by)
    incident = _incident(actor, incident)
    rows = list(CloseContact.objects.filter(incident=incident).select_related(*ROOM_LABEL))
    _log(incident, actor, AccessAction.LIST, count=len(rows))
    return rows


@transaction.atomic
def contact_get(*, incident, contact: int, by) -> CloseContact:
    actor = as_actor(by)
    incident = _incident(actor, incident)
    found = CloseContact.objects.filter(pk=contact, incident=incident).select_related(*ROOM_LABEL)
    row = found.first()
    if row is None:
        raise Http404
    _log(incident, actor, AccessAction.VIEW, ref=row.pk)
    return row


@transaction.atomic
def contacts_export_rows(*, incident, by) -> list[CloseContact]:
    """The rows of an export (the caller writes the file), the export logged."""
    actor = as_actor(by)
    incident = _incident(actor, incident)
    rows = list(CloseContact.objects.filter(incident=incident).select_related(*ROOM_LABEL))
    _log(incident, actor, AccessAction.EXPORT, count=len(rows))
    return rows


def _clean(incident: Incident, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    values = {k: data.get(k) for k in FIELDS if k in data}
    for field in ("name", "mobile", "relation", "note"):
        if field in values:
            values[field] = str(values[field] or "").strip()
    if "name" in values and not values["name"]:
        errors["name"] = [_("请填写姓名")]
    if values.get("mobile") and not _MOBILE.match(values["mobile"]):
        errors["mobile"] = [_("请填写正确的手机号")]
    room = values.get("room")
    if room not in (None, "") and not isinstance(room, Room):
        try:
            room = Room.objects.filter(pk=int(room), estate_id=incident.estate_id).first()
        except (TypeError, ValueError):
            room = None
        if room is None:
            errors["room"] = [_("请选择本项目的房屋")]
    elif isinstance(room, Room) and room.estate_id != incident.estate_id:
        errors["room"] = [_("请选择本项目的房屋")]
    if "room" in values:
        values["room"] = room or None
    day = values.get("contact_on")
    if day not in (None, "") and (not isinstance(day, dt.date) or isinstance(day, dt.datetime)
                                  or not 2000 <= day.year <= 2100):  # fmt: skip
        errors["contact_on"] = [_("请填写正确的接触日期")]
    if "contact_on" in values:
        values["contact_on"] = day or None
    check_model_text(CloseContact, errors, **{k: values[k] for k in ("name", "mobile",
                     "relation", "note") if k in values})  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def contact_create(*, incident, by, **data) -> CloseContact:
    """Register a close contact (EMERG-HEALTH-08) while the event is open."""
    actor = as_actor(by)
    incident = _incident(actor, incident)
    if incident.case.status not in ("active", "followup"):
        raise Conflict(_("事件已结束，不能再登记"), code="closed")
    values = _clean(incident, {"name": "", **data})
    row = CloseContact.objects.create(incident=incident, registered_at=timezone.now(),
                                      registered_by=actor.user, **values)  # fmt: skip
    _log(incident, actor, AccessAction.CREATE, ref=row.pk)
    return row


@transaction.atomic
def contact_update(*, incident, contact: int, by, **data) -> CloseContact:
    actor = as_actor(by)
    incident = _incident(actor, incident)
    row = CloseContact.objects.select_for_update().filter(pk=contact, incident=incident).first()
    if row is None:
        raise Http404
    values = _clean(incident, data)
    for field, value in values.items():
        setattr(row, field, value)
    row.save()
    _log(incident, actor, AccessAction.UPDATE, ref=row.pk)
    return row


def purge_after(incident: Incident) -> dt.datetime | None:
    """When the register of a closed (or cancelled) incident is due for deletion."""
    closed_at = incident.case.closed_at
    if closed_at is None:
        return None
    return due_at(closed_at, retention_days(), TargetUnit.DAYS, estate_tz(incident.estate))


def contact_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Periodic job (EMERG-HEALTH-08): delete the registers whose retention period has passed;
    the access log stays, with one ``purge`` line per incident. Returns the rows deleted."""
    now = now or timezone.now()
    deleted = 0
    ids = set(CloseContact.objects.values_list("incident_id", flat=True).distinct())
    for incident in Incident.objects.filter(pk__in=ids, case__closed_at__isnull=False,
                                            case__closed_at__lt=now).select_related(
                                                "case", "estate"):  # fmt: skip
        end = purge_after(incident)
        if end is None or now <= end:
            continue
        with transaction.atomic():
            pks = list(CloseContact.objects.select_for_update().filter(incident=incident)
                       .values_list("pk", flat=True))  # fmt: skip
            if not pks:
                continue
            CloseContact.objects.filter(pk__in=pks).delete()
            ContactAccess.objects.create(incident=incident, action=AccessAction.PURGE,
                                         user=None, at=now, count=len(pks))  # fmt: skip
            deleted += len(pks)
    return deleted
