"""Green areas (绿化区域, GREEN-01/02): lawns, shrubs, trees and flower beds with their planting,
size, public area and gardeners.

GREEN-02: gardeners (绿化人员) carry out the maintenance, so an area's gardeners are active staff
of role gardener working in the estate; an area without a gardener gets no plan lines
(``services.greening``), and a gardener who still has the area's active plan lines cannot be
taken off it until those lines go to someone else.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.models import Estate, PublicArea, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.fieldwork.services.tasks import plan_deactivate

from ..choices import GreenKind
from ..models import GreenArea, PlanLine
from ..selectors.green import estate_gardeners
from .landscape import check_lead
from .revisions import revision_record

__all__ = [
    "AREA_M2_MAX",
    "estate_gardeners",
    "green_area_create",
    "green_area_deactivate",
    "green_area_update",
]

AREA_M2_MAX = Decimal("99999999.9")
_TEXT = {"name": 60, "planting": 200, "note": 200}
_LABELS = {
    "name": gettext_lazy("区域名称"),
    "planting": gettext_lazy("主要植物"),
    "note": gettext_lazy("说明"),
}


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _area_m2(value, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["area_m2"] = [_("面积须为数字")]
        return None
    if not number.is_finite() or number <= 0 or number > AREA_M2_MAX:
        errors["area_m2"] = [_("面积须大于 0")]
        return None
    return number


def _validate(estate: Estate, values: dict, errors: dict) -> dict:
    clean: dict = {}
    for field, limit in _TEXT.items():
        if field not in values:
            continue
        text = str(values[field] or "").strip()
        if field == "name" and not text:
            errors["name"] = [_("请填写区域名称")]
        elif len(text) > limit:
            errors[field] = [
                _("%(label)s不能超过 %(n)d 个字") % {"label": _LABELS[field], "n": limit}
            ]
        clean[field] = text
    if "kind" in values:
        if values["kind"] not in GreenKind.values:
            errors["kind"] = [_("请选择绿化类型")]
        clean["kind"] = values["kind"]
    if "area_m2" in values:
        clean["area_m2"] = _area_m2(values["area_m2"], errors)
    if "public_area" in values:
        area: PublicArea | None = values["public_area"]
        if area is not None and area.estate_id != estate.pk:
            errors["public_area"] = [_("公共区域须为本项目的区域")]
        clean["public_area"] = area
    if "gardeners" in values:
        gardeners = list(values["gardeners"] or [])
        allowed = set(estate_gardeners(estate).values_list("pk", flat=True))
        if any(getattr(g, "pk", None) not in allowed for g in gardeners):
            # GREEN-02
            errors["gardeners"] = [_("养护人须为本项目在职的绿化工")]
        clean["gardeners"] = gardeners
    return clean


def _save(area: GreenArea, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            area.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError({"name": [_("本项目已有同名的绿化区域")]}) from None


@transaction.atomic
def green_area_create(
    *,
    estate: Estate,
    by,
    name: str,
    kind: str,
    planting: str = "",
    area_m2=None,
    public_area: PublicArea | None = None,
    gardeners: list[Staff] | None = None,
    note: str = "",
) -> GreenArea:
    """Register a green area (GREEN-01) with its gardeners (GREEN-02)."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有部门负责人或企业高层可以登记绿化区域"))
    errors: dict[str, list[str]] = {}
    values = _validate(
        estate,
        {"name": name, "kind": kind, "planting": planting, "area_m2": area_m2,
         "public_area": public_area, "gardeners": gardeners or [], "note": note},
        errors,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    gardeners = values.pop("gardeners")
    area = GreenArea(estate=estate, created_at=timezone.now(), **values)
    _save(area)
    area.gardeners.set(gardeners)
    return area


@transaction.atomic
def green_area_update(*, area: GreenArea, by, **changes) -> GreenArea:
    """Change an area: name, kind, planting, area_m2, public_area, gardeners, note. A gardener
    who still has active plan lines of the area stays until the lines are reassigned."""
    actor = _actor(by)
    check_lead(actor, area.estate_id, _("只有部门负责人或企业高层可以修改绿化区域"))
    allowed = {"name", "kind", "planting", "area_m2", "public_area", "gardeners", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({field: [_("该项不能修改")] for field in sorted(unknown)})
    area = GreenArea.objects.select_for_update().select_related("estate").get(pk=area.pk)
    errors: dict[str, list[str]] = {}
    values = _validate(area.estate, changes, errors)
    if "gardeners" in values and not errors.get("gardeners"):
        keep = {g.user_id for g in values["gardeners"]}
        busy = (
            PlanLine.objects.filter(green_area=area, active=True)
            .exclude(schedule__assignee__isnull=True)
            .exclude(schedule__assignee_id__in=keep)
            .select_related("schedule__assignee__staff")
        )
        names = sorted({line.schedule.assignee.staff.name for line in busy})
        if names:
            errors["gardeners"] = [
                _("%(names)s还负责本区域在用的养护计划项，请先把这些计划项改派给其他养护人")
                % {"names": "、".join(names)}
            ]
    if errors:
        raise ValidationError(errors)
    gardeners = values.pop("gardeners", None)
    for field, value in values.items():
        setattr(area, field, value)
    if values:
        _save(area, list(values))
    if gardeners is not None:
        area.gardeners.set(gardeners)
    return area


@transaction.atomic
def green_area_deactivate(*, area: GreenArea, by, reason: str) -> GreenArea:
    """Stop an area (e.g. paved over): its active plan lines stop too, each a plan revision with
    the reason; their future tasks are cancelled, past ones kept."""
    actor = _actor(by)
    check_lead(actor, area.estate_id, _("只有部门负责人或企业高层可以停用绿化区域"))
    area = GreenArea.objects.select_for_update().select_related("estate").get(pk=area.pk)
    if not str(reason or "").strip():
        raise ValidationError({"reason": [_("请填写停用原因")]})
    if not area.active:
        return area
    for line in PlanLine.objects.select_for_update().filter(green_area=area, active=True):
        plan_deactivate(schedule=line.schedule, by=actor)
        line.active = False
        line.save(update_fields=["active"])
        revision_record(
            estate=area.estate, line=line, by=actor, reason=reason,
            changes={"stopped": line.get_work_display()},
        )  # fmt: skip
    area.active = False
    area.save(update_fields=["active"])
    return area
