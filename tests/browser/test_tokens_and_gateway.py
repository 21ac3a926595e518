"""In chromium: a staff member sees their API tokens and revokes one, and the revoked token no
longer works; a resident whose estate has no online payment sees why on a phone instead of a
pay button. Screenshots under the test's tmp dir or $WUYE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.billing.test_fees import fee, finance, run
from tests.browser.helpers import _log_in, _shot
from wuye.billing.models import GatewayOrder
from wuye.core.models import ApiToken
from wuye.core.services import api_token_authenticate, api_token_issue

__all__ = ["fee", "finance"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_revoke_a_token_on_the_tokens_page(page, live_server, world, tmp_path):
    gate, _record = api_token_issue(user=world.agent.user, name="停车场道闸")
    kept, _record = api_token_issue(user=world.agent.user, name="报表导出脚本")
    _log_in(page, live_server, "agent", world.password)
    page.goto(live_server.url + reverse("core:api_tokens"))
    page.wait_for_selector("text=停车场道闸")
    assert "从未使用" in page.inner_text("table") and gate not in page.content()
    _shot(page, tmp_path, "tokens-list")

    page.click("tr:has-text('停车场道闸') button:has-text('吊销')")
    page.wait_for_selector("tr:has-text('停车场道闸') .badge:has-text('已吊销')")
    _shot(page, tmp_path, "tokens-revoked")
    assert api_token_authenticate(gate) is None
    assert api_token_authenticate(kept) == world.agent.user
    assert ApiToken.objects.get(name="停车场道闸").revoked_by == world.agent.user


def test_resident_sees_no_pay_button_without_a_gateway(
    phone, live_server, world, finance, fee, settings, tmp_path
):
    settings.WUYE_PAYMENT_GATEWAY = "none"
    run(world, finance)
    _log_in(phone, live_server, "owner", world.password)
    phone.goto(live_server.url + reverse("billing:my_bills"))
    phone.wait_for_selector("text=在线缴费暂未开通")
    assert phone.locator("button:has-text('在线缴费')").count() == 0
    _shot(phone, tmp_path, "fees-no-online-payment")
    assert not GatewayOrder.objects.exists()
