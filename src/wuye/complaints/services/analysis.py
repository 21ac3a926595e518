"""Complaint analysis (投诉分析, COMPLAINT-14/18): an estate's complaints of a period summed up —
by type, department, channel and urgency, the recurring subjects ("电梯 30%"), the handling
deadline kept or not, satisfaction, and eight weeks of trend — and the weekly analysis kept as
generated, with the improvement measures management decides from it.

The period is a range of receipt dates in the estate's time zone, both days included. The
figures are JSON-safe by construction (dates as ISO strings, shares as floats 0–1 rounded to four
places, None when there is nothing to divide), so a week's figures are stored as they are.

Four queries whatever the period: one aggregate, one grouping, the contents for the keyword
count (bounded) and the counts per day of the eight trend weeks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.complaints.choices import Channel, ComplaintType, Status, Urgency
from wuye.complaints.models import Complaint, WeeklyAnalysis
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import NOTE_MAX
from wuye.workflow.choices import ClockState
from wuye.workflow.models import SlaClock

MAX_DAYS = 366
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
TREND_WEEKS = 8
TOP = 10
# The keyword count reads the contents of the period's complaints; a week is small, a year of a
# large estate may not be: past this many the subjects are counted over the newest ones only
# (``keywords_scanned`` says how many were read).
KEYWORD_SCAN_LIMIT = 5000
MEASURES_MAX = NOTE_MAX
HANDLE_CLOCKS = ("handle_general", "handle_urgent")  # COMPLAINT-09/10
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class Subject:
    """A common subject of property complaints and the words that name it in a complaint."""

    code: str
    label: str | Promise
    words: tuple[str, ...]
    # Words that contain one of ``words`` but mean something else (卫生间 is not 卫生).
    not_words: tuple[str, ...] = ()

    def mentioned_in(self, text: str) -> bool:
        for word in self.not_words:
            text = text.replace(word, "")
        return any(word in text for word in self.words)


# COMPLAINT-14/18: the high-frequency problems, found by the words of the complaints. A
# complaint counts once for each subject it mentions.
SUBJECTS: tuple[Subject, ...] = (
    Subject("elevator", gettext_lazy("电梯"), ("电梯", "困梯", "扶梯", "轿厢")),
    Subject("leak", gettext_lazy("漏水/渗水"),
            ("漏水", "渗水", "渗漏", "滴水", "返水", "爆管", "水管破")),
    Subject("noise", gettext_lazy("噪音"), ("噪音", "噪声", "吵", "扰民")),
    Subject("parking", gettext_lazy("停车/车位"), ("停车", "车位", "车库", "乱停", "占道")),
    Subject("fees", gettext_lazy("物业费/收费"),
            ("物业费", "收费", "费用", "乱收", "多收", "缴费", "账单", "水电费")),
    Subject("cleaning", gettext_lazy("保洁/卫生"), ("保洁", "卫生", "打扫", "清洁", "脏"),
            ("卫生间",)),
    Subject("garbage", gettext_lazy("垃圾"), ("垃圾", "清运")),
    Subject("greening", gettext_lazy("绿化"), ("绿化", "草坪", "树木", "修剪", "花草")),
    Subject("access", gettext_lazy("门禁/门岗"), ("门禁", "门岗", "门卡", "道闸", "大门")),
    Subject("security", gettext_lazy("安保/治安"),
            ("安保", "治安", "保安", "巡逻", "被盗", "失窃", "小偷")),
    Subject("express", gettext_lazy("快递"), ("快递", "外卖", "包裹", "驿站")),
    Subject("pets", gettext_lazy("宠物/狗"), ("宠物", "狗", "猫", "犬"), ("猫眼",)),
    Subject("renovation", gettext_lazy("装修"), ("装修", "电钻", "敲墙")),
    Subject("attitude", gettext_lazy("服务态度"),
            ("态度", "不耐烦", "推诿", "爱答不理", "服务差")),
    Subject("repair", gettext_lazy("维修"), ("维修", "报修", "修理", "没修", "修好")),
    Subject("lighting", gettext_lazy("路灯/照明"),
            ("路灯", "照明", "灯不亮", "灯坏", "楼道灯")),
    Subject("water", gettext_lazy("水压/停水"), ("水压", "停水", "没水", "水小", "断水")),
    Subject("power", gettext_lazy("停电"), ("停电", "断电", "跳闸")),
    Subject("odor", gettext_lazy("异味"), ("异味", "臭", "气味")),
    Subject("fire", gettext_lazy("消防"), ("消防", "灭火器", "火警", "烟感")),
    Subject("blockage", gettext_lazy("管道堵塞"), ("堵塞", "堵了", "下水道", "化粪池")),
    Subject("cracks", gettext_lazy("墙面开裂/脱落"), ("开裂", "裂缝", "脱落", "空鼓")),
    Subject("clutter", gettext_lazy("楼道堆物/占用"), ("堆物", "堆放", "杂物", "占用")),
    Subject("pests", gettext_lazy("虫鼠害"), ("老鼠", "蟑螂", "蚊虫", "白蚁")),
    Subject("throwing", gettext_lazy("高空抛物"), ("高空抛物", "抛物", "扔东西")),
    Subject("heating", gettext_lazy("供暖"), ("供暖", "暖气")),
)  # fmt: skip
SUBJECT_LABELS = {s.code: s.label for s in SUBJECTS}


# --- The period ---------------------------------------------------------------------------------


def estate_tz(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(estate: Estate, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the last week that has ended in the estate's time zone."""
    today = (now or timezone.now()).astimezone(estate_tz(estate)).date()
    monday = week_monday(today) - dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=6)


