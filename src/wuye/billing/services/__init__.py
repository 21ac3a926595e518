"""Every write of fees — the app's public interface: other apps, the pages and the API call
``services.<name>`` from here; the topic modules below are the implementation.

- ``charges``: charge items, effective-dated rates, the amount of one bill (FEE-01/04);
- ``runs``: billing runs and bills from other documents (FEE-04);
- ``payments``: payments and their allocation, prepaid credit, refunds (FEE-06/07);
- ``gateway``: online payment orders and the gateway's signed callbacks (FEE-12);
- ``dunning``: notices before the due date (FEE-05) and the collection of arrears (FEE-09/10/11/13);
- ``meters``, ``metered``, ``invoices``, ``notices``, ``adjustments``, ``closing``, ``parking``:
  their own topics, imported by module (``from wuye.billing.services import meters``).

FEE-03: the steps follow the manual's order — fee calculation (``billing_run``) → notice 15 days
ahead (``bill_notify_due``) → payment (``payment_record`` / the gateway) → ledger update (the
entries; a settled bill shows 已缴纳) → overdue collection (``dunning_sweep``, only for bills
past their due date and still unpaid).

Money is exact: ``Decimal`` throughout, rounded once per bill to the fen (ROUND_HALF_UP). A room's
bills and the money against them are changed only with the bills' rows locked, so two cashiers
or a cashier and a gateway callback never settle the same amount twice.
"""

from wuye.billing.selectors.collections import (
    AGING_BUCKETS,
    COLLECTION_CAUTION,
    LAWYER_DAYS,
    REMINDER_DAYS,
    may_chase,
)
from wuye.billing.selectors.fees import exact_sum

from .charges import (
    charge_item_create,
    charge_item_get_or_create,
    charge_item_set_active,
    periodic_amount,
    rate_at,
    rate_set,
)
from .common import (
    CENT,
    NOTICE_DAYS,
    PERIODIC,
    estate_today,
    log,
    money,
)
from .dunning import (
    BILLING_SETTINGS_FIELDS,
    LAWYER_AT_RISK_DAYS,
    arrears_aging,
    bill_notify_due,
    billing_settings_update,
    collection_contact_record,
    dunning_sweep,
    lawyer_letter_clock,
    lawyer_letter_decide,
    lawyer_letter_due,
    lawyer_letter_sent,
    owner_phone_reveal,
)
from .gateway import (
    CALLBACK_MAX_BYTES,
    REFUSED_CALLBACKS_LOGGED_PER_HOUR,
    CallbackRefused,
    gateway_callback,
    gateway_order_create,
    gateway_pay_url,
    gateway_secret,
    gateway_sign,
    gateway_simulate_payment,
    online_payment_enabled,
    payment_gateway,
)
from .payments import (
    credit_apply,
    payment_record,
    refund_approve,
    refund_request,
    room_balance,
    unallocated_payments,
)
from .runs import (
    ACTIVE_RUN,
    STALE_RUN,
    RunPreview,
    bill_from_source,
    bill_room_period,
    billed_coverage,
    billing_default_due,
    billing_period,
    billing_preview,
    billing_run,
    billing_run_execute,
    billing_run_queue,
    short_notice,
    uncovered_spans,
)

__all__ = [
    "ACTIVE_RUN",
    "AGING_BUCKETS",
    "BILLING_SETTINGS_FIELDS",
    "CALLBACK_MAX_BYTES",
    "CENT",
    "COLLECTION_CAUTION",
    "LAWYER_AT_RISK_DAYS",
    "LAWYER_DAYS",
    "NOTICE_DAYS",
    "PERIODIC",
    "REFUSED_CALLBACKS_LOGGED_PER_HOUR",
    "REMINDER_DAYS",
    "STALE_RUN",
    "CallbackRefused",
    "RunPreview",
    "arrears_aging",
    "bill_from_source",
    "bill_notify_due",
    "bill_room_period",
    "billed_coverage",
    "billing_default_due",
    "billing_period",
    "billing_preview",
    "billing_run",
    "billing_run_execute",
    "billing_run_queue",
    "billing_settings_update",
    "charge_item_create",
    "charge_item_get_or_create",
    "charge_item_set_active",
    "collection_contact_record",
    "credit_apply",
    "dunning_sweep",
    "estate_today",
    "exact_sum",
    "gateway_callback",
    "gateway_order_create",
    "gateway_pay_url",
    "gateway_secret",
    "gateway_sign",
    "gateway_simulate_payment",
    "lawyer_letter_clock",
    "lawyer_letter_decide",
    "lawyer_letter_due",
    "lawyer_letter_sent",
    "log",
    "may_chase",
    "money",
    "online_payment_enabled",
    "owner_phone_reveal",
    "payment_gateway",
    "payment_record",
    "periodic_amount",
    "rate_at",
    "rate_set",
    "refund_approve",
    "refund_request",
    "room_balance",
    "short_notice",
    "unallocated_payments",
    "uncovered_spans",
]
