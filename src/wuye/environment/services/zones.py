"""Cleaning zones (清洁区域, CLEAN-01/03/04) and the environment department's settings of an
estate (环境管理设置).

- ``zones_build`` proposes and creates the standard zones from the estate's layout, once: the
  main road(s), each building's corridors and stairwells, each building's elevators, public
  toilets and the garage. A second run creates only what is missing.
- Every zone names its cleaners (CLEAN-04); the plan (``services.cleaning``) comes after the
  zoning (CLEAN-03), and a zone without a named person cannot get a plan line.
- Only the department's leads (department head, executive) of the estate write zones.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import PublicAreaKind, Role
from wuye.core.models import Building, Estate, PublicArea, Staff
from wuye.core.scoping import Actor, actor_for

from ..choices import ZoneKind
from ..models import CleaningZone
from .profiles import check_lead, profile_get

__all__ = [
    "TOILET_WORDS",
    "check_lead",
    "estate_cleaners",
    "profile_get",
    "zone_create",
    "zone_deactivate",
    "zone_update",
    "zones_build",
]

NAME_MAX = 60
NOTE_MAX = 200
# A public area of kind "other" named like this is a public toilet (core has no toilet kind).
TOILET_WORDS = ("卫生间", "厕所", "洗手间")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def estate_cleaners(estate: Estate):
    """CLEAN-02: the cleaners (清洁人员) of the estate who may be named for a zone."""
    return (
        Staff.objects.filter(estates=estate, role=Role.CLEANER, is_active=True)
        .select_related("user")
        .order_by("name", "id")
    )


def _clean_values(estate: Estate, values: dict, errors: dict, zone: CleaningZone | None) -> dict:
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("请填写区域名称")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("区域名称不能超过 %(n)d 个字") % {"n": NAME_MAX}]
    elif (
        CleaningZone.objects.filter(estate=estate, name=name)
        .exclude(pk=zone.pk if zone else None)
        .exists()
    ):
        errors["name"] = [_("本项目已有同名清洁区域")]
    kind = values.get("kind")
    if kind not in ZoneKind.values:
        errors["kind"] = [_("请选择区域类型")]
    building = values.get("building")
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("楼栋须为本项目的楼栋")]
    area = values.get("public_area")
    if area is not None and area.estate_id != estate.pk:
        errors["public_area"] = [_("公共区域须为本项目的公共区域")]
    note = str(values.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("说明不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    cleaners = list(values.get("cleaners") or [])
    allowed = set(estate_cleaners(estate).values_list("pk", flat=True))
    if any(getattr(c, "pk", None) not in allowed for c in cleaners):
        errors["cleaners"] = [_("责任人须为本项目在职的清洁人员")]
    return {
        "name": name, "kind": kind, "building": building, "public_area": area, "note": note,
        "cleaners": cleaners,
    }  # fmt: skip


@transaction.atomic
def zone_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    by,
    cleaners: Iterable[Staff] = (),
    building: Building | None = None,
    public_area: PublicArea | None = None,
    note: str = "",
) -> CleaningZone:
    """A cleaning zone with its responsible cleaners (CLEAN-04)."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有环境管理部负责人或企业高层可以划分清洁区域"))
    errors: dict[str, list[str]] = {}
    values = _clean_values(estate, locals() | {"cleaners": list(cleaners)}, errors, None)
    if errors:
        raise ValidationError(errors)
    people = values.pop("cleaners")
    try:
        with transaction.atomic():
            zone = CleaningZone.objects.create(estate=estate, created_at=timezone.now(), **values)
    except IntegrityError:  # the same name written by someone else at the same moment
        raise ValidationError({"name": [_("本项目已有同名清洁区域")]}) from None
    zone.cleaners.set(people)
    return zone


