"""The move-in's fees (MOVEIN-05): half a year of property fee and the decoration deposit, through
billing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.scoping import get_or_404

from ..choices import MoveInStatus
from ..models import MoveIn
from ..processes import MOVE_IN
from .common import FEE_MONTHS, _actor, _check_desk, _today
from .reads import move_in_list

# --- Fees (MOVEIN-05) ---------------------------------------------------------------------------


@dataclass
class FeeLine:
    kind: str  # "property_fee" or "deposit"
    item_name: str
    description: str
    amount: object  # Decimal


def move_in_fee_lines(move_in: MoveIn, today: dt.date | None = None) -> list[FeeLine]:
    """What the move-in charges, computed from the estate's charge items and rates (nothing is
    written): half a year of property fee from the month of move-in, for each active periodic
    property-fee item of the room's use, and the decoration deposit (the estate's deposit
    item). ValidationError when the estate has none configured."""
    from wuye.billing.models import ChargeBasis, ChargeItem, ChargeKind
    from wuye.billing.services import (
        PERIODIC,
        billed_coverage,
        billing_period,
        periodic_amount,
        rate_at,
        uncovered_spans,
    )

    estate = move_in.batch.estate
    room = move_in.room
    today = today or _today(estate)
    start, end = billing_period(first_month=today, months=FEE_MONTHS)
    items = ChargeItem.objects.filter(estate=estate, is_active=True).filter(
        Q(room_use="") | Q(room_use=room.use)
    )
    lines: list[FeeLine] = []
    for item in items.filter(kind=ChargeKind.PROPERTY_FEE, basis__in=PERIODIC).order_by("name"):
        if item.basis == ChargeBasis.PER_SPACE_MONTH:
            continue
        rate = rate_at(item, start)
        if rate is None:
            continue
        # The days other bills of the item already charge are not charged again (FEE-04).
        other = billed_coverage([room.pk], [item.pk], start, end).get((room.pk, item.pk))
        spans = uncovered_spans([(start, end)], other) if other else [(start, end)]
        amount = periodic_amount(
            basis=item.basis, rate=rate.amount, area=room.area, units=0, period_start=start,
            period_end=end, spans=spans,
        )  # fmt: skip
        if amount > 0:
            lines.append(FeeLine("property_fee", item.name, _(
                "%(item)s %(start)s～%(end)s（入住预收半年）") % {
                    "item": item.name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"},
                amount))  # fmt: skip
    errors: dict[str, list[str]] = {}
    if not lines:
        errors["fees"] = [_("本项目没有设置物业服务费的收费标准，请先由财务在“收费项目”中设置")]
    deposit = (
        items.filter(kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED)
        .order_by("-name")  # 装修押金 before other deposits, when there are several
        .filter(name__contains="装修")
        .first()
        or items.filter(kind=ChargeKind.DEPOSIT, basis=ChargeBasis.FIXED).order_by("name").first()
    )
    rate = rate_at(deposit, today) if deposit is not None else None
    if rate is None or rate.amount <= 0:
        errors.setdefault("fees", []).append(
            _("本项目没有设置装修押金的收费标准，请先由财务在“收费项目”中设置")
        )
    else:
        lines.append(FeeLine("deposit", deposit.name, deposit.name, rate.amount))
    if errors:
        raise ValidationError(errors)
    return lines


@transaction.atomic
def move_in_fees_raise(*, move_in: MoveIn | int, by) -> MoveIn:
    """MOVEIN-05: raise the move-in's bills on the room (half a year of property fee, the
    decoration deposit) through billing, once: a second call returns the bills made. The
    cashier then collects them on the room's ledger."""
    from wuye.billing.models import ChargeItem, ChargeKind
    from wuye.billing.services import bill_from_source, bill_room_period, billing_period

    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    _check_desk(actor)
    if move_in.case.status != MoveInStatus.DOCUMENTS_CHECKED:
        raise Conflict(
            _("资料审核通过后、缴费前才能生成入住费用（当前：%(status)s）")
            % {"status": MOVE_IN.state(move_in.case.status).label},
            code="invalid_state",
        )
    if move_in.bills:
        return move_in
    now = timezone.now()
    ids = []
    suffix = {"property_fee": "WY", "deposit": "YJ"}
    estate = move_in.batch.estate
    today = _today(estate)
    start, end = billing_period(first_month=today, months=FEE_MONTHS)
    for line in move_in_fee_lines(move_in, today):
        if line.kind == "property_fee":
            # A periodic bill of the half year: the later runs see those months as billed.
            item = ChargeItem.objects.get(estate=estate, name=line.item_name)
            bill = bill_room_period(
                room=move_in.room, item=item, period_start=start, period_end=end,
                due_date=today, at=now, by=actor.user, description=line.description,
            )  # fmt: skip
        else:
            bill = bill_from_source(
                estate=estate, room=move_in.room, kind=ChargeKind.DEPOSIT,
                item_name=line.item_name, source_ref=f"{move_in.case.number}-{suffix[line.kind]}",
                description=line.description, amount=line.amount, at=now, by=actor.user,
            )  # fmt: skip
        if bill is not None:
            ids.append(bill.pk)
    move_in.bills = ids
    move_in.save(update_fields=["bills"])
    return move_in


