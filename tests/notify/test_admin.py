"""The outbox in the admin: failed messages first, filters, 重新发送 and 取消发送."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.notify import services
from wuye.notify.choices import MessageStatus
from wuye.notify.models import Message, SmsRecord

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notify_message_changelist")
CASE = {"number": "BX-20261126-0001", "title": "厨房水管漏水"}


def enqueue(user, channels):
    return services.message_enqueue(
        recipient=user, template="case_assigned", context=CASE, channels=channels
    )


@pytest.fixture
def failed(world) -> Message:
    account = world.contractor.accounts.get().user  # no mobile: the SMS fails at once
    [sms] = enqueue(account, ["sms"])
    assert sms.status == MessageStatus.FAILED
    return sms


def test_failed_messages_come_first_and_have_a_filter(world, admin_client, failed):
    enqueue(world.tech.user, ["inbox"])
    page = admin_client.get(CHANGELIST).content.decode()
    rows = page[page.index('id="result_list"') :]
    assert rows.index("发送失败") < rows.index("已发送")
    assert "接收人没有登记手机号" in page
    filtered = admin_client.get(CHANGELIST + "?status__exact=failed").content.decode()
    assert "1 条结果" in filtered or "1 result" in filtered or "1 个" in filtered
    assert admin_client.get(CHANGELIST + "?q=BX-20261126").status_code == 200


def test_resend_action_queues_a_failed_message_again(world, admin_client, failed):
    sent = enqueue(world.tech.user, ["sms"])[0]
    services.outbox_deliver()
    response = admin_client.post(
        CHANGELIST,
        {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 条消息已重新排队发送。" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == MessageStatus.PENDING and failed.attempts == 0
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_cancel_action(world, admin_client):
    [sms] = enqueue(world.tech.user, ["sms"])
    admin_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [sms.pk]})
    sms.refresh_from_db()
    assert sms.status == MessageStatus.CANCELLED


def test_message_page_is_read_only(world, admin_client, failed):
    url = reverse("admin:notify_message_change", args=[failed.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert admin_client.get(reverse("admin:notify_message_add")).status_code == 403
    admin_client.post(url, {"subject": "改过"})
    failed.refresh_from_db()
    assert failed.subject == "新工单 BX-20261126-0001"


def test_recorded_sms_are_listed(world, admin_client):
    enqueue(world.tech.user, ["sms"])
    services.outbox_deliver()
    record = SmsRecord.objects.get()
    page = admin_client.get(reverse("admin:notify_smsrecord_changelist")).content.decode()
    assert record.mobile in page
