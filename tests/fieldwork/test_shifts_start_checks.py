"""Start checks: what a chapter app makes each person confirm as they take a shift over
(``register_start_checks``), asked wherever a shift starts — 接班 at a post nobody is on duty at,
and the incoming signature of a handover — through the services, the API and the 我的班次 and
接班签字 pages. A missing confirmation refuses the start and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.images import make_signature_data_url
from wuye.core.services import api_token_issue
from wuye.fieldwork.models import Handover, Shift
from wuye.fieldwork.services import handovers
from wuye.fieldwork.services import shifts as services
from wuye.fieldwork.services.shifts import StartCheck

from .shifts_helpers import at, duty, hand_over, shift, sign

pytestmark = pytest.mark.django_db

VEST = StartCheck("test.vest", "已穿反光背心", "夜间上岗须穿反光背心")


@pytest.fixture
def d(world, time_machine, monkeypatch):
    """A night shift (op1) and the next day shift (op2); a test app requires a reflective vest
    on the night shift only, and keeps who confirmed it."""
    time_machine.move_to(at("2026-09-30 19:30"), tick=False)
    d = duty(world)
    d.night = shift(d, "2026-09-30 20:00", "2026-10-01 08:00", d.ops[0], name="夜班")
    d.day = shift(d, "2026-10-01 08:00", "2026-10-01 20:00", d.ops[1], name="白班")
    d.recorded = []

    def vest(shift, staff, now):
        return [VEST] if shift.name == "夜班" else []

    def keep(shift, staff, items, now):
        assert Shift.objects.get(pk=shift.pk).status == "on_duty"  # recorded once started
        d.recorded.append((shift.pk, staff.pk, [i.code for i in items], now))

    monkeypatch.setattr(services, "_START_CHECKS", {})
    services.register_start_checks("test.vest", vest, record=keep)
    return d


class Api:
    def __init__(self, client, user):
        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(self, path, body=None, expect=200):
        r = self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", **self.auth
        )
        assert r.status_code == expect, r.content
        return r.json()

    def get(self, path, expect=200):
        r = self.client.get(f"/api/v1{path}", **self.auth)
        assert r.status_code == expect, r.content
        return r.json()


def test_a_shift_does_not_start_without_its_start_checks(d):
    assert services.start_checks(d.night, d.ops[0]) == [VEST]
    with pytest.raises(ValidationError) as error:
        services.shift_start(shift=d.night, by=d.ops[0].user)
    assert "已穿反光背心" in error.value.message_dict["checks"][0]
    with pytest.raises(ValidationError):
        services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.other"])
    d.night.refresh_from_db()
    assert (d.night.status, d.night.started_at, d.recorded) == ("planned", None, [])
    services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.vest"])
    d.night.refresh_from_db()
    assert d.night.status == "on_duty"
    assert d.recorded == [(d.night.pk, d.ops[0].pk, ["test.vest"], at("2026-09-30 19:30"))]


def test_a_shift_without_checks_starts_as_before(d, monkeypatch):
    monkeypatch.setattr(services, "_START_CHECKS", {})
    assert services.start_checks(d.night, d.ops[0]) == []
    services.shift_start(shift=d.night, by=d.ops[0].user)
    d.night.refresh_from_db()
    assert d.night.status == "on_duty" and d.recorded == []


def test_a_broken_provider_does_not_keep_anyone_off_duty(d):
    def broken(shift, staff, now):
        raise RuntimeError("another app is down")

    services.register_start_checks("test.broken", broken)
    assert services.start_checks(d.night, d.ops[0]) == [VEST]
    services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.vest"])
    d.night.refresh_from_db()
    assert d.night.status == "on_duty"


def test_the_incoming_signature_of_a_handover_asks_the_same_checks(d, time_machine):
    services.register_start_checks(
        "test.day", lambda shift, staff, now: [StartCheck("test.radio", "已领对讲机")]
    )
    services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.vest", "test.radio"])
    time_machine.move_to(at("2026-10-01 07:55"), tick=False)
    handover = hand_over(d.ops[0].user, d.night)
    with pytest.raises(ValidationError) as error:
        handovers.handover_sign_incoming(
            handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
        )
    assert "已领对讲机" in error.value.message_dict["checks"][0]
    handover.refresh_from_db(), d.night.refresh_from_db(), d.day.refresh_from_db()
    assert (handover.status, d.night.status, d.day.status) == ("waiting", "on_duty", "planned")
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user,
        checks=["test.radio"],
    )  # fmt: skip
    d.day.refresh_from_db()
    assert d.day.status == "on_duty" and d.day.taken_by == d.ops[1].user


def test_the_api_shows_and_sends_the_start_checks(client, d):
    op1 = Api(client, d.ops[0].user)
    checks = op1.get(f"/shifts/{d.night.pk}/start-checks")
    assert checks == [{"code": VEST.code, "label": VEST.label, "help": "夜间上岗须穿反光背心"}]
    assert op1.get(f"/shifts/{d.day.pk}/start-checks") == []
    refused = op1.post(f"/shifts/{d.night.pk}/start", {}, expect=400)
    assert "checks" in refused["error"]["fields"]
    assert Shift.objects.get(pk=d.night.pk).status == "planned"
    op1.post(f"/shifts/{d.night.pk}/start", {"checks": [7]}, expect=400)  # not a code
    started = op1.post(f"/shifts/{d.night.pk}/start", {"checks": ["test.vest"]})
    assert started["status"] == "on_duty" and len(d.recorded) == 1


def test_the_handover_api_sends_the_start_checks(client, d, time_machine):
    services.register_start_checks(
        "test.day", lambda shift, staff, now: [StartCheck("test.radio", "已领对讲机")]
    )
    services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.vest", "test.radio"])
    time_machine.move_to(at("2026-10-01 07:55"), tick=False)
    handover = hand_over(d.ops[0].user, d.night)
    op2 = Api(client, d.ops[1].user)
    signature = op2.post("/attachments/signature", {"data_url": make_signature_data_url()}, 201)
    body = {"attachments": [signature["id"]]}
    op2.post(f"/handovers/{handover.pk}/sign-incoming", body, expect=400)
    assert Handover.objects.get(pk=handover.pk).status == "waiting"
    signed = op2.post(f"/handovers/{handover.pk}/sign-incoming", body | {"checks": ["test.radio"]})
    assert signed["status"] == "accepted"


def test_my_shifts_page_shows_the_checks_and_keeps_what_was_ticked(client, login, d):
    login("op1")
    page = client.get(reverse("fieldwork:my_shifts")).content.decode()
    assert 'name="checks" value="test.vest"' in page and "夜间上岗须穿反光背心" in page
    refused = client.post(reverse("fieldwork:shift_start", args=[d.night.pk]), {})
    text = refused.content.decode()
    assert refused.status_code == 400 and "接班前请确认：已穿反光背心" in text
    assert Shift.objects.get(pk=d.night.pk).status == "planned"
    started = client.post(reverse("fieldwork:shift_start", args=[d.night.pk]),
                          {"checks": ["test.vest"]})  # fmt: skip
    assert started.status_code == 302
    assert Shift.objects.get(pk=d.night.pk).status == "on_duty"


def test_the_accept_page_shows_the_checks_and_refuses_without_them(client, login, d,
                                                                  time_machine):  # fmt: skip
    services.register_start_checks(
        "test.day", lambda shift, staff, now: [StartCheck("test.radio", "已领对讲机")]
    )
    services.shift_start(shift=d.night, by=d.ops[0].user, checks=["test.vest", "test.radio"])
    time_machine.move_to(at("2026-10-01 07:55"), tick=False)
    handover = hand_over(d.ops[0].user, d.night)
    login("op2")
    url = reverse("fieldwork:handover_accept", args=[handover.pk])
    assert 'name="checks" value="test.radio"' in client.get(url).content.decode()
    refused = client.post(url, {"signature": make_signature_data_url()})
    assert refused.status_code == 400 and "接班前请确认：已领对讲机" in refused.content.decode()
    assert Handover.objects.get(pk=handover.pk).status == "waiting"
    signed = client.post(url, {"signature": make_signature_data_url(), "checks": "test.radio"})
    assert signed.status_code == 302
    assert Handover.objects.get(pk=handover.pk).status == "accepted"


def test_a_refused_certificate_on_the_page_says_why__EQUIP_OPS_11(
    client, login, d, world, time_machine
):
    """Taking a shift over with a certificate that ran out since the roster was made: the page
    comes back with the reason (it was a server error before)."""
    import datetime as dt

    from wuye.fieldwork.models import Certificate

    Certificate.objects.create(
        company=world.company, holder="staff", staff=d.ops[0], kind="hv_electrician",
        number="T01", issuer="应急管理局", expires_on=dt.date(2026, 9, 30),
        created_at=at("2026-01-01 09:00"),
    )  # fmt: skip
    d.post = services.post_create(
        estate=world.estate, name="高配房", department="engineering",
        required_certificate="hv_electrician", by=d.head.user,
    )  # fmt: skip
    late = shift(d, "2026-09-30 23:00", "2026-10-01 07:00", d.ops[0], name="值守")
    time_machine.move_to(at("2026-10-01 00:30"), tick=False)
    login("op1")
    refused = client.post(reverse("fieldwork:shift_start", args=[late.pk]))
    assert refused.status_code == 400 and "已于 2026-09-30 到期" in refused.content.decode()
    assert Shift.objects.get(pk=late.pk).status == "planned"
