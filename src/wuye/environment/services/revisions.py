"""Plan revisions (计划调整): every change of the cleaning or greening plan is written down with
its reason (CLEAN-15: "分析原因……调整清洁计划"; GREEN-12: "夏季高温……增加浇水次数"). The
plan services call ``revision_record`` inside the transaction of the change itself; nothing
updates or deletes a revision."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Estate

from ..models import CleaningZone, GreenArea, PlanLine, PlanRevision, Rectification

__all__ = ["REASON_MAX", "revision_record"]

REASON_MAX = 500


def revision_record(
    *,
    estate: Estate,
    reason: str,
    changes: dict,
    by,
    zone: CleaningZone | None = None,
    green_area: GreenArea | None = None,
    line: PlanLine | None = None,
    rectification: Rectification | None = None,
    at: dt.datetime | None = None,
) -> PlanRevision:
    """Write one revision. The caller holds the transaction of the change and has checked the
    actor's right to change the plan. A revision without a reason is refused (ValidationError)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调整原因")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("调整原因不能超过 %(n)d 个字") % {"n": REASON_MAX}]})
    if line is not None:
        zone = zone or line.zone
        green_area = green_area or line.green_area
    for subject in (zone, green_area, line, rectification):
        if subject is not None and subject.estate_id != estate.pk:
            raise ValueError("a plan revision's subject belongs to another estate")
    if rectification is not None:
        # CLEAN-15: the plan change answers this rectification's cause: the same zone or area,
        # while the rectification is still open.
        if rectification.closed_at is not None:
            raise ValidationError({"rectification": [_("该整改已复查合格，不能再关联计划调整")]})
        if (zone is not None and rectification.zone_id != zone.pk) or (
            green_area is not None and rectification.green_area_id != green_area.pk
        ):
            raise ValidationError({"rectification": [_("关联的整改不是本区域的整改")]})
    user = getattr(by, "user", by)
    return PlanRevision.objects.create(
        estate=estate,
        zone=zone,
        green_area=green_area,
        line=line,
        changes=changes or {},
        reason=reason,
        rectification=rectification,
        by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        at=at or timezone.now(),
    )
