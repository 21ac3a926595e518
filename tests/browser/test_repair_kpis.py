"""Browser test: the repair KPIs page draws its three charts, in Chinese, on a desk screen and on a
phone (390 px) without the page scrolling sideways.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.helpers import _log_in, _shot
from wuye.core.choices import Role
from wuye.repairs import services
from wuye.repairs.choices import Category, Status, Urgency
from wuye.repairs.models import RepairOrder
from wuye.workflow.models import Case, SlaClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATEGORIES = [Category.PLUMBING, Category.ELECTRICAL, Category.DOORS_WINDOWS, Category.WALLS,
              Category.PLUMBING, Category.ELEVATOR, Category.PUBLIC, Category.PLUMBING]  # fmt: skip


def _orders(world) -> None:
    """About two orders a day over the last four weeks, most of them done and rated."""
    now = timezone.now()
    for i in range(56):
        reported = now - dt.timedelta(days=28) + dt.timedelta(hours=12 * i + (i % 5))
        urgency = Urgency.EMERGENCY if i % 7 == 0 else Urgency.GENERAL
        order = services.repair_order_create(
            estate=world.estate, room=world.room if i % 2 else world.room2, description="报修",
            category=CATEGORIES[i % len(CATEGORIES)], urgency=urgency, contact_name="张先生",
            contact_phone="13800138000", channel="phone", reported_at=reported,
            by=world.agent.user,
        )  # fmt: skip
        if i >= 52:
            continue  # the newest wait for dispatch
        dispatched = reported + dt.timedelta(minutes=4 + (i * 7) % 70)
        completed = reported + dt.timedelta(hours=2 + (i * 5) % 30)
        RepairOrder.objects.filter(pk=order.pk).update(
            dispatched_at=dispatched, arrived_at=dispatched + dt.timedelta(minutes=25),
            completed_at=completed, completed_by=world.tech.user, satisfaction=3 + i % 3,
            quality_score=4 + i % 2, attitude_score=5 - i % 2,
        )  # fmt: skip
        Case.objects.filter(pk=order.case_id).update(status=Status.DONE)
        for clock in SlaClock.objects.filter(case_id=order.case_id):
            stop = dispatched if clock.key.startswith("dispatch") else completed
            clock.stopped_at = stop
            clock.state = "met" if stop <= clock.due_at else "breached"
            clock.save()


def test_kpis_page_draws_the_charts_on_desk_and_phone(page, phone, live_server, world, tmp_path):
    assert world.head.role == Role.DEPARTMENT_HEAD
    _orders(world)
    url = f"{live_server.url}/repairs/kpis/{world.estate.pk}/"
    for name, tab in (("repair-kpis-desktop", page), ("repair-kpis-phone", phone)):
        _log_in(tab, live_server, "head", world.password)
        tab.goto(url)
        tab.wait_for_selector("#kpi-chart-daily canvas")
        assert tab.locator(".kpi-chart canvas").count() == 3
        assert "报修统计" in tab.inner_text("h1")
        # Each chart is as wide as its card, and nothing makes the page scroll sideways.
        width = tab.evaluate("document.querySelector('#kpi-chart-daily canvas').clientWidth")
        assert width > 300
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        _shot(tab, tmp_path, name)
    # Narrowing the desk window to a phone's width redraws the charts to fit.
    page.set_viewport_size({"width": 390, "height": 844})
    # A function, not an expression: Playwright evals an expression in the page, which the
    # Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelector('#kpi-chart-daily canvas').clientWidth < 390"
    )
