"""Monitoring intake (EQUIP-OPS-04/07/08/09): signed device requests, one event per alarm however
often it is posted, clear, acknowledge, the handler registry and the fallback to the heads."""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404

from tests.factories import make_staff
from tests.fieldwork.devices_helpers import (
    ANOMALY,
    INTAKE,
    bearer,
    body,
    engineering_head,
    handler,
    make_device,
    post,
    signed_headers,
)
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.fieldwork.models.devices import Device, DeviceEvent, DeviceKind, EventState
from wuye.fieldwork.services import devices as services
from wuye.notify.models import Message
from wuye.workflow.models import Case, SlaClock

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 14, 5, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(world):
    return make_device(world)


# --- Signatures ---------------------------------------------------------------------------------


def test_a_signed_alarm_is_recorded__EQUIP_OPS_04(client, world, device):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        r = post(client, d, secret)
    assert r.status_code == 201, r.content
    event = DeviceEvent.objects.get()
    assert r.json() == {"id": event.pk, "state": "open", "created": True, "repeats": 0,
                        "case": None}  # fmt: skip
    assert (event.device, event.estate, event.event_type, event.severity) == (
        d,
        world.estate,
        "trapped",
        "critical",
    )
    assert event.received_at == NOW and event.payload == {"floor": 7}
    d.refresh_from_db()
    assert d.last_seen_at == NOW


