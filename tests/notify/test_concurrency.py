"""Several workers deliver the outbox at once: each message exactly once (PostgreSQL only;
SQLite serialises writers, and its conditional-UPDATE claim is tested in test_services)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from wuye.notify import services
from wuye.notify.choices import Channel, MessageStatus
from wuye.notify.models import Message

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

MESSAGES = 500
WORKERS = 4


def test_four_workers_deliver_500_messages_each_exactly_once(world, sms_channel):
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            recipient=world.tech.user,
            channel=Channel.SMS,
            template="notice",
            language="zh-hans",
            subject=f"#{i}",
            body="x",
            address="13700000000",
            next_attempt_at=now,
        )
        for i in range(MESSAGES)
    )
    barrier = threading.Barrier(WORKERS)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            # Small batches, so the workers' claims interleave many times.
            results.append(services.outbox_deliver(batch=10, now=now))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - started
    assert not errors, errors
    sends = Counter(sms_channel.sent)
    assert len(sends) == MESSAGES and set(sends.values()) == {1}
    assert sum(results) == MESSAGES
    assert Message.objects.filter(status=MessageStatus.SENT, attempts=1).count() == MESSAGES
    print(f"\n{MESSAGES} messages, {WORKERS} workers: {elapsed:.2f}s, per worker {results}")


def test_concurrent_enqueue_with_one_idempotency_key_writes_one_message(world):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def enqueue() -> None:
        try:
            barrier.wait(timeout=10)
            services.message_enqueue(
                recipient=world.tech.user,
                template="case_assigned",
                context={"number": "BX-1", "title": "漏水"},
                idempotency_key="race",
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enqueue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert Message.objects.count() == 1