def move_in_bills(move_in: MoveIn) -> list:
    from wuye.billing.models import Bill

    if not move_in.bills:
        return []
    return list(Bill.objects.filter(pk__in=move_in.bills).select_related("item").order_by("id"))


def _fees_check_paid(move_in: MoveIn) -> list[int]:
    from wuye.billing.models import BillStatus

    bills = move_in_bills(move_in)
    if not bills:
        raise Conflict(_("请先生成入住费用账单（半年物业费、装修押金）"), code="fees_missing")
    unpaid = [b for b in bills if b.status != BillStatus.PAID]
    if unpaid:
        owed = sum((b.amount - b.paid_amount for b in unpaid), Decimal("0.00"))
        raise Conflict(
            _("入住费用尚未缴清（待缴 ¥%(owed)s：%(items)s），请业主到收银处缴费后再确认")
            % {"owed": f"{owed:,.2f}", "items": "、".join(b.item.name for b in unpaid)},
            code="fees_unpaid",
        )
    return [b.pk for b in bills]


def move_in_payments(move_in: MoveIn) -> list:
    """The payments that settled the move-in's bills (with their invoice, if any), in order."""
    from wuye.billing.models import Allocation, Payment

    if not move_in.bills:
        return []
    ids = (
        Allocation.objects.filter(bill_id__in=move_in.bills, amount__gt=0)
        .values_list("payment_id", flat=True)
        .distinct()
    )
    return list(Payment.objects.filter(pk__in=list(ids)).select_related("invoice").order_by("id"))


def _invoice_of(payment):
    from wuye.billing.models import Invoice

    try:
        return payment.invoice
    except Invoice.DoesNotExist:
        return None


@transaction.atomic
def move_in_invoice_issue(*, move_in: MoveIn | int, numbers: list[str], by, title: str = ""):
    """MOVEIN-05 开具发票: finance issues the invoice of each payment of the move-in fees that has
    none yet — requested in the owner's name (or ``title``) and issued with the next of
    ``numbers`` (one per payment), through billing's invoice rules (FEE-06: finance only,
    against money received). Returns the invoices issued."""
    from wuye.billing.models import InvoiceStatus
    from wuye.billing.services.invoices import invoice_issue, invoice_request

    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    pending = [
        p for p in move_in_payments(move_in)
        if _invoice_of(p) is None or _invoice_of(p).status != InvoiceStatus.ISSUED
    ]  # fmt: skip
    if not pending:
        raise Conflict(_("入住费用没有待开具的发票"), code="nothing_to_invoice")
    numbers = [str(n).strip() for n in numbers or [] if str(n).strip()]
    if len(numbers) != len(pending):
        raise ValidationError(
            {"numbers": [_("请填写 %(n)d 张发票的号码（每笔收款一张）") % {"n": len(pending)}]}
        )
    issued = []
    for payment, number in zip(pending, numbers, strict=True):
        invoice = _invoice_of(payment) or invoice_request(
            payment=payment, title=(title or move_in.resident.name).strip(), by=actor.user
        )
        issued.append(invoice_issue(invoice=invoice, by=actor.user, number=number))
    return issued


def issued_invoice(payment):
    """The payment's invoice once finance has issued it, else None."""
    from wuye.billing.models import InvoiceStatus

    invoice = _invoice_of(payment)
    return invoice if invoice is not None and invoice.status == InvoiceStatus.ISSUED else None


def _invoices_check_issued(move_in: MoveIn) -> list[str]:
    """MOVEIN-05: every payment of the move-in fees has its invoice issued by finance (FEE-06:
    against money received); the numbers, for the step's record."""
    from wuye.billing.models import InvoiceStatus

    payments = move_in_payments(move_in)
    missing = []
    numbers = []
    for payment in payments:
        invoice = _invoice_of(payment)
        if invoice is None or invoice.status != InvoiceStatus.ISSUED:
            missing.append(payment)
        else:
            numbers.append(invoice.number)
    if missing:
        amount = sum((p.amount for p in missing), Decimal("0.00"))
        raise Conflict(
            _("入住费用的发票尚未开具（收款 ¥%(amount)s），请财务开具发票后再确认缴费完成")
            % {"amount": f"{amount:,.2f}"},
            code="invoice_missing",
        )
    return numbers
