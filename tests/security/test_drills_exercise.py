"""A fire drill is an emergency exercise (FIRE-13 + ch.7: "an incident marked as an exercise runs
the same plan and produces the same report"): starting the drill — or recording it when nobody
started it — opens one exercise incident of the fire plan, linked to the drill; it pages the
emergency groups as every exercise does, marked 【演练】, never the residents; its report is the
emergency report; a started drill cancelled cancels its exercise."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.emergency.helpers import add_group
from tests.facilities.equip_helpers import Api
from tests.images import photo_of
from tests.pdf_tools import needs_pdf_tools, pdf_text
from tests.security.fireevents_helpers import REQUIRED_CHECKLIST, at, fire_world
from wuye.core.exceptions import Conflict
from wuye.emergency.choices import GroupKind, IncidentKind, IncidentSource, Level
from wuye.emergency.models import Incident, Release
from wuye.emergency.services.incidents import incident_act
from wuye.notify.models import Message
from wuye.security.services.drills import drill_act, drill_plan

pytestmark = pytest.mark.django_db

RECORD = {"participant_count": 36, "participants": "秩序部全体、1栋业主代表",
          "summary": "疏散用时6分钟，楼梯口指引到位", "checklist": REQUIRED_CHECKLIST}  # fmt: skip


@pytest.fixture
def fw(world):
    w = fire_world(world)
    # The emergency groups (EMERG-01/02): the executive commands; on site the order head
    # leads, guard g1 on call, g2 not.
    add_group(w.company, None, GroupKind.COMMAND, (w.exec, {"leader": True}))
    add_group(w.company, w.estate, GroupKind.ONSITE, (w.ohead, {"leader": True}),
              (w.g1, {"on_call": True}), w.g2)  # fmt: skip
    with time_machine.travel(at(2026, 5, 20, 9, 0), tick=False):
        w.drill = drill_plan(
            estate=w.estate,
            planned_on=dt.date(2026, 5, 20),
            scenario="高层住宅火灾疏散演练",
            organiser=w.ohead,
            by=w.ohead.user,
        )
        yield w  # fmt: skip


def _record(w, drill, user=None):
    user = user or w.g1.user
    return drill_act(drill=drill, action="record", by=user, data=RECORD,
                     attachments=[photo_of(user)])  # fmt: skip


def test_starting_a_drill_opens_one_exercise_of_the_fire_plan__FIRE_13(fw):
    w = fw
    drill = drill_act(drill=w.drill, action="start", by=w.g1.user)
    incident = drill.incident
    assert incident.exercise and incident.kind == IncidentKind.FIRE
    assert incident.source == IncidentSource.DRILL and incident.level == Level.IV
    assert incident.case.status == "active" and incident.case.title == drill.case.title
    # The fire plan's steps, the alarm done by the opening.
    steps = list(incident.steps.order_by("order"))
    assert len(steps) > 2 and steps[0].code == "alarm" and steps[0].done_at is not None
    # Idempotent: started again (by another guard), recorded — still the one exercise.
    again = drill_act(drill=w.drill.pk, action="start", by=w.g2.user)
    assert again.incident_id == incident.pk
    _record(w, w.drill)
    assert Incident.objects.count() == 1
    drill.refresh_from_db()
    assert drill.incident_id == incident.pk and drill.case.status == "done"
    assert drill.case.events.filter(action="start").count() == 1


def test_an_exercise_pages_the_groups_marked_as_a_drill_and_never_the_residents__FIRE_13(fw):
    w = fw
    incident = drill_act(drill=w.drill, action="start", by=w.g1.user).incident
    paged = set(incident.pages.values_list("user__username", flat=True))
    # Level Ⅳ: the on-site group's on-call and leader, the command group's inbox.
    assert paged == {"g1", "ohead", "exec"}
    sent = Message.objects.filter(idempotency_key__startswith=f"incident:{incident.pk}:")
    assert sent.exists() and all(m.subject.startswith("【演练】") for m in sent)
    residents = {w.owner.user.pk, w.neighbour.user.pk}
    assert not Message.objects.filter(recipient_id__in=residents).exists()
    assert not Release.objects.exists()


def test_a_drill_recorded_without_a_start_is_an_exercise_whose_report_is_the_emergency_one__FIRE_13(
    fw, client
):
    w = fw
    drill = _record(w, w.drill, user=w.ohead.user)
    incident = drill.incident
    assert incident.exercise and drill.case.status == "done"
    # The exercise runs the plan to its report, on the emergency side.
    incident_act(incident=incident, action="end", by=w.ohead.user, note="演练结束")
    for step in incident.steps.filter(done_at__isnull=True).order_by("order"):
        incident_act(incident=incident, action="step", by=w.g1.user,
                     data={"step": step.code, "checks": list(step.checklist)})  # fmt: skip
    incident_act(incident=incident, action="write_report", by=w.ohead.user,
                 data={"summary": "高层住宅火灾疏散演练", "handling": "疏散用时6分钟"})  # fmt: skip
    client.force_login(w.g1.user)
    page = client.get(reverse("security:drill_detail", args=[drill.pk])).content.decode()
    assert reverse("emergency:incident_detail", args=[incident.pk]) in page
    assert reverse("emergency:incident_report", args=[incident.pk]) in page
    assert incident.case.number in page and "演练报告（PDF）" in page


@needs_pdf_tools
def test_the_drills_report_is_the_emergency_exercise_report__FIRE_13(fw, client):
    w = fw
    incident = drill_act(drill=w.drill, action="start", by=w.g1.user).incident
    client.force_login(w.g1.user)
    response = client.get(reverse("emergency:incident_report", args=[incident.pk]))
    text = pdf_text(response.content)
    assert "突发事件处理报告（演练）" in text and incident.case.number in text


def test_cancelling_a_started_drill_cancels_its_exercise__FIRE_13(fw):
    w = fw
    incident = drill_act(drill=w.drill, action="start", by=w.g1.user).incident
    # A guard may cancel a drill but not an emergency: refused, nothing changed.
    with pytest.raises(Conflict):
        drill_act(drill=w.drill, action="cancel", by=w.g1.user, note="下雨改期")
    w.drill.refresh_from_db()
    incident.refresh_from_db()
    assert (w.drill.case.status, incident.case.status) == ("planned", "active")
    drill_act(drill=w.drill, action="cancel", by=w.ohead.user, note="下雨改期")
    w.drill.refresh_from_db()
    incident.refresh_from_db()
    assert (w.drill.case.status, incident.case.status) == ("cancelled", "cancelled")
    assert incident.case.events.get(action="cancel").note == "下雨改期"


def test_a_drill_whose_exercise_has_ended_is_recorded_not_cancelled__FIRE_13(fw):
    w = fw
    incident = drill_act(drill=w.drill, action="start", by=w.g1.user).incident
    incident_act(incident=incident, action="end", by=w.ohead.user, note="演练结束")
    with pytest.raises(Conflict):
        drill_act(drill=w.drill, action="cancel", by=w.ohead.user, note="改期")
    assert _record(w, w.drill).case.status == "done"


def test_the_drill_page_and_the_api_start_the_exercise_once__FIRE_13(fw, client):
    w = fw
    url = reverse("security:drill_detail", args=[w.drill.pk])
    client.force_login(w.g1.user)
    page = client.get(url).content.decode()
    assert "开始演练" in page and "不通知业主" in page
    response = client.post(reverse("security:drill_act", args=[w.drill.pk, "start"]))
    assert response.status_code == 302
    incident = Incident.objects.get()
    page = client.get(url).content.decode()
    assert reverse("emergency:incident_detail", args=[incident.pk]) in page
    assert 'id="step-start"' not in page and "处置中" in page
    api = Api(client, w.g1.user)
    for _ in range(2):
        body = api.post(f"/security/drills/{w.drill.pk}/start", {})
        assert (body["incident"], body["incident_number"]) == (incident.pk, incident.case.number)
    assert Incident.objects.count() == 1
    # Someone who may not start a drill is refused, started or not.
    Api(client, w.agent.user).post(f"/security/drills/{w.drill.pk}/start", {}, expect=403)
