"""INTAKE-09: the property-management premises, sized at a set proportion of the floor area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuye.core.validators import exact_decimal
from wuye.handover.models import (
    HandoverProject,
    SiteInspection,
)
from wuye.workflow.models import Attachment, AttachmentKind, Event

from .common import (
    INSPECTION_STATES,
    STEPS,
    I,
    _actor,
    _check_lead,
    _local_date,
    current_case,
    local_today,
)

# --- INTAKE-09: the property-management premises, sized at a set proportion -------------------

PREMISES_FIELDS = {
    "total_floor_area": _lazy("项目总建筑面积"),
    "premises_area": _lazy("物业管理用房面积"),
}


def _clean_area(value, field: str, label, errors: dict, *, places: int, maximum: Decimal):
    if value is None or str(value).strip() == "":
        return None
    try:  # refused, never rounded
        number = exact_decimal(value, places=places, field=field, label=label,
                               invalid=_("%(label)s应为数字") % {"label": label})  # fmt: skip
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None
    if not Decimal(0) < number <= maximum:
        errors[field] = [_("%(label)s应大于 0 且不超过 %(max)s") % {"label": label, "max": maximum}]
    return number


@transaction.atomic
def premises_area_set(
    *,
    project: HandoverProject,
    total_floor_area=None,
    premises_area=None,
    premises_ratio=None,
    by,
) -> HandoverProject:
    """INTAKE-09: the project's total floor area, its premises area and the proportion its
    contract or local regulation sets (in %, the manual gives none). Empty clears a figure."""
    actor = _actor(by)
    _check_lead(actor, project)
    errors: dict[str, list[str]] = {}
    total = _clean_area(total_floor_area, "total_floor_area", _("项目总建筑面积"), errors,
                        places=2, maximum=Decimal("9999999999.99"))  # fmt: skip
    area = _clean_area(premises_area, "premises_area", _("物业管理用房面积"), errors,
                       places=2, maximum=Decimal("9999999999.99"))  # fmt: skip
    ratio = _clean_area(premises_ratio, "premises_ratio", _("物业用房配置比例"), errors,
                        places=3, maximum=Decimal(100))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    project = HandoverProject.objects.select_for_update().get(pk=project.pk)
    project.total_floor_area, project.premises_area, project.premises_ratio = total, area, ratio
    project.save(update_fields=["total_floor_area", "premises_area", "premises_ratio"])
    return project


def premises_required_area(project: HandoverProject) -> Decimal | None:
    """Total floor area × proportion (%), to the square metre's hundredth (rounded up)."""
    if project.premises_ratio is None or project.total_floor_area is None:
        return None
    required = project.total_floor_area * project.premises_ratio / Decimal(100)
    return required.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def premises_check(project: HandoverProject) -> dict:
    """INTAKE-09: whether the premises area meets the project's proportion. ``ok`` is None when
    no proportion is set (nothing to check); ``problem`` is the reason leaving the design
    review is refused, or ""."""
    required = premises_required_area(project)
    result = {"ratio": project.premises_ratio, "total": project.total_floor_area,
              "area": project.premises_area, "required": required, "ok": None,
              "problem": "", "ratio_text": ""}  # fmt: skip
    if project.premises_ratio is None:
        return result
    result["ratio_text"] = f"{project.premises_ratio.normalize():f}"  # 0.4, never 1E+2
    missing = [str(label) for field, label in PREMISES_FIELDS.items()
               if getattr(project, field) is None]  # fmt: skip
    if missing:
        result["ok"] = False
        result["problem"] = _("不能进入施工跟进：已设定物业用房配置比例，请先登记%(what)s") % {
            "what": "、".join(missing)
        }
        return result
    result["ok"] = project.premises_area >= required
    if not result["ok"]:
        result["problem"] = _(
            "不能进入施工跟进：物业管理用房面积 %(area)s ㎡ 低于按总建筑面积 %(ratio)s%% 配置的 "
            "%(required)s ㎡"
        ) % {"area": project.premises_area, "ratio": result["ratio_text"],
             "required": required}  # fmt: skip
    return result


@dataclass(frozen=True)
class InspectionDue:
    active: bool  # the case is in a stage with site inspections
    last: dt.date | None
    next_due: dt.date | None
    overdue_days: int  # 0 when not overdue

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def _step_started(project: HandoverProject, state: str) -> dt.datetime | None:
    if project.intervention_case_id is None:
        return None
    if state == STEPS[0]:
        return project.intervention_case.created_at
    return (
        Event.objects.filter(case_id=project.intervention_case_id, to_status=state)
        .exclude(from_status=state)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def inspection_due(project: HandoverProject, today: dt.date | None = None) -> InspectionDue:
    """INTAKE-06: the next inspection is due ``inspection_interval_days`` (calendar days) after
    the last one, or after construction follow-up began; past that day it is overdue."""
    today = today or local_today(project)
    case = current_case(project)
    last = project.inspections.order_by("-inspected_on").values_list("inspected_on", flat=True)
    last = last.first()
    if case is None or case.status not in INSPECTION_STATES:
        return InspectionDue(active=False, last=last, next_due=None, overdue_days=0)
    started = _local_date(project, _step_started(project, I.CONSTRUCTION))
    basis = max(d for d in (last, started) if d is not None) if (last or started) else today
    next_due = basis + dt.timedelta(days=project.inspection_interval_days)
    return InspectionDue(
        active=True, last=last, next_due=next_due, overdue_days=max(0, (today - next_due).days)
    )


def inspection_photos(inspection: SiteInspection) -> list[Attachment]:
    return photos_by_event([inspection]).get(inspection.event_id, [])


def photos_by_event(inspections) -> dict[int, list[Attachment]]:
    """The photos of several inspections in one query, by the event that holds them."""
    ids = [i.event_id for i in inspections if i.event_id is not None]
    photos: dict[int, list[Attachment]] = {}
    if not ids:
        return photos
    for a in Attachment.objects.filter(event_id__in=ids, kind=AttachmentKind.PHOTO).order_by(
        "uploaded_at", "id"
    ):
        photos.setdefault(a.event_id, []).append(a)
    return photos


def inspection_list(
    project: HandoverProject, *, location: str = "", concealed: bool = False
) -> QuerySet[SiteInspection]:
    """The project's site inspections, latest first; ``location`` searches the place,
    ``concealed`` keeps those of concealed works (the list page's and the API's filters)."""
    qs = project.inspections.select_related("inspector__staff")
    location = location.strip()
    if location:
        qs = qs.filter(location__icontains=location)
    if concealed:
        qs = qs.filter(concealed_works=True)
    return qs


def concealed_gallery(project: HandoverProject, location: str = "") -> list[dict]:
    """INTAKE-11: the photos of concealed works by location, kept for later maintenance;
    ``location``: only the places whose name contains it."""
    inspections = list(
        project.inspections.filter(concealed_works=True, event__isnull=False).order_by(
            "location", "-inspected_on", "-id"
        )
    )
    location = location.strip()
    if location:
        inspections = [i for i in inspections if location in i.location]
    photos = photos_by_event(inspections)
    groups: dict[str, dict] = {}
    for inspection in inspections:
        group = groups.setdefault(
            inspection.location, {"location": inspection.location, "items": []}
        )
        group["items"].append(
            {"inspection": inspection, "photos": photos.get(inspection.event_id, [])}
        )
    return list(groups.values())
