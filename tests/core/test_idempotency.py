"""``Idempotency-Key`` on the API's POSTs: a retried request with the same key and body is
answered again without writing again; the same key with another body is a 409; a failure is
not kept; keys live 24 hours; two users never share a key; a concurrent retry on PostgreSQL
waits for the first and gets its answer."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from tests.billing.test_fees import fee, finance, run
from tests.images import make_jpeg
from wuye.api import api
from wuye.billing.models import Payment
from wuye.complaints.models import Complaint
from wuye.core.idempotency import idempotency_key_purge
from wuye.core.models import IdempotencyKey
from wuye.core.services import api_token_issue
from wuye.jobs import JOBS
from wuye.repairs.models import RepairOrder
from wuye.workflow.models import Attachment

__all__ = ["fee", "finance"]  # fixtures

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)


def auth(user, key: str | None = None) -> dict:
    token, _ = api_token_issue(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return headers


def leak(world, **extra) -> dict:
    body = {"room": world.room.pk, "description": "卫生间水管爆裂", "contact_name": "张先生",
            "contact_phone": "13800138000"}  # fmt: skip
    return {**body, **extra}


def post_json(client, path, body, headers):
    return client.post(path, body, content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def test_a_retried_repair_report_creates_one_order(client, world):
    headers = auth(world.agent.user, key=str(uuid.uuid4()))
    first = post_json(client, "/api/v1/repairs", leak(world), headers)
    assert first.status_code == 201, first.json()
    again = post_json(client, "/api/v1/repairs", leak(world), headers)
    assert again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert RepairOrder.objects.count() == 1
    # The same data in another key order and spacing is the same request.
    reordered = dict(reversed(list(leak(world).items())))
    assert post_json(client, "/api/v1/repairs", reordered, headers).status_code == 201
    assert RepairOrder.objects.count() == 1


def test_a_reused_key_with_another_body_is_a_conflict(client, world):
    headers = auth(world.agent.user, key="order-7f3a")
    assert post_json(client, "/api/v1/repairs", leak(world), headers).status_code == 201
    other = post_json(client, "/api/v1/repairs", leak(world, description="楼道灯不亮"), headers)
    assert other.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["message"]
    assert RepairOrder.objects.count() == 1
    # Another endpoint with the same key is another request too.
    complaint = post_json(client, "/api/v1/complaints",
                          {"room": world.room.pk, "content": "噪音扰民", "channel": "phone"},
                          headers)  # fmt: skip
    assert complaint.status_code == 409 and not Complaint.objects.exists()


def test_without_a_key_each_post_is_carried_out(client, world):
    headers = auth(world.agent.user)
    for _ in range(2):
        assert post_json(client, "/api/v1/repairs", leak(world), headers).status_code == 201
    assert RepairOrder.objects.count() == 2 and not IdempotencyKey.objects.exists()


def test_keys_are_per_user(client, world):
    key = "shared-key-1"
    mine = post_json(client, "/api/v1/repairs", leak(world), auth(world.agent.user, key))
    theirs = post_json(client, "/api/v1/repairs", leak(world), auth(world.head.user, key))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"] and RepairOrder.objects.count() == 2


def test_a_failed_request_is_not_kept_and_may_be_corrected(client, world):
    headers = auth(world.agent.user, key="fix-and-retry")
    bad = post_json(client, "/api/v1/repairs", leak(world, contact_phone="12"), headers)
    assert bad.status_code == 400 and not RepairOrder.objects.exists()
    assert not IdempotencyKey.objects.exists()
    good = post_json(client, "/api/v1/repairs", leak(world), headers)
    assert good.status_code == 201 and RepairOrder.objects.count() == 1


def test_a_key_lives_24_hours_then_the_purge_forgets_it(client, world, frozen):
    headers = auth(world.agent.user, key="daily-1")
    assert post_json(client, "/api/v1/repairs", leak(world), headers).status_code == 201
    frozen.move_to(T0 + dt.timedelta(hours=23, minutes=59), tick=False)
    assert post_json(client, "/api/v1/repairs", leak(world), headers)["Idempotent-Replayed"]
    assert idempotency_key_purge() == 0
    frozen.move_to(T0 + dt.timedelta(hours=24, seconds=1), tick=False)
    assert idempotency_key_purge() == 1 and idempotency_key_purge() == 0
    headers = auth(world.agent.user, key="daily-1")
    fresh = post_json(client, "/api/v1/repairs", leak(world), headers)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
    assert RepairOrder.objects.count() == 2


def test_purge_job_is_registered_hourly():
    [job] = [j for j in JOBS if j.name == "idempotency_key_purge"]
    assert job.every == 3600 and job.resolve() is idempotency_key_purge


def test_a_retried_payment_is_recorded_once(client, world, finance, fee):
    run(world, finance)
    headers = auth(finance.user, key="cash-0001")
    path = f"/api/v1/billing/rooms/{world.room.pk}/payments"
    first = post_json(client, path, {"amount": "300.00", "channel": "cash"}, headers)
    assert first.status_code == 201, first.json()
    again = post_json(client, path, {"amount": "300.00", "channel": "cash"}, headers)
    assert again.json()["receipt_no"] == first.json()["receipt_no"]
    assert Payment.objects.count() == 1 and Payment.objects.get().amount == Decimal("300.00")


def test_a_retried_complaint_is_filed_once(client, world):
    body = {"room": world.room.pk, "content": "楼上装修噪音，晚上十点后还在施工",
            "contact_name": "王女士", "contact_phone": "13800138000",
            "type": "management", "urgency": "general"}  # fmt: skip
    headers = auth(world.owner.user, key=str(uuid.uuid4()))
    first = post_json(client, "/api/v1/complaints", body, headers)
    assert first.status_code == 201, first.json()
    again = post_json(client, "/api/v1/complaints", body, headers)
    assert again.json()["number"] == first.json()["number"] and Complaint.objects.count() == 1


def test_a_retried_online_payment_order_is_opened_once(client, world, finance, fee):
    from wuye.billing.models import GatewayOrder

    run(world, finance)
    headers = auth(world.owner.user, key="pay-2026-12")
    path = f"/api/v1/billing/rooms/{world.room.pk}/orders"
    first = post_json(client, path, {"channel": "wechat"}, headers)
    assert first.status_code == 201, first.json()
    again = post_json(client, path, {"channel": "wechat"}, headers)
    assert again.json()["out_trade_no"] == first.json()["out_trade_no"]
    assert GatewayOrder.objects.count() == 1


def test_a_retried_upload_keeps_one_photo_though_the_boundary_differs(client, world):
    headers = auth(world.tech.user, key="photo-1")
    first = client.post("/api/v1/attachments", {"file": make_jpeg(), "kind": "photo"}, **headers)
    assert first.status_code == 201, first.json()
    again = client.post("/api/v1/attachments", {"file": make_jpeg(), "kind": "photo"}, **headers)
    assert again.json() == first.json() and Attachment.objects.count() == 1
    other = client.post(
        "/api/v1/attachments", {"file": make_jpeg(size=(64, 64)), "kind": "photo"}, **headers
    )
    assert other.status_code == 409 and Attachment.objects.count() == 1


def test_a_malformed_key_is_refused(client, world):
    for key in ("", "x" * 256, "有中文"):
        headers = auth(world.agent.user)
        headers["HTTP_IDEMPOTENCY_KEY"] = key
        response = post_json(client, "/api/v1/repairs", leak(world), headers)
        assert response.status_code == 400, key
        assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert not RepairOrder.objects.exists()


def test_the_token_endpoint_is_never_replayed(client, world):
    body = {"username": "agent", "password": world.password}
    headers = {"HTTP_IDEMPOTENCY_KEY": "login-1"}
    tokens = {post_json(client, "/api/v1/auth/token", body, headers).json()["token"]
              for _ in range(2)}  # fmt: skip
    assert len(tokens) == 2 and not IdempotencyKey.objects.exists()


def test_openapi_documents_the_header_on_every_post():
    schema = api.get_openapi_schema()
    posts = {path: ops["post"] for path, ops in schema["paths"].items() if "post" in ops}
    assert "/api/v1/repairs" in posts
    for path, operation in posts.items():
        names = [p["name"] for p in operation.get("parameters", [])]
        if path.endswith("/auth/token"):
            assert "Idempotency-Key" not in names
        else:
            assert "Idempotency-Key" in names, path
            assert 409 in operation["responses"] or "409" in operation["responses"], path


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_create_one_order(world):
    from django.test import Client

    headers = auth(world.agent.user, key="race-1")
    barrier = threading.Barrier(2)
    answers: list = []

    def send():
        try:
            barrier.wait()
            response = Client().post("/api/v1/repairs", leak(world),
                                     content_type="application/json", **headers)  # fmt: skip
            answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _body in answers] == [201, 201]
    assert answers[0][1]["id"] == answers[1][1]["id"]
    assert RepairOrder.objects.count() == 1


def test_the_served_document_has_no_duplicate_keys(client):
    # ninja's response keys are ints; a "409" string beside a 409 would be two equal JSON keys,
    # which Swagger UI refuses to read ("duplicated mapping key").
    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=no_duplicates)
