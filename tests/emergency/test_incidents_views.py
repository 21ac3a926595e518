"""The incident pages: the list with its filters, the phone form with the live level, the live
page with its acknowledgement and actions, the polled timeline, the report PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import Incident, Page
from wuye.emergency.services.incidents import incident_act, incident_open

pytestmark = pytest.mark.django_db


def test_open_from_the_phone_form_and_see_the_live_page__EMERG_04(emg, login):
    w = emg
    client = login("agent")
    response = client.post(reverse("emergency:incident_new"), {
        "kind": "entrapment", "place": "1栋电梯", "buildings": [w.buildings[0].pk],
        "households": 0, "people": 1, "exercise": "on"})  # fmt: skip
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.exercise
    page = client.get(reverse("emergency:incident_detail", args=[incident.pk])).content.decode()
    assert "演练" in page and "1栋电梯" in page and "秩序员到场时限" in page
    assert "EMERG-" not in page  # no rule ids on screen


def test_the_form_suggests_the_level_live_and_needs_a_reason_to_change_it__EMERG_05(emg, login):
    w = emg
    client = login("agent")
    url = reverse("emergency:incident_new")
    ids = [b.pk for b in w.buildings[:10]]
    part = client.get(url, {"part": "level", "kind": "outage", "buildings": ids},
                      headers={"HX-Request": "true"})  # fmt: skip
    assert "Ⅲ级" in part.content.decode()
    response = client.post(url, {"kind": "other", "place": "地库", "households": 0, "people": 0,
                                 "level": "2"})  # fmt: skip
    assert response.status_code == 400
    assert "请说明原因" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_paged_guard_acknowledges_from_the_page(emg, login):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    client = login("guard")
    url = reverse("emergency:incident_detail", args=[incident.pk])
    assert "确认收到" in client.get(url).content.decode()
    client.post(reverse("emergency:incident_action", args=[incident.pk, "acknowledge"]))
    assert Page.objects.get(incident=incident, user=w.guard.user).acknowledged_at
    assert "确认收到</button>" not in client.get(url).content.decode()
    timeline = client.get(url, {"part": "timeline"}, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 10s"' in timeline.content.decode()
    assert "<h1" not in timeline.content.decode()


def test_an_action_error_is_shown_and_changes_nothing(emg, login):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    client = login("guard")
    response = client.post(reverse("emergency:incident_action", args=[incident.pk, "release"]),
                           {"title": "x", "body": "y"})  # fmt: skip
    assert response.status_code == 400
    assert "不能执行“发布信息”" in response.content.decode()
    assert not incident.releases.exists()


def test_list_filters_and_scope(emg, login):
    w = emg
    incident_open(estate=w.estate, kind=IncidentKind.FIRE, place="3栋", by=w.agent.user,
                  exercise=True)  # fmt: skip
    incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库", by=w.agent.user)
    client = login("agent")
    url = reverse("emergency:incident_list")
    page = client.get(url, {"drill": "yes"}).content.decode()
    assert "3栋" in page and "地库" not in page
    assert "地库" not in login("outsider").get(url).content.decode()
    export = login("agent").get(reverse("emergency:incident_export"))
    assert export.status_code == 200


@needs_pdf_tools
def test_the_entrapment_report_pdf__EMERG_LIFT_09(emg, login):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.ENTRAPMENT, place="1栋电梯",
                             people=1, by=w.agent.user, exercise=True)  # fmt: skip
    incident_act(incident=incident, action="relevel", by=w.exec.user, data={"level": 3},
                 note="被困者身体不适")  # fmt: skip
    response = login("agent").get(reverse("emergency:incident_report", args=[incident.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "电梯困人应急处理报告" in text and "演练" in text
    assert "被困者身体不适" in text and "李保安" in text
    assert incident.case.number in text


@needs_pdf_tools
def test_a_report_of_another_kind_is_the_general_report(emg, login):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    incident_act(incident=incident, action="end", by=w.agent.user, note="已处置")
    for code in ("handle", "aftermath"):
        incident_act(incident=incident, action="step", by=w.agent.user, data={"step": code})
    incident_act(incident=incident, action="write_report", by=w.agent.user,
                 data={"summary": "地库漏水经过", "handling": "关阀抽水"})  # fmt: skip
    text = pdf_text(login("agent").get(reverse("emergency:incident_report",
                                               args=[incident.pk])).content)  # fmt: skip
    assert "突发事件处理报告" in text and "地库漏水经过" in text and "演练）" not in text
