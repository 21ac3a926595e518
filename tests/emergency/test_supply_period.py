"""The count period of an estate's emergency supplies (EMERG-03): 30 days unless the estate sets
1 to 365, on the supplies page and by the API; the overdue flag and the logistics group's daily
reminder follow each estate's own period."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.emergency.helpers import at
from tests.factories import EstateFactory, Role, make_staff
from wuye.core.choices import DepartmentKind
from wuye.core.services import api_token_issue
from wuye.emergency.choices import GroupKind
from wuye.emergency.models import SupplySettings
from wuye.emergency.services.supplies import (
    check_period,
    item_create,
    supply_check_record,
    supply_settings_update,
    supply_status,
    supply_sweep,
)
from wuye.notify.models import Message

from .helpers import add_group

pytestmark = pytest.mark.django_db


def counted(w, estate=None, by=None):
    estate = estate or w.estate
    item = item_create(estate=estate, by=(by or w.clerk).user, category="water",
                       name=f"瓶装水{estate.pk}", unit="箱", quantity=12)  # fmt: skip
    supply_check_record(estate=estate, by=(by or w.clerk).user,
                        lines=[{"item": item.pk, "counted": 12}])  # fmt: skip
    return item


def test_the_count_is_due_after_the_estates_own_period__EMERG_03(emg, time_machine):
    w = emg
    counted(w)
    assert check_period(w.estate) == 30
    supply_settings_update(estate=w.estate, by=w.clerk.user, check_every_days=7)
    status = supply_status(w.estate)
    assert status.period_days == 7 and status.check_due_at == at("2026-08-19 03:00")
    time_machine.move_to(at("2026-08-19 02:59"), tick=False)
    assert not supply_status(w.estate).check_overdue
    time_machine.move_to(at("2026-08-19 03:01"), tick=False)
    assert supply_status(w.estate).check_overdue


@pytest.mark.parametrize("days", [0, 366, -5, "七", None, True, 7.5])
def test_the_period_is_one_to_365_days__EMERG_03(emg, days):
    w = emg
    with pytest.raises(ValidationError) as error:
        supply_settings_update(estate=w.estate, by=w.clerk.user, check_every_days=days)
    assert set(error.value.message_dict) == {"check_every_days"}
    assert not SupplySettings.objects.exists()


def test_only_the_stock_keepers_set_the_period__EMERG_03(emg):
    w = emg
    with pytest.raises(PermissionDenied):
        supply_settings_update(estate=w.estate, by=w.guard.user, check_every_days=7)
    supply_settings_update(estate=w.estate, by=w.order_head.user, check_every_days=90)
    supply_settings_update(estate=w.estate, by=w.order_head.user, check_every_days=60)
    assert SupplySettings.objects.get().check_every_days == 60


def test_the_sweep_reminds_each_estate_by_its_own_period__EMERG_03(emg, time_machine):
    w = emg
    other = EstateFactory(company=w.company, name="阳光二期")
    keeper = make_staff(w.company, "clerk2", Role.CS_AGENT, DepartmentKind.ADMINISTRATION,
                        [other], "行政小李")  # fmt: skip
    add_group(w.company, other, GroupKind.LOGISTICS, (keeper, {"leader": True}))
    counted(w)
    counted(w, estate=other, by=keeper)
    supply_settings_update(estate=other, by=keeper.user, check_every_days=7)
    time_machine.move_to(at("2026-08-20 09:00"), tick=False)  # 8 days on
    assert supply_sweep() == 1
    told = Message.objects.filter(idempotency_key__startswith="emergency:supplies:")
    assert list(told.values_list("recipient__username", flat=True)) == ["clerk2"]
    assert "应急物资超过 7 天未盘点" in told.get().body
    time_machine.move_to(at("2026-09-12 09:00"), tick=False)  # past 30 days: both
    assert supply_sweep() == 2
    assert "应急物资超过 30 天未盘点" in told.get(recipient__username="clerk").body


def test_the_period_on_the_supplies_page__EMERG_03(emg, login):
    w = emg
    counted(w)
    client = login("clerk")
    page = client.get(reverse("emergency:supply_list")).content.decode()
    assert 'name="check_every_days"' in page and "每 30 天盘点一次" in page
    url = reverse("emergency:supply_settings")
    refused = client.post(url, {"check_every_days": "400"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'class="field-error"' in html
    assert 'value="400"' in html and not SupplySettings.objects.exists()
    assert client.post(url, {"check_every_days": "14"}).status_code == 302
    page = client.get(reverse("emergency:supply_list")).content.decode()
    assert "每 14 天盘点一次" in page and "08-26 03:00" in page  # the next count's deadline
    assert login("guard").post(url, {"check_every_days": "5"}).status_code == 403
    assert check_period(w.estate) == 14


def test_the_period_by_api__EMERG_03(client, emg):
    w = emg

    def call(user, method, body=None, **params):
        token, _ = api_token_issue(user=user)
        url = "/api/v1/emergency/supplies/settings"
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "get":
            return client.get(url, params, **auth)
        return client.put(url, body, content_type="application/json", **auth)

    assert call(w.clerk.user, "get", estate=w.estate.pk).json() == {
        "estate": w.estate.pk, "check_every_days": 30}  # fmt: skip
    saved = call(w.clerk.user, "put", {"estate": w.estate.pk, "check_every_days": 10})
    assert saved.status_code == 200 and saved.json()["check_every_days"] == 10
    assert call(w.clerk.user, "put", {"estate": w.estate.pk, "check_every_days": 0}
                ).status_code == 400  # fmt: skip
    assert call(w.guard.user, "put", {"estate": w.estate.pk, "check_every_days": 5}
                ).status_code == 403  # fmt: skip
    assert call(w.outsider.user, "get", estate=w.estate.pk).status_code == 404
    token, _ = api_token_issue(user=w.clerk.user)
    status = client.get("/api/v1/emergency/supplies/status", {"estate": w.estate.pk},
                        HTTP_AUTHORIZATION=f"Bearer {token}").json()  # fmt: skip
    assert status["check_every_days"] == 10
