"""The resident's menu (EMERG-HEALTH-12): 物资配送 is there while their home is under a closure
(its unit, its building or the whole estate) and afterwards for as long as they have deliveries
to look back on; a resident of an open building does not see it, the staff have their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.emergency.health_helpers import at, close_unit, hw  # noqa: F401  (fixture)
from tests.emergency.helpers import emg  # noqa: F401  (fixture)
from wuye.emergency.services.deliveries import delivery_request
from wuye.emergency.services.incidents import incident_act

pytestmark = pytest.mark.django_db

DELIVERIES = reverse("emergency:my_deliveries")


def _menu(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("web:home"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_resident_under_a_closure_sees_deliveries_in_the_menu__EMERG_HEALTH_12(
    request, client, time_machine
):
    w = request.getfixturevalue("hw")
    assert f'href="{DELIVERIES}"' not in _menu(client, w.owner.user)
    close_unit(w, starts_at=at("2026-08-12 03:00"), ends_at=at("2026-08-15 12:00"))
    for user in (w.owner.user, w.neighbour.user):  # both homes of 1栋2单元
        assert f'href="{DELIVERIES}"' in _menu(client, user)
        assert client.get(DELIVERIES).status_code == 200
    # Another building is open: nothing to ask for there.
    assert f'href="{DELIVERIES}"' not in _menu(client, w.far_owner.user)
    delivery_request(room=w.room.pk, items="大米5斤、退烧药", by=w.owner.user)
    # The closure over, the owner still finds the delivery they asked for; the neighbour, who
    # asked for none, no longer has the entry.
    time_machine.move_to(at("2026-08-15 12:00"), tick=False)
    assert f'href="{DELIVERIES}"' in _menu(client, w.owner.user)
    assert f'href="{DELIVERIES}"' not in _menu(client, w.neighbour.user)


def test_an_estate_closure_shows_deliveries_to_every_resident_not_to_staff__EMERG_HEALTH_12(
    request, client
):
    w = request.getfixturevalue("hw")
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "estate", "days": 7})  # fmt: skip
    assert f'href="{DELIVERIES}"' in _menu(client, w.far_owner.user)
    assert f'href="{DELIVERIES}"' not in _menu(client, w.agent.user)
