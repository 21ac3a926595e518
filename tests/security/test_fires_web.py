"""The fire-event pages: the phone report with its three required facts, the live page and its
steps, the fires list, the drills list with the year's count, the publicity plan."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.images import make_jpeg
from tests.security.fireevents_helpers import REQUIRED_CHECKLIST, act, at, fire_world, report
from wuye.notify.models import Notice
from wuye.security.models import FireDrill, FireIncident, PublicityTopic
from wuye.security.services.drills import drill_plan
from wuye.security.services.publicity import publicity_plan_seed


@pytest.fixture
def fw(world):
    return fire_world(world)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 12, 8, 3, 0), tick=False):
        yield


def test_the_report_page_keeps_the_input_and_says_which_fact_is_missing__FIRE_09(login, fw):
    client = login("g1")
    page = client.get(reverse("security:fire_report"))
    assert page.status_code == 200
    assert "tel:119" in page.content.decode() and "phone-page" in page.content.decode()
    r = client.post(reverse("security:fire_report"), {"place": "1栋大堂", "size": "small"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请说明有无人员被困" in html and 'value="1栋大堂"' in html
    assert not FireIncident.objects.exists()
    full = {"place": "1栋大堂", "size": "small", "trapped": "no", "called_119": "on"}
    r = client.post(reverse("security:fire_report"), full)
    fire = FireIncident.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("security:fire_detail", args=[fire.pk])
    assert fire.called_119_at == at(2026, 12, 8, 3, 0)


def test_the_live_page_offers_the_step_to_take_now_and_posts_it__FIRE_10_11_VEHICLE_13(login, fw):
    fire = report(fw, called_119=True)
    client = login("g1")
    html = client.get(reverse("security:fire_detail", args=[fire.pk])).content.decode()
    assert "开始初期扑救" in html and "火势较大，等待消防人员" in html and "灭火器" in html
    url = reverse("security:fire_act", args=[fire.pk, "fight"])
    assert client.post(url, {}).status_code == 400  # no facility named
    assert client.post(url, {"facilities": ["extinguisher"]}).status_code == 302
    client.post(reverse("security:fire_act", args=[fire.pk, "evacuate"]))
    html = client.get(reverse("security:fire_detail", args=[fire.pk])).content.decode()
    assert "不要乘坐电梯" in html and "电梯已迫降首层并停用" in html
    assert "车辆已经消防通道引导驶离" in html
    url = reverse("security:fire_act", args=[fire.pk, "evacuated"])
    r = client.post(url, {"checklist": ["escape_routes"]})
    assert r.status_code == 400 and "疏散须确认" in r.content.decode()
    assert client.post(url, {"checklist": REQUIRED_CHECKLIST}).status_code == 302
    fire.refresh_from_db()
    assert fire.case.status == "aftermath"
    part = client.get(reverse("security:fire_detail", args=[fire.pk]) + "?part=timeline",
                      HTTP_HX_REQUEST="true")  # fmt: skip
    assert 'id="fire-timeline"' in part.content.decode() and "<html" not in part.content.decode()


def test_the_fires_list_shows_open_fires_first(login, fw, django_assert_max_num_queries):
    closed = report(fw, place="2栋502室厨房", called_119=True)
    for name, data in (("fight", {"facilities": ["extinguisher"]}), ("evacuate", {}),
                       ("evacuated", {"checklist": REQUIRED_CHECKLIST})):  # fmt: skip
        act(closed, name, fw.g1.user, data=data)
    report(fw, place="3栋地下车库", called_119=True)
    client = login("g1")
    with django_assert_max_num_queries(20):
        html = client.get(reverse("security:fire_list")).content.decode()
    assert html.index("3栋地下车库") < html.index("2栋502室厨房")
    assert (
        client.get(reverse("security:fire_list") + "?q=车库")
        .content.decode()
        .count("security/fires/")
        >= 1
    )


def test_residents_cannot_open_the_fire_pages(login, fw):
    assert login("owner").get(reverse("security:fire_list")).status_code == 403


def test_the_drills_page_plans_records_and_counts_the_year__FIRE_13(login, fw):
    client = login("ohead")
    html = client.get(reverse("security:drill_list")).content.decode()
    assert "2026 年演练完成情况" in html and "未完成" in html
    r = client.post(reverse("security:drill_plan"), {"planned_on": "2026-12-08",
                    "scenario": "夜间疏散演练", "organiser": fw.ohead.pk})  # fmt: skip
    drill = FireDrill.objects.get()
    assert r.status_code == 302
    url = reverse("security:drill_act", args=[drill.pk, "record"])
    r = client.post(url, {"participant_count": "12", "participants": "秩序部", "summary": "顺利",
                          "checklist": REQUIRED_CHECKLIST})  # fmt: skip
    assert r.status_code == 400  # a photo is part of the record
    r = client.post(url, {"participant_count": "12", "participants": "秩序部", "summary": "顺利",
                          "checklist": REQUIRED_CHECKLIST, "photos": [make_jpeg()]})  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    drill.refresh_from_db()
    assert drill.held_on == dt.date(2026, 12, 8)
    html = client.get(reverse("security:drill_list")).content.decode()
    assert "已达标" in html


def test_the_publicity_plan_shows_published_and_overdue_and_publishes__FIRE_07(login, fw):
    publicity_plan_seed(estate=fw.estate, year=2026, by=fw.agent.user)
    client = login("agent")
    html = client.get(reverse("security:publicity_plan")).content.decode()
    assert "逾期未发布" in html and "电动车不得进楼入户充电" in html
    topic = PublicityTopic.objects.get(month=9)
    r = client.post(reverse("security:publicity_publish", args=[topic.pk]))
    assert r.status_code == 302
    assert Notice.objects.get(title="电动车不得进楼入户充电").category == "fire_safety"
    html = client.get(reverse("security:publicity_plan") + "?year=2026").content.decode()
    assert "已发布" in html
    topic = {"month": "3", "title": "春季防火", "body": "天干物燥", "channels": ["board"]}
    r = client.post(reverse("security:publicity_create") + "?year=2027", topic)
    assert r.status_code == 302
    assert PublicityTopic.objects.get(title="春季防火").year == 2027


def test_a_guard_does_not_publish_publicity__FIRE_01(login, fw):
    publicity_plan_seed(estate=fw.estate, year=2026, by=fw.agent.user)
    client = login("g1")
    html = client.get(reverse("security:publicity_plan")).content.decode()
    assert "填入常用主题" not in html
    topic = PublicityTopic.objects.get(month=9)
    client.post(reverse("security:publicity_publish", args=[topic.pk]))
    topic.refresh_from_db()
    assert topic.published_at is None


def test_a_drill_planned_for_another_estate_is_not_found(login, fw):
    drill = drill_plan(estate=fw.estate, planned_on=dt.date(2026, 12, 20), scenario="疏散演练",
                       organiser=fw.ohead, by=fw.ohead.user)  # fmt: skip
    assert (
        login("outsider").get(reverse("security:drill_detail", args=[drill.pk])).status_code == 404
    )


def test_the_fires_and_drills_lists_export_what_is_filtered(login, fw):
    from io import BytesIO

    from openpyxl import load_workbook

    report(fw, place="3栋地下车库", called_119=True)
    report(fw, place="2栋502室厨房", called_119=True)
    client = login("g1")
    r = client.get(reverse("security:fire_export") + "?q=车库")
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "火灾地点" and [row[2] for row in rows[1:]] == ["3栋地下车库"]
    assert rows[1][5] == dt.datetime(2026, 12, 8, 3, 0)  # the estate's local time
    drill_plan(estate=fw.estate, planned_on=dt.date(2026, 12, 20), scenario="疏散演练",
               organiser=fw.ohead, by=fw.ohead.user)  # fmt: skip
    r = client.get(reverse("security:drill_export"))
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == ["疏散演练"]
