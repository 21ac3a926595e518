"""Reads of the greening plan (《绿化养护计划》): the areas × months grid, its lines with their
timing in words, its revisions, and the rows of its Excel export."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wuye.core.models import Estate
from wuye.core.scoping import actor_for, get_or_404, scope_to_estates
from wuye.workflow.models import Frequency

from ..choices import SEASON_MONTHS
from ..models import GreenArea, PlanLine, PlanRevision

__all__ = [
    "PlanRow",
    "line_get_for_user",
    "line_months",
    "line_timing",
    "lines_for_user",
    "plan_grid",
    "revisions_for_user",
]

MONTHS = tuple(range(1, 13))


def lines_for_user(user) -> QuerySet[PlanLine]:
    qs = PlanLine.objects.filter(green_area__isnull=False).select_related(
        "estate", "green_area", "schedule__assignee__staff", "schedule__spec"
    )
    return scope_to_estates(qs, actor_for(user))


def line_get_for_user(user, pk) -> PlanLine:
    return get_or_404(lines_for_user(user), pk)


def revisions_for_user(user) -> QuerySet[PlanRevision]:
    qs = PlanRevision.objects.filter(green_area__isnull=False).select_related(
        "green_area", "line", "by"
    )
    return scope_to_estates(qs, actor_for(user))


def line_months(line: PlanLine) -> list[int]:
    """The months a line works in: its season's, or those of a temporary line's dates."""
    schedule = line.schedule
    if schedule.months:
        return list(schedule.months)
    if schedule.end is None:
        return list(MONTHS)
    found, index = [], schedule.anchor.year * 12 + schedule.anchor.month - 1
    while index <= schedule.end.year * 12 + schedule.end.month - 1 and len(found) < 12:
        found.append(index % 12 + 1)
        index += 1
    return found


def line_timing(line: PlanLine) -> str:
    """ "6-8月 每天 07:00", "3-5月 每14天 08:00", "每月10日", "07-21至07-24 每天 17:00"."""
    s = line.schedule
    times = "、".join(s.times or [])
    if s.frequency == Frequency.DAILY:
        span = f"{s.anchor:%m-%d}" + (_("至%(end)s") % {"end": f"{s.end:%m-%d}"} if s.end else "")
        return f"{span} {_('每天')} {times}".strip()
    months = s.months
    season = next((k for k, v in SEASON_MONTHS.items() if list(v) == sorted(months)), None)
    if season is None:
        span = "、".join(str(m) for m in months) + _("月")
    else:
        first, last = SEASON_MONTHS[season][0], SEASON_MONTHS[season][-1]
        span = _("%(a)d-%(b)d月") % {"a": first, "b": last}
    if s.day_of_month:
        every = _("每月%(d)d日") % {"d": s.day_of_month}
    elif s.interval == 1:
        every = _("每天")
    else:
        every = _("每%(n)d天") % {"n": s.interval}
    return f"{span} {every} {times}".strip()


@dataclass
class PlanRow:
    area: GreenArea
    # 12 cells (January..December), each the lines working that month.
    months: list[list[PlanLine]] = field(default_factory=list)
    lines: list[PlanLine] = field(default_factory=list)


def plan_grid(estate: Estate, *, active_only: bool = True) -> list[PlanRow]:
    """The areas × months grid of the plan: each area's active lines in their months."""
    lines = PlanLine.objects.filter(estate=estate, green_area__isnull=False).select_related(
        "schedule__assignee__staff", "schedule__spec"
    )
    if active_only:
        lines = lines.filter(active=True)
    by_area: dict[int, list[PlanLine]] = {}
    for line in lines.order_by("season", "work", "pk"):
        line.timing = line_timing(line)
        line.month_set = set(line_months(line))
        by_area.setdefault(line.green_area_id, []).append(line)
    rows = []
    for area in GreenArea.objects.filter(estate=estate, active=True).order_by("kind", "name"):
        mine = by_area.get(area.pk, [])
        row = PlanRow(area=area, lines=mine)
        row.months = [[line for line in mine if month in line.month_set] for month in MONTHS]
        rows.append(row)
    return rows


def plan_export(estate: Estate):
    """The plan as an Excel file (the plan page and the API): each line with its timing,
    gardener, certificate and a mark in each month it works."""
    from wuye.base.xlsx import dated_filename, xlsx_response

    months = [_("%(m)d月") % {"m": m} for m in MONTHS]
    headers = [_("区域"), _("绿化类型"), _("季节"), _("作业内容"), _("频次"), _("养护人"),
               _("所需证书"), *months]  # fmt: skip
    rows = []
    for row in plan_grid(estate):
        for line in row.lines:
            spec = getattr(line.schedule, "spec", None)
            assignee = getattr(line.schedule.assignee, "staff", None)
            rows.append([
                row.area.name, row.area.get_kind_display(), line.get_season_display(),
                line.get_work_display(), line.timing, assignee.name if assignee else "",
                spec.get_certificate_display() if spec and spec.certificate else "",
                *["✓" if m in line.month_set else "" for m in MONTHS],
            ])  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("绿化养护计划")), title=_("绿化养护计划"),
        headers=headers, rows=rows, widths=[16, 10, 14, 12, 26, 10, 20, *[5] * 12],
    )  # fmt: skip
