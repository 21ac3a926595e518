"""Reads of certificates and qualifications: who sees which, and the register's filters
(即将到期 within 30 days, 已过期, 有效, 已吊销)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from wuye.core.choices import Role
from wuye.core.scoping import Actor, get_or_404

from ..models import Certificate

__all__ = [
    "STATES",
    "WARN_DAYS",
    "certificate_list",
    "certificate_visible_get",
    "certificates_visible",
]

WARN_DAYS = 30  # the warning goes out 30 days before expiry (issue 15)
STATES = ("valid", "expiring", "expired", "revoked")


def certificates_visible(actor: Actor) -> QuerySet[Certificate]:
    """Staff see the certificates of the staff and contractors of their estates (an executive:
    the whole company's; everyone: their own); a contractor's account sees its own company's;
    anyone else nothing."""
    qs = Certificate.objects.select_related("staff", "contractor", "scan")
    if actor.is_superuser:
        return qs
    if actor.staff is not None:
        qs = qs.filter(company_id=actor.company_id)
        if actor.role == Role.EXECUTIVE:
            return qs
        estates = list(actor.estate_ids)
        mine = Q(staff__estates__in=estates) | Q(contractor__estates__in=estates)
        ids = qs.filter(mine | Q(staff=actor.staff)).values("pk")
        return qs.filter(pk__in=ids)
    if actor.contractor is not None:
        return qs.filter(contractor=actor.contractor)
    return qs.none()


def certificate_visible_get(actor: Actor, pk) -> Certificate:
    return get_or_404(certificates_visible(actor), pk)


def certificate_list(
    actor: Actor,
    *,
    today: dt.date,
    state: str = "",
    kind: str = "",
    holder: str = "",
    staff: int | None = None,
    contractor: int | None = None,
    q: str = "",
) -> QuerySet[Certificate]:
    """The register filtered; soonest expiry first."""
    qs = certificates_visible(actor)
    if state == "valid":
        qs = qs.filter(revoked=False, expires_on__gte=today)
    elif state == "expiring":
        qs = qs.filter(
            revoked=False, expires_on__gte=today, expires_on__lte=today + dt.timedelta(WARN_DAYS)
        )
    elif state == "expired":
        qs = qs.filter(revoked=False, expires_on__lt=today)
    elif state == "revoked":
        qs = qs.filter(revoked=True)
    if kind:
        qs = qs.filter(kind=kind)
    if holder:
        qs = qs.filter(holder=holder)
    if staff:
        qs = qs.filter(staff_id=staff)
    if contractor:
        qs = qs.filter(contractor_id=contractor)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(staff__name__icontains=q) | Q(contractor__name__icontains=q)
        )
    return qs.order_by("expires_on", "id")
