"""Browser test: the executives' company view (公司总览, QUALITY-02) on a desk screen and on a
phone: every estate side by side, the trend chart drawn, no page-wide sideways scroll, and a click
on an estate's breaches opens that estate's compliance page.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import _log_in, _shot
from tests.quality.conftest import NOW, month  # noqa: F401  (the known month of clocks)
from tests.quality.test_company import company  # noqa: F401  (the estates side by side)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_company_view_on_desk_and_phone(page, phone, live_server, company, time_machine,  # noqa: F811
                                        tmp_path):  # fmt: skip
    time_machine.move_to(NOW, tick=True)
    w = company.world
    url = f"{live_server.url}/quality/company/"
    for name, tab in (("quality-company-desktop", page), ("quality-company-phone", phone)):
        _log_in(tab, live_server, "exec", w.password)
        tab.goto(url)
        assert "公司总览" in tab.inner_text("h1")
        text = tab.inner_text("main") if tab.locator("main").count() else tab.inner_text("body")
        assert "阳光测试苑" in text and "翠湖测试苑" in text and "外司苑" not in text
        assert "42.9 %" in text and "75.00%" in text
        tab.wait_for_selector("#qc-company-trend canvas")
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        _shot(tab, tmp_path, name)
    row = page.locator("table.qc-company tbody tr", has_text="阳光测试苑")
    row.locator("a.kpi-bad").first.click()
    page.wait_for_selector("h1:has-text('服务承诺兑现')")
    assert "阳光测试苑" in page.inner_text(".page-head")
    _shot(page, tmp_path, "quality-company-drill")
    page.goto(url)
    page.locator("table.qc-company a", has_text="翠湖测试苑").click()
    page.wait_for_selector("h1")
    assert f"/estates/{w.other_estate.pk}/" in page.url
