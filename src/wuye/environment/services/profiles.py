"""Who plans the cleaning (CLEAN-02: the environment department's leads) and the estate's
environment settings (环境管理设置), read by the zones, the cleaning plan and the weather."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.core.scoping import Actor

from ..models import EnvironmentProfile
from ..processes import ENVIRONMENT_LEADS

__all__ = ["check_lead", "profile_get"]


def check_lead(actor: Actor, estate_id: int, message: str | None = None) -> None:
    """CLEAN-02: the environment department's leads plan; others of the estate get a 403, the
    rest a 404."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in ENVIRONMENT_LEADS:
        raise PermissionDenied(message or _("只有环境管理部负责人或企业高层可以修改清洁计划"))


def profile_get(estate: Estate) -> EnvironmentProfile:
    """The estate's environment settings, created with the manual's defaults on first use."""
    profile, _created = EnvironmentProfile.objects.get_or_create(estate=estate)
    return profile
