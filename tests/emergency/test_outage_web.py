"""Outage pages: the desk's planned and sudden forms (errors next to the field, the input kept),
the list (upcoming first, how long ahead the notice went out), the outage's page with its notice,
the guard's big "完成", the restoration and the sampled calls."""

from __future__ import annotations

import pytest

from wuye.emergency.models import Followup, Outage
from wuye.emergency.services.incidents import incident_act

from .outage_helpers import finish_tasks, plan_water, report_power

pytestmark = pytest.mark.django_db


def form(w, **extra) -> dict:
    return {"utility": "water", "buildings": [w.buildings[0].pk],
            "starts_at": "2026-08-14T03:00", "expected_end_at": "2026-08-14T18:00",
            "precautions": "请业主提前储水", "guard": w.guard.pk, **extra}  # fmt: skip


def test_planned_form_refuses_47_hours_and_keeps_the_input__EMERG_OUTAGE_04(emg, login):
    w = emg
    client = login("agent")
    assert client.get("/emergency/outages/plan/").status_code == 200
    r = client.post("/emergency/outages/plan/", form(w, starts_at="2026-08-14T02:59"))
    assert r.status_code == 400
    page = r.content.decode()
    assert "提前48小时" in page and "请业主提前储水" in page
    assert not Outage.objects.exists()
    r = client.post("/emergency/outages/plan/", form(w))
    outage = Outage.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/emergency/outages/{outage.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "计划停水通知" in page and "2 天 0 小时 0 分钟" in page
    assert "停水时间：2026-08-14 03:00" in page


def test_sudden_form_tells_at_once_without_a_start__EMERG_OUTAGE_06(emg, login):
    w = emg
    client = login("agent")
    r = client.post("/emergency/outages/sudden/",
                    form(w, utility="power", starts_at="", guard=""))  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    outage = Outage.objects.get()
    assert not outage.planned and outage.release.households == 2


def test_water_form_needs_a_guard__EMERG_OUTAGE_08(emg, login):
    w = emg
    r = login("agent").post("/emergency/outages/plan/", form(w, guard=""))
    assert r.status_code == 400 and "值守" in r.content.decode()


def test_list_upcoming_first_with_the_notice_ahead(emg, login, django_assert_max_num_queries):
    w = emg
    sudden = report_power(w)
    planned = plan_water(w, start="2026-08-20 09:00", end="2026-08-20 12:00")
    client = login("agent")
    with django_assert_max_num_queries(30):
        page = client.get("/emergency/outages/").content.decode()
    assert page.index(planned.incident.case.number) < page.index(sudden.incident.case.number)
    assert "8 天 6 小时 0 分钟" in page
    r = client.get("/emergency/outages/?state=ongoing", HTTP_HX_REQUEST="true")
    assert sudden.incident.case.number in r.content.decode()
    assert planned.incident.case.number not in r.content.decode()


def test_guard_completes_the_water_point_on_the_phone__EMERG_OUTAGE_08(emg, login):
    w = emg
    outage = plan_water(w)
    task = outage.incident.tasks.get(kind="water_point_guard")
    client = login("guard")
    page = client.get(f"/emergency/outages/{outage.pk}/").content.decode()
    assert "取水点值守：李保安" in page and "完成" in page
    r = client.post(f"/emergency/outages/{outage.pk}/tasks/{task.pk}/done/")
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_by == w.guard.user
    r = client.post(f"/emergency/outages/{outage.pk}/tasks/{task.pk}/done/")
    assert r.status_code == 400 and "已完成" in r.content.decode()


def test_restore_and_call_the_sample_from_the_page__EMERG_OUTAGE_11(emg, login):
    w = emg
    outage = report_power(w)
    finish_tasks(w, outage)
    client = login("agent")
    r = client.post(f"/emergency/outages/{outage.pk}/restore/", {"note": ""})
    assert r.status_code == 400
    r = client.post(f"/emergency/outages/{outage.pk}/restore/", {"note": "已恢复供电"})
    assert r.status_code == 302
    page = client.get(f"/emergency/outages/{outage.pk}/").content.decode()
    assert "恢复供电通知" in page and "回访抽样（0/2 户已回访）" in page
    first, second = Followup.objects.filter(incident=outage.incident).order_by("pk")
    r = client.post(f"/emergency/outages/{outage.pk}/sample_call/",
                    {"followup": first.pk, "satisfaction": "5", "note": "满意",
                     "reached": "yes"})  # fmt: skip
    assert r.status_code == 302
    r = client.post(f"/emergency/outages/{outage.pk}/sample_call/",
                    {"followup": second.pk, "reached": "no"})  # fmt: skip
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.contacted_at and not second.reached
    assert outage.incident.steps.get(code="followup").done_at is not None
    incident_act(incident=outage.incident, action="end", by=w.agent.user, note="结束")


def test_pages_are_scoped(emg, login):
    w = emg
    outage = plan_water(w)
    assert login("outsider").get(f"/emergency/outages/{outage.pk}/").status_code == 404
    assert login("owner").get("/emergency/outages/").status_code == 403
