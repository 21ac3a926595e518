"""Content-Security-Policy in chromium: a representative set of pages, opened as the desk, the
technician, a manager and a resident, runs its scripts and applies its styles with no violation
(the conftest fails any test on a violation the browser reports). The charts' tooltips are
hovered (ECharts' HTML tooltips would carry inline styles), the meters get their widths, the
signature pad and the photo field work. Screenshots under the test's tmp dir (and copied to
$WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.billing.test_fees import fee, finance, run
from tests.browser.helpers import _log_in, _shot
from tests.complaints.test_desk_pages import receive
from tests.images import jpeg_bytes
from tests.repairs.helpers import ARRIVAL, act, report
from tests.repairs.test_desk_pages import completed
from wuye.billing import services as billing

__all__ = ["fee", "finance"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(tab, url: str, ready: str) -> None:
    tab.goto(url)
    tab.wait_for_selector(ready)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("document.documentElement.classList.contains('js')") or "/admin/" in url


def _hover_chart(tab, selector: str) -> None:
    """Move over the chart's middle, so that ECharts shows its tooltip."""
    chart = tab.locator(selector).first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tab.wait_for_timeout(300)


def test_pages_run_under_the_policy(page, phone, live_server, world, fee, finance, tmp_path):
    base = live_server.url
    order = report(world)
    complaint = receive(world, "电梯经常故障，上周停运两次", room=world.room)
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    run(world, finance, start=first.isoformat(), end=last.isoformat(), due=last.isoformat())
    billing.payment_record(room=world.room, amount="120.00", channel="cash", by=finance.user)

    # The desk: home, the repair list and an order, complaints, a room's fee ledger.
    _log_in(page, live_server, "agent", world.password)
    _visit(page, base + "/", "main")
    _visit(page, base + reverse("core:estate_overview", args=[world.estate.pk]), ".meter")
    width = page.evaluate("document.querySelector('.meter > span').style.width")
    assert width.endswith("%"), width
    _visit(page, base + reverse("repairs:list"), f"text={order.case.number}")
    page.fill("input[type=search]", "漏水")  # an htmx swap of the results
    page.wait_for_load_state("networkidle")
    _visit(page, base + reverse("repairs:detail", args=[order.pk]), "#dispatch-form")
    _visit(page, base + reverse("repairs:create"), "input[name=photos]")
    _visit(page, base + reverse("complaints:list"), f"text={complaint.case.number}")
    _visit(page, base + reverse("complaints:detail", args=[complaint.pk]), "h1")
    _visit(page, base + reverse("complaints:create"), "textarea[name=content]")
    page.fill("textarea[name=content]", "小区东门道闸经常抬不起来")
    assert page.inner_text("[data-count]") == str(len("小区东门道闸经常抬不起来"))
    _visit(page, base + reverse("complaints:ledger"), "[data-print]")
    _visit(page, base + reverse("billing:room_ledger", args=[world.room.pk]), "h1")
    _visit(page, base + reverse("core:staff_list"), "col.w-16p")

    # A manager: the charts of repairs, complaints and fees, with their tooltips.
    page.context.clear_cookies()
    _log_in(page, live_server, "exec", world.password)
    page.goto(base + "/")
    page.wait_for_load_state("networkidle")
    for url, chart in (
        (reverse("repairs:kpis", args=[world.estate.pk]), "#kpi-chart-daily"),
        (reverse("complaints:analysis", args=[world.estate.pk]), ".kpi-chart"),
        (reverse("billing:fee_report"), "#fee-chart-months"),
        (reverse("billing:fee_income"), ".kpi-chart"),
    ):
        _visit(page, base + url, f"{chart} canvas")
        _hover_chart(page, chart)
    _shot(page, tmp_path, "csp-fee-report")

    # The technician on a phone: the completion form with its photo field, then the owner's
    # signature on the pad.
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    _log_in(phone, live_server, "tech", world.password)
    _visit(phone, base + reverse("repairs:tech_detail", args=[order.pk]), "#complete-form")
    photo = tmp_path / "leak.jpg"
    photo.write_bytes(jpeg_bytes((640, 480)))
    phone.set_input_files("#complete-form input[name=photos]", str(photo))
    phone.wait_for_selector(".photo-previews img")
    signed = completed(world, report(world, description="厨房插座不通电"))
    _visit(phone, base + reverse("repairs:tech_detail", args=[signed.pk]), "canvas.signature-pad")
    pad = phone.locator("canvas.signature-pad").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    phone.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.6)
    phone.mouse.down()
    phone.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3, steps=8)
    phone.mouse.up()
    _shot(phone, tmp_path, "csp-tech-sign")

    # The resident's portal on a phone: home, report a repair (the emergency hint), a complaint.
    phone.context.clear_cookies()
    _log_in(phone, live_server, "owner", world.password)
    _visit(phone, base + reverse("repairs:my_new"), "[data-emergency-input]")
    phone.fill("[data-emergency-input]", "家里煤气泄漏")
    phone.wait_for_selector("[data-emergency-hint]:not([hidden])")
    _visit(phone, base + reverse("complaints:my_new"), "[data-counter-max]")
    _visit(phone, base + reverse("billing:my_bills"), "main")
    _shot(phone, tmp_path, "csp-resident-bills")

    # The Django admin (login, index, a list, a change form) and the API docs (Swagger UI).
    get_user_model().objects.create_superuser("root", "root@example.com", world.password)
    page.context.clear_cookies()
    _visit(page, base + reverse("admin:login"), "input[name=username]")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", world.password)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    _visit(page, base + reverse("admin:core_room_changelist"), "#result_list")
    _visit(page, base + reverse("admin:core_room_change", args=[world.room.pk]), "form")
    _visit(page, base + reverse("admin:workflow_holiday_add"), "form")
    page.context.clear_cookies()
    page.goto(base + reverse("api:openapi-view"))
    page.wait_for_selector("#swagger-ui .swagger-ui", state="attached")  # Swagger UI ran
    page.wait_for_load_state("networkidle")
