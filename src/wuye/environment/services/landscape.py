"""Landscape planning (景观规划, GREEN-03/04): the estate's positioning, the planting layers that
follow from it and the landscape plan text, kept on the estate's ``EnvironmentProfile``.

GREEN-03: landscape planning comes first; the greening maintenance plan (``services.greening``)
is refused until the landscape plan exists (``landscape_require``).

Only the landscape fields of the profile are written here: the cleaning fields of the same row
belong to the cleaning plan's page, so every save names its ``update_fields``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for

from ..choices import PlantingLayer, Positioning
from ..models import EnvironmentProfile

__all__ = [
    "LANDSCAPE_PLAN_MAX",
    "LAYER_SUGGESTIONS",
    "LEAD_ROLES",
    "check_lead",
    "landscape_plan_record",
    "landscape_planned",
    "landscape_require",
    "layers_suggest",
    "profile_get_or_create",
]

LANDSCAPE_PLAN_MAX = 2000
# GREEN-02: the environment department (its head, or the company's executives) plans.
LEAD_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})

L = PlantingLayer
# GREEN-04: the layers suggested for a positioning (the head may choose others):
# - high-end residential: the full "乔木+灌木+花卉" layering the manual names;
# - improvement homes: trees and shrubs over lawns;
# - first-home estates: trees over lawns, cheap to keep;
# - mixed use: trees, lawns and flowers at the shop fronts; other: trees over lawns.
LAYER_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    Positioning.HIGH_END: (L.TREE, L.SHRUB, L.FLOWER),
    Positioning.IMPROVEMENT: (L.TREE, L.SHRUB, L.LAWN),
    Positioning.FIRST_HOME: (L.TREE, L.LAWN),
    Positioning.MIXED_USE: (L.TREE, L.LAWN, L.FLOWER),
    Positioning.OTHER: (L.TREE, L.LAWN),
}
LAYER_ORDER = [layer.value for layer in PlantingLayer]


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def check_lead(actor: Actor, estate_id: int, message: str) -> None:
    """Out of the actor's estates: 404; not a lead of the environment department: 403."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in LEAD_ROLES:
        raise PermissionDenied(message)


def layers_suggest(positioning: str) -> list[str]:
    """GREEN-04: the planting layers a positioning suggests (empty for no positioning)."""
    return [str(layer) for layer in LAYER_SUGGESTIONS.get(positioning, ())]


def profile_get_or_create(estate: Estate) -> EnvironmentProfile:
    """The estate's environment profile, created with its defaults on first use (a race of two
    first uses ends in one row: get_or_create retries the read on the unique estate)."""
    profile, _created = EnvironmentProfile.objects.get_or_create(estate=estate)
    return profile


def landscape_planned(estate: Estate) -> bool:
    """GREEN-03: whether the landscape plan (positioning, layers and text) is recorded."""
    return (
        EnvironmentProfile.objects.filter(estate=estate, landscape_planned_at__isnull=False)
        .exclude(positioning="")
        .exclude(landscape_plan="")
        .exists()
    )


def landscape_require(estate: Estate) -> None:
    """GREEN-03: refuse the maintenance plan before the landscape plan."""
    if not landscape_planned(estate):
        message = _("请先制定绿化景观规划（小区定位、种植层次和规划说明），再制定养护计划")
        raise ValidationError({"landscape": [message]})


def _clean_layers(layers, errors: dict) -> list[str]:
    if not isinstance(layers, list | tuple) or not all(isinstance(x, str) for x in layers):
        errors["layers"] = [_("请选择种植层次")]
        return []
    unknown = [x for x in layers if x not in PlantingLayer.values]
    if unknown:
        errors["layers"] = [_("种植层次无效")]
        return []
    if not layers:
        errors["layers"] = [_("请至少选择一个种植层次")]
    return sorted(set(layers), key=LAYER_ORDER.index)


@transaction.atomic
def landscape_plan_record(
    *,
    estate: Estate,
    by,
    positioning: str,
    landscape_plan: str,
    layers: list[str] | None = None,
) -> EnvironmentProfile:
    """Record (or revise) the landscape plan of the estate (GREEN-03/04). ``layers`` None: the
    layers the positioning suggests. Writes only the landscape fields of the profile."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有部门负责人或企业高层可以制定绿化景观规划"))
    errors: dict[str, list[str]] = {}
    if positioning not in Positioning.values:
        errors["positioning"] = [_("请选择小区定位")]
    plan = str(landscape_plan or "").strip()
    if not plan:
        errors["landscape_plan"] = [_("请填写绿化景观规划")]
    elif len(plan) > LANDSCAPE_PLAN_MAX:
        errors["landscape_plan"] = [
            _("绿化景观规划不能超过 %(n)d 个字") % {"n": LANDSCAPE_PLAN_MAX}
        ]
    if layers is None:
        chosen = layers_suggest(positioning) if not errors.get("positioning") else []
    else:
        chosen = _clean_layers(layers, errors)
    if errors:
        raise ValidationError(errors)
    profile_get_or_create(estate)
    profile = EnvironmentProfile.objects.select_for_update().get(estate=estate)
    now = timezone.now()
    profile.positioning = positioning
    profile.layers = chosen
    profile.landscape_plan = plan
    profile.landscape_planned_at = now
    profile.updated_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    profile.updated_at = now
    profile.save(
        update_fields=[
            "positioning", "layers", "landscape_plan", "landscape_planned_at",
            "updated_by", "updated_at",
        ]
    )  # fmt: skip
    return profile
