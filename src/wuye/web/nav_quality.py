"""The quality menu (品质管理, manual ch.9 and ch.1): the proof that the service keeps the manual,
assembled by ``navigation``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import Role
from wuye.quality.selectors import COMPLIANCE_READERS, may_read_company

from .navitems import NavItem

# QUALITY-02/03: the share of each process's deadlines kept, with the cases that broke one.
COMPLIANCE: tuple[NavItem, ...] = (
    NavItem(
        _("服务承诺兑现"),
        "quality:compliance",
        roles=COMPLIANCE_READERS,
        match=("quality:compliance_breaches",),
    ),
)

# The executives' company view: every estate side by side, one click to any of them.
COMPANY: tuple[NavItem, ...] = (
    NavItem(
        _("公司总览"),
        "quality:company",
        roles=frozenset({Role.EXECUTIVE}),
        allowed=lambda actor, estate: may_read_company(actor),
    ),
)

QUALITY_ITEMS: tuple[NavItem, ...] = (*COMPANY, *COMPLIANCE)
