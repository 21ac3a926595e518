"""The header's search in chromium: a box on a desk, an icon on a phone that opens the box; the
results page grouped, and the menu's 更多 opened with the keyboard.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_searches_from_the_header(page, live_server, world, tmp_path):
    _log_in(page, live_server, "agent", world.password)
    box = page.locator("#header-search-q")
    assert box.is_visible() and box.bounding_box()["width"] > 150
    _shot(page, tmp_path, "search-header-desktop")
    box.fill("1栋2单元301")
    box.press("Enter")
    page.wait_for_selector("h1:has-text('搜索')")
    assert page.locator(".search-group").count() == 3
    _shot(page, tmp_path, "search-results-desktop")
    page.click(f"a:has-text('{world.room.label}')")
    page.wait_for_load_state("networkidle")
    assert f"/rooms/{world.room.pk}/" in page.url

    # 更多 at the end of the menu: closed, opened from the keyboard.
    more = page.locator("details.nav-more")
    assert more.get_attribute("open") is None
    page.focus("details.nav-more summary")
    page.keyboard.press("Enter")
    assert more.get_attribute("open") == ""
    assert page.locator("details.nav-more a:has-text('收费台账')").is_visible()
    _shot(page, tmp_path, "menu-more-desktop")


def test_on_a_phone_the_box_is_an_icon_that_opens(phone, live_server, world, tmp_path):
    _log_in(phone, live_server, "agent", world.password)
    box = phone.locator("#header-search-q")
    toggle = phone.locator(".header-search-toggle")
    assert toggle.is_visible() and toggle.bounding_box()["width"] >= 44
    assert box.bounding_box()["width"] <= 2  # collapsed
    _shot(phone, tmp_path, "search-header-phone")
    toggle.tap()
    assert box.evaluate("el => el === document.activeElement")
    assert box.bounding_box()["width"] > 200
    _shot(phone, tmp_path, "search-header-phone-open")
    box.fill("301")
    box.press("Enter")
    phone.wait_for_selector("h1:has-text('搜索')")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    _shot(phone, tmp_path, "search-results-phone")