@transaction.atomic
def zone_update(*, zone: CleaningZone, by, reason: str = "", **changes) -> CleaningZone:
    """Change a zone's name, place, note or cleaners. When the cleaners change, the plan lines
    whose assignee is no longer among them go to the first remaining cleaner (a plan revision:
    ``reason`` defaults to "责任人调整"); a zone with active plan lines keeps at least one named
    cleaner (CLEAN-04). Its kind is what it is."""
    from .cleaning import lines_reassign  # the plan depends on the zone, not the other way

    actor = _actor(by)
    check_lead(actor, zone.estate_id, _("只有环境管理部负责人或企业高层可以修改清洁区域"))
    allowed = {"name", "building", "public_area", "note", "cleaners"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({field: [_("该项不能修改")] for field in sorted(unknown)})
    zone = CleaningZone.objects.select_for_update().select_related("estate").get(pk=zone.pk)
    if not zone.active:
        raise ValidationError({"__all__": [_("该清洁区域已停用")]})
    current = {
        "name": zone.name, "kind": zone.kind, "building": zone.building,
        "public_area": zone.public_area, "note": zone.note,
        "cleaners": list(zone.cleaners.order_by("name", "id")),
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    values = _clean_values(zone.estate, current | changes, errors, zone)
    people = values.pop("cleaners")
    if "cleaners" in changes and not people and zone.plan_lines.filter(active=True).exists():
        errors["cleaners"] = [_("该区域已有清洁计划，须至少有一名责任人")]
    if errors:
        raise ValidationError(errors)
    values.pop("kind")
    for field, value in values.items():
        setattr(zone, field, value)
    zone.save(update_fields=list(values))
    if "cleaners" in changes:
        zone.cleaners.set(people)
        if people:
            lines_reassign(zone=zone, by=actor, reason=reason or _("责任人调整"))
    return zone


@transaction.atomic
def zone_deactivate(*, zone: CleaningZone, by, reason: str) -> CleaningZone:
    """Stop a zone: its plan lines stop (each a plan revision with ``reason``), its future tasks
    are cancelled; past tasks and records stay."""
    from .cleaning import line_stop

    actor = _actor(by)
    check_lead(actor, zone.estate_id, _("只有环境管理部负责人或企业高层可以停用清洁区域"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写调整原因")]})
    zone = CleaningZone.objects.select_for_update().get(pk=zone.pk)
    if not zone.active:
        return zone
    for line in zone.plan_lines.filter(active=True).order_by("id"):
        line_stop(line=line, by=actor, reason=reason)
    zone.active = False
    zone.save(update_fields=["active"])
    return zone


def _proposals(estate: Estate) -> list[dict]:
    """The standard zones of the estate's layout (CLEAN-01), in the order they are listed."""
    areas = list(PublicArea.objects.filter(estate=estate).select_related("building"))
    buildings = list(Building.objects.filter(estate=estate).order_by("sort", "name"))
    found: list[dict] = []
    roads = [a for a in areas if a.kind == PublicAreaKind.ROAD]
    if roads:
        for area in roads:
            name = _("小区主干道") if len(roads) == 1 else _("%(area)s主干道") % {"area": area.name}
            found.append({"name": name, "kind": ZoneKind.ROAD, "public_area": area})
    else:
        found.append({"name": _("小区主干道"), "kind": ZoneKind.ROAD})
    elevator_buildings = {a.building_id for a in areas if a.kind == PublicAreaKind.ELEVATOR}
    elevator_buildings |= _buildings_with_elevators(estate)
    for building in buildings:
        found.append({
            "name": _("%(b)s楼道及楼梯间") % {"b": building.name}, "kind": ZoneKind.CORRIDOR,
            "building": building,
        })  # fmt: skip
        if building.pk in elevator_buildings:
            found.append({
                "name": _("%(b)s电梯间及轿厢") % {"b": building.name},
                "kind": ZoneKind.ELEVATOR, "building": building,
            })  # fmt: skip
    for area in areas:
        if area.kind == PublicAreaKind.OTHER and any(w in area.name for w in TOILET_WORDS):
            found.append({
                "name": area.name, "kind": ZoneKind.TOILET, "public_area": area,
                "building": area.building,
            })  # fmt: skip
        elif area.kind == PublicAreaKind.GARAGE:
            found.append({"name": area.name, "kind": ZoneKind.GARAGE, "public_area": area})
    return found


def _buildings_with_elevators(estate: Estate) -> set[int]:
    from wuye.facilities.choices import EquipmentCategory
    from wuye.facilities.models import Equipment

    return set(
        Equipment.objects.filter(
            estate=estate, category=EquipmentCategory.ELEVATOR, building__isnull=False
        ).values_list("building_id", flat=True)
    )


@transaction.atomic
def zones_build(*, estate: Estate, by, cleaners: Iterable[Staff] = ()) -> list[CleaningZone]:
    """Create the standard zones the estate does not have yet (CLEAN-01): a proposal whose place
    (building and kind, or public area) or name is already zoned is skipped, so a second run
    creates nothing. ``cleaners`` are named on every new zone. Returns the zones created."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有环境管理部负责人或企业高层可以划分清洁区域"))
    existing = list(CleaningZone.objects.filter(estate=estate))
    names = {z.name for z in existing}
    places = {(z.kind, z.building_id, z.public_area_id) for z in existing}
    areas = {z.public_area_id for z in existing if z.public_area_id}
    made = []
    for proposal in _proposals(estate):
        area = proposal.get("public_area")
        building = proposal.get("building")
        place = (proposal["kind"], building.pk if building else None, area.pk if area else None)
        if proposal["name"] in names or place in places or (area and area.pk in areas):
            continue
        if (
            proposal["kind"] == ZoneKind.ROAD
            and area is None
            and any(z.kind == ZoneKind.ROAD for z in existing)
        ):
            continue
        zone = zone_create(estate=estate, by=actor, cleaners=cleaners, **proposal)
        names.add(zone.name)
        places.add(place)
        made.append(zone)
    return made
