"""The generic ``step`` action and the steps a topic owns (``incidents.OWNED_STEPS``): an
entrapment's reassurance, call, rescue, inspection and follow-up, an outage's notice, provision,
investigation, restoration and follow-up, a health event's report are done only by their topic's
own action, which keeps its rule. Through the generic step — the service, the API or the live
page — they are refused with where to do them (409 ``use_topic``), and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.facilities.equip_helpers import Api
from wuye.core.exceptions import Conflict
from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import Incident, IncidentStep, Release
from wuye.emergency.services.incidents import incident_act, incident_open
from wuye.emergency.services.lift import entrapment_act, entrapment_open
from wuye.facilities.choices import EquipmentStatus
from wuye.facilities.models import Equipment, EquipmentStatusChange
from wuye.notify.models import Message
from wuye.workflow.models import Event

from .lift_helpers import lift_world_fixture  # noqa: F401  (the fixture ``lift_world``)
from .outage_helpers import elevator, finish_tasks, report_power

pytestmark = pytest.mark.django_db


def snapshot(incident: Incident) -> dict:
    """What a refused step must leave as it was (read afresh)."""
    incident = Incident.objects.select_related("case").get(pk=incident.pk)
    return {
        "steps": list(IncidentStep.objects.filter(incident=incident)
                      .order_by("order").values_list("code", "done_at", "done_by", "note")),
        "events": Event.objects.filter(case=incident.case).count(),
        "messages": Message.objects.count(),
        "releases": Release.objects.count(),
        "status_changes": EquipmentStatusChange.objects.count(),
        "case": (incident.case.status, incident.case.data),
    }  # fmt: skip


def unchanged(incident: Incident, before: dict) -> bool:
    return snapshot(incident) == before


def step_refused(incident, user, code) -> Conflict:
    before = snapshot(incident)
    data = {"step": code, "checks": list(incident.steps.get(code=code).checklist)}
    with pytest.raises(Conflict) as error:
        incident_act(incident=incident.pk, action="step", by=user, note="想直接勾选完成",
                     data=data)  # fmt: skip
    assert error.value.code == "use_topic"
    assert unchanged(incident, before)
    return error.value


def api_step_refused(client, incident, user, code) -> dict:
    before = snapshot(incident)
    answer = Api(client, user).post(
        f"/emergency/incidents/{incident.pk}/step",
        {"note": "想直接勾选完成", "data": {"step": code}}, expect=409,
    )  # fmt: skip
    assert answer["error"]["code"] == "use_topic"
    assert unchanged(incident, before)
    return answer


def checks(incident, code):
    return list(incident.steps.get(code=code).checklist)


def rescued(w) -> Incident:
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=2)
    act = entrapment_act
    act(incident=incident.pk, action="guard_arrive", by=w.guard.user,
        data={"checks": checks(incident, "reassure")})  # fmt: skip
    act(incident=incident.pk, action="call_contractor", by=w.agent.user)
    act(incident=incident.pk, action="contractor_arrive", by=w.contractor_user)
    act(incident=incident.pk, action="rescue", by=w.contractor_user,
        data={"checks": checks(incident, "rescue")})  # fmt: skip
    return incident


# --- Entrapment (EMERG-LIFT) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("reassure", "我已到场安抚"),  # EMERG-LIFT-04: the guard's clock
        ("call_contractor", "联系维保单位"),  # EMERG-LIFT-05: the contractor told
        ("rescue", "被困人员已解救"),  # EMERG-LIFT-07/11
        ("inspect", "验收合格，恢复运行"),  # EMERG-LIFT-08
        ("followup", "回访完成"),  # EMERG-LIFT-09
    ],
)
def test_every_step_an_entrapment_owns_is_refused_as_a_generic_step__EMERG_LIFT_02(
    lift_world, code, words
):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    # An executive may take any generic step: the refusal is the step's, not the role's.
    error = step_refused(incident, w.exec.user, code)
    assert words in error.message and "电梯困人" in error.message
    assert Incident.objects.get(pk=incident.pk).guard_arrived_at is None
    assert Equipment.objects.get(pk=w.lift.pk).status == EquipmentStatus.UNDER_REPAIR


def test_the_rescue_step_cannot_skip_the_contractors_checks_through_the_api__EMERG_LIFT_11(
    client, lift_world
):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    answer = api_step_refused(client, incident, w.exec.user, "rescue")
    assert "维保页面" in answer["error"]["message"]
    incident.fault.refresh_from_db()
    assert incident.fault.rescued_at is None


def test_the_followup_is_not_closed_by_a_generic_step_before_every_visit__EMERG_LIFT_09(
    client, lift_world
):
    w = lift_world
    incident = rescued(w)  # two people trapped
    for action in ("arrive", "investigate", "repair_done", "test_run", "test_run", "test_run",
                   "accept"):  # fmt: skip
        entrapment_act(incident=incident.pk, action=action, by=w.tech.user, note="检查")
    entrapment_act(incident=incident.pk, action="end", by=w.agent.user)
    entrapment_act(incident=incident.pk, action="followup", by=w.agent.user, note="情绪稳定",
                   data={"person": "王先生"})  # fmt: skip
    # The only step left is the follow-up, and one of the two people is not visited yet.
    assert list(incident.steps.filter(done_at__isnull=True).values_list("code", flat=True)) == [
        "followup"
    ]
    step_refused(incident, w.agent.user, "followup")
    answer = api_step_refused(client, incident, w.agent.user, "followup")
    assert "逐一记录被困人员的回访" in answer["error"]["message"]
    # So the report stays refused too: the rule holds.
    with pytest.raises(Conflict):
        incident_act(incident=incident.pk, action="write_report", by=w.agent.user,
                     data={"summary": "困人", "handling": "已解救"})  # fmt: skip
    with pytest.raises(Conflict) as error:
        entrapment_act(incident=incident.pk, action="followup_done", by=w.agent.user)
    assert error.value.code == "followups_missing"
    assert Incident.objects.get(pk=incident.pk).case.status == "followup"


def test_an_entrapment_drill_without_a_lift_fault_keeps_the_generic_steps_but_the_guards(
    lift_world,
):
    """Registered on the incident form (a drill), an entrapment has no fault of its lift: its
    call, rescue, inspection and follow-up are generic steps; the guard's arrival stays its
    own (EMERG-LIFT-04, it stops the guard's clock)."""
    w = lift_world
    drill = incident_open(estate=w.estate, kind=IncidentKind.ENTRAPMENT, place="1栋1号客梯",
                          people=1, by=w.agent.user, exercise=True)  # fmt: skip
    step_refused(drill, w.guard.user, "reassure")
    entrapment_act(incident=drill.pk, action="guard_arrive", by=w.guard.user,
                   data={"checks": checks(drill, "reassure")})  # fmt: skip
    incident_act(incident=drill.pk, action="step", by=w.agent.user,
                 data={"step": "call_contractor"})  # fmt: skip
    assert drill.steps.get(code="call_contractor").done_by == w.agent.user


# --- Outage (EMERG-OUTAGE) -----------------------------------------------------------------------


def test_an_outages_restoration_is_refused_as_a_generic_step__EMERG_OUTAGE_13(client, emg):
    """Restored only by the topic's action, which brings the stopped elevators back and tells
    the households: a generic step would do neither."""
    w = emg
    lift = elevator(w.estate, w.buildings[0], "DT-1-1")
    outage = report_power(w)
    finish_tasks(w, outage, cause="变压器故障")
    lift.refresh_from_db()
    assert lift.status == EquipmentStatus.STOPPED
    incident = outage.incident
    pending = incident.steps.filter(done_at__isnull=True).order_by("order")
    assert pending.first().code == "restore"  # the next one: only the owner stops it
    error = step_refused(incident, w.agent.user, "restore")
    assert "确认已恢复供应" in error.message
    answer = api_step_refused(client, incident, w.exec.user, "restore")
    assert "停水停电页面" in answer["error"]["message"]
    outage.refresh_from_db()
    lift.refresh_from_db()
    assert outage.restored_at is None and outage.restore_release_id is None
    assert lift.status == EquipmentStatus.STOPPED


@pytest.mark.parametrize("code", ["notice", "provision", "investigate", "followup"])
def test_the_other_steps_of_an_outage_are_refused_too__EMERG_OUTAGE_03(client, emg, code):
    w = emg
    outage = report_power(w)
    step_refused(outage.incident, w.exec.user, code)
    answer = api_step_refused(client, outage.incident, w.exec.user, code)
    assert "停水停电" in answer["error"]["message"]


# --- Public health (EMERG-HEALTH) ----------------------------------------------------------------


def test_the_report_to_disease_control_is_refused_as_a_generic_step__EMERG_HEALTH_04(client, emg):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.HEALTH, place="1栋2单元",
                             buildings=[w.buildings[0]], by=w.agent.user)  # fmt: skip
    error = step_refused(incident, w.agent.user, "report")
    assert "上报疾控部门" in error.message
    api_step_refused(client, incident, w.exec.user, "report")
    assert not incident.contacts.exists()
    assert incident.case.clocks.get(rule="EMERG-HEALTH-04").stopped_at is None


# --- The live page -------------------------------------------------------------------------------


def test_the_incident_page_sends_an_owned_step_to_the_topics_page(lift_world, login):
    w = lift_world
    incident = entrapment_open(estate=w.estate, lift=w.lift.pk, by=w.agent.user, people=1)
    page = login("exec").get(reverse("emergency:incident_detail", args=[incident.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "我已到场安抚" in text  # the next step, reassurance: where it is done
    assert reverse("emergency:lift_detail", args=[incident.pk]) in text
    assert 'name="step" value="reassure"' not in text  # no button that would be refused
    drill = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                          by=w.agent.user)  # fmt: skip
    text = login("exec").get(reverse("emergency:incident_detail", args=[drill.pk])).content
    assert 'name="step" value="handle"' in text.decode()  # a generic step keeps its button
