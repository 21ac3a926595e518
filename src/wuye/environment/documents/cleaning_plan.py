"""The 《清洁卫生计划》 as people read it: each line's work, frequency in words, cleaner, photos,
checklist and — for disinfection — the dilution for the estate's bucket (CLEAN-10); a plan
revision's changes in words; the plan as an Excel sheet (the plan page and the API)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import WorkKind, ZoneKind
from ..models import EnvironmentProfile, PlanLine
from ..services.cleaning import dilution, frequency_text
from ..services.zones import profile_get

__all__ = ["LineRow", "change_texts", "cleaning_plan_xlsx", "dilution_text", "line_rows"]


@dataclass
class LineRow:
    line: PlanLine
    work: str
    frequency: str
    times: str
    due_hours: int
    assignee: str
    photos: int
    checklist: str
    dilution: str


def dilution_text(profile: EnvironmentProfile) -> str:
    """CLEAN-10: "84消毒液 99 毫升 + 水 9.90 升（10 升桶，1:100）"."""
    ml, water = dilution(profile.bucket_litres)
    return _("84消毒液 %(ml)d 毫升 + 水 %(w)s 升（%(l)s 升桶，1:100）") % {
        "ml": ml, "w": f"{Decimal(water) / 1000:.2f}",
        "l": f"{profile.bucket_litres.normalize():f}",
    }  # fmt: skip


def line_rows(lines: Iterable[PlanLine], profile: EnvironmentProfile) -> list[LineRow]:
    text = dilution_text(profile)
    rows = []
    for line in lines:
        schedule = line.schedule
        spec = getattr(schedule, "spec", None)
        staff = getattr(schedule.assignee, "staff", None) if schedule.assignee_id else None
        checklist = spec.checklist if spec is not None and spec.checklist_id else None
        rows.append(LineRow(
            line=line, work=line.get_work_display(), frequency=frequency_text(line, profile),
            times="、".join(schedule.times or []), due_hours=schedule.due_amount,
            assignee=staff.name if staff else "", photos=spec.photos if spec else 0,
            checklist=checklist.name if checklist else "",
            dilution=text if line.work == WorkKind.DISINFECT else "",
        ))  # fmt: skip
    return rows


# --- A revision's changes in words ---------------------------------------------------------


def _labels() -> dict[str, str]:
    return {
        "work": _("作业内容"), "times": _("作业时间"), "every_days": _("间隔天数"),
        "due_hours": _("完成时限（小时）"), "assignee": _("执行人"), "photos": _("照片数"),
        "active": _("启用"), "bucket_litres": _("消毒桶容量（升）"),
    }  # fmt: skip


def _value(key: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if key == "work":
        return str(WorkKind(value).label) if value in WorkKind.values else str(value)
    if key == "times" and isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _summary(described: dict) -> str:
    parts = [_value("work", described.get("work"))]
    if described.get("times"):
        parts.append(_value("times", described["times"]))
    if described.get("assignee"):
        parts.append(str(described["assignee"]))
    return " ".join(parts)


def change_texts(changes: dict) -> list[str]:
    """["新增：清扫 07:00、14:00 张阿姨", "作业时间：07:00、14:00 → 06:30、14:00", …]."""
    labels = _labels()
    texts = []
    for key, value in (changes or {}).items():
        if key == "added" and isinstance(value, dict):
            texts.append(_("新增：%(s)s") % {"s": _summary(value)})
        elif key == "stopped" and isinstance(value, dict):
            texts.append(_("停用：%(s)s") % {"s": _summary(value)})
        elif isinstance(value, list | tuple) and len(value) == 2:
            texts.append(f"{labels.get(key, key)}：{_value(key, value[0])} → "
                         f"{_value(key, value[1])}")  # fmt: skip
        else:
            texts.append(f"{labels.get(key, key)}：{_value(key, value)}")
    return texts


# --- Excel ---------------------------------------------------------------------------------


def cleaning_plan_xlsx(estate, lines: Iterable[PlanLine]) -> HttpResponse:
    """《清洁卫生计划》: one row per line, by zone kind and zone."""
    profile = profile_get(estate)
    lines = sorted(lines, key=lambda x: (list(ZoneKind.values).index(x.zone.kind)
                                         if x.zone.kind in ZoneKind.values else 99,
                                         x.zone.name, x.work, x.pk))  # fmt: skip
    headers = [_("区域"), _("区域类型"), _("责任人"), _("作业内容"), _("频次"), _("作业时间"),
               _("完成时限（小时）"), _("执行人"), _("照片数"), _("消毒液配比")]  # fmt: skip
    rows = []
    for row in line_rows(lines, profile):
        zone = row.line.zone
        cleaners = "、".join(c.name for c in zone.cleaners.filter(is_active=True).order_by("name"))
        rows.append([zone.name, zone.get_kind_display(), cleaners, row.work, row.frequency,
                     row.times, row.due_hours, row.assignee, row.photos, row.dilution])  # fmt: skip
    title = _("清洁卫生计划")
    return xlsx_response(
        filename=dated_filename(estate.name, title), title=title, headers=headers, rows=rows,
        text_columns=(5,), widths=(16, 14, 16, 10, 28, 24, 10, 10, 8, 40),
    )  # fmt: skip
