"""Every write of billing items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from .models import BillingItem


@transaction.atomic
def billing_item_create(
    *,
    estate,
    source: str,
    source_ref: str,
    description: str,
    amount: Decimal,
    at: dt.datetime,
    room=None,
    payer=None,
    by=None,
) -> BillingItem:
    """Record an amount owed. Idempotent per source document: the same source and reference
    return the item already recorded."""
    item, _created = BillingItem.objects.get_or_create(
        source=source,
        source_ref=source_ref,
        defaults={
            "estate": estate,
            "room": room,
            "payer": payer,
            "description": description[:200],
            "amount": amount,
            "created_at": at,
            "created_by": by,
        },
    )
    return item
