"""EMERG-HEALTH-11 at the start of a shift: while a public-health event is active in the estate,
whoever takes a shift over (接班, or the incoming signature of a handover) confirms the N95 mask
and the gloves, else the shift does not start; the confirmation is kept with the shift, and the
event's page shows who is on duty and whether each confirmed. No event, no check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import DepartmentKind, Role, make_staff
from tests.images import signature_of
from wuye.core.exceptions import Conflict
from wuye.core.services import api_token_issue
from wuye.emergency.models import PpeCheck
from wuye.emergency.services.incidents import incident_act
from wuye.emergency.services.ppe import (
    GLOVES,
    MASK,
    ppe_confirm,
    ppe_confirmed,
    ppe_missing,
    ppe_on_duty,
)
from wuye.fieldwork.models import Shift
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as fieldwork

from .helpers import at

pytestmark = pytest.mark.django_db

BOTH = [MASK, GLOVES]


@pytest.fixture
def gate(emg):
    """The east gate's night shift (李保安 and 王保安) and the next morning's (王保安)."""
    w = emg
    w.guard2 = make_staff(w.company, "guard2", Role.GUARD, DepartmentKind.ORDER, [w.estate],
                          "王保安")  # fmt: skip
    w.post = fieldwork.post_create(estate=w.estate, name="东门岗", department="order",
                                   kind="gate", by=w.order_head.user)  # fmt: skip
    w.night = fieldwork.shift_create(post=w.post, starts_at=at("2026-08-11 20:00"),
                                     ends_at=at("2026-08-12 08:00"), staff=[w.guard, w.guard2],
                                     name="夜班", by=w.order_head.user)  # fmt: skip
    w.morning = fieldwork.shift_create(post=w.post, starts_at=at("2026-08-12 08:00"),
                                       ends_at=at("2026-08-12 20:00"), staff=[w.guard2],
                                       name="白班", by=w.order_head.user)  # fmt: skip
    return w


@pytest.fixture
def health(gate, hw):
    """The gate's shifts and an active health event in the estate (``hw``: the same world)."""
    return hw


def test_starting_a_shift_during_a_health_event_without_ppe_is_refused__EMERG_HEALTH_11(health):
    w = health
    codes = [c.code for c in fieldwork.start_checks(w.night, w.guard)]
    assert codes == BOTH
    for checks in ([], [MASK], [GLOVES]):
        with pytest.raises(ValidationError) as error:
            fieldwork.shift_start(shift=w.night, by=w.guard.user, checks=checks)
        assert "checks" in error.value.message_dict
    w.night.refresh_from_db()
    assert (w.night.status, w.night.started_at) == ("planned", None)
    assert not PpeCheck.objects.exists()


def test_with_mask_and_gloves_the_shift_starts_and_the_check_is_kept__EMERG_HEALTH_11(health):
    w = health
    fieldwork.shift_start(shift=w.night, by=w.guard.user, checks=BOTH)
    w.night.refresh_from_db()
    assert w.night.status == "on_duty"
    check = PpeCheck.objects.get()
    assert (check.incident, check.staff, check.shift) == (w.incident, w.guard, w.night)
    assert check.mask and check.gloves and check.at == at("2026-08-12 03:00")
    # The event's page: who is on duty, and whether each confirmed for this shift.
    rows = {r.staff.name: r.check for r in ppe_on_duty(w.incident)}
    assert rows == {"李保安": check, "王保安": None}
    missing = {s.name for s in ppe_missing(w.incident)}
    assert "王保安" in missing and "李保安" not in missing
    # 王保安 is on the same shift: their confirmation on the phone page is for it too.
    assert not ppe_confirmed(w.guard2, w.estate)
    ppe_confirm(estate=w.estate, by=w.guard2.user, mask=True, gloves=True)
    assert PpeCheck.objects.get(staff=w.guard2).shift == w.night
    assert ppe_confirmed(w.guard2, w.estate)
    with pytest.raises(Conflict):
        ppe_confirm(estate=w.estate, by=w.guard2.user, mask=True, gloves=True)
    assert all(r.check for r in ppe_on_duty(w.incident))


def test_a_shift_across_midnight_is_confirmed_once_for_the_shift__EMERG_HEALTH_11(
    health, time_machine
):
    w = health
    fieldwork.shift_start(shift=w.night, by=w.guard.user, checks=BOTH)
    time_machine.move_to(at("2026-08-13 01:00"), tick=False)  # a new day, the same shift
    assert "李保安" not in {s.name for s in ppe_missing(w.incident)}
    assert ppe_confirmed(w.guard, w.estate)


