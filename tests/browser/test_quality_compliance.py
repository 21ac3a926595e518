"""Browser test: the compliance page (服务承诺兑现, QUALITY-02) on a desk screen and on a phone: the
shares by process and clock, no sideways scroll, and a click on a breach count opens the cases
that broke the clock.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot
from tests.quality.conftest import NOW, month  # noqa: F401  (the known month of clocks)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compliance_page_on_desk_and_phone(page, phone, live_server, month, time_machine,  # noqa: F811
                                           tmp_path):  # fmt: skip
    time_machine.move_to(NOW, tick=True)
    w = month.world
    url = f"{live_server.url}/quality/compliance/?estate={w.estate.pk}&month=2026-11"
    for name, tab in (("quality-compliance-desktop", page), ("quality-compliance-phone", phone)):
        _log_in(tab, live_server, "head", w.password)
        tab.goto(url)
        assert "服务承诺兑现" in tab.inner_text("h1")
        text = tab.inner_text("main") if tab.locator("main").count() else tab.inner_text("body")
        assert "42.9 %" in text and "处理时限" in text and "REPAIR-05" not in text
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        _shot(tab, tmp_path, name)
    page.click("text=4 件")
    page.wait_for_selector("table.list")
    assert page.locator("table.list tbody tr").count() == 4
    assert month.late.case.number in page.inner_text("table.list")
    _shot(page, tmp_path, "quality-compliance-breaches")
