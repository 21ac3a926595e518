"""Paging reminders: after five minutes without an acknowledgement the page is sent again once,
and the command group's leader told who has not acknowledged."""

from __future__ import annotations

import datetime as dt

import pytest

from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import PageReminder
from wuye.emergency.services.incidents import incident_act, incident_open
from wuye.emergency.services.reminders import page_remind_sweep
from wuye.notify.models import Message

pytestmark = pytest.mark.django_db


def test_unacknowledged_pages_are_sent_again_once_after_five_minutes__EMERG_02(emg, time_machine):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    incident_act(incident=incident, action="acknowledge", by=w.guard.user)
    time_machine.shift(dt.timedelta(minutes=4, seconds=59))
    assert page_remind_sweep() == 0
    time_machine.shift(dt.timedelta(seconds=1))
    assert page_remind_sweep() == 2  # the order head and the agent, not the guard
    assert page_remind_sweep() == 0  # once
    reminded = set(PageReminder.objects.values_list("page__user__username", flat=True))
    assert reminded == {"order_head", "agent"}
    sms = Message.objects.filter(idempotency_key__contains=":remind:", channel="sms")
    assert set(sms.values_list("recipient__username", flat=True)) == {"order_head", "agent"}
    assert "【再次通知】" in sms.first().subject
    leader = Message.objects.get(idempotency_key__contains=":unacked:")
    assert leader.recipient.username == "exec"  # the command group's leader
    assert "agent" in leader.body and "guard" not in leader.body


def test_no_reminder_for_a_cancelled_incident_or_an_inbox_only_page(emg, time_machine):
    w = emg
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    incident_act(incident=incident, action="cancel", by=w.agent.user, note="误报")
    time_machine.shift(dt.timedelta(minutes=10))
    assert page_remind_sweep() == 0
