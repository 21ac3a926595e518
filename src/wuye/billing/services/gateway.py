"""Online payments: orders for the owner's app and the (simulated) gateway's signed callbacks
(FEE-12)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    CallbackLog,
    GatewayOrder,
    GatewayOrderStatus,
    PaymentChannel,
)
from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Room

from .common import _actor, _check_finance, log
from .payments import _locked_open_bills, payment_record

# --- Online payments: orders and the gateway's signed callbacks --------------------------------


def payment_gateway() -> str:
    """The gateway that takes online payments (settings.WUYE_PAYMENT_GATEWAY): "simulated" only
    in embedded mode, whatever the setting says, so production never pays with a click."""
    name = getattr(settings, "WUYE_PAYMENT_GATEWAY", "none")
    if name == "simulated" and getattr(settings, "PRODUCTION", False):
        return "none"
    return name


def online_payment_enabled() -> bool:
    return payment_gateway() != "none"


def gateway_pay_url(order: GatewayOrder) -> str:
    """Where the payer goes to pay the order (the gateway's cashier page)."""
    from django.urls import reverse

    if payment_gateway() == "simulated":
        return reverse("billing:simulate_pay", args=[order.out_trade_no])
    _no_online_payment()


def _no_online_payment():
    raise Conflict(_("在线缴费暂未开通，请到物业服务中心缴费"), code="online_payment_unavailable")


def gateway_secret() -> bytes:
    """The key the (simulated) gateway signs callbacks with; WUYE_GATEWAY_SECRET in production."""
    configured = getattr(settings, "WUYE_GATEWAY_SECRET", "")
    return (configured or f"gateway:{settings.SECRET_KEY}").encode()


def gateway_sign(params: dict) -> str:
    """HMAC-SHA256 over the sorted key=value pairs (the scheme WeChat Pay v2 and Alipay use)."""
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] not in ("", None))
    return hmac.new(gateway_secret(), text.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def gateway_order_create(*, room: Room, channel: str, by, bills: list[int] | None = None):
    """An online payment order for the room's chosen (or all) unpaid bills."""
    actor = _actor(by)
    if actor.role == Role.RESIDENT:
        from wuye.core.scoping import visible_rooms

        if not visible_rooms(actor).filter(pk=room.pk).exists():
            raise Http404
    else:
        _check_finance(actor, room.estate)
    if not online_payment_enabled():
        _no_online_payment()
    if channel not in (PaymentChannel.WECHAT, PaymentChannel.ALIPAY):
        raise ValidationError({"channel": [_("在线支付请选择微信支付或支付宝")]})
    open_bills = _locked_open_bills(room.pk, bills)
    if not open_bills:
        raise ValidationError({"bills": [_("没有待缴账单")]})
    amount = sum((b.amount - b.paid_amount for b in open_bills), ZERO)
    now = timezone.now()
    return GatewayOrder.objects.create(
        estate=room.estate, room=room, channel=channel, amount=amount,
        bills=[b.pk for b in open_bills], created_at=now, created_by=actor.user,
        out_trade_no=f"WY{now:%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}",
    )  # fmt: skip


class CallbackRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


CALLBACK_MAX_BYTES = 8 * 1024  # a gateway's notification is well under 2 KB
REFUSED_CALLBACKS_LOGGED_PER_HOUR = 50  # per sending address; the rest go to the server log


def gateway_callback(body: dict, signature: str, *, remote_addr: str | None = None) -> GatewayOrder:
    """The gateway says an order was paid. Refused (logged, nothing changed) when the signature
    is wrong, the order unknown, or the amount differs; idempotent by the transaction id, so a
    replayed or concurrent callback credits once. Refused callbacks are kept in the table up to
    ``REFUSED_CALLBACKS_LOGGED_PER_HOUR`` per address, so nobody can fill it by posting junk."""
    now = timezone.now()
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True)[:4000]
    out_trade_no = str(body.get("out_trade_no", ""))[:40]
    transaction_id = str(body.get("transaction_id", ""))[:64]

    def refuse(reason: str):
        raise CallbackRefused(reason)

    try:
        return _gateway_callback(
            body, signature, refuse, now, raw, out_trade_no, transaction_id, remote_addr
        )
    except CallbackRefused as exc:
        # Logged outside the refused transaction, so the log survives its rollback.
        recent = CallbackLog.objects.filter(
            remote_addr=remote_addr, accepted=False, received_at__gt=now - dt.timedelta(hours=1)
        )
        if recent.count() < REFUSED_CALLBACKS_LOGGED_PER_HOUR:
            CallbackLog.objects.create(
                received_at=now, out_trade_no=out_trade_no, transaction_id=transaction_id,
                body=raw, reason=exc.reason[:200], remote_addr=remote_addr,
            )  # fmt: skip
        log.warning(
            "payment callback refused: %s (%s) from %s", exc.reason, out_trade_no, remote_addr
        )
        raise


def _gateway_callback(body, signature, refuse, now, raw, out_trade_no, transaction_id, remote_addr):
    if not hmac.compare_digest(gateway_sign(body), str(signature or "")):
        refuse("bad signature")
    if not transaction_id or body.get("trade_state") != "SUCCESS":
        refuse("not a successful payment")
    try:
        paid = Decimal(str(body.get("amount")))
    except (InvalidOperation, ValueError, TypeError):
        refuse("bad amount")
    with transaction.atomic():
        order = GatewayOrder.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
        if order is None:
            refuse("unknown order")
        if paid != order.amount:
            refuse(f"amount {paid} differs from the order's {order.amount}")
        if order.status == GatewayOrderStatus.PAID:
            if order.transaction_id != transaction_id:
                refuse("order already paid by another transaction")
            CallbackLog.objects.create(received_at=now, out_trade_no=out_trade_no,
                                       transaction_id=transaction_id, body=raw, accepted=True,
                                       reason="duplicate: already credited",
                                       remote_addr=remote_addr)  # fmt: skip
            return order
        payment = payment_record(
            room=order.room, amount=order.amount, channel=order.channel, by=None,
            bills=order.bills, reference=transaction_id, received_at=now,
            note=_("在线支付 %(no)s") % {"no": order.out_trade_no},
        )  # fmt: skip
        order.status, order.transaction_id, order.payment, order.paid_at = (
            GatewayOrderStatus.PAID, transaction_id, payment, now)  # fmt: skip
        order.save(update_fields=["status", "transaction_id", "payment", "paid_at"])
        CallbackLog.objects.create(
            received_at=now, out_trade_no=out_trade_no, transaction_id=transaction_id, body=raw,
            accepted=True, remote_addr=remote_addr,
        )  # fmt: skip
    return order


def gateway_simulate_payment(order: GatewayOrder) -> tuple[dict, str]:
    """What the simulated gateway posts back when the payer pays (demo and tests). Only a
    caller that checked ``payment_gateway() == "simulated"`` may hand it to the callback."""
    body = {
        "out_trade_no": order.out_trade_no,
        "transaction_id": f"SIM{secrets.token_hex(10).upper()}",
        "amount": str(order.amount),
        "trade_state": "SUCCESS",
        "channel": order.channel,
    }
    return body, gateway_sign(body)
