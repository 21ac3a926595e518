"""Paging reminders (EMERG-01..03): a page that must be acknowledged and is not, within five
minutes, is sent again (SMS and inbox) once, and the command group's leader is told who has not
acknowledged.

``page_remind_sweep`` is a periodic job: it claims the pages (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL) and writes one ``PageReminder`` per page (unique), in the transaction of
the messages, so two workers never send the same reminder twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.notify.choices import Channel
from wuye.notify.services import message_enqueue_bulk, recipient_language

from ..choices import GroupKind, IncidentStatus
from ..models import Page, PageReminder
from .common import incident_url
from .groups import group_members, group_users
from .paging import page_text

__all__ = ["REMIND_AFTER", "page_remind_sweep"]

REMIND_AFTER = dt.timedelta(minutes=5)  # "5 minutes" is calendar time, 24×7
BATCH = 200


def command_leaders(estate) -> list:
    """Who is told of the missing acknowledgements: the command group's leader(s), else the
    whole command group (its members, or the executives)."""
    leaders = [m.staff.user for m in group_members(estate, GroupKind.COMMAND)
               if m.leader and m.staff.user.is_active]  # fmt: skip
    return leaders or group_users(estate, GroupKind.COMMAND)


def _claim(now: dt.datetime) -> list[Page]:
    qs = Page.objects.filter(
        must_acknowledge=True, acknowledged_at__isnull=True, paged_at__lte=now - REMIND_AFTER,
        reminder__isnull=True,
        incident__case__status__in=(IncidentStatus.ACTIVE, IncidentStatus.FOLLOWUP),
    ).order_by("pk")  # fmt: skip
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    pks = list(qs.values_list("pk", flat=True)[:BATCH])
    return list(
        Page.objects.filter(pk__in=pks).select_related("user", "incident__estate", "incident__case")
    )


def page_remind_sweep(*, now: dt.datetime | None = None) -> int:
    """Remind everyone whose page is unacknowledged after five minutes, once; tell each
    incident's command leader who they are. Returns the number of pages reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        pages = _claim(now)
        if not pages:
            return 0
        PageReminder.objects.bulk_create(
            [PageReminder(page=p, sent_at=now) for p in pages], ignore_conflicts=True
        )
        # Only the rows this transaction wrote (a reminder already there was someone else's).
        mine = set(
            PageReminder.objects.filter(page__in=pages, sent_at=now).values_list(
                "page_id", flat=True
            )
        )
        requests = []
        by_incident: dict[int, list[Page]] = defaultdict(list)
        for page in pages:
            if page.pk not in mine:
                continue
            incident = page.incident
            by_incident[incident.pk].append(page)
            title, body = page_text(incident)
            with translation.override(recipient_language(page.user)):
                context = {"title": _("【再次通知】") + str(title()), "body": str(body())}
            for channel in (Channel.SMS, Channel.INBOX):
                requests.append(
                    {"recipient": page.user, "template": "notice", "context": context,
                     "channels": [channel], "estate": incident.estate,
                     "ref": incident.case.number, "url": incident_url(incident),
                     "idempotency_key": f"incident:{incident.pk}:remind:{page.user_id}:{channel}"}
                )  # fmt: skip
        for pages_of in by_incident.values():
            incident = pages_of[0].incident
            names = "、".join(_person(p.user) for p in pages_of)
            for leader in command_leaders(incident.estate):
                with translation.override(recipient_language(leader)):
                    context = {
                        "title": _("%(number)s 有人未确认收到") % {"number": incident.case.number},
                        "body": _("%(title)s：通知已超过 5 分钟，以下人员仍未确认收到，"
                                  "已再次通知：%(names)s") % {"title": incident.case.title,
                                                        "names": names},
                    }  # fmt: skip
                first = min(p.pk for p in pages_of)
                requests.append(
                    {"recipient": leader, "template": "notice", "context": context,
                     "channels": [Channel.INBOX], "estate": incident.estate,
                     "ref": incident.case.number, "url": incident_url(incident),
                     "idempotency_key": f"incident:{incident.pk}:unacked:{first}"}
                )  # fmt: skip
        message_enqueue_bulk(requests)
    return len(mine)


def _person(user) -> str:
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or user.get_username()
