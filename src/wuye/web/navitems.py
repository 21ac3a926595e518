"""The menu's building blocks: an item with the roles that see it, a group of items, the role sets
the departments' items share, and the checks some items make. ``navigation`` assembles the menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise

from wuye.core.choices import STAFF_ROLES, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor

STAFF = frozenset(STAFF_ROLES)
# INTAKE-02 / TAKEOVER-02: customer service, engineering and order maintenance, with the leads.
HANDOVER_TEAM = frozenset(
    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.TECHNICIAN, Role.GUARD}
)
# MOVEIN-01: customer service leads the move-in desk.
MOVE_IN_DESK = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT})
# EQUIP-OPS-02: engineering keeps the operation log; the leads and auditors read it.
ENGINEERING_DESK = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.TECHNICIAN, Role.AUDITOR})
# FEE-02: finance collects and keeps the ledgers, customer service chases payment.
FEE_READERS = frozenset(
    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.FINANCE_CLERK, Role.CS_AGENT, Role.AUDITOR}
)
# EQUIP-OPS-04/08: who answers the monitoring systems' alarms (fieldwork's ALARM_ROLES).
ALARM_DUTY = frozenset(
    {Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.TECHNICIAN, Role.GUARD, Role.CS_AGENT}
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Who sees the item. Superusers see every staff item.
    roles: frozenset[str] = STAFF
    # Reverse the URL with the current estate's pk; hidden while the user has no estate.
    with_estate: bool = False
    # An extra check, e.g. a write permission: (actor, estate) -> bool.
    allowed: Callable[[Actor, Estate | None], bool] | None = None
    # Other URL names under this item (details, forms), to mark it as the current one.
    match: tuple[str, ...] = ()

    def visible_to(self, actor: Actor, estate: Estate | None) -> bool:
        if not (actor.role in self.roles or (actor.is_superuser and self.roles & STAFF)):
            return False
        if self.with_estate and estate is None:
            return False
        return self.allowed is None or self.allowed(actor, estate)

    def url(self, estate: Estate | None) -> str:
        return reverse(self.url_name, args=[estate.pk] if self.with_estate else [])


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    items: tuple[NavItem, ...] = field(default_factory=tuple)


def _fees(label, url_name: str, match: tuple[str, ...] = ()) -> NavItem:
    """A finance menu item: for those who read fees (FEE-02)."""
    return NavItem(
        label, url_name, roles=FEE_READERS, match=match,
        allowed=lambda actor, estate: _may_read_fees(actor),
    )  # fmt: skip


def _meters(check: str, actor: Actor) -> bool:
    from wuye.billing.services import meters

    return getattr(meters, check)(actor)


def _move_in_page_opens(actor: Actor) -> bool:
    """What the move-in pages' own guard lets in (``residents.pages.movein_page``)."""
    from wuye.residents.processes import STAFF as MOVE_IN_STAFF

    return actor.is_superuser or actor.role in MOVE_IN_STAFF


def _may_read_fees(actor: Actor) -> bool:
    from wuye.billing.selectors.fees import may_read_fees

    return may_read_fees(actor)


def _resident_deliveries(actor: Actor) -> bool:
    """EMERG-HEALTH-12: a resident's deliveries page, while one of their homes is under a
    closure in force (its unit, its building or the estate) or once they have asked for a
    delivery. One query, on the resident's pages only."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from wuye.core.scoping import visible_rooms
    from wuye.emergency.choices import ClosureScope
    from wuye.emergency.models import Closure, Delivery
    from wuye.emergency.selectors.closures import in_force_q

    covering = Closure.objects.filter(
        in_force_q(timezone.now()),
        Q(scope=ClosureScope.ESTATE, estate_id=OuterRef("estate_id"))
        | Q(scope=ClosureScope.BUILDING, building_id=OuterRef("building_id"))
        | Q(scope=ClosureScope.UNIT, unit_id=OuterRef("unit_id")),
    )
    asked = Delivery.objects.filter(room=OuterRef("pk"))
    return visible_rooms(actor).filter(Exists(covering) | Exists(asked)).exists()
