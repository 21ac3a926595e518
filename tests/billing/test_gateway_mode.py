"""The simulated gateway (模拟支付) runs only in embedded mode: in production, or with
WUYE_PAYMENT_GATEWAY=none, its page is a 404, no order can be opened (page or API), nothing is
written, and ``wuye check --deploy`` fails when production is configured with it."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.billing.test_api import auth
from tests.billing.test_fees import fee, finance
from tests.billing.test_pages import billed, frozen, two_months
from tests.test_project import PRODUCTION_ENV, _wuye
from wuye.billing import services
from wuye.billing.models import GatewayOrder, Payment

__all__ = ["billed", "fee", "finance", "frozen", "two_months"]  # fixtures


@pytest.fixture(params=["production", "none"])
def no_simulator(request, settings):
    """Production (whatever the setting says), or the gateway switched off."""
    if request.param == "production":
        settings.PRODUCTION = True
        settings.WUYE_PAYMENT_GATEWAY = "simulated"
    else:
        settings.WUYE_PAYMENT_GATEWAY = "none"
    return request.param


def test_simulated_page_is_a_404_outside_embedded_mode(world, login, billed, settings):
    client = login("owner")
    client.post(reverse("billing:my_pay", args=[world.room.pk]), {"channel": "wechat"})
    order = GatewayOrder.objects.get()  # opened while the demo's gateway was on
    pay = reverse("billing:simulate_pay", args=[order.out_trade_no])
    assert client.get(pay).status_code == 200

    settings.PRODUCTION = True  # the same server started in production mode
    assert client.get(pay).status_code == 404
    assert client.post(pay).status_code == 404
    order.refresh_from_db()
    assert order.status == "created" and not Payment.objects.exists()


def test_no_order_and_no_pay_button_without_a_gateway(world, login, billed, no_simulator):
    client = login("owner")
    page = client.get(reverse("billing:my_bills")).content.decode()
    assert "在线缴费暂未开通" in page and "billing/pay/" not in page
    response = client.post(reverse("billing:my_pay", args=[world.room.pk]), {"channel": "wechat"})
    assert response.status_code == 302 and response.url == reverse("billing:my_bills")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "在线缴费暂未开通，请到物业服务中心缴费"
    ]
    assert not GatewayOrder.objects.exists() and not Payment.objects.exists()


def test_api_refuses_an_order_without_a_gateway(client, world, billed, no_simulator):
    response = client.post(
        f"/api/v1/billing/rooms/{world.room.pk}/orders", {"channel": "wechat"},
        content_type="application/json", **auth(world.owner.user),
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "online_payment_unavailable"
    assert not GatewayOrder.objects.exists()


def test_production_never_uses_the_simulator_whatever_the_setting(settings):
    settings.PRODUCTION, settings.WUYE_PAYMENT_GATEWAY = True, "simulated"
    assert services.payment_gateway() == "none" and not services.online_payment_enabled()
    settings.PRODUCTION = False
    assert services.payment_gateway() == "simulated" and services.online_payment_enabled()


def test_check_deploy_fails_when_production_would_run_the_simulator(tmp_path):
    result = _wuye(
        "check", "--deploy", env={**PRODUCTION_ENV, "WUYE_PAYMENT_GATEWAY": "simulated"},
        tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "wuye.billing.E001" in result.stderr + result.stdout


def test_an_unknown_gateway_is_refused_at_start(tmp_path):
    result = _wuye("check", env={"WUYE_PAYMENT_GATEWAY": "paypal"}, tmp_path=tmp_path)
    assert result.returncode != 0 and "WUYE_PAYMENT_GATEWAY" in result.stderr


# --- The callback endpoint: bounded bodies, a bounded log ----------------------------------------


def callback(client, raw: str | bytes, signature: str = "0" * 64, addr: str = "203.0.113.7"):
    return client.post(
        "/billing/gateway/callback", raw, content_type="application/json",
        HTTP_X_WUYE_SIGNATURE=signature, REMOTE_ADDR=addr,
    )  # fmt: skip


def test_an_oversized_callback_is_refused_unread_and_unlogged(client, world):
    from wuye.billing.models import CallbackLog

    huge = json.dumps({"out_trade_no": "WY1", "pad": "x" * services.CALLBACK_MAX_BYTES})
    response = callback(client, huge)
    assert response.status_code == 413 and response.json()["code"] == "FAIL"
    deep = "[" * 4000 + "]" * 4000  # within the bound, but nested past the parser's depth
    assert callback(client, deep).status_code == 400
    assert not CallbackLog.objects.exists()


def test_refused_callbacks_are_logged_up_to_a_limit_per_address(client, world, settings):
    from wuye.billing.models import CallbackLog

    limit = services.REFUSED_CALLBACKS_LOGGED_PER_HOUR
    junk = json.dumps({"out_trade_no": "WY-JUNK", "transaction_id": "T1", "amount": "1"})
    for _ in range(limit + 10):
        assert callback(client, junk).status_code == 400
    assert CallbackLog.objects.filter(remote_addr="203.0.113.7").count() == limit
    # Another sender is still logged, with its address.
    assert callback(client, junk, addr="198.51.100.9").status_code == 400
    logged = CallbackLog.objects.get(remote_addr="198.51.100.9")
    assert not logged.accepted and logged.reason == "bad signature"


def test_a_good_callback_is_logged_with_its_address(client, world, finance, fee, billed):
    from wuye.billing.models import CallbackLog

    order = services.gateway_order_create(room=world.room, channel="wechat", by=world.owner.user)
    body, signature = services.gateway_simulate_payment(order)
    response = callback(client, json.dumps(body), signature, addr="192.0.2.10")
    assert response.status_code == 200 and Payment.objects.count() == 1
    assert CallbackLog.objects.get(accepted=True).remote_addr == "192.0.2.10"
