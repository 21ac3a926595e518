"""Levels and paging (EMERG-01..07): the level the scope suggests and who each level pages.

See ``services.incidents`` for the table of levels and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language

from ..choices import (
    GroupKind,
    IncidentKind,
    Level,
)
from ..models import (
    Incident,
    Page,
)

# EMERG-05..06: the manual's thresholds.
from .common import incident_url
from .groups import group_members, group_users

BUILDINGS_LARGER = 10  # Ⅲ: "涉及10栋楼以上"
FIRE_BUILDINGS_MAJOR = 3  # Ⅱ: "火灾（涉及3栋楼以上）"
TRAPPED_GENERAL = 2  # Ⅳ: "电梯困人（1-2人被困）"


# --- Levels --------------------------------------------------------------------------------------


def level_suggest(
    kind: str, *, whole_estate: bool = False, buildings: int = 0, people: int = 0
) -> int:
    """The level the manual's thresholds give (EMERG-04..07), the gravest that applies."""
    if whole_estate or kind == IncidentKind.EARTHQUAKE:
        return Level.I  # EMERG-07
    if kind == IncidentKind.FIRE and buildings >= FIRE_BUILDINGS_MAJOR:
        return Level.II  # EMERG-06
    if buildings >= BUILDINGS_LARGER:
        return Level.III  # EMERG-05
    if kind == IncidentKind.ENTRAPMENT and people > TRAPPED_GENERAL:
        return Level.III  # beyond EMERG-04's "1-2人被困"
    return Level.IV  # EMERG-04


# --- Paging --------------------------------------------------------------------------------------

# (group, on-call only, by SMS, must acknowledge) per level; see the module's table.
PAGE_PLAN: dict[int, tuple[tuple[str, bool, bool, bool], ...]] = {
    Level.IV: ((GroupKind.ONSITE, True, True, True), (GroupKind.COMMAND, False, False, False)),
    Level.III: ((GroupKind.ONSITE, False, True, True), (GroupKind.LOGISTICS, False, True, False),
                (GroupKind.COMMAND, False, True, False)),
    Level.II: ((GroupKind.ONSITE, False, True, True), (GroupKind.LOGISTICS, False, True, False),
               (GroupKind.COMMAND, False, True, True)),
    Level.I: ((GroupKind.ONSITE, False, True, True), (GroupKind.LOGISTICS, False, True, True),
              (GroupKind.COMMAND, False, True, True)),
}  # fmt: skip


def page_plan(estate: Estate, level: int) -> list[tuple[Any, str, bool, bool]]:
    """(user, group, by SMS, must acknowledge) for everyone this level pages, each once (the
    first group that names them wins; an acknowledgement asked by any group is asked)."""
    chosen: dict[int, list] = {}
    for kind, on_call_only, sms, ack in PAGE_PLAN[level]:
        if kind == GroupKind.COMMAND:
            users = group_users(estate, kind)
        else:
            users = [m.staff.user for m in group_members(estate, kind, on_call_only=on_call_only)
                     if m.staff.user.is_active]  # fmt: skip
        for user in users:
            row = chosen.get(user.pk)
            if row is None:
                chosen[user.pk] = [user, kind, sms, ack]
            else:
                row[2] = row[2] or sms
                row[3] = row[3] or ack
    return [tuple(row) for row in chosen.values()]


def page_text(incident: Incident) -> tuple:
    """Title and body of a page, as lazy callables (rendered in each recipient's language)."""

    def title():
        prefix = _("【演练】") if incident.exercise else _("【应急】")
        return _("%(prefix)s%(level)s %(title)s") % {
            "prefix": prefix, "level": Level(incident.level).label, "title": incident.case.title,
        }  # fmt: skip

    def body():
        return _("%(estate)s %(place)s：%(kind)s，%(level)s。%(description)s 工单 %(number)s，"
                 "请立即响应并确认收到。") % {
            "estate": incident.estate.name, "place": incident.place,
            "kind": IncidentKind(incident.kind).label, "level": Level(incident.level).label,
            "description": incident.description[:120], "number": incident.case.number,
        }  # fmt: skip

    return title, body


def page_people(incident: Incident, *, now: dt.datetime) -> int:
    """Page everyone the incident's level calls for who has not been paged yet (SMS and inbox,
    in the caller's transaction: the outbox). Returns how many people were paged."""
    already = dict(Page.objects.filter(incident=incident).values_list("user_id", "pk"))
    title, body = page_text(incident)
    url = incident_url(incident)
    requests, pages, raise_ack = [], [], []
    for user, group, sms, ack in page_plan(incident.estate, incident.level):
        if user.pk in already:
            if ack:
                raise_ack.append(already[user.pk])
            continue
        pages.append(Page(incident=incident, user=user, group=group, level=incident.level,
                          must_acknowledge=ack, paged_at=now))  # fmt: skip
        with translation.override(recipient_language(user)):
            context = {"title": str(title()), "body": str(body())}
        channels = [Channel.INBOX, Channel.SMS] if sms else [Channel.INBOX]
        for channel in channels:
            requests.append(
                {"recipient": user, "template": "notice", "context": context,
                 "channels": [channel], "estate": incident.estate, "ref": incident.case.number,
                 "url": url,
                 "idempotency_key": f"incident:{incident.pk}:page:{user.pk}:{channel}"}
            )  # fmt: skip
    Page.objects.bulk_create(pages)
    if raise_ack:
        Page.objects.filter(pk__in=raise_ack).update(must_acknowledge=True)
    message_enqueue_bulk(requests)
    return len(pages)
