"""Fees: the payment gateway's callback (no login: the signature is the authentication)."""

import json
import logging

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wuye.billing import services
from wuye.core.lockout import client_address

log = logging.getLogger("wuye.billing")


@csrf_exempt
@require_POST
def gateway_callback(request):
    """The gateway posts ``{"out_trade_no", "transaction_id", "amount", "trade_state"}`` with the
    signature in ``X-Wuye-Signature``. SUCCESS tells it to stop retrying; FAIL (400) that this
    callback is refused (bad signature, unknown order, wrong amount) and nothing was changed."""
    remote_addr = client_address(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > services.CALLBACK_MAX_BYTES:
        # Refused before the body is read; not logged in the table (anyone could send one).
        log.warning("payment callback of %s bytes refused from %s", length, remote_addr)
        return JsonResponse({"code": "FAIL", "message": "body too large"}, status=413)
    body = request.read(services.CALLBACK_MAX_BYTES + 1)
    if len(body) > services.CALLBACK_MAX_BYTES:
        log.warning("payment callback over %s bytes refused from %s", len(body), remote_addr)
        return JsonResponse({"code": "FAIL", "message": "body too large"}, status=413)
    try:
        body = json.loads(body.decode("utf-8"))
        if not isinstance(body, dict):
            raise ValueError
    except (UnicodeDecodeError, ValueError, RecursionError):
        return JsonResponse({"code": "FAIL", "message": "malformed body"}, status=400)
    try:
        services.gateway_callback(
            body, request.headers.get("X-Wuye-Signature", ""), remote_addr=remote_addr
        )
    except services.CallbackRefused as exc:
        return JsonResponse({"code": "FAIL", "message": exc.reason}, status=400)
    return JsonResponse({"code": "SUCCESS"})


urlpatterns = [
    path("billing/gateway/callback", gateway_callback, name="gateway_callback"),
]
