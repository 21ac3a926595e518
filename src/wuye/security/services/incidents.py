"""Security incidents (治安事件, GUARD-11): a suspicious person (someone loitering) found on
patrol — the guard approaches and questions at once, the order department's head is told at
once (in the reporting transaction), and where needed the 110 call is recorded: when, who
called, the police's reference."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.notify import services as notify
from wuye.workflow import services as engine
from wuye.workflow.models import Case

from ..models import SecurityIncident
from ..models.incidents import DESCRIPTION_MAX
from ..processes import INCIDENT
from ..selectors.incidents import incident_get_for_user
from .guards import order_heads
from .patrol_common import check_guard, require_photo

__all__ = ["incident_act", "incident_case_act", "incident_open"]

POLICE_REF_MAX = 50


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _notify_head(incident: SecurityIncident) -> int:
    """GUARD-11: reported to the order department's head at once."""
    url = reverse("security:incident_detail", args=[incident.pk])
    requests = []
    for user in order_heads(incident.estate_id):
        with translation.override(notify.recipient_language(user)):
            title = _("治安事件 %(number)s：%(location)s") % {
                "number": incident.case.number,
                "location": incident.location,
            }
            body = incident.description
        requests.append(
            {
                "recipient": user,
                "template": "notice",
                "context": {"title": title, "body": body},
                "estate": incident.estate,
                "ref": f"security.incident:{incident.pk}",
                "url": url,
                "idempotency_key": f"security_incident_reported:{incident.case_id}",
            }
        )
    return notify.message_enqueue_bulk(requests)


@transaction.atomic
def incident_open(
    *,
    estate: Estate,
    location: str,
    description: str,
    attachments: list,
    by,
    found_at: dt.datetime | None = None,
) -> SecurityIncident:
    """GUARD-11: record the incident with its photo; the order department's head is told now."""
    actor = _actor(by)
    check_guard(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    location, description = (location or "").strip(), (description or "").strip()
    if not location:
        errors["location"] = [_("请填写位置，如 地下车库B区")]
    elif len(location) > 100:
        errors["location"] = [_("位置不能超过 100 个字")]
    if not description:
        errors["description"] = [_("请描述情况，如 陌生男子在车库徘徊")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("情况说明不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}]
    if errors:
        raise ValidationError(errors)
    photos = require_photo(actor, attachments)
    now = timezone.now()
    case = engine.case_open(
        process=INCIDENT,
        estate=estate,
        title=f"{location}：{description}"[:200],
        by=actor,
        at=found_at or now,
        attachments=photos,
    )
    incident = SecurityIncident.objects.create(
        case=case,
        estate=estate,
        location=location,
        description=description,
        found_at=found_at or now,
        reported_by=actor.user,
    )
    _notify_head(incident)
    incident.head_notified_at = now
    incident.save(update_fields=["head_notified_at"])
    return incident


def _police(data: dict) -> tuple[dt.datetime, str]:
    errors: dict[str, list[str]] = {}
    called = data.get("called_at")
    called_at = called if isinstance(called, dt.datetime) else None
    if called_at is None and isinstance(called, str) and len(called) <= 40:
        try:
            called_at = parse_datetime(called)
        except ValueError:
            called_at = None
    if called_at is None or timezone.is_naive(called_at):
        errors["called_at"] = [_("请填写报警时间")]
    elif called_at > timezone.now() + dt.timedelta(minutes=5):
        errors["called_at"] = [_("报警时间不能晚于当前时间")]
    ref = str(data.get("police_ref") or "").strip()
    if not ref:
        errors["police_ref"] = [_("请填写接警编号（或出警民警姓名）")]
    elif len(ref) > POLICE_REF_MAX:
        errors["police_ref"] = [_("接警编号不能超过 %(n)d 个字") % {"n": POLICE_REF_MAX}]
    if errors:
        raise ValidationError(errors)
    return called_at, ref


@transaction.atomic
def incident_case_act(
    *,
    case: Case,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> SecurityIncident:
    """One step: questioned, the 110 call recorded (``data``: ``called_at``, ``police_ref``),
    closed, a note."""
    incident = SecurityIncident.objects.select_for_update().get(case=case)
    actor = _actor(by)
    if not actor.is_superuser and incident.estate_id not in actor.estate_ids:
        raise Http404
    data = dict(data or {})
    called_at = None
    if action == "call_police":
        called_at, ref = _police(data)
        data = {"called_at": called_at.isoformat(), "police_ref": ref}
    result = engine.case_act(
        case=incident.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip
    now = result.event.at
    incident.case = result.case
    if action == "question":
        incident.questioned_at = now
    elif action == "call_police":
        incident.police_called_at, incident.police_ref = called_at, data["police_ref"]
        incident.police_called_by = actor.user
    elif action == "close":
        incident.closed_at = now
    incident.save()
    return incident


def incident_act(
    *,
    incident: SecurityIncident | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> SecurityIncident:
    """The pages' and the API's way in."""
    actor = _actor(by)
    pk = incident.pk if isinstance(incident, SecurityIncident) else incident
    incident = incident_get_for_user(actor.user, pk)
    INCIDENT.action(action)
    return incident_case_act(
        case=incident.case, action=action, by=actor, note=note, data=data,
        attachments=attachments,
    )  # fmt: skip
