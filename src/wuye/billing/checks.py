"""System checks of fees: ``wuye check --deploy`` fails when production would take online
payments through the simulated gateway (模拟支付 pays with a click and no money)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def simulated_gateway_not_deployed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if getattr(settings, "WUYE_PAYMENT_GATEWAY", "none") != "simulated":
        return []
    return [
        checks.Error(
            "WUYE_PAYMENT_GATEWAY is 'simulated': residents could mark bills paid without paying.",
            hint="Set WUYE_PAYMENT_GATEWAY=none (the cashier takes the money) until a real "
            "gateway is configured; 'simulated' is for the embedded demo only.",
            id="wuye.billing.E001",
        )
    ]