def _refused(response, code: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not DeviceEvent.objects.exists()


def test_a_bad_signature_is_refused(client, device):
    d, _secret = device
    raw = json.dumps(body()).encode()
    headers = signed_headers(d, "not-the-secret", raw)
    _refused(client.post(INTAKE, raw, content_type="application/json", headers=headers),
             "bad_signature")  # fmt: skip


def test_a_body_changed_after_signing_is_refused(client, device):
    d, secret = device
    raw = json.dumps(body()).encode()
    headers = signed_headers(d, secret, raw)
    tampered = json.dumps(body(severity="info")).encode()
    _refused(client.post(INTAKE, tampered, content_type="application/json", headers=headers),
             "bad_signature")  # fmt: skip


def test_a_replayed_request_is_refused_after_five_minutes(client, device):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        raw = json.dumps(body()).encode()
        headers = signed_headers(d, secret, raw)
    with time_machine.travel(NOW + dt.timedelta(minutes=5, seconds=1), tick=False):
        _refused(client.post(INTAKE, raw, content_type="application/json", headers=headers),
                 "stale_timestamp")  # fmt: skip
    with time_machine.travel(NOW + dt.timedelta(minutes=4, seconds=59), tick=False):
        r = client.post(INTAKE, raw, content_type="application/json", headers=headers)
    assert r.status_code == 201


def test_a_device_clock_ahead_by_more_than_five_minutes_is_refused(client, device):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        ahead = str(int(time.time()) + 301)
        _refused(post(client, d, secret, timestamp=ahead), "stale_timestamp")


def test_unknown_key_missing_headers_and_bad_timestamp_are_refused(client, device):
    d, secret = device
    raw = json.dumps(body()).encode()
    headers = signed_headers(d, secret, raw)
    _refused(client.post(INTAKE, raw, content_type="application/json",
                         headers={**headers, "X-Wuye-Key": "dev_nobody"}),
             "invalid_key")  # fmt: skip
    _refused(client.post(INTAKE, raw, content_type="application/json"), "unsigned")
    no_signature = {k: v for k, v in headers.items() if k != "X-Wuye-Signature"}
    _refused(client.post(INTAKE, raw, content_type="application/json", headers=no_signature),
             "unsigned")  # fmt: skip
    _refused(post(client, d, secret, timestamp="2026-11-26T14:05"), "bad_timestamp")


def test_a_disabled_device_is_refused_and_enabled_again_accepted(client, world, device):
    d, secret = device
    services.device_disable(device=d, by=world.exec.user)
    _refused(post(client, d, secret), "invalid_key")
    services.device_enable(device=d, by=world.exec.user)
    assert post(client, d, secret).status_code == 201


def test_a_rotated_secret_ends_the_old_one(client, world, device):
    d, old = device
    d, new = services.device_secret_rotate(device=d, by=world.exec.user)
    assert new != old
    _refused(post(client, d, old), "bad_signature")
    assert post(client, d, new).status_code == 201


def test_the_secret_is_not_stored(world, device):
    d, secret = device
    stored = json.dumps(Device.objects.filter(pk=d.pk).values().get(), default=str)
    assert secret not in stored


def test_an_oversized_body_is_refused(client, device):
    d, secret = device
    r = post(client, d, secret, body(payload={"x": "a" * 20000}))
    assert r.status_code == 413 and not DeviceEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_type": "earthquake"}, "event_type"),
        ({"event_type": "voltage_low"}, "event_type"),  # an elevator monitor sees no voltage
        ({"severity": "urgent"}, "severity"),
        ({"dedup_key": "  "}, "dedup_key"),
        ({"occurred_at": "2026-11-26T14:05:00"}, "occurred_at"),  # no zone
        ({"occurred_at": "2026-11-26T15:05:00+08:00"}, "occurred_at"),  # the future
        ({"payload": {"x": "a" * 5000}}, "payload"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(client, device, change, field):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        r = post(client, d, secret, body(**change))
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"]
    assert not DeviceEvent.objects.exists()


# --- One event per alarm ------------------------------------------------------------------------


def test_the_same_alarm_posted_three_times_is_one_event(client, world, device):
    d, secret = device
    engineering_head(world)
    with time_machine.travel(NOW, tick=False):
        first = post(client, d, secret)
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        second = post(client, d, secret)
        third = post(client, d, secret)
    assert [first.status_code, second.status_code, third.status_code] == [201, 200, 200]
    event = DeviceEvent.objects.get()
    assert third.json()["id"] == event.pk and third.json()["created"] is False
    assert event.repeats == 2 and event.received_at == NOW
    assert event.last_seen_at == NOW + dt.timedelta(seconds=30)
    assert Message.objects.count() == 1  # the heads are told once


def test_a_clear_clears_the_open_event_and_a_late_copy_does_not_reopen_it(client, device):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        post(client, d, secret)
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        r = post(client, d, secret, body(event_type="recovered", severity="", message="已放人"))
    assert r.status_code == 200 and r.json()["state"] == "cleared"
    event = DeviceEvent.objects.get()
    assert event.state == EventState.CLEARED and event.cleared_by_device
    assert event.cleared_at == NOW + dt.timedelta(minutes=3) and event.clear_note == "已放人"
    # A retry of the first post (sent before the clear) arrives late: the same alarm.
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        late = post(client, d, secret, body(occurred_at=NOW.isoformat()))
    assert late.status_code == 200 and late.json()["id"] == event.pk
    # The same key after the clear: a new alarm.
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        again = post(client, d, secret)
    assert again.status_code == 201 and DeviceEvent.objects.count() == 2


def test_a_clear_with_nothing_open_is_answered_and_stores_nothing(client, device):
    d, secret = device
    r = post(client, d, secret, body(event_type="clear"))
    assert r.status_code == 200 and r.json()["id"] is None
    assert not DeviceEvent.objects.exists()


# --- Acknowledge and clear by staff -------------------------------------------------------------


def _event(client, device):
    d, secret = device
    post(client, d, secret)
    return DeviceEvent.objects.get()


def test_acknowledge_keeps_who_and_when(client, world, device):
    event = _event(client, device)
    with time_machine.travel(NOW, tick=False):
        r = client.post(f"{INTAKE}/{event.pk}/acknowledge", **bearer(world.tech.user))
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "acknowledged"
    assert r.json()["acknowledged_by"] == {"id": world.tech.user.pk, "name": "tech"}
    event.refresh_from_db()
    assert event.acknowledged_by == world.tech.user and event.acknowledged_at == NOW
    again = client.post(f"{INTAKE}/{event.pk}/acknowledge", **bearer(world.tech.user))
    assert again.status_code == 409


def test_staff_clear_with_a_note(client, world, device):
    event = _event(client, device)
    auth = bearer(world.tech.user)
    r = client.post(f"{INTAKE}/{event.pk}/clear", {"note": "现场确认已恢复"},
                    content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 200, r.content
    event.refresh_from_db()
    assert event.state == EventState.CLEARED and event.cleared_by == world.tech.user
    assert event.clear_note == "现场确认已恢复" and not event.cleared_by_device
    assert event.acknowledged_by == world.tech.user
    assert client.post(f"{INTAKE}/{event.pk}/clear", {}, content_type="application/json",
                       **auth).status_code == 409  # fmt: skip
    ack = client.post(f"{INTAKE}/{event.pk}/acknowledge", **auth)
    assert ack.status_code == 409


def test_a_role_without_alarm_duty_gets_403_and_another_estate_404(client, world, device):
    event = _event(client, device)
    cleaner = make_staff(world.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                         [world.estate])  # fmt: skip
    assert client.post(f"{INTAKE}/{event.pk}/acknowledge",
                       **bearer(cleaner.user)).status_code == 403  # fmt: skip
    for path in (f"{INTAKE}/{event.pk}", f"/api/v1/devices/{event.device_id}"):
        assert client.get(path, **bearer(world.outsider.user)).status_code == 404
    r = client.post(f"{INTAKE}/{event.pk}/acknowledge", **bearer(world.outsider.user))
    assert r.status_code == 404
    with pytest.raises(Http404):
        services.device_event_clear(event=event, by=world.outsider.user)
    event.refresh_from_db()
    assert event.state == EventState.OPEN
    listed = client.get(INTAKE, **bearer(world.outsider.user)).json()
    assert listed["count"] == 0


def test_the_list_shows_open_alarms_first_then_the_most_severe(client, world, device):
    d, secret = device
    with time_machine.travel(NOW, tick=False):
        post(client, d, secret, body(dedup_key="a", event_type="door_fault", severity="warning"))
        post(client, d, secret, body(dedup_key="b"))
        post(client, d, secret, body(dedup_key="c", event_type="fault", severity="critical"))
    cleared = DeviceEvent.objects.get(dedup_key="c")
    services.device_event_clear(event=cleared, by=world.tech.user)
    r = client.get(INTAKE, {"estate": world.estate.pk}, **bearer(world.tech.user))
    assert [e["dedup_key"] for e in r.json()["items"]] == ["b", "a", "c"]
    r = client.get(INTAKE, {"open": "true", "severity": "critical"}, **bearer(world.tech.user))
    assert [e["dedup_key"] for e in r.json()["items"]] == ["b"]
    r = client.get(INTAKE, {"date_from": "2026-11-27"}, **bearer(world.tech.user))
    assert r.json()["count"] == 0


# --- Handlers -----------------------------------------------------------------------------------


def test_a_registered_handler_opens_one_case_linked_both_ways__EQUIP_OPS_08(client, world, device):
    d, secret = device
    with handler("trapped"), time_machine.travel(NOW, tick=False):
        first = post(client, d, secret)
        for _ in range(3):
            post(client, d, secret)
    event = DeviceEvent.objects.get()
    case = Case.objects.get()
    assert first.json()["case"] == case.number and event.case == case
    assert case.data["device_event"] == event.pk and case.data["device"] == d.pk
    assert case.process == ANOMALY.code and event.repeats == 3
    assert event.notified_at is None and not Message.objects.exists()


def test_a_handler_by_device_kind_takes_event_types_without_their_own(client, world, device):
    d, secret = device
    with handler(DeviceKind.ELEVATOR):
        post(client, d, secret, body(event_type="door_fault", severity="warning"))
        post(client, d, secret, body(event_type="fault", dedup_key="info-1", severity="info"))
    assert Case.objects.count() == 1  # the info event calls no handler


def test_the_registry_refuses_unknown_keys_and_a_second_handler():
    with pytest.raises(ValueError):
        services.register_alarm_handler("earthquake", lambda e: None)
    with pytest.raises(ValueError):
        services.register_alarm_handler("clear", lambda e: None)
    with handler("overspeed"):
        with pytest.raises(ValueError):
            services.register_alarm_handler("overspeed", lambda e: None)


def test_an_unhandled_alarm_stays_open_and_tells_the_departments_heads_at_once(client, world,
                                                                              device):  # fmt: skip
    d, secret = device
    head = engineering_head(world)
    with time_machine.travel(NOW, tick=False):
        post(client, d, secret)
    event = DeviceEvent.objects.get()
    assert event.state == EventState.OPEN and event.notified_at == NOW
    message = Message.objects.get()
    assert message.recipient == head.user  # not the customer-service head
    assert message.idempotency_key.startswith(f"device_event:{event.pk}:")
    assert "1号客梯监控" in message.body and "困人" in message.body
    assert message.url == f"/monitoring/alarms/{event.pk}/"


def test_an_unhandled_alarm_without_a_head_goes_to_the_executives(client, world, device):
    d, secret = device
    post(client, d, secret)
    assert list(Message.objects.values_list("recipient", flat=True)) == [world.exec.user.pk]


def test_a_failing_handler_rolls_the_whole_intake_back_and_a_retry_succeeds(client, world,
                                                                             device):  # fmt: skip
    d, secret = device
    engineering_head(world)

    def broken(event):
        open_case = __import__("tests.fieldwork.devices_helpers", fromlist=["x"]).open_anomaly
        open_case(event)  # a case is written, then the handler fails
        raise RuntimeError("the anomaly process is down")

    with handler("trapped", broken):
        r = post(client, d, secret)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_recorded"
    assert not DeviceEvent.objects.exists() and not Case.objects.exists()
    assert not Message.objects.exists()
    with handler("trapped"):
        r = post(client, d, secret)
    assert r.status_code == 201 and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Across midnight of a month end, into the National Day holiday: still 10 minutes.
        (dt.datetime(2026, 9, 30, 23, 55, tzinfo=SH), dt.datetime(2026, 10, 1, 0, 5, tzinfo=SH)),
        # On a holiday, 24×7.
        (dt.datetime(2026, 10, 3, 12, 0, tzinfo=SH), dt.datetime(2026, 10, 3, 12, 10, tzinfo=SH)),
        # Across the year end.
        (dt.datetime(2026, 12, 31, 23, 58, tzinfo=SH), dt.datetime(2027, 1, 1, 0, 8, tzinfo=SH)),
    ],
)
def test_the_anomaly_clock_is_ten_minutes_around_the_clock__EQUIP_OPS_09(
    client, device, received, due
):
    d, secret = device
    with handler("trapped"), time_machine.travel(received, tick=False):
        post(client, d, secret, body(occurred_at=received.isoformat()))
    clock = SlaClock.objects.get()
    assert clock.rule == "EQUIP-OPS-09"
    assert clock.started_at == received and clock.due_at == due


# --- Devices ------------------------------------------------------------------------------------


def test_devices_are_written_by_heads_and_executives_only(client, world):
    payload = {"estate": world.estate.pk, "name": "配电房监控", "kind": "power_monitor"}
    r = client.post("/api/v1/devices", payload, content_type="application/json",
                    **bearer(world.tech.user))  # fmt: skip
    assert r.status_code == 403 and not Device.objects.exists()
    r = client.post("/api/v1/devices", {**payload, "estate": world.other_estate.pk},
                    content_type="application/json", **bearer(world.head.user))  # fmt: skip
    assert r.status_code == 404
    r = client.post("/api/v1/devices", payload, content_type="application/json",
                    **bearer(world.head.user))  # fmt: skip
    assert r.status_code == 201, r.content
    data = r.json()
    device = Device.objects.get()
    assert data["secret"] == services.device_signing_key(device)
    assert (
        data["device"]["key_id"] == device.key_id and data["device"]["department"] == "engineering"
    )
    # The secret is never shown again.
    shown = client.get(f"/api/v1/devices/{device.pk}", **bearer(world.head.user)).content.decode()
    assert data["secret"] not in shown
    rotated = client.post(f"/api/v1/devices/{device.pk}/rotate-secret", **bearer(world.exec.user))
    assert rotated.status_code == 200 and rotated.json()["secret"] != data["secret"]
    assert client.post(f"/api/v1/devices/{device.pk}/rotate-secret",
                       **bearer(world.tech.user)).status_code == 403  # fmt: skip
    off = client.post(f"/api/v1/devices/{device.pk}/disable", **bearer(world.head.user))
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.post(f"/api/v1/devices/{device.pk}/disable",
                       **bearer(world.head.user)).status_code == 409  # fmt: skip


def test_a_fire_panel_reports_to_order_and_names_must_be_unique(world):
    panel, _secret = make_device(world, "消防主机", DeviceKind.FIRE)
    assert panel.department == DepartmentKind.ORDER
    with pytest.raises(ValidationError) as exc:
        make_device(world, "消防主机", DeviceKind.FIRE)
    assert "name" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.device_create(estate=world.estate, name="x", kind="fire_panel",
                               by=world.tech.user)  # fmt: skip


def test_the_subject_is_a_record_of_the_devices_estate(client, world):
    from wuye.facilities.models import Equipment

    lift = Equipment.objects.create(estate=world.estate, code="DT-1", name="1号客梯",
                                    category="elevator")  # fmt: skip
    other = Equipment.objects.create(estate=world.other_estate, code="DT-9", name="9号客梯",
                                     category="elevator")  # fmt: skip
    payload = {"estate": world.estate.pk, "name": "1号客梯监控", "kind": "elevator_monitor",
               "subject_type": "facilities.equipment"}  # fmt: skip
    auth = bearer(world.exec.user)
    bad = client.post("/api/v1/devices", {**payload, "subject_id": other.pk},
                      content_type="application/json", **auth)  # fmt: skip
    assert bad.status_code == 400 and "subject" in bad.json()["error"]["fields"]
    bad = client.post("/api/v1/devices", {**payload, "subject_type": "auth.user", "subject_id": 1},
                      content_type="application/json", **auth)  # fmt: skip
    assert bad.status_code == 400
    ok = client.post("/api/v1/devices", {**payload, "subject_id": lift.pk},
                     content_type="application/json", **auth)  # fmt: skip
    assert ok.status_code == 201
    assert ok.json()["device"]["subject_type"] == "facilities.equipment"
    assert Device.objects.get().subject == lift


def test_acknowledge_is_refused_on_a_cleared_alarm(world, client, device):
    event = _event(client, device)
    services.device_event_clear(event=event, by=world.exec.user)
    with pytest.raises(Conflict):
        services.device_event_acknowledge(event=event, by=world.exec.user)


# --- The simulator ------------------------------------------------------------------------------


def test_the_simulator_sends_signed_alarms_in_process(world, capsys):
    call_command("simulate_alarms", estate=world.estate.pk, count=1, interval=0)
    events = {e.event_type: e for e in DeviceEvent.objects.select_related("device")}
    assert set(events) == {"trapped", "voltage_low", "stopped"}
    assert events["trapped"].repeats == 1 and events["trapped"].state == EventState.OPEN
    assert events["voltage_low"].state == EventState.CLEARED
    assert events["voltage_low"].cleared_by_device
    assert events["stopped"].device.kind == DeviceKind.PUMP
    assert Device.objects.filter(estate=world.estate).count() == 3
    out = capsys.readouterr().out
    assert out.count(" 201 ") == 3 and out.count(" 200 ") == 2
    # A second round reuses the devices and raises new alarms.
    call_command("simulate_alarms", estate=world.estate.pk, interval=0)
    assert Device.objects.count() == 3 and DeviceEvent.objects.count() == 6


def test_the_simulator_only_talks_to_this_machine(world):
    with pytest.raises(CommandError):
        call_command("simulate_alarms", estate=world.estate.pk, url="http://example.com")
    with pytest.raises(CommandError):
        call_command("simulate_alarms", estate=999999, interval=0)


def test_a_device_still_repeating_an_alarm_staff_cleared_does_not_reopen_it(client, world, device):
    d, secret = device
    occurred = NOW.isoformat()
    with time_machine.travel(NOW, tick=False):
        post(client, d, secret, body(occurred_at=occurred))
    event = DeviceEvent.objects.get()
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        services.device_event_clear(event=event, by=world.tech.user, note="已现场处理")
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        r = post(client, d, secret, body(occurred_at=occurred))
    assert r.status_code == 200 and r.json() == {
        "id": event.pk, "state": "cleared", "created": False, "repeats": 1, "case": None
    }  # fmt: skip
    assert DeviceEvent.objects.count() == 1


def test_a_new_alarm_costs_a_bounded_number_of_queries(client, world, device,
                                                       django_assert_max_num_queries):  # fmt: skip
    d, secret = device
    engineering_head(world)
    post(client, d, secret, body(dedup_key="warm-up"))
    with django_assert_max_num_queries(8):
        assert post(client, d, secret, body(dedup_key="second")).status_code == 201
    with django_assert_max_num_queries(8):
        assert post(client, d, secret, body(dedup_key="second")).status_code == 200
