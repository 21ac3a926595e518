"""Browser test: the desk's repairs list puts the urgent work on top. Among a dozen orders of the
morning, the burst pipe reported two hours ago and never dispatched (its dispatch and on-site
deadlines missed and swept: clocks "breached") is the first row, and says by how much it is late.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.helpers import _log_in, _shot
from wuye.repairs import services
from wuye.workflow.services import sla_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _report(world, description, minutes_ago, room=None, **kwargs):
    return services.repair_order_create(
        estate=world.estate, room=room or world.room2, description=description,
        contact_name="张先生", contact_phone="13800138000", channel="phone",
        reported_at=timezone.now() - dt.timedelta(minutes=minutes_ago), by=world.agent.user,
        **kwargs,
    )  # fmt: skip


def test_an_overdue_undispatched_emergency_is_the_first_row(page, live_server, world, tmp_path):
    # Ten general orders, dispatched ones due tomorrow and fresh ones due within the hour.
    for n in range(10):
        order = _report(world, f"客厅墙面裂缝 {n} 号", minutes_ago=5 + n * 4, category="walls")
        if n % 2:
            services.repair_order_act(order=order, action="dispatch", by=world.agent.user,
                                      assignee=world.tech.user)  # fmt: skip
    emergency = _report(world, "厨房水管爆裂", minutes_ago=1)  # due for dispatch in 4 minutes
    burst = _report(world, "卫生间水管爆裂，水流不止", minutes_ago=120, room=world.room)
    assert sla_sweep() >= 2  # the burst pipe's dispatch and on-site clocks: breached
    assert burst.urgency == emergency.urgency == "emergency"

    _log_in(page, live_server, "agent", world.password)
    page.goto(f"{live_server.url}/repairs/")
    rows = page.locator("table.repair-list tbody tr")
    rows.first.wait_for()
    assert rows.count() == 12
    first = rows.nth(0)
    assert burst.case.number in first.inner_text()
    assert "已超时" in first.locator("td[data-label='下一到期']").inner_text()
    assert "—" not in first.locator("td[data-label='下一到期']").inner_text()
    # Then the emergency within its deadline, above the general work.
    assert emergency.case.number in rows.nth(1).inner_text()
    _shot(page, tmp_path, "repairs-list-overdue-first")
