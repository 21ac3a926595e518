"""Entering a year's holidays from the State Council's notice.

The notice: 国务院办公厅关于××年部分节假日安排的通知, published each October or November.

The chinese-calendar package knows the years published before it was released; for a later year
an executive or administrator pastes the notice's text, sees the parsed days in a preview and
saves them as nationwide Holiday rows, which ``wuye.workflow.calendar`` reads before the package.

The notice's items look like this (2026)::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
    ……
    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、
    10月11日（周六）上班。

Only the numbered items are read: the preamble and the signature carry dates of their own
("自2025年1月1日起施行", "2024年11月12日") that are not holidays. In an item, a clause with 放假
gives a range of days off (the month of its end may be implied: "1月1日至3日"), a clause ending in
上班 gives make-up working days (调休上班), "共N天" is checked against the range, and the weekday
in parentheses (周四, 星期四; 农历… is ignored) is checked against the date. Whatever is not
understood is listed and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for

from .calendar import package_knows
from .models.calendar import Holiday, HolidayKind

__all__ = [
    "NOTICE_MAX_CHARS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Notice",
    "NoticeDay",
    "holiday_notice_preview",
    "holiday_notice_save",
    "holiday_years",
    "may_enter_holidays",
    "parse_notice",
]

YEAR_MIN, YEAR_MAX = 2000, 2100
NOTICE_MAX_CHARS = 20_000  # a notice is about 1,000 characters; a whole web page fits too
# What the saved rows say about where they came from (data, not a translated label).
SAVED_NOTE = "国务院办公厅放假通知"
_NAME_MAX = 50  # Holiday.name

# Item markers: "一、元旦：" at the start of a line or after a full stop (after NFKC: "：" is ":").
_ITEM = re.compile(r"(?:^|(?<=[\n。]))([一二三四五六七八九十]{1,3})[、.]([^:\n。,]{1,30}?):")
# A date of an item: 1月1日, 3日 (month implied), 2012年1月1日; then its annotation in parentheses.
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})[日号](?:\((?P<note>[^()]*)\))?"
)
_BARE_DATE = re.compile(r"(?<!年)(?<!\d)\d{1,2}月\d{1,2}[日号]")
_RANGE_WORDS = frozenset({"至", "到", "-", "—", "–", "~", "——"})
_LIST_WORDS = frozenset({"、", "和", "及", "与"})
_WEEKDAY_NOTE = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_COUNT = re.compile(r"共?(\d{1,3}|[一二三四五六七八九十]{1,3})天")
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_TITLE_YEAR = (
    re.compile(r"关于(\d{4})年"),
    re.compile(r"(\d{4})年(?:部分)?节假日"),
    re.compile(r"现将(\d{4})年"),
)


@dataclass(frozen=True, slots=True)
class NoticeDay:
    """One date of the notice: off (放假) or a make-up working day (调休上班), with its holiday."""

    date: dt.date
    kind: str  # HolidayKind
    name: str

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.date.weekday()])

    @property
    def kind_label(self) -> str:
        return str(HolidayKind(self.kind).label)

    @property
    def is_holiday(self) -> bool:
        return self.kind == HolidayKind.HOLIDAY


@dataclass(frozen=True, slots=True)
class Notice:
    """A parsed notice: its year and its days, sorted by date."""

    year: int
    days: tuple[NoticeDay, ...]
    # Filled by the preview: nationwide rows of that year a save replaces; whether the package
    # already knows the year (the saved rows then override it).
    replaces: int = 0
    package_knows: bool = False

    @property
    def holidays(self) -> frozenset[dt.date]:
        return frozenset(d.date for d in self.days if d.kind == HolidayKind.HOLIDAY)

    @property
    def workdays(self) -> frozenset[dt.date]:
        return frozenset(d.date for d in self.days if d.kind == HolidayKind.WORKDAY)


# --- parsing -------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    """Full-width digits and punctuation as ASCII (NFKC), no spaces; line breaks kept."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[^\S\n]+", "", text)


def _year_of(text: str) -> int | None:
    for pattern in _TITLE_YEAR:
        if (match := pattern.search(text)) is not None:
            return int(match.group(1))
    return None


