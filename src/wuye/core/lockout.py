"""Login lockout (django-axes) with three limits, for the login page and POST /api/v1/auth/token.

axes records each failure per (login name, client address, user agent) and compares one count
with one limit. Ours are three, all within the cool-off window (``AXES_COOLOFF_TIME``):

- a login name from one address: ``AXES_FAILURE_LIMIT`` (5). A service desk shares one public
  address, so one person's typos lock only that name there, not the desk, and an attacker's
  guesses elsewhere do not lock the name at the desk;
- a login name from all addresses: ``AXES_USERNAME_FAILURE_LIMIT`` (30): guessing spread over
  many addresses locks the name everywhere, and its API tokens stop working meanwhile;
- one address across all names: ``AXES_ADDRESS_FAILURE_LIMIT`` (20): password spraying (a few
  guesses at many names) from one machine refuses that address.

``AXES_LOCKOUT_PARAMETERS`` is the (name, address) pair, so axes' own bookkeeping (what a
successful login resets, what the admin shows) is per pair; ``LockoutHandler.get_failures``
adds the two wider limits. Failures during a lockout are not counted (see settings), so a
locked name adds at most ``AXES_FAILURE_LIMIT`` to its address's count.
"""

from __future__ import annotations

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Expression, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR`` unless ``AXES_IPWARE_PROXY_COUNT`` says how many reverse proxies of ours
    stand in front: then the address the outermost of them saw, which is the N-th entry of
    ``X-Forwarded-For`` from the right. Entries further left are whatever the client sent and
    are never trusted, so nobody escapes the count by sending the header themselves.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through our proxies.
        logger.warning("X-Forwarded-For has %d entries, expected %d", len(forwarded), proxies)
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the per-name ceiling and the per-address spray limit."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        pair = Q(username=username, ip_address=address)
        by_name, by_address = Q(username=username), Q(ip_address=address)
        attempts = AccessAttempt.objects.filter(by_name | by_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        counts = attempts.aggregate(
            pair=Coalesce(Sum("failures_since_start", filter=pair), 0),
            name=Coalesce(Sum("failures_since_start", filter=by_name), 0),
            address=Coalesce(Sum("failures_since_start", filter=by_address), 0),
        )
        # axes compares one number with AXES_FAILURE_LIMIT: a wider limit reached counts as
        # the pair's limit reached.
        if (
            counts["name"] >= settings.AXES_USERNAME_FAILURE_LIMIT
            or counts["address"] >= settings.AXES_ADDRESS_FAILURE_LIMIT
        ):
            return max(counts["pair"], get_failure_limit(request, credentials))
        return counts["pair"]


def username_failures(username: str | OuterRef) -> Expression:
    """Recent failures of a login name from every address, as an expression for a query (the
    token check annotates it onto the token's own query: one round trip per API call)."""
    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total = attempts.order_by().values("username").annotate(n=Sum("failures_since_start"))
    return Coalesce(Subquery(total.values("n")[:1]), 0)


def username_locked_everywhere(failures: int) -> bool:
    """Whether that many failures from every address lock the name everywhere."""
    return settings.AXES_ENABLED and failures >= settings.AXES_USERNAME_FAILURE_LIMIT
