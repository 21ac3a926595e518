"""The demo as each of its logins sees it: the demo loaded once (``wuye demo``, in frozen time),
then for every demo login every link of the menus rendered for it (the side navigation, the brand,
the inbox and the user menu) opened with the test client, and the detail pages of a repair, a
complaint, a room's bills, a move-in, a takeover and an intervention project.

The demo costs tens of seconds to load, so the walk runs once per test session: the pages' status
and text are kept (plain data), the database is rolled back. ``tests/web/test_menus.py`` checks the
statuses, ``tests/web/test_no_rule_ids.py`` the text; ``tests/browser/test_menus.py`` walks the same
logins in chromium.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from zoneinfo import ZoneInfo

# 10:00 on a Monday in December 2026, in the estates' time zone.
DEMO_TIME = dt.datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_logins() -> list[str]:
    """Every login the demo makes: the ones ``make run`` prints, then the rest of its staff."""
    from wuye.web.management.commands.demo import LOGINS, STAFF

    names = [username for username, _what in LOGINS]
    return names + [row[0] for row in STAFF if row[0] not in names]


class _MenuLinks(HTMLParser):
    """The hrefs of the links inside the shell's top bar (``header.topbar``: brand, inbox, user
    menu) and side navigation (``nav#sidenav``)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._stack: list[bool] = []  # per open header/nav element: is it a menu

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("header", "nav"):
            classes = (attrs.get("class") or "").split()
            self._stack.append("topbar" in classes or attrs.get("id") == "sidenav")
        elif tag == "a" and any(self._stack):
            href = attrs.get("href") or ""
            if href and not href.startswith("#") and href not in self.links:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("header", "nav") and self._stack:
            self._stack.pop()


def menu_links(html: str) -> list[str]:
    parser = _MenuLinks()
    parser.feed(html)
    return parser.links


class _VisibleText(HTMLParser):
    """The text a user reads: the text between tags (not scripts, styles or comments) and the
    attributes shown as text (placeholder, title, alt, aria-label, a button's value)."""

    SHOWN = ("placeholder", "title", "alt", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attrs = dict(attrs)
        self.parts += [attrs[a] for a in self.SHOWN if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(p.strip() for p in parser.parts if p.strip())


# A rule ID of the manual (REPAIR-09, FEE-11): letters, a hyphen, exactly two digits. A case number
# (BX-20261126-0001) has more digits and is no rule ID.
# The manual's rule IDs (../shared/seed/RULES.md): its chapters' prefixes and two digits — not a
# public area's code such as XWZGD-04, which is data the desk reads.
RULE_PREFIXES = ("CLEAN", "COMPLAINT", "EMERG", "FEE", "FIRE", "GREEN", "GUARD", "INTAKE",
                 "MOVEIN", "QUALITY", "REPAIR", "TAKEOVER", "VEHICLE")  # fmt: skip
RULE_ID = re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(RULE_PREFIXES)})-\d{{2}}(?!\d)")


@dataclass(frozen=True)
class Visit:
    login: str
    url: str
    kind: str  # "menu" (a link of the login's menus) or "detail" (a record's page)
    status: int
    html: str


def _detail_urls() -> list[str]:
    """A record of each kind from the demo data, by the pages that show it (staff and owner)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from wuye.billing.models import BillingRun
    from wuye.complaints.models import Complaint
    from wuye.handover.models import HandoverProject, TakeoverPlan
    from wuye.repairs.models import RepairOrder
    from wuye.residents.models import MoveIn

    owner = get_user_model().objects.get(username="owner").resident
    room = owner.occupancies.first().room
    repair = RepairOrder.objects.filter(room=room).order_by("pk").first()
    complaint = (
        Complaint.objects.filter(room=room).order_by("pk").first()
        or Complaint.objects.order_by("pk").first()
    )
    move_in = MoveIn.objects.order_by("-case__updated_at", "pk").first()
    plan = TakeoverPlan.objects.order_by("pk").first()
    project = HandoverProject.objects.order_by("pk").first()
    run = BillingRun.objects.filter(estate=room.estate).order_by("pk").first()
    urls = [
        reverse("repairs:detail", args=[repair.pk]),
        reverse("repairs:tech_detail", args=[repair.pk]),
        reverse("repairs:my_detail", args=[repair.pk]),
        reverse("workflow:case_detail", args=[repair.case_id]),
        reverse("complaints:detail", args=[complaint.pk]),
        reverse("complaints:my_detail", args=[complaint.pk]),
        reverse("workflow:case_detail", args=[complaint.case_id]),
        reverse("billing:room_ledger", args=[room.pk]),
        reverse("billing:collection_room", args=[room.pk]),
        reverse("billing:run_detail", args=[run.pk]),
        reverse("residents:move_in", args=[move_in.pk]),
        reverse("workflow:case_detail", args=[move_in.case_id]),
        reverse("handover:takeover_detail", args=[plan.pk]),
        reverse("handover:project_detail", args=[project.pk]),
        reverse("core:room_detail", args=[room.pk]),
    ]
    return urls


def _walk() -> list[Visit]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    details = _detail_urls()
    visits: list[Visit] = []
    for login in demo_logins():
        client = Client(raise_request_exception=False)  # a 500 is recorded, not raised
        client.force_login(users.get(username=login))
        home = client.get("/", follow=True)
        assert home.status_code == 200, (login, home.status_code)
        # Every page shows the same shell; the home page's menus are the login's menus.
        for url in menu_links(home.content.decode()):
            response = client.get(url, follow=True)  # the brand may lead on to the overview
            visits.append(Visit(login, url, "menu", response.status_code, _text(response)))
        for url in details:
            response = client.get(url)
            visits.append(Visit(login, url, "detail", response.status_code, _text(response)))
    return visits


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    if "html" not in content_type or getattr(response, "streaming", False):
        return ""
    return response.content.decode()


_walked: list[Visit] | None = None


def walked_demo(django_db_blocker) -> list[Visit]:
    """Load the demo, walk it as every login, roll the database back; once per session."""
    global _walked
    if _walked is None:
        import time_machine
        from django.core.management import call_command
        from django.db import transaction
        from django.test import override_settings

        with (
            django_db_blocker.unblock(),
            time_machine.travel(DEMO_TIME, tick=False),
            override_settings(PASSWORD_HASHERS=FAST_HASHER),
            transaction.atomic(),
        ):
            call_command("demo", stdout=StringIO())
            try:
                _walked = _walk()
            finally:
                transaction.set_rollback(True)
    return _walked
