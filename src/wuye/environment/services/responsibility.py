"""Who inspects and who is responsible (CLEAN-02/04, GREEN-02): the environment department's
head inspects; a zone's cleaners and an area's gardeners answer for it, the first named first.
Shared by inspections and rectifications."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import Actor

from ..models import CleaningZone, GreenArea

__all__ = ["check_lead", "responsible_staff"]


def check_lead(actor: Actor, estate_id: int) -> None:
    """CLEAN-02 / GREEN-02: the environment department inspects — its head, or an executive, of
    the estate. Out of the estate: 404; another role or department: 403."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404
    if actor.role == Role.EXECUTIVE:
        return
    department = getattr(actor.staff.department, "kind", "")
    if actor.role != Role.DEPARTMENT_HEAD or department != DepartmentKind.ENVIRONMENT:
        raise PermissionDenied(_("检查考核由环境管理部负责人进行"))


def responsible_staff(subject) -> list:
    """CLEAN-04 / GREEN-02: the zone's cleaners or the area's gardeners, in the order named (the
    first is the one a rectification goes to); active staff only."""
    if isinstance(subject, CleaningZone):
        through = CleaningZone.cleaners.through.objects.filter(cleaningzone=subject)
    else:
        through = GreenArea.gardeners.through.objects.filter(greenarea=subject)
    return [row.staff for row in through.select_related("staff__user").order_by("id")
            if row.staff.is_active]  # fmt: skip
