"""Browser smoke test: an agent logs in to their work queue, opens the estate overview, switches
to English.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_in_opens_overview_and_switches_language(page, live_server, world, tmp_path):
    _log_in(page, live_server, "agent", world.password)
    assert "/accounts/login/" not in page.url
    # The agent lands on their work queue, in Chinese; the estate's overview is in the menu.
    page.wait_for_selector("h1:has-text('我的待办')")
    assert world.estate.name in page.content()
    _shot(page, tmp_path, "queue-zh")
    page.click("a:has-text('项目概况')")
    page.wait_for_selector("p.sub:has-text('项目概况')")
    _shot(page, tmp_path, "overview-zh")

    page.goto(f"{live_server.url}/rooms/?search=1-2-301")
    page.wait_for_selector("text=301")
    _shot(page, tmp_path, "rooms-zh")

    # Switch the language with the control in the user menu of the shell.
    page.goto(f"{live_server.url}/estates/{world.estate.pk}/")
    page.click("details.user-menu summary")
    page.click("form.menu-lang button[value=en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/estates/{world.estate.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_selector("text=Estate overview")
    assert "项目概况" not in page.inner_text("body")
    _shot(page, tmp_path, "overview-en")


def test_resident_on_a_phone_sees_only_their_room(phone, live_server, world, tmp_path):
    _log_in(phone, live_server, "owner", world.password)
    phone.wait_for_selector("text=301")
    body = phone.content()
    assert "302" not in body  # the neighbour's room
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    _shot(phone, tmp_path, "resident-phone")