def _number(value: str) -> int:
    if value.isdigit():
        return int(value)
    # 一 … 九十九, the way the notices write a count of days
    tens, _sep, ones = value.rpartition("十")
    if "十" not in value:
        return _CHINESE_DIGITS.get(value, 0)
    return (_CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


def _split_outside_parentheses(text: str, separators: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part for part in parts if part]


def _weekday_error(day: dt.date, note: str, shown: str) -> str | None:
    match = _WEEKDAY_NOTE.search(note)
    if match is None or _WEEKDAY_NUMBER[match.group(1)] == day.weekday():
        return None
    return _("“%(date)s”是%(actual)s，通知中写的是“%(written)s”") % {
        "date": shown,
        "actual": WEEKDAYS[day.weekday()],
        "written": match.group(0),
    }


@dataclass
class _Item:
    """One numbered item while it is parsed."""

    label: str  # "二、春节", as the notice writes it, for the messages
    name: str
    year: int
    errors: list[str]
    holidays: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    says_off: bool = False  # a clause with 放假 was seen (even one with an error)

    def error(self, message: str) -> None:
        self.errors.append(_("%(item)s：%(message)s") % {"item": self.label, "message": message})

    def dates(self, text: str, clause: str) -> list[dt.date] | None:
        """The dates of ``text`` (dates joined by 至 into ranges and by 、 into a list), or None
        after listing what was not understood."""
        result: list[dt.date] = []
        month: int | None = None
        position = 0
        pending_range: dt.date | None = None  # the start of a range whose end comes next
        matches = list(_DATE.finditer(text))
        if not matches:
            self.error(_("没有看懂“%(text)s”：找不到日期") % {"text": clause})
            return None
        for match in matches:
            between = text[position : match.start()]
            position = match.end()
            if result or pending_range:
                if between in _RANGE_WORDS:
                    if pending_range is not None or not result:
                        self.error(_("没有看懂“%(text)s”") % {"text": clause})
                        return None
                    pending_range = result.pop()
                elif between not in _LIST_WORDS:
                    self.error(_("没有看懂“%(text)s”") % {"text": clause})
                    return None
            elif between:
                self.error(_("没有看懂“%(text)s”") % {"text": clause})
                return None
            day = self._date(match, month, clause)
            if day is None:
                return None
            month = day.month
            if pending_range is not None:
                if day < pending_range:
                    self.error(_("“%(text)s”的结束日期早于开始日期") % {"text": clause})
                    return None
                if (day - pending_range).days > 31:
                    self.error(_("“%(text)s”的日期范围超过一个月") % {"text": clause})
                    return None
                result.extend(
                    pending_range + dt.timedelta(days=n)
                    for n in range((day - pending_range).days + 1)
                )
                pending_range = None
            else:
                result.append(day)
        if text[position:] or pending_range is not None:
            self.error(_("没有看懂“%(text)s”") % {"text": clause})
            return None
        return result

    def _date(self, match: re.Match, month: int | None, clause: str) -> dt.date | None:
        shown = re.sub(r"\(.*\)", "", match.group(0))
        year = int(match.group("y")) if match.group("y") else self.year
        if match.group("m"):
            month = int(match.group("m"))
        if month is None:
            self.error(_("“%(date)s”没有月份") % {"date": shown})
            return None
        try:
            day = dt.date(year, month, int(match.group("d")))
        except ValueError:
            self.error(_("“%(date)s”不是有效的日期") % {"date": shown})
            return None
        if day.year != self.year:
            self.error(_("“%(date)s”不在 %(year)s 年内") % {"date": shown, "year": self.year})
            return None
        if (message := _weekday_error(day, match.group("note") or "", shown)) is not None:
            self.error(message)
            return None
        return day

    def read(self, body: str) -> None:
        """Read the clauses of the item's text."""
        for sentence in _split_outside_parentheses(body, "。;"):
            for clause in _split_outside_parentheses(sentence, ","):
                self._clause(clause)
        if not self.says_off:
            self.error(_("没有找到放假日期（如“1月1日至3日放假”）"))
        for count in self.counts:
            if self.holidays and count != len(self.holidays):
                self.error(
                    _("写的是共 %(count)s 天，但日期算下来是 %(days)s 天")
                    % {"count": count, "days": len(self.holidays)}
                )

    def _clause(self, clause: str) -> None:
        if "放假" in clause:
            self.says_off = True
            head, _sep, tail = clause.partition("放假")
            if (days := self.dates(head, clause)) is not None:
                self.holidays.extend(days)
            if (count := _COUNT.search(tail)) is not None:
                self.counts.append(_number(count.group(1)))
        elif "上班" in clause:
            head, _sep, tail = clause.partition("上班")
            if tail:
                self.error(_("没有看懂“%(text)s”") % {"text": clause})
            elif (days := self.dates(head, clause)) is not None:
                self.workdays.extend(days)
        elif (count := _COUNT.fullmatch(clause)) is not None:
            self.counts.append(_number(count.group(1)))
        elif _BARE_DATE.search(clause):
            # A date without 放假 or 上班: the notice says something about it we do not read.
            self.error(_("没有看懂“%(text)s”") % {"text": clause})
        # Anything else is prose (不调休, 与周末连休, the closing paragraph, the signature).


def parse_notice(text: str, *, year: int | None = None) -> Notice:
    """The holidays and make-up working days of the notice's text, or a ValidationError listing
    every part that was not understood. ``year``: when the pasted text has no title."""
    if len(text) > NOTICE_MAX_CHARS:
        raise ValidationError(
            _("内容太长（最多 %(max)s 个字），请只粘贴通知的正文") % {"max": NOTICE_MAX_CHARS}
        )
    text = _normalize(text.replace("\x00", ""))
    written = _year_of(text)
    if year is not None and written is not None and year != written:
        raise ValidationError(
            _("填写的年份 %(year)s 与通知中的 %(written)s 年不一致")
            % {"year": year, "written": written}
        )
    year = year if year is not None else written
    if year is None:
        raise ValidationError(_("没有找到年份：请粘贴包括标题的通知全文，或填写年份"))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(
            _("年份应在 %(min)s 至 %(max)s 之间") % {"min": YEAR_MIN, "max": YEAR_MAX}
        )

    markers = list(_ITEM.finditer(text))
    if not markers:
        raise ValidationError(
            _("没有找到节假日安排：通知中的每一项应像“一、元旦：1月1日至3日放假……”这样开头")
        )
    errors: list[str] = []
    days: dict[dt.date, NoticeDay] = {}
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        name = marker.group(2)
        item = _Item(label=f"{marker.group(1)}、{name}", name=name, year=year, errors=errors)
        if len(name) > _NAME_MAX:
            item.error(_("节日名称太长"))
        item.read(text[marker.end() : end].replace("\n", ""))
        for kind, dates in (
            (HolidayKind.HOLIDAY, item.holidays),
            (HolidayKind.WORKDAY, item.workdays),
        ):
            for day in dates:
                if day in days:
                    item.error(_("%(date)s 出现了不止一次") % {"date": _date_label(day)})
                    continue
                if kind == HolidayKind.WORKDAY and day.weekday() < 5:
                    item.error(
                        _("%(date)s 是%(weekday)s，本来就要上班，不是调休上班")
                        % {"date": _date_label(day), "weekday": WEEKDAYS[day.weekday()]}
                    )
                    continue
                days[day] = NoticeDay(date=day, kind=kind, name=name[:_NAME_MAX])
    if errors:
        raise ValidationError(errors)
    return Notice(year=year, days=tuple(days[day] for day in sorted(days)))


def _date_label(day: dt.date) -> str:
    return _("%(month)s月%(day)s日") % {"month": day.month, "day": day.day}


# --- the services ---------------------------------------------------------------------------


def may_enter_holidays(user) -> bool:
    """Executives and administrators, and whoever may manage the Holiday table in the admin."""
    actor = actor_for(user)
    if actor.is_superuser or actor.role == Role.EXECUTIVE:
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_staff", False)
        and user.has_perms(["workflow.add_holiday", "workflow.delete_holiday"])
    )