def test_the_incoming_person_confirms_when_signing_the_handover__EMERG_HEALTH_11(
    health, time_machine
):
    w = health
    fieldwork.shift_start(shift=w.night, by=w.guard.user, checks=BOTH)
    time_machine.move_to(at("2026-08-12 07:55"), tick=False)
    handover = handovers.handover_open(shift=w.night, by=w.guard.user)
    handovers.handover_sign_outgoing(handover=handover, attachments=[signature_of(w.guard.user)],
                                     by=w.guard.user, operating_status="门岗正常")  # fmt: skip
    with pytest.raises(ValidationError):
        handovers.handover_sign_incoming(handover=handover, by=w.guard2.user,
                                         attachments=[signature_of(w.guard2.user)],
                                         checks=[MASK])  # fmt: skip
    w.morning.refresh_from_db()
    assert w.morning.status == "planned"
    handovers.handover_sign_incoming(handover=handover, by=w.guard2.user,
                                     attachments=[signature_of(w.guard2.user)],
                                     checks=BOTH)  # fmt: skip
    w.morning.refresh_from_db()
    assert w.morning.status == "on_duty"
    check = PpeCheck.objects.get(shift=w.morning)
    assert check.staff == w.guard2 and check.at == at("2026-08-12 07:55")
    assert [r.staff for r in ppe_on_duty(w.incident)] == [w.guard2]


def test_no_health_event_no_check__EMERG_HEALTH_11(gate):
    w = gate
    assert fieldwork.start_checks(w.night, w.guard) == []
    fieldwork.shift_start(shift=w.night, by=w.guard.user)
    w.night.refresh_from_db()
    assert w.night.status == "on_duty" and not PpeCheck.objects.exists()


def test_an_ended_or_another_estates_event_asks_nothing__EMERG_HEALTH_11(health, world):
    w = health
    incident_act(incident=w.incident, action="cancel", by=w.agent.user, note="误报")
    assert fieldwork.start_checks(w.night, w.guard) == []
    from wuye.emergency.choices import IncidentKind
    from wuye.emergency.services.incidents import incident_open

    incident_open(estate=world.other_estate, kind=IncidentKind.HEALTH, place="2栋",
                  by=world.exec.user)  # fmt: skip
    assert fieldwork.start_checks(w.night, w.guard) == []
    fieldwork.shift_start(shift=w.night, by=w.guard.user)
    assert not PpeCheck.objects.exists()


def test_the_api_shows_and_sends_mask_and_gloves__EMERG_HEALTH_11(client, health):
    w = health
    token, _ = api_token_issue(user=w.guard.user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/shifts/{w.night.pk}"
    checks = client.get(f"{url}/start-checks", **auth).json()
    assert [c["code"] for c in checks] == BOTH and checks[0]["label"] == "已佩戴N95口罩"
    refused = client.post(f"{url}/start", {"checks": [MASK]}, content_type="application/json",
                          **auth)  # fmt: skip
    assert refused.status_code == 400 and "已佩戴手套" in refused.json()["error"]["message"]
    assert Shift.objects.get(pk=w.night.pk).status == "planned"
    started = client.post(f"{url}/start", {"checks": BOTH}, content_type="application/json",
                          **auth)  # fmt: skip
    assert started.status_code == 200 and started.json()["status"] == "on_duty"
    assert PpeCheck.objects.get().shift_id == w.night.pk


def test_the_pages_ask_at_the_start_and_show_who_confirmed__EMERG_HEALTH_11(login, health):
    w = health
    guard = login("guard")
    page = guard.get(reverse("fieldwork:my_shifts")).content.decode()
    assert "已佩戴N95口罩" in page and "已佩戴手套" in page
    start = reverse("fieldwork:shift_start", args=[w.night.pk])
    refused = guard.post(start, {"checks": [MASK]})
    assert refused.status_code == 400 and "接班前请确认：已佩戴手套" in refused.content.decode()
    assert guard.post(start, {"checks": BOTH}).status_code == 302
    detail = login("agent").get(reverse("emergency:health_detail", args=[w.incident.pk]))
    text = detail.content.decode()
    assert "当前值班人员防护用品确认" in text and "东门岗" in text
    on_duty = text[text.index('id="ppe-on-duty"') :]
    on_duty = on_duty[: on_duty.index("</table>")]
    assert on_duty.count("已确认") == 1 and on_duty.count("未确认") == 1
    assert "王保安" in on_duty
    phone = login("guard2")
    assert phone.post(reverse("emergency:health_ppe"),
                      {"mask": "on", "gloves": "on"}).status_code == 302  # fmt: skip
    assert "本班次已确认" in phone.get(reverse("emergency:health_ppe")).content.decode()
