"""The project a takeover belongs to (the estate's handover project)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.validators import exact_decimal
from wuye.handover.models import (
    HandoverProject,
)

from .common import _actor, _in_scope, _lead_only

# --- The project ---------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    estate: Estate,
    developer: str,
    design_unit: str = "",
    contractor: str = "",
    total_floor_area=None,
    by,
) -> HandoverProject:
    """接管项目: the estate being handed over by its developer. One per estate: a second is
    refused (Conflict), the existing one is not returned."""
    actor = _actor(by)
    _in_scope(actor, estate)
    _lead_only(actor)
    errors: dict[str, list[str]] = {}
    developer = (developer or "").strip()
    if not developer:
        errors["developer"] = [_("请填写开发企业名称")]
    area = None
    if total_floor_area not in (None, ""):
        try:  # two decimal places at most: refused, not rounded
            area = exact_decimal(
                total_floor_area, places=2, field="total_floor_area", label=_("总建筑面积"),
                invalid=_("请填写数字，如 56000.50"),
            )  # fmt: skip
        except ValidationError as e:
            errors.update(e.message_dict)
        else:
            if area <= 0 or area >= Decimal("1e10"):
                errors["total_floor_area"] = [_("总建筑面积应大于 0")]
    values = {"developer": developer, "design_unit": (design_unit or "").strip(),
              "contractor": (contractor or "").strip()}  # fmt: skip
    for key, value in values.items():
        if len(value) > 100:
            errors.setdefault(key, []).append(_("最多 100 个字符"))
    if errors:
        raise ValidationError(errors)
    if HandoverProject.objects.select_for_update().filter(estate=estate).exists():
        raise Conflict(_("%(estate)s 已登记接管项目") % {"estate": estate.name}, code="exists")
    return HandoverProject.objects.create(
        estate=estate, total_floor_area=area, created_at=timezone.now(), created_by=actor.user,
        **values,
    )  # fmt: skip