def analysis_period(
    *, estate: Estate, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period asked for; by default the last complete week; one end given: the week from or
    to it. Raises ValidationError (per field) for a start after the end or more than 366 days."""
    if start is None and end is None:
        return last_complete_week(estate)
    for field, day in (("start", start), ("end", end)):
        # The trend reaches eight weeks back: a date near the calendar's ends would overflow.
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError({field: [_("日期应在 2000 年至 2099 年之间")]})
    if end is None:
        end = start + dt.timedelta(days=6)
    if start is None:
        start = end - dt.timedelta(days=6)
    if start > end:
        raise ValidationError({"start": [_("开始日期不能晚于结束日期")]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": [_("统计区间最长 366 天")]})
    return start, end


def _bounds(tz: ZoneInfo, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of the first day and of the day after the last (exclusive)."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _rows(counts: Counter, labels: dict[str, str], total: int, order: list[str]) -> list[dict]:
    return [
        {"code": code, "label": labels[code], "count": counts[code],
         "share": _share(counts[code], total)}
        for code in order
    ]  # fmt: skip


def _other_label(detail: str) -> str:
    return _("%(type)s：%(other)s") % {"type": ComplaintType.OTHER.label, "other": detail}


def subjects_of(text: str) -> list[str]:
    """The codes of the subjects a complaint's text mentions (each once)."""
    text = text.lower()
    return [s.code for s in SUBJECTS if s.mentioned_in(text)]


# --- The figures ---------------------------------------------------------------------------------


def complaint_analysis(*, estate: Estate, start: dt.date, end: dt.date) -> dict:
    """COMPLAINT-14: the figures of ``estate``'s complaints received from ``start`` to ``end``
    (local dates, inclusive). Every complaint counts in the breakdowns, cancelled ones too (they
    were received); the overdue rate leaves cancelled complaints out (their clocks were stopped
    by the cancellation, not by the handling)."""
    tz = estate_tz(estate)
    lo, hi = _bounds(tz, start, end)
    now = timezone.now()
    complaints = Complaint.objects.filter(estate=estate, received_at__gte=lo, received_at__lt=hi)

    # 1. Counts and scores. A handling clock (COMPLAINT-09/10) is breached when the sweep said
    # so or when it is still running past its due time (the sweep has not come by yet).
    handle = SlaClock.objects.filter(case=OuterRef("case"), key__in=HANDLE_CLOCKS).exclude(
        state=ClockState.CANCELLED
    )
    late = handle.filter(Q(state=ClockState.BREACHED) | Q(state=ClockState.RUNNING, due_at__lt=now))
    live = ~Q(case__status=Status.CANCELLED)
    figures = complaints.aggregate(
        total=Count("pk"),
        cancelled=Count("pk", filter=Q(case__status=Status.CANCELLED)),
        major=Count("pk", filter=Q(is_major=True)),
        reopened=Count("pk", filter=Q(reopened_from__isnull=False)),
        rated=Count("satisfaction"),
        satisfaction=Avg("satisfaction"),
        with_clock=Count("pk", filter=live & Q(Exists(handle))),
        overdue=Count("pk", filter=live & Q(Exists(late))),
    )
    total = figures["total"]

    # 2. Type, the free text of 其他, department, channel and urgency: one grouping.
    by_type: Counter[str] = Counter()
    others: Counter[str] = Counter()
    by_department: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_urgency: Counter[str] = Counter()
    grouped = (
        complaints.order_by()
        .values("type", "type_other", "department", "channel", "urgency")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        n = row["n"]
        by_type[row["type"]] += n
        if row["type"] == ComplaintType.OTHER:
            others[row["type_other"].strip() or _("未说明")] += n
        by_department[row["department"] or UNASSIGNED] += n
        by_channel[row["channel"]] += n
        by_urgency[row["urgency"]] += n

    # 3. The subjects the contents mention (COMPLAINT-14 "电梯 30%").
    contents = complaints.order_by("-received_at").values_list("content", "type_other")
    by_subject: Counter[str] = Counter()
    scanned = 0
    for content, type_other in contents[:KEYWORD_SCAN_LIMIT]:
        scanned += 1
        by_subject.update(subjects_of(f"{content} {type_other}"))

    # 4. Eight Monday-start weeks ending with the period's last week, counted per local day.
    last_monday = week_monday(end)
    first_monday = last_monday - dt.timedelta(weeks=TREND_WEEKS - 1)
    trend_lo, trend_hi = _bounds(tz, first_monday, last_monday + dt.timedelta(days=6))
    per_week: Counter[dt.date] = Counter()
    per_day = (
        Complaint.objects.filter(estate=estate, received_at__gte=trend_lo, received_at__lt=trend_hi)
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    for row in per_day:
        per_week[week_monday(row["day"])] += row["n"]

    type_labels = {t.value: str(t.label) for t in ComplaintType}
    dept_labels = {d.value: str(d.label) for d in DepartmentKind} | {UNASSIGNED: _("未分派")}
    type_rows = _rows(by_type, type_labels, total, list(ComplaintType.values))
    for row in type_rows:
        row["others"] = []
        if row["code"] == ComplaintType.OTHER:
            row["others"] = [
                {"label": label, "count": n, "share": _share(n, total)}
                for label, n in sorted(others.items(), key=lambda item: (-item[1], item[0]))
            ]
    # (a) the subjects by type: each type, 其他 split by what it was.
    recurring = [
        {"code": row["code"], "detail": "", "label": row["label"], "count": row["count"]}
        for row in type_rows
        if row["code"] != ComplaintType.OTHER and row["count"]
    ]
    recurring += [
        {"code": ComplaintType.OTHER.value, "detail": other["label"],
         "label": _other_label(other["label"]), "count": other["count"]}
        for row in type_rows
        for other in row["others"]
    ]  # fmt: skip
    recurring.sort(key=lambda r: -r["count"])  # stable: ties keep the types' order
    departments = sorted(
        (code for code in by_department if code != UNASSIGNED),
        key=lambda code: (-by_department[code], code),
    )
    if by_department[UNASSIGNED]:
        departments.append(UNASSIGNED)
    subjects = sorted(
        (s for s in SUBJECTS if by_subject[s.code]), key=lambda s: -by_subject[s.code]
    )[:TOP]  # stable: ties keep the dictionary's order
    return {
        "estate_id": estate.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": (end - start).days + 1,
        "time_zone": str(tz),
        "total": total,
        "cancelled": figures["cancelled"],
        "major": figures["major"],
        "reopened": figures["reopened"],
        "by_type": type_rows,
        "by_department": _rows(by_department, dept_labels, total, departments),
        "by_channel": _rows(
            by_channel, {c.value: str(c.label) for c in Channel}, total, list(Channel.values)
        ),
        "by_urgency": _rows(
            by_urgency, {u.value: str(u.label) for u in Urgency}, total, list(Urgency.values)
        ),
        "top_types": [{**r, "share": _share(r["count"], total)} for r in recurring[:TOP]],
        "top_subjects": [
            {
                "code": s.code,
                "label": str(s.label),
                "words": list(s.words),
                "count": by_subject[s.code],
                "share": _share(by_subject[s.code], scanned),
            }
            for s in subjects
        ],
        "keywords_scanned": scanned,
        "handling": {
            "with_clock": figures["with_clock"],
            "overdue": figures["overdue"],
            "overdue_rate": _share(figures["overdue"], figures["with_clock"]),
        },
        "satisfaction": {
            "rated": figures["rated"],
            "average": None
            if figures["satisfaction"] is None
            else round(float(figures["satisfaction"]), 2),
        },
        "trend": [
            {
                "week_start": monday.isoformat(),
                "week_end": (monday + dt.timedelta(days=6)).isoformat(),
                "count": per_week[monday],
            }
            for monday in (first_monday + dt.timedelta(weeks=i) for i in range(TREND_WEEKS))
        ],
    }


def relabel(figures: dict) -> dict:
    """Stored figures with the labels of today's language (they were stored in the language of
    the job that generated them); the free text of 其他 stays as written."""
    labels = {
        "by_type": {t.value: t.label for t in ComplaintType},
        "by_department": {d.value: d.label for d in DepartmentKind} | {UNASSIGNED: _("未分派")},
        "by_channel": {c.value: c.label for c in Channel},
        "by_urgency": {u.value: u.label for u in Urgency},
        "top_subjects": SUBJECT_LABELS,
    }
    out = dict(figures)
    out["top_types"] = [
        {**row, "label": _other_label(row["detail"]) if row.get("detail")
         else str(labels["by_type"].get(row.get("code"), row.get("label", "")))}
        for row in figures.get("top_types", [])
    ]  # fmt: skip
    for key, names in labels.items():
        out[key] = [
            {**row, "label": str(names.get(row.get("code"), row.get("label", "")))}
            for row in figures.get(key, [])
        ]
    return out


# --- The weekly analysis (COMPLAINT-14) ----------------------------------------------------------


def complaint_weekly_generate(*, now: dt.datetime | None = None) -> int:
    """Periodic job: for every estate, the analysis of the last complete Monday–Sunday week in
    its time zone, created once (the unique (estate, week) row makes it idempotent, also with
    several workers at once). Returns how many were created."""
    now = now or timezone.now()
    estates = list(Estate.objects.order_by("pk"))
    weeks = {estate.pk: last_complete_week(estate, now)[0] for estate in estates}
    existing = set(
        WeeklyAnalysis.objects.filter(week_start__in=set(weeks.values())).values_list(
            "estate_id", "week_start"
        )
    )
    created = 0
    for estate in estates:
        monday = weeks[estate.pk]
        if (estate.pk, monday) in existing:
            continue
        figures = complaint_analysis(estate=estate, start=monday, end=monday + dt.timedelta(days=6))
        with transaction.atomic():
            _row, made = WeeklyAnalysis.objects.get_or_create(
                estate=estate,
                week_start=monday,
                defaults={"figures": figures, "generated_at": now},
            )
        created += made
    return created


def may_set_measures(actor: Actor, estate: Estate) -> bool:
    """COMPLAINT-14/18: department heads and executives of the estate decide the measures."""
    if actor.is_superuser:
        return True
    return actor.role in (Role.DEPARTMENT_HEAD, Role.EXECUTIVE) and estate.pk in actor.estate_ids


@transaction.atomic
def weekly_measures_save(*, analysis: WeeklyAnalysis, measures: str, by) -> WeeklyAnalysis:
    """COMPLAINT-14/18: the improvement measures decided from a week's analysis (e.g. "电梯维保
    改为每10天一次"). Department heads and executives of the estate; others PermissionDenied."""
    actor = by if isinstance(by, Actor) else actor_for(by)
    if not may_set_measures(actor, analysis.estate):
        raise PermissionDenied(_("只有本项目的部门负责人或企业高层可以填写改进措施"))
    text = str(measures or "").strip()
    if "\x00" in text:
        raise ValidationError({"measures": [_("内容含有无效字符")]})
    if len(text) > MEASURES_MAX:
        raise ValidationError(
            {"measures": [_("不能超过 %(limit)d 字（现有 %(n)d 字）")
                          % {"limit": MEASURES_MAX, "n": len(text)}]}
        )  # fmt: skip
    analysis.measures = text
    analysis.measures_by = actor.user
    analysis.save(update_fields=["measures", "measures_by"])
    return analysis


@dataclass(frozen=True)
class AnalysisShown:
    """What the analysis page and its export show: the figures, their period and, for a stored
    week, that week (with its measures)."""

    figures: dict
    start: dt.date
    end: dt.date
    stored: WeeklyAnalysis | None


def analysis_shown(
    *,
    estate: Estate,
    stored: WeeklyAnalysis | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> AnalysisShown:
    """A range counted now (``period``), else a stored week as it was generated (``stored``),
    else the last complete week counted now."""
    if period is None and stored is None:
        period = last_complete_week(estate)
    if period is not None:
        start, end = period
        figures = complaint_analysis(estate=estate, start=start, end=end)
        return AnalysisShown(figures, start, end, None)
    stored = WeeklyAnalysis.objects.select_related("measures_by__staff").get(pk=stored.pk)
    end = stored.week_start + dt.timedelta(days=6)
    return AnalysisShown(relabel(stored.figures), stored.week_start, end, stored)


def analysis_chosen(
    *,
    estate: Estate,
    week: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> AnalysisShown:
    """The analysis page's choice from its query: a stored week by its Monday (``week``;
    WeeklyAnalysis.DoesNotExist when none was generated), a range counted now (``start`` /
    ``end``, see :func:`analysis_period`), or by default the newest stored week (the last
    complete week counted now while none is stored)."""
    weeks = WeeklyAnalysis.objects.filter(estate=estate).defer("figures")
    if week is not None:
        return analysis_shown(estate=estate, stored=weeks.get(week_start=week))
    if start is not None or end is not None:
        return analysis_shown(
            estate=estate, period=analysis_period(estate=estate, start=start, end=end)
        )
    return analysis_shown(estate=estate, stored=weeks.order_by("-week_start").first())
