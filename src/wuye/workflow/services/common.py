"""What the engine's services share: the acting person, the estate's time zone, case numbers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction

from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for

from ..models import CaseCounter


def message_enqueue_bulk(requests: list[dict]) -> int:
    # notify depends on nothing of workflow; imported late so either app loads first.
    from wuye.notify.services import message_enqueue_bulk as enqueue

    return enqueue(requests)


SYSTEM_ROLE = "system"


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


# --- Case numbers -----------------------------------------------------------------------------


def case_number_next(*, estate: Estate, prefix: str, at: dt.datetime) -> str:
    """BX-20261126-0001: per estate, prefix and local date; unique under concurrency.

    The counter row is incremented with one UPDATE, which holds the row lock until the caller's
    transaction ends, so two cases opened at the same moment get consecutive numbers.
    """
    day = at.astimezone(_estate_tz(estate)).date()
    table = CaseCounter._meta.db_table
    last = None
    for _attempt in range(3):
        # One round trip: increment and read back (RETURNING: PostgreSQL, SQLite ≥ 3.35).
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "last" = "last" + 1 '
                'WHERE "estate_id" = %s AND "prefix" = %s AND "day" = %s RETURNING "last"',
                [estate.pk, prefix, connection.ops.adapt_datefield_value(day)],
            )
            row = cursor.fetchone()
        if row is not None:
            last = row[0]
            break
        try:
            with transaction.atomic():
                CaseCounter.objects.create(estate=estate, prefix=prefix, day=day, last=1)
            last = 1
            break
        except IntegrityError:
            continue  # another request created the row first: increment it
    if last is None:
        last = CaseCounter.objects.get(estate=estate, prefix=prefix, day=day).last
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"
