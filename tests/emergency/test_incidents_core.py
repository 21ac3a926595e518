"""The incident core: levels from the manual's thresholds, paging by level, the plan's steps in
order, the release to the households, the end, follow-up and report."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wuye.core.exceptions import Conflict
from wuye.emergency.choices import IncidentKind, Level
from wuye.emergency.models import Page
from wuye.emergency.services.incidents import (
    incident_act,
    incident_open,
    level_suggest,
)
from wuye.notify.models import Message
from wuye.workflow.models import Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "scope", "level"),
    [
        (IncidentKind.ENTRAPMENT, {"people": 2}, Level.IV),  # EMERG-04: 1-2人被困
        (IncidentKind.OUTAGE, {"buildings": 10}, Level.III),  # EMERG-05: 10栋楼以上
        (IncidentKind.OUTAGE, {"buildings": 9}, Level.IV),
        (IncidentKind.FIRE, {"buildings": 3}, Level.II),  # EMERG-06: 火灾 3栋楼以上
        (IncidentKind.FIRE, {"buildings": 2}, Level.IV),
        (IncidentKind.FIRE, {"buildings": 12}, Level.II),
        (IncidentKind.HEALTH, {"whole_estate": True}, Level.I),  # EMERG-07: 疫情 整个小区
        (IncidentKind.EARTHQUAKE, {}, Level.I),  # EMERG-07: 地震
        (IncidentKind.ENTRAPMENT, {"people": 3}, Level.III),
    ],
)
def test_level_suggested_from_the_manuals_thresholds__EMERG_04_05_06_07(kind, scope, level):
    assert level_suggest(kind, **scope) == level


def test_level_iv_pages_the_on_call_on_site_group_and_tells_the_command_group__EMERG_01_02(emg):
    w = emg
    incident = incident_open(
        estate=w.estate, kind=IncidentKind.ENTRAPMENT, place="1栋电梯", people=1, by=w.agent.user,
        buildings=[w.buildings[0]],
    )  # fmt: skip
    assert incident.level == Level.IV and incident.suggested_level == Level.IV
    pages = {p.user.username: p for p in Page.objects.filter(incident=incident)}
    # On call (and the leader) of the on-site group, who must acknowledge; the technician
    # (not on call) is not paged at level IV; the command group reads it in the inbox.
    assert set(pages) == {"order_head", "guard", "agent", "exec"}
    assert pages["guard"].must_acknowledge and not pages["exec"].must_acknowledge
    sms = set(Message.objects.filter(channel="sms", ref=incident.case.number)
              .values_list("recipient__username", flat=True))  # fmt: skip
    assert sms == {"order_head", "guard", "agent"}
    # The alarm step (接警) is done by the opening.
    assert incident.steps.get(order=1).done_at == incident.reported_at


def test_raising_the_level_pages_the_people_it_adds_once__EMERG_03(emg):
    w = emg
    incident = incident_open(
        estate=w.estate, kind=IncidentKind.OTHER, place="地库", by=w.agent.user
    )
    before = Message.objects.count()
    incident_act(incident=incident, action="relevel", by=w.exec.user, data={"level": Level.II},
                 note="水势扩大")  # fmt: skip
    incident.refresh_from_db()
    assert incident.level == Level.II
    users = set(Page.objects.filter(incident=incident).values_list("user__username", flat=True))
    assert {"tech", "clerk"} <= users  # the rest of on-site, and logistics (EMERG-03)
    assert Page.objects.get(incident=incident, user__username="exec").must_acknowledge
    added = Message.objects.count() - before
    assert added == 4  # tech and clerk, each SMS + inbox; nobody twice
    assert incident.level_changes.count() == 2


def test_a_level_other_than_suggested_needs_a_reason(emg):
    w = emg
    with pytest.raises(ValidationError) as error:
        incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库", by=w.agent.user,
                      level=Level.II)  # fmt: skip
    assert "level_reason" in error.value.message_dict


def test_steps_run_in_the_manuals_order__EMERG_LIFT_02(emg):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OUTAGE, place="全区",
                             buildings=w.buildings[:2], by=w.agent.user)  # fmt: skip
    with pytest.raises(Conflict) as error:
        incident_act(incident=incident, action="step", by=w.tech.user, data={"step": "investigate"})
    assert error.value.code == "step_order"
    incident_act(incident=incident, action="step", by=w.agent.user, data={"step": "notice"})
    incident_act(incident=incident, action="step", by=w.guard.user, data={"step": "provision"})
    incident_act(incident=incident, action="step", by=w.tech.user, data={"step": "investigate"})
    assert Event.objects.filter(case=incident.case, action="step").count() == 3


def test_acknowledge_once_and_only_when_paged(emg):
    w = emg
    incident = incident_open(
        estate=w.estate, kind=IncidentKind.OTHER, place="地库", by=w.agent.user
    )
    incident_act(incident=incident, action="acknowledge", by=w.guard.user)
    with pytest.raises(Conflict):
        incident_act(incident=incident, action="acknowledge", by=w.guard.user)
    with pytest.raises(Conflict):
        incident_act(incident=incident, action="acknowledge", by=w.tech.user)  # not paged at IV


def test_release_reaches_the_households_of_the_scope__EMERG_HEALTH_07(emg):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="1栋",
                             buildings=[w.buildings[0]], by=w.agent.user)  # fmt: skip
    incident_act(incident=incident, action="release", by=w.agent.user,
                 data={"title": "1栋临时通知", "body": "请勿惊慌"})  # fmt: skip
    release = incident.releases.get()
    assert release.households == 2
    residents = set(Message.objects.filter(ref__startswith="NOTICE-")
                    .values_list("recipient__username", "channel"))  # fmt: skip
    assert residents == {("owner", "inbox"), ("owner", "sms"), ("neighbour", "inbox"),
                         ("neighbour", "sms")}  # fmt: skip
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # only customer service releases
        incident_act(incident=incident, action="release", by=w.guard.user,
                     data={"title": "x", "body": "y"})  # fmt: skip


def test_the_report_closes_only_when_every_step_is_done(emg):
    w = emg
    incident = incident_open(
        estate=w.estate, kind=IncidentKind.OTHER, place="地库", by=w.agent.user
    )
    incident_act(incident=incident, action="end", by=w.agent.user, note="已处置")
    report = {"summary": "地库漏水", "handling": "已关阀"}
    with pytest.raises(Conflict):
        incident_act(incident=incident, action="write_report", by=w.agent.user, data=report)
    for code in ("handle", "aftermath"):
        incident_act(incident=incident, action="step", by=w.agent.user, data={"step": code})
    incident_act(incident=incident, action="write_report", by=w.agent.user, data=report)
    incident.refresh_from_db()
    assert incident.case.status == "closed"


def test_a_health_events_steps_run_in_the_manuals_order__EMERG_HEALTH_03(emg):
    """Report → closure → disinfection → release → investigation → aftermath."""
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.HEALTH, place="1栋2单元",
                             buildings=[w.buildings[0]], by=w.agent.user)  # fmt: skip
    codes = list(incident.steps.order_by("order").values_list("code", flat=True))
    assert codes == ["report", "closure", "disinfection", "release", "investigation", "aftermath"]
    with pytest.raises(Conflict) as error:
        incident_act(incident=incident, action="step", by=w.agent.user,
                     data={"step": "disinfection"})  # fmt: skip
    assert error.value.code == "step_order"
