"""Browser test: every menu item of every demo login opens in chromium (issue 13 §6: the auditor's
menu linked to a page that answered 403).

The demo (``wuye demo``) is loaded, then each demo login signs in through the login form and opens
every link of its menus (the side navigation, the brand, the inbox and the user menu) that no
earlier login opened: each answers 200 and the browser reports no console error (nor, through the
conftest, a CSP violation or an uncaught script error). A page's scripts and styles are the same
whoever opens it, so each is opened once in the browser (the walk was twenty minutes when every
login opened every page); that every login's every item answers 200 is proved by the test
client's walk of the same menus, ``tests/web/test_menus.py``."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.browser.helpers import _log_in
from tests.web.menu_walk import DEMO_TIME, demo_logins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU_LINKS = "header.topbar a[href], nav#sidenav a[href]"


def _menu(tab) -> list[str]:
    hrefs = tab.eval_on_selector_all(MENU_LINKS, "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h and not h.startswith("#")))


def test_every_menu_item_of_every_demo_login_opens(browser, live_server):
    from wuye.web.management.commands.demo import PASSWORD

    with time_machine.travel(DEMO_TIME, tick=True):
        call_command("demo", stdout=StringIO())
        failures: list[str] = []
        walked = {}
        opened: set[str] = set()
        for login in demo_logins():
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            tab = context.new_page()
            errors: list[str] = []
            tab.on(
                "console",
                lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
            )
            _log_in(tab, live_server, login, PASSWORD)
            assert "/accounts/login/" not in tab.url, login
            links = _menu(tab)
            walked[login] = links
            for href in links:
                if href in opened:
                    continue
                opened.add(href)
                errors.clear()
                response = tab.goto(live_server.url + href)
                tab.wait_for_load_state("networkidle")
                status = response.status if response else None
                if status != 200:
                    failures.append(f"{login} {href}: status {status}")
                failures += [f"{login} {href}: console error: {text}" for text in errors]
            context.close()
    assert failures == []
    # Everyone has a menu; the auditor's reads without the move-in desk's work list.
    assert all(walked.values())
    assert "/movein/needs/" not in walked["auditor"] and "/repairs/" in walked["auditor"]
    assert len(walked["exec"]) > 30
