"""The document handover (TAKEOVER-09/10), warranty cards into the equipment register."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate
from wuye.core.validators import check_date
from wuye.facilities import services as facilities
from wuye.facilities.models import Equipment
from wuye.handover.choices import TakeoverStatus
from wuye.handover.models import (
    DocumentCategory,
    HandoverDocument,
    TakeoverPlan,
)
from wuye.handover.processes import TEAM
from wuye.handover.services.takeover.common import _int, _plan_locked
from wuye.workflow import services as engine

from .common import OPEN_PLAN, _actor, _in_scope, _require

# --- Documents (TAKEOVER-09/10) ------------------------------------------------------------------


@transaction.atomic
def handover_document_add(
    *,
    plan: TakeoverPlan,
    category: str,
    name: str,
    by,
    copies: int = 1,
    note: str = "",
    equipment: Equipment | None = None,
    new_equipment: dict | None = None,
    warranty_from: dt.date | None = None,
    warranty_until: dt.date | None = None,
    warranty_unit: str = "",
    warranty_contact: str = "",
) -> HandoverDocument:
    """A line of the 《资料移交清单》 (TAKEOVER-09), after the confirmation (TAKEOVER-03). A
    warranty card names the equipment (an existing one of the estate, or ``new_equipment``:
    code, name, category… to register it), its warranty period and the responsible unit, and
    writes them onto the equipment (TAKEOVER-10)."""
    actor = _actor(by)
    estate = plan.project.estate
    _in_scope(actor, estate)
    _require(actor, TEAM, _("您的角色不能登记移交资料"))
    plan = _plan_locked(plan)
    if plan.case.status != TakeoverStatus.CONFIRMED:
        raise Conflict(
            _("签署接管验收确认书后才能登记移交资料")
            if plan.case.status in OPEN_PLAN
            else _("资料移交已完成"),
            code="invalid_state",
        )
    errors: dict[str, list[str]] = {}
    name, note = (name or "").strip(), (note or "").strip()
    copies = _int(copies, 0)
    if category not in DocumentCategory.values:
        errors["category"] = [_("请选择资料类别")]
    if not name:
        errors["name"] = [_("请填写资料名称")]
    elif len(name) > 100:
        errors["name"] = [_("最多 100 个字符")]
    if not 1 <= copies <= 999:
        errors["copies"] = [_("份数应为 1 至 999")]
    if len(note) > 200:
        errors["note"] = [_("备注最多 200 个字符")]
    warranty = category == DocumentCategory.WARRANTY
    if warranty:
        if equipment is None and not new_equipment:
            errors["equipment"] = [_("保修卡须注明对应的设备：选择已有设备或登记新设备")]
        elif equipment is not None and equipment.estate_id != estate.pk:
            errors["equipment"] = [_("该设备不属于本项目")]
        check_date(warranty_from, field="warranty_from", label=_("保修起始日"), errors=errors)
        check_date(warranty_until, field="warranty_until", label=_("保修截止日"), errors=errors)
        if warranty_until is None:
            errors["warranty_until"] = [_("请填写保修截止日")]
        elif warranty_from is not None and warranty_until < warranty_from:
            errors["warranty_until"] = [_("保修截止日不能早于保修起始日")]
        if not (warranty_unit or "").strip():
            errors["warranty_unit"] = [_("请填写保修责任单位")]
    if errors:
        raise ValidationError(errors)
    if warranty:
        if equipment is None:
            try:
                equipment = facilities.equipment_create(estate=estate, by=actor, **new_equipment)
            except TypeError:
                raise ValidationError({"equipment": [_("新设备信息不完整")]}) from None
        equipment = facilities.equipment_warranty_set(
            equipment=equipment, warranty_from=warranty_from, warranty_until=warranty_until,
            warranty_unit=warranty_unit, warranty_contact=warranty_contact, by=actor,
        )  # fmt: skip
    document = HandoverDocument.objects.create(
        plan=plan, category=category, name=name, copies=copies,
        equipment=equipment if warranty else None,
        warranty_from=warranty_from if warranty else None,
        warranty_until=warranty_until if warranty else None,
        warranty_unit=(warranty_unit or "").strip() if warranty else "",
        received_at=timezone.now(), received_by=actor.user, note=note,
    )  # fmt: skip
    engine.case_act(
        case=plan.case, action="comment", by=actor,
        note=_("接收移交资料：%(category)s《%(name)s》%(copies)d 份")
        % {"category": document.get_category_display(), "name": name, "copies": copies},
        data={"document": document.pk},
    )  # fmt: skip
    return document


def move_in_allowed(estate: Estate) -> list[tuple[Building, bool]]:
    """TAKEOVER-15 for a page: each building of the estate and whether its takeover is
    confirmed (move-in may start)."""
    accepted_all = TakeoverPlan.objects.filter(
        project__estate=estate, building__isnull=True,
        case__status__in=(TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED),
    ).exists()  # fmt: skip
    buildings = list(Building.objects.filter(estate=estate).order_by("sort", "id"))
    if accepted_all:
        return [(b, True) for b in buildings]
    accepted = set(
        TakeoverPlan.objects.filter(
            Q(building__in=buildings),
            case__status__in=(TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED),
        ).values_list("building_id", flat=True)
    )
    return [(b, b.pk in accepted) for b in buildings]
