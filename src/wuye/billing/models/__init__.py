"""Fees (物业费用收缴, manual ch.3 part 3): charge items and their effective-dated rates, bills,
payments and their allocation to bills, the immutable room ledger, online payment orders, notices
and collection, the finance desk's records, meters and the shared-cost disclosure — one module
per topic; every table is importable from here (``from wuye.billing.models import Bill``).

Money is ``Decimal`` everywhere (two places for amounts in 元, four for rates). A room's account
balance is the sum of its ledger entries: charges are positive, money received negative, so a
positive balance is arrears and a negative one prepaid credit (FEE-07).
"""

from .bills import (
    Bill,
    BillingRun,
    BillingRunStatus,
    BillStatus,
)
from .charges import (
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    Rate,
)
from .collections import (
    BillingSettings,
    CollectionContact,
    ContactMethod,
    Dunning,
    DunningKind,
    DunningStatus,
    LawyerLetterVia,
    LetterMethod,
    NoticeLetter,
    PhoneReveal,
)
from .common import (
    MONEY,
    ZERO,
)
from .desk import (
    AdjustmentKind,
    ApprovalStatus,
    BillAdjustment,
    CashierClosing,
    Invoice,
    InvoiceStatus,
    ParkingRule,
)
from .meters import (
    AllocationMethod,
    DisclosureStatus,
    Meter,
    MeterKind,
    MeterReading,
    SharedCostDisclosure,
    SharedCostKind,
    SharedCostLine,
)
from .payments import (
    Allocation,
    AppendOnly,
    AppendOnlyQuerySet,
    CallbackLog,
    EntryKind,
    GatewayOrder,
    GatewayOrderStatus,
    LedgerEntry,
    LedgerImmutable,
    Payment,
    PaymentChannel,
    Refund,
)

__all__ = [
    "MONEY",
    "ZERO",
    "AdjustmentKind",
    "Allocation",
    "AllocationMethod",
    "AppendOnly",
    "AppendOnlyQuerySet",
    "ApprovalStatus",
    "Bill",
    "BillAdjustment",
    "BillStatus",
    "BillingRun",
    "BillingRunStatus",
    "BillingSettings",
    "CallbackLog",
    "CashierClosing",
    "ChargeBasis",
    "ChargeItem",
    "ChargeKind",
    "CollectionContact",
    "ContactMethod",
    "DisclosureStatus",
    "Dunning",
    "DunningKind",
    "DunningStatus",
    "EntryKind",
    "GatewayOrder",
    "GatewayOrderStatus",
    "Invoice",
    "InvoiceStatus",
    "LawyerLetterVia",
    "LedgerEntry",
    "LedgerImmutable",
    "LetterMethod",
    "Meter",
    "MeterKind",
    "MeterReading",
    "NoticeLetter",
    "ParkingRule",
    "Payment",
    "PaymentChannel",
    "PhoneReveal",
    "Rate",
    "Refund",
    "SharedCostDisclosure",
    "SharedCostKind",
    "SharedCostLine",
]
