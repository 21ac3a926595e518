"""Reads of green areas (GREEN-01/02), the landscape plan (GREEN-04) and the gardeners' skills
(GREEN-14), scoped to what the user may see (other estates' rows are a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from wuye.core.choices import Role
from wuye.core.models import Estate, Staff
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.fieldwork.models import Certificate
from wuye.fieldwork.selectors.certificates import WARN_DAYS

from ..choices import TRAINING_PREFIX, GreenKind
from ..models import EnvironmentProfile, GreenArea, PlanLine, PlanRevision

__all__ = [
    "AREA_LIST_MAX",
    "SkillRow",
    "green_area_get_for_user",
    "green_areas_filter",
    "green_areas_for_user",
    "landscape_profile",
    "skills_table",
]

AREA_LIST_MAX = 5000  # rows of an export


def green_areas_for_user(user) -> QuerySet[GreenArea]:
    qs = GreenArea.objects.select_related("estate", "public_area").prefetch_related(
        Prefetch("gardeners", queryset=Staff.objects.order_by("name", "pk"))
    )
    return scope_to_estates(qs, actor_for(user))


def green_area_get_for_user(user, pk) -> GreenArea:
    return get_or_404(green_areas_for_user(user), pk)


def green_areas_filter(
    qs: QuerySet[GreenArea], *, kind: str = "", q: str = "", active: str = "1",
    gardener: int | None = None,
) -> QuerySet[GreenArea]:  # fmt: skip
    """The list's filters: kind, a search of name and planting, in use or stopped, gardener."""
    if kind in GreenKind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(planting__icontains=q))
    if active == "1":
        qs = qs.filter(active=True)
    elif active == "0":
        qs = qs.filter(active=False)
    if gardener:
        qs = qs.filter(gardeners=gardener)
    return qs.order_by("kind", "name", "pk")


def landscape_profile(estate: Estate) -> EnvironmentProfile | None:
    return EnvironmentProfile.objects.filter(estate=estate).select_related("updated_by").first()


def area_lines(area: GreenArea) -> QuerySet[PlanLine]:
    return (
        PlanLine.objects.filter(green_area=area)
        .select_related("schedule__assignee__staff", "schedule__spec")
        .order_by("-active", "season", "work", "pk")
    )


def area_revisions(area: GreenArea, limit: int = 30) -> list[PlanRevision]:
    return list(PlanRevision.objects.filter(green_area=area).select_related("by", "line")[:limit])


# --- Skills (GREEN-14) ---------------------------------------------------------------------------


@dataclass
class SkillCell:
    kind: str
    state: str  # valid / expiring / expired / missing
    certificate: Certificate | None = None


@dataclass
class SkillRow:
    staff: Staff
    cells: list[SkillCell] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(cell.state in ("valid", "expiring") for cell in self.cells)


def skill_state(certificate: Certificate | None, today: dt.date) -> str:
    if certificate is None:
        return "missing"
    if certificate.revoked or certificate.expires_on < today:
        return "expired"
    if certificate.expires_on <= today + dt.timedelta(days=WARN_DAYS):
        return "expiring"
    return "valid"


def estate_gardeners(estate: Estate):
    """GREEN-02: the estate's gardeners (active staff of role gardener working in it)."""
    return Staff.objects.filter(estates=estate, role=Role.GARDENER, is_active=True).order_by(
        "name", "pk"
    )


def skills_table(estate: Estate, today: dt.date, kinds) -> list[SkillRow]:
    """Each gardener of the estate with their newest certificate of each kind (the one valid
    longest; revoked ones only when nothing else): valid, expiring within 30 days, expired or
    missing."""
    gardeners = list(estate_gardeners(estate))
    certificates = Certificate.objects.filter(staff__in=gardeners, kind__in=list(kinds)).order_by(
        "revoked", "-expires_on", "-pk"
    )
    best: dict[tuple[int, str], Certificate] = {}
    for certificate in certificates:
        best.setdefault((certificate.staff_id, certificate.kind), certificate)
    rows = []
    for staff in gardeners:
        row = SkillRow(staff=staff)
        for kind in kinds:
            found = best.get((staff.pk, kind))
            row.cells.append(
                SkillCell(kind=kind, state=skill_state(found, today), certificate=found)
            )
        rows.append(row)
    return rows


def trainings(estate: Estate, limit: int = 50) -> list[dict]:
    """The estate's training sessions (one reference, its attendees), newest first."""
    rows = (
        Certificate.objects.filter(
            kind="training", company_id=estate.company_id,
            number__startswith=f"{TRAINING_PREFIX}{estate.code}-",
        )
        .select_related("staff")
        .order_by("-issued_on", "number", "staff__name")
    )  # fmt: skip
    sessions: dict[str, dict] = {}
    for certificate in rows:
        session = sessions.setdefault(
            certificate.number,
            {"number": certificate.number, "held_on": certificate.issued_on,
             "issuer": certificate.issuer, "expires_on": certificate.expires_on,
             "attendees": []},
        )  # fmt: skip
        session["attendees"].append(certificate.staff.name)
        if len(sessions) > limit:
            break
    return list(sessions.values())[:limit]


def area_export(estate: Estate, qs: QuerySet[GreenArea]):
    """The filtered green areas as an Excel file (the list page and the API)."""
    from django.utils.translation import gettext as _

    from wuye.base.xlsx import dated_filename, xlsx_response

    rows = [
        (a.name, a.get_kind_display(), a.planting, a.area_m2,
         a.public_area.name if a.public_area else "", "、".join(g.name for g in a.gardeners.all()),
         _("在用") if a.active else _("停用"), a.note)
        for a in qs[:AREA_LIST_MAX]
    ]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("绿化区域")), title=_("绿化区域"),
        headers=[_("区域名称"), _("绿化类型"), _("主要植物"), _("面积（㎡）"), _("公共区域"),
                 _("养护人"), _("状态"), _("说明")],
        rows=rows, widths=[18, 10, 24, 10, 14, 18, 8, 24],
    )  # fmt: skip
