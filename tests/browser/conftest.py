"""Browser tests: Playwright (Python) driving Debian's chromium against the live test server.

Every page of every browser context a test opens is watched: a Content-Security-Policy violation
(the browser's console message, or the page's own securitypolicyviolation event) or an uncaught
script error fails the test at teardown."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("WUYE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Reported by each page to the console, so that the details reach the test's failure message.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked "
    + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber
    + (e.sample ? " (" + e.sample + ")" : ""));
});
"""

_problems: list[str] = []


def _watch(context):
    """Collect CSP violations and uncaught errors of every page of ``context``."""
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text:
            where = message.page.url if message.page else "?"
            _problems.append(f"{message.type}: {message.text} ({where})")

    def on_error(web_error):
        page = web_error.page
        _problems.append(f"pageerror: {web_error.error} ({page and page.url})")

    context.on("console", on_console)
    context.on("weberror", on_error)
    return context


class _WatchedBrowser:
    """The browser, with every context it makes watched (tests make their own contexts too)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        return _watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        page = context.new_page()
        page.on("close", lambda _page: context.close())
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """Fail the test if any page it opened reported a CSP violation or an uncaught error."""
    _problems.clear()
    yield
    problems = list(_problems)
    _problems.clear()
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield _WatchedBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    yield page
    context.close()