def _require_may_enter(user) -> None:
    if not may_enter_holidays(user):
        raise PermissionDenied(_("只有企业高层和系统管理员可以录入节假日"))


def holiday_notice_preview(*, text: str, year: int | None = None, by) -> Notice:
    """What saving the notice would write, with how many rows of the year it would replace."""
    _require_may_enter(by)
    notice = parse_notice(text, year=year)
    replaces = Holiday.objects.filter(estate__isnull=True, date__year=notice.year).count()
    return Notice(
        year=notice.year,
        days=notice.days,
        replaces=replaces,
        package_knows=package_knows(notice.year),
    )


@transaction.atomic
def holiday_notice_save(*, text: str, year: int | None = None, by) -> Notice:
    """Replace the year's nationwide holidays and make-up working days by the notice's.

    The text is parsed again (the preview kept nothing), in one transaction: either the whole
    year is replaced or, on any error, nothing changes. Estate-specific rows stay as they are.
    """
    _require_may_enter(by)
    notice = parse_notice(text, year=year)
    try:
        with transaction.atomic():
            replaces, _deleted = Holiday.objects.filter(
                estate__isnull=True, date__year=notice.year
            ).delete()
            Holiday.objects.bulk_create(
                Holiday(date=day.date, kind=day.kind, name=day.name, note=SAVED_NOTE)
                for day in notice.days
            )
    except IntegrityError:
        # Someone saved the same year at the same moment: theirs stands, ours is not half-done.
        raise Conflict(_("刚才有人同时保存了这一年的安排，请刷新页面核对后再保存")) from None
    return Notice(
        year=notice.year,
        days=notice.days,
        replaces=replaces,
        package_knows=package_knows(notice.year),
    )


@dataclass(frozen=True, slots=True)
class HolidayYear:
    """Where a year's holidays come from, for the page: entered (nationwide rows), the package's,
    or missing (weekends only)."""

    year: int
    source: str  # "entered" | "package" | "missing"
    holidays: int = 0
    workdays: int = 0


def holiday_years(today: dt.date | None = None) -> list[HolidayYear]:
    """This year, next year and any later year entered, with where their holidays come from."""
    today = today if today is not None else timezone.localdate()
    counts = {
        row["year"]: row
        for row in Holiday.objects.filter(estate__isnull=True, date__year__gte=today.year)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            holidays=Count("pk", filter=Q(kind=HolidayKind.HOLIDAY)),
            workdays=Count("pk", filter=Q(kind=HolidayKind.WORKDAY)),
        )
        .order_by("year")
    }
    result = []
    for year in sorted({today.year, today.year + 1, *counts}):
        if (row := counts.get(year)) is not None:
            result.append(HolidayYear(year, "entered", row["holidays"], row["workdays"]))
        else:
            result.append(HolidayYear(year, "package" if package_knows(year) else "missing"))
    return result
