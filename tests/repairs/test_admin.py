"""The admin pages of repairs, billing and attachments open for a system administrator."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.images import photo_of
from wuye.repairs import services


@pytest.mark.parametrize(
    "name",
    ["repairs_priceitem", "repairs_repairsettings", "repairs_repairorder",
     "billing_bill", "billing_payment", "billing_ledgerentry", "billing_chargeitem",
     "billing_billingrun", "billing_gatewayorder", "billing_callbacklog", "billing_invoice",
     "workflow_attachment"],
)  # fmt: skip
def test_admin_lists_and_details_open(client, world, name):
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    services.price_item_save(estate=world.estate, name="疏通", category="plumbing", unit="次",
                             price="50", by=admin)  # fmt: skip
    order = services.repair_order_create(
        estate=world.estate, room=world.room, description="漏水", contact_name="张",
        contact_phone="13800138000", channel="phone", by=world.agent.user,
        attachments=[photo_of(world.agent.user)],
    )  # fmt: skip
    assert order.pk
    client.force_login(admin)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
