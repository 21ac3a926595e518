"""The monitoring pages: the alarm list (open first, filters, the 15-second refresh), an alarm's
page with acknowledge and clear, and the device pages with the secret shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.fieldwork.devices_helpers import body, make_device, post
from wuye.core.choices import DepartmentKind, Role
from wuye.fieldwork.models.devices import Device, DeviceEvent, EventState
from wuye.fieldwork.services import devices as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alarms(client, world):
    d, secret = make_device(world)
    post(client, d, secret, body(dedup_key="warn", event_type="door_fault", severity="warning",
                                 message="厅门未关到位"))  # fmt: skip
    post(client, d, secret, body(dedup_key="crit", message="轿厢困人"))
    post(client, d, secret, body(dedup_key="gone", event_type="fault", message="旧故障"))
    gone = DeviceEvent.objects.get(dedup_key="gone")
    services.device_event_clear(event=gone, by=world.tech.user)
    return d, {e.dedup_key: e for e in DeviceEvent.objects.all()}


def test_the_alarm_list_shows_open_alarms_most_severe_first_and_refreshes(
    login, world, alarms, django_assert_max_num_queries
):
    client = login("tech")
    url = reverse("fieldwork:device_event_list")
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert 'hx-trigger="every 15s"' in page
    assert page.index("轿厢困人") < page.index("厅门未关到位")
    assert "旧故障" not in page  # cleared alarms only when asked for
    everything = client.get(url, {"state": "all"}).content.decode()
    assert "旧故障" in everything
    fragment = client.get(url, {"state": "cleared"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "旧故障" in fragment and "轿厢困人" not in fragment
    # The next refresh keeps the filters (and the page) it was shown with.
    assert 'hx-get="/monitoring/alarms/?state=cleared" hx-trigger="every 15s"' in fragment
    warnings = client.get(url, {"severity": "warning"}).content.decode()
    assert "厅门未关到位" in warnings and "轿厢困人" not in warnings
    other, _secret = make_device(world, "配电房监控", "power_monitor")
    by_device = client.get(url, {"device": other.pk}).content.decode()
    assert "暂无" in by_device or "没有符合条件的告警" in by_device


def test_an_alarm_is_acknowledged_and_cleared_on_its_page(login, world, alarms):
    _device, events = alarms
    event = events["crit"]
    client = login("tech")
    page = client.get(reverse("fieldwork:device_event_detail", args=[event.pk])).content.decode()
    assert "确认告警" in page and "解除告警" in page
    r = client.post(reverse("fieldwork:device_event_acknowledge", args=[event.pk]))
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.ACKNOWLEDGED and event.acknowledged_by == world.tech.user
    # A second click says why nothing happened.
    r = client.post(reverse("fieldwork:device_event_acknowledge", args=[event.pk]), follow=True)
    assert "该告警已确认" in r.content.decode()
    client.post(reverse("fieldwork:device_event_clear", args=[event.pk]), {"note": "已放人"})
    event.refresh_from_db()
    assert event.state == EventState.CLEARED and event.clear_note == "已放人"


def test_alarm_pages_other_estate_404_wrong_role_403(login, world, alarms):
    _device, events = alarms
    event = events["crit"]
    outsider = login("outsider")
    assert (
        outsider.get(reverse("fieldwork:device_event_detail", args=[event.pk])).status_code == 404
    )
    assert outsider.post(
        reverse("fieldwork:device_event_acknowledge", args=[event.pk])
    ).status_code == 404  # fmt: skip
    make_staff(world.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT, [world.estate])
    cleaner = login("cleaner")
    assert cleaner.post(
        reverse("fieldwork:device_event_acknowledge", args=[event.pk])
    ).status_code == 403  # fmt: skip
    assert login("owner").get(reverse("fieldwork:device_event_list")).status_code == 403
    event.refresh_from_db()
    assert event.state == EventState.OPEN


def test_a_device_is_registered_and_its_secret_shown_once(login, world):
    tech = login("tech")
    assert tech.get(reverse("fieldwork:device_create")).status_code == 403
    client = login("head")
    assert client.get(reverse("fieldwork:device_create")).status_code == 200
    bad = client.post(reverse("fieldwork:device_create"), {"name": "", "kind": "elevator_monitor"})
    assert bad.status_code == 200 and not Device.objects.exists()
    r = client.post(reverse("fieldwork:device_create"),
                    {"name": "2号客梯监控", "kind": "elevator_monitor",
                     "location": "2栋"})  # fmt: skip
    assert r.status_code == 200
    device = Device.objects.get()
    secret = services.device_signing_key(device)
    assert secret in r.content.decode() and "no-store" in r["Cache-Control"]
    detail = client.get(reverse("fieldwork:device_detail", args=[device.pk])).content.decode()
    assert device.key_id in detail and secret not in detail
    listing = client.get(reverse("fieldwork:device_list")).content.decode()
    assert "2号客梯监控" in listing and secret not in listing
    rotated = client.post(reverse("fieldwork:device_rotate", args=[device.pk]))
    device.refresh_from_db()
    assert services.device_signing_key(device) in rotated.content.decode()
    client.post(reverse("fieldwork:device_disable", args=[device.pk]))
    device.refresh_from_db()
    assert not device.active
    client.post(reverse("fieldwork:device_enable", args=[device.pk]))
    device.refresh_from_db()
    assert device.active


def test_device_pages_other_estate_404_and_writes_need_a_head(login, world):
    device, _secret = make_device(world)
    assert login("outsider").get(
        reverse("fieldwork:device_detail", args=[device.pk])
    ).status_code == 404  # fmt: skip
    tech = login("tech")
    assert tech.get(reverse("fieldwork:device_detail", args=[device.pk])).status_code == 200
    assert tech.post(reverse("fieldwork:device_disable", args=[device.pk])).status_code == 403
    assert tech.post(reverse("fieldwork:device_rotate", args=[device.pk])).status_code == 403
    device.refresh_from_db()
    assert device.active
