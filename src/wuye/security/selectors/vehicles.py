"""Reads of the 《车辆管理台账》 and the parking areas: scoped lists with their filters, and the
guidance the gate screen shows (VEHICLE-05)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from wuye.core.scoping import Actor

from ..choices import ParkingAreaKind, PlateKind, StayStatus
from ..models import MonthlyPass, ParkingArea, ParkingStay, Vehicle

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# VEHICLE-10: province + issuing-office letter + 5 characters (blue/yellow plates, I and O are
# never used), or 6 for a new-energy (green) plate: D/A/B/C/E (electric) or F/G/H/J/K
# (hybrid) then a letter or digit and 4 digits (small cars), or 5 digits then D/F (large).
_LETTER = "A-HJ-NP-Z"
_FUEL = re.compile(rf"^[{PROVINCES}][{_LETTER}][{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警]$")
_NEW_ENERGY = re.compile(
    rf"^[{PROVINCES}][{_LETTER}](?:[A-HJK][{_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[A-HJK])$"
)
_SEPARATORS = re.compile(r"[\s·•・.．\-－_]")


# --- Plates -------------------------------------------------------------------------------------


def plate_normalize(text: str) -> str:
    """ "京a·12345", "京A 12345", full-width "京Ａ１２３４５" → "京A12345" (not checked)."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SEPARATORS.sub("", text).upper()


def plate_kind(plate: str) -> str | None:
    """The kind of a normalised plate, or None when it is no Chinese plate (VEHICLE-10)."""
    if _NEW_ENERGY.match(plate):
        return PlateKind.NEW_ENERGY
    if _FUEL.match(plate):
        return PlateKind.FUEL
    return None


def plate_clean(text: str, *, field: str = "plate") -> str:
    """The normalised plate, or ValidationError in words a guard understands."""
    plate = plate_normalize(text)
    if not plate:
        raise ValidationError({field: [_("请填写车牌号，如 京A12345")]})
    if plate_kind(plate) is None:
        raise ValidationError(
            {field: [_("车牌号格式不正确：省份简称 + 字母 + 5 位（新能源 6 位），如 京A12345")]}
        )
    return plate


# --- Lists ---------------------------------------------------------------------------------------


def _scoped(qs: QuerySet, actor: Actor, estate_id: int | None) -> QuerySet:
    if not actor.is_superuser:
        if not actor.is_staff_member:
            return qs.none()
        qs = qs.filter(estate_id__in=actor.estate_ids)
    if estate_id is not None:
        qs = qs.filter(estate_id=estate_id)
    return qs


def vehicle_list(
    *, actor: Actor, estate_id: int | None = None, q: str = "", plate_kind: str = "",
    active: bool | None = True, has_pass_on: dt.date | None = None,
) -> QuerySet[Vehicle]:  # fmt: skip
    """The ledger: search by plate, owner, room or space number; ``has_pass_on``: with a
    monthly pass valid that day."""
    qs = _scoped(Vehicle.objects.all(), actor, estate_id).select_related(
        "estate", "owner", "room__building", "room__unit", "parking_space"
    )
    if q:
        qs = qs.filter(
            Q(plate__icontains=plate_normalize(q)) | Q(owner__name__icontains=q)
            | Q(room__number__icontains=q) | Q(parking_space__number__icontains=q)
        )  # fmt: skip
    if plate_kind:
        qs = qs.filter(plate_kind=plate_kind)
    if active is not None:
        qs = qs.filter(active=active)
    if has_pass_on is not None:
        qs = qs.filter(passes__start__lte=has_pass_on, passes__end__gte=has_pass_on).distinct()
    return qs.prefetch_related(
        Prefetch("passes", queryset=MonthlyPass.objects.order_by("-start"), to_attr="pass_list")
    ).order_by("plate", "id")


def parking_area_list(*, actor: Actor, estate_id: int | None = None,
                      kind: str = "") -> QuerySet[ParkingArea]:  # fmt: skip
    qs = _scoped(ParkingArea.objects.all(), actor, estate_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(inside=Count("stays", filter=Q(stays__status=StayStatus.INSIDE))).order_by(
        "estate_id", "kind", "name"
    )


@dataclass(frozen=True)
class Guidance:
    """VEHICLE-05: where the gate sends cars — the temporary spaces still free."""

    temporary_capacity: int
    temporary_inside: int
    areas: list

    @property
    def temporary_free(self) -> int:
        return max(self.temporary_capacity - self.temporary_inside, 0)


def parking_guidance(estate_id: int) -> Guidance:
    areas = list(
        ParkingArea.objects.filter(estate_id=estate_id, active=True)
        .annotate(inside=Count("stays", filter=Q(stays__status=StayStatus.INSIDE)))
        .order_by("kind", "name")
    )
    temporary = [a for a in areas if a.kind == ParkingAreaKind.TEMPORARY]
    # Temporary cars inside without an area (all full at entry) take temporary spaces too.
    inside = ParkingStay.objects.filter(estate_id=estate_id, status=StayStatus.INSIDE).count()
    return Guidance(
        temporary_capacity=sum(a.capacity for a in temporary),
        temporary_inside=inside,
        areas=areas,
    )
