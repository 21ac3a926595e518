"""Browser test: the complaint analysis page (COMPLAINT-14) draws its four charts, in Chinese, on a
desk screen (1280×800) and on a phone (390×844) without the page scrolling sideways, and a head
records the week's improvement measures.

Screenshots are saved under the test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.browser.helpers import _log_in, _shot
from wuye.complaints.models import Complaint, WeeklyAnalysis
from wuye.complaints.services import complaints as services
from wuye.complaints.services.analysis import complaint_weekly_generate, last_complete_week
from wuye.workflow.models import SlaClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (content, type, other text, department or "")
SAMPLES = [
    ("1栋301室业主投诉电梯经常故障", "engineering_quality", "", "engineering"),
    ("电梯又停了，困梯半小时", "engineering_quality", "", "engineering"),
    ("楼上装修噪音太大，晚上还在电钻", "management", "", "administration"),
    ("物业费收费不合理，要求公示", "fees", "", "finance"),
    ("小区乱停车严重，车位不够", "other", "停车", ""),
    ("客服态度差，推诿", "service_attitude", "", "customer_service"),
    ("垃圾没人清运，异味很大", "other", "环境卫生", "environment"),
    ("卫生间天花板漏水", "engineering_quality", "", "engineering"),
    ("快递被放在门口丢了", "other", "快递", ""),
    ("邻居养狗不拴绳", "management", "", "order"),
]


def _complaints(world) -> None:
    """About five complaints a week over the last eight weeks, more of them in the last one."""
    monday, _sunday = last_complete_week(world.estate)
    start = dt.datetime.combine(
        monday - dt.timedelta(weeks=7), dt.time(9), tzinfo=ZoneInfo(world.estate.time_zone)
    )
    n = 0
    for week in range(8):
        for i in range(3 + week % 3 + (6 if week == 7 else 0)):
            content, type_, other, department = SAMPLES[n % len(SAMPLES)]
            n += 1
            received = start + dt.timedelta(weeks=week, days=i % 7, hours=i)
            complaint = services.complaint_create(
                estate=world.estate, content=content, contact_name="张先生",
                contact_phone="13800138000", channel=("phone", "app", "counter")[n % 3],
                type=type_, type_other=other, urgency="urgent" if n % 4 == 0 else "general",
                received_at=received, by=world.agent.user,
            )  # fmt: skip
            if department:
                services.complaint_act(
                    complaint=complaint, action="assign", by=world.agent.user,
                    data={"department": department},
                )  # fmt: skip
            if n % 4:
                # Most were handled in time and many rated (written straight onto the rows:
                # the page only reads them).
                SlaClock.objects.filter(case_id=complaint.case_id, key__startswith="handle").update(
                    state="met", stopped_at=received + dt.timedelta(hours=20)
                )
                Complaint.objects.filter(pk=complaint.pk).update(satisfaction=3 + n % 3)


def test_analysis_page_on_desk_and_phone(page, phone, live_server, world, tmp_path):
    _complaints(world)
    assert complaint_weekly_generate() == 2
    url = f"{live_server.url}/complaints/analysis/{world.estate.pk}/"
    for name, tab in (("complaint-analysis-desktop", page), ("complaint-analysis-phone", phone)):
        _log_in(tab, live_server, "head", world.password)
        tab.goto(url)
        tab.wait_for_selector("#ca-chart-trend canvas")
        assert tab.locator(".kpi-chart canvas").count() == 4
        assert "投诉分析" in tab.inner_text("h1")
        assert "电梯" in tab.inner_text(".ca-top")
        width = tab.evaluate("document.querySelector('#ca-chart-types canvas').clientWidth")
        assert width > 300
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        _shot(tab, tmp_path, name)
    # The head records the week's measures; they stay on the page.
    page.fill("textarea[name=measures]", "电梯维保频率提高至每10天一次")
    page.click("#measures button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert "电梯维保频率提高至每10天一次" in page.input_value("textarea[name=measures]")
    assert WeeklyAnalysis.objects.get(estate=world.estate).measures.startswith("电梯维保")
    # A custom range with the start after the end: the error next to the field.
    page.fill("#id_start", "2026-12-31")
    page.fill("#id_end", "2026-12-01")
    page.click(".ca-range button[type=submit]")
    page.wait_for_selector(".ca-range .field-error")
    _shot(page, tmp_path, "complaint-analysis-range-error")
