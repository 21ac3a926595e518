"""Compliance with the manual, per rule (合规率 / 服务承诺兑现, QUALITY-02/03): of the deadlines
that fell due in a month, how many were kept — per process and clock, for one estate or for every
estate of an executive — and the cases that broke one.

A clock counts in the month its due time falls in (local to its estate). It is decided when it
was met (stopped on or before its due time), breached, or is still running or paused past its due
time at the moment of the query (it can no longer be kept). Withdrawn clocks (``cancelled``: the
case was reclassified, the work refused) do not count, nor do clocks still running before their
due time. Every figure is one GROUP BY in the database, whatever the number of clocks (the page
must answer in under a second over millions of them: the ``clock_due_case`` index).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.billing.selectors.reports import collection_reports, company_totals
from wuye.complaints.selectors.complaints import complaint_list
from wuye.core.choices import Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, get_or_404, visible_estates
from wuye.emergency.choices import IncidentStatus
from wuye.emergency.selectors.incidents import incident_list
from wuye.workflow.choices import ClockState, TargetUnit
from wuye.workflow.engine import Process, ProcessError, get_process, processes
from wuye.workflow.models import SlaClock

# Who reads the company's promises kept: the leads and the internal auditors (QUALITY-05).
COMPLIANCE_READERS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.AUDITOR})


def may_read_compliance(actor: Actor) -> bool:
    return actor.is_superuser or (actor.staff is not None and actor.role in COMPLIANCE_READERS)


def may_pick_all_estates(actor: Actor) -> bool:
    """Executives see the company at once; everyone else one estate at a time."""
    return actor.is_superuser or (actor.staff is not None and actor.role == Role.EXECUTIVE)


def month_parse(text: str) -> dt.date:
    """'2026-11' → 2026-11-01; anything else a ValidationError on ``month``."""
    try:
        year, month = (int(part) for part in text.split("-"))
        if len(text) != 7 or not 2000 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationError({"month": [_("月份格式应为 年-月，如 2026-11")]}) from None


def month_current(estate: Estate | None, now: dt.datetime) -> dt.date:
    """The first day of the month ``now`` falls in, local to the estate (default Shanghai)."""
    zone = ZoneInfo((estate.time_zone if estate is not None else "") or "Asia/Shanghai")
    return now.astimezone(zone).date().replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class ComplianceScope:
    """A month of one estate (``estate``), or of every estate the actor sees (``estate`` None);
    ``zones``: the estates' ids by their time zone, to cut the month at local midnight."""

    estate: Estate | None
    month: dt.date
    zones: dict[str, tuple[int, ...]]

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return self.estate.name if self.estate is not None else _("全部项目")

    def window(self) -> Q:
        """The clocks due in the month, local to each clock's estate."""
        return _local_window(self.zones, "due_at", self.month, _next_month(self.month))


def _estates_q(ids: tuple[int, ...]) -> Q:
    return Q(case__estate_id=ids[0]) if len(ids) == 1 else Q(case__estate_id__in=ids)


def _local_window(
    zones: dict[str, tuple[int, ...]], field: str, first: dt.date, following: dt.date
) -> Q:
    """The clocks of the estates whose ``field`` falls on ``first`` ≤ date < ``following``,
    local to each clock's estate."""
    parts = []
    for zone, ids in zones.items():
        tz = ZoneInfo(zone)
        start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(following, dt.time.min, tzinfo=tz)
        parts.append(_estates_q(ids) & Q(**{f"{field}__gte": start, f"{field}__lt": end}))
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def compliance_scope(
    *, actor: Actor, estate_id: int | None, month: dt.date | None, now: dt.datetime
) -> ComplianceScope:
    """The month the actor asks for: an estate they do not see is a 404 (its existence does not
    leak), a role that does not read compliance a 403; no estate means every estate, for the
    executives only. No month: the one ``now`` falls in, local to the estate."""
    if estate_id is not None:
        estate = get_or_404(visible_estates(actor), estate_id)
        if not may_read_compliance(actor):
            raise PermissionDenied(_("只有部门负责人、内审员和企业高层可以查看合规率"))
        month = month or month_current(estate, now)
        return ComplianceScope(estate, month, {estate.time_zone or "Asia/Shanghai": (estate.pk,)})
    if not may_read_compliance(actor):
        raise PermissionDenied(_("只有部门负责人、内审员和企业高层可以查看合规率"))
    if not may_pick_all_estates(actor):
        raise ValidationError({"estate": [_("请选择项目")]})
    zones: dict[str, list[int]] = defaultdict(list)
    for pk, zone in visible_estates(actor).order_by("pk").values_list("pk", "time_zone"):
        zones[zone or "Asia/Shanghai"].append(pk)
    month = month or month_current(None, now)
    return ComplianceScope(None, month, {z: tuple(ids) for z, ids in zones.items()})


def _breached_q(now: dt.datetime) -> Q:
    # Still counting (or waiting) past its due time: it can no longer be kept.
    return Q(state=ClockState.BREACHED) | Q(
        state__in=(ClockState.RUNNING, ClockState.PAUSED), due_at__lt=now
    )


def _decided_q(now: dt.datetime) -> Q:
    return Q(state=ClockState.MET) | _breached_q(now)


def _counts() -> dict[str, Count]:
    """Of the decided clocks of a group: how many, and how many were kept."""
    return {"decided": Count("id"), "kept": Count("id", filter=Q(state=ClockState.MET))}


def target_text(amount: int, unit: str) -> str:
    """'5 分钟内', '3 工作日内'."""
    label = TargetUnit(unit).label if unit in TargetUnit.values else unit
    return _("%(amount)s %(unit)s内") % {"amount": amount, "unit": label}


class _Ratio:
    """Kept of decided: the share, its text and the breaches (rows, tables, company figures)."""

    decided: int
    kept: int

    @property
    def breached(self) -> int:
        return self.decided - self.kept

    @property
    def share(self) -> float | None:
        return self.kept / self.decided if self.decided else None

    @property
    def pct(self) -> str:
        """'97.3 %'; nothing due: '—'."""
        return "—" if self.share is None else f"{self.share * 100:.1f} %"


@dataclass(frozen=True)
class ComplianceRow(_Ratio):
    """One kind of clock of a process in the month: ``decided`` clocks, ``kept`` of them."""

    process: str
    key: str
    rule: str  # the manual's rule ID: for code, admin and tests, never shown to users
    name: str
    target: str
    decided: int
    kept: int


@dataclass(frozen=True)
class ComplianceGroup:
    process: str
    label: str
    rows: tuple[ComplianceRow, ...]

    @property
    def decided(self) -> int:
        return sum(r.decided for r in self.rows)

    @property
    def kept(self) -> int:
        return sum(r.kept for r in self.rows)


@dataclass(frozen=True)
class ComplianceTable(_Ratio):
    scope: ComplianceScope
    now: dt.datetime
    groups: tuple[ComplianceGroup, ...] = field(default=())

    @property
    def decided(self) -> int:
        return sum(g.decided for g in self.groups)

    @property
    def kept(self) -> int:
        return sum(g.kept for g in self.groups)


def compliance_table(*, scope: ComplianceScope, now: dt.datetime) -> ComplianceTable:
    """Every declared clock of every process (in the order they are declared), with the month's
    figures: one aggregate query. Clocks of a kind no longer declared still show, by the name
    they were written with."""
    counted = (
        SlaClock.objects.filter(scope.window())
        .filter(_decided_q(now))
        .values("case__process", "key")
        .annotate(**_counts(), name=Max("name"), rule=Max("rule"))
        .order_by()
    )
    figures = {(row["case__process"], row["key"]): row for row in counted}
    groups = []
    for process in processes():
        rows = []
        for clock in process.clocks:
            row = figures.pop((process.code, clock.key), None)
            rows.append(
                ComplianceRow(
                    process=process.code,
                    key=clock.key,
                    rule=clock.rule,
                    name=str(clock.name),
                    target=target_text(clock.amount, clock.unit),
                    decided=row["decided"] if row else 0,
                    kept=row["kept"] if row else 0,
                )
            )
        if rows:
            groups.append(ComplianceGroup(process.code, str(process.label), tuple(rows)))
    undeclared: dict[str, list[ComplianceRow]] = defaultdict(list)
    for (code, key), row in sorted(figures.items()):
        undeclared[code].append(
            ComplianceRow(code, key, row["rule"], row["name"], "", row["decided"], row["kept"])
        )
    for code, rows in undeclared.items():
        groups.append(ComplianceGroup(code, _process_label(code), tuple(rows)))
    return ComplianceTable(scope=scope, now=now, groups=tuple(groups))


def _process_label(code: str) -> str:
    try:
        return str(get_process(code).label)
    except ProcessError:
        return code


def compliance_process(code: str, key: str) -> tuple[Process, str]:
    """The process and the clock's name (with its target: a process may have two clocks of one
    name, e.g. general and emergency dispatch) of a drill-down; an unknown one is a 404."""
    try:
        process = get_process(code)
    except ProcessError:
        raise Http404 from None
    clock = next((c for c in process.clocks if c.key == key), None)
    if clock is None:
        raise Http404
    return process, _("%(name)s（%(target)s）") % {
        "name": clock.name,
        "target": target_text(clock.amount, clock.unit),
    }


def compliance_breaches(
    *, scope: ComplianceScope, process: str, key: str, now: dt.datetime
) -> QuerySet[SlaClock]:
    """The clocks of that kind due in the month that were not kept (breached, or still open past
    their due time), earliest due first, with their cases."""
    return (
        SlaClock.objects.filter(scope.window())
        .filter(case__process=process, key=key)
        .filter(_breached_q(now))
        .select_related("case", "case__estate")
        .order_by("due_at", "id")
    )


def late_seconds(clock: SlaClock, now: dt.datetime) -> float:
    """How late a broken clock is: stopped after its due time, or still open now."""
    return max(0.0, ((clock.stopped_at or now) - clock.due_at).total_seconds())


# --- The company view (公司总览): every estate of the company side by side, for the executives --


def may_read_company(actor: Actor) -> bool:
    """The company view is the executives' (企业高层) own: the whole company at once."""
    return actor.staff is not None and actor.role == Role.EXECUTIVE


@dataclass(frozen=True)
class KeyClock:
    """A column of the company view: clocks of one process counted together (a general and an
    emergency dispatch limit are one promise to the owner: come quickly)."""

    code: str
    label: str
    process: str
    keys: tuple[str, ...]


KEY_CLOCKS: tuple[KeyClock, ...] = (
    # REPAIR-08/09: dispatch within 60 minutes, emergencies within 5.
    KeyClock("repair_dispatch", gettext_lazy("报修派单"), "repair",
             ("dispatch_general", "dispatch_emergency")),
    # REPAIR-05: the repair done within 24 hours.
    KeyClock("repair_handle", gettext_lazy("报修完成"), "repair", ("handle",)),
    # COMPLAINT-09/10/12: handled within 3 (urgent: 1) working days, the owner answered in 24 h.
    KeyClock("complaint", gettext_lazy("投诉处理与回复"), "complaint",
             ("handle_general", "handle_urgent", "reply")),
    # EQUIP-FAULT-12/13: a fault repaired within 24 hours, a major one within 48.
    KeyClock("fault_repair", gettext_lazy("设备故障修复"), "equipment_fault",
             ("repair_general", "repair_major")),
)  # fmt: skip


@dataclass(frozen=True)
class Share(_Ratio):
    """``decided`` clocks, ``kept`` of them (the compliance table's counting)."""

    decided: int = 0
    kept: int = 0

    def __add__(self, other: Share) -> Share:
        return Share(self.decided + other.decided, self.kept + other.kept)


def compliance_by_estate(
    *, scope: ComplianceScope, now: dt.datetime, clocks: tuple[KeyClock, ...] = KEY_CLOCKS
) -> dict[int, dict[str, Share]]:
    """The compliance table's figures of the month for these key clocks, per estate and key
    clock (its ``code``): one aggregate query whatever the number of estates."""
    wanted = reduce(operator.or_, (Q(case__process=c.process, key__in=c.keys) for c in clocks))
    column = {(c.process, key): c.code for c in clocks for key in c.keys}
    counted = (
        SlaClock.objects.filter(scope.window())
        .filter(_decided_q(now))
        .filter(wanted)
        .values("case__estate_id", "case__process", "key")
        .annotate(**_counts())
        .order_by()
    )
    found: dict[int, dict[str, Share]] = defaultdict(lambda: defaultdict(Share))
    for row in counted:
        code = column[(row["case__process"], row["key"])]
        by_code = found[row["case__estate_id"]]
        by_code[code] = by_code[code] + Share(row["decided"], row["kept"])
    return found


@dataclass(frozen=True)
class MonthShare(Share):
    month: dt.date = dt.date.min

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def compliance_by_month(
    *, zones: dict[str, tuple[int, ...]], last: dt.date, months: int, now: dt.datetime
) -> list[MonthShare]:
    """Every clock of the estates counted as the compliance table does, per month, for the
    ``months`` months ending with ``last``: one aggregate query per time zone (normally one)."""
    first = _add_months(last, 1 - months)
    totals: dict[dt.date, Share] = defaultdict(Share)
    for zone, ids in zones.items():
        counted = (
            SlaClock.objects.filter(_local_window({zone: ids}, "due_at", first, _next_month(last)))
            .filter(_decided_q(now))
            .annotate(month=TruncMonth("due_at", tzinfo=ZoneInfo(zone)))
            .values("month")
            .annotate(**_counts())
            .order_by()
        )
        for row in counted:
            month = row["month"]
            month = month.date() if isinstance(month, dt.datetime) else month
            totals[month] = totals[month] + Share(row["decided"], row["kept"])
    return [
        MonthShare(totals[m].decided, totals[m].kept, month=m)
        for m in (_add_months(first, i) for i in range(months))
    ]


def clocks_late_by_estate(
    *, zones: dict[str, tuple[int, ...]], now: dt.datetime
) -> dict[int, tuple[int, int]]:
    """Per estate: the clocks that became breached today (local to the estate), and the clocks
    overdue now (breached and still not done, or running or paused past their due time). One
    aggregate query."""
    today_parts = []
    for zone, ids in zones.items():
        day = now.astimezone(ZoneInfo(zone)).date()
        today_parts.append(_local_window({zone: ids}, "breached_at", day, day + dt.timedelta(1)))
    if not today_parts:
        return {}
    today = reduce(operator.or_, today_parts)
    overdue = _estates_q(tuple(i for ids in zones.values() for i in ids)) & (
        _breached_q(now) & Q(stopped_at__isnull=True)
    )
    counted = (
        SlaClock.objects.filter(today | overdue)
        .values("case__estate_id")
        .annotate(today=Count("id", filter=today), overdue=Count("id", filter=overdue))
        .order_by()
    )
    return {row["case__estate_id"]: (row["today"], row["overdue"]) for row in counted}


@dataclass(frozen=True)
class CompanyRow:
    """One estate of the company view (or the company's total, ``estate`` None)."""

    estate: Estate | None
    breached_today: int
    overdue: int
    shares: tuple[Share, ...]  # in KEY_CLOCKS' order
    collection_rate: Decimal | None  # 收缴率 of the month, in per cent (billing's figure)
    major_complaints: int
    incidents: int


@dataclass(frozen=True)
class CompanyView:
    month: dt.date
    now: dt.datetime
    rows: tuple[CompanyRow, ...]
    total: CompanyRow
    trend: tuple[MonthShare, ...]  # the last twelve months, the oldest first
    key_clocks: tuple[KeyClock, ...] = KEY_CLOCKS

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


TREND_MONTHS = 12


def company_view(*, actor: Actor, now: dt.datetime) -> CompanyView:
    """公司总览: every estate of the executive's company side by side, this month (Shanghai
    time): breaches today and overdue now, the share kept of each key clock, the month's
    collection rate (billing's 收缴率), open major complaints (重大投诉) and open real incidents;
    with the company's twelve months of shares kept. A fixed number of aggregate queries,
    whatever the number of estates (one more per extra time zone)."""
    if not may_read_company(actor):
        raise PermissionDenied(_("只有企业高层可以查看公司总览"))
    estates = list(visible_estates(actor).order_by("name", "pk"))
    grouped: dict[str, list[int]] = defaultdict(list)
    for estate in estates:
        grouped[estate.time_zone or "Asia/Shanghai"].append(estate.pk)
    zones = {zone: tuple(ids) for zone, ids in grouped.items()}
    month = month_current(None, now)
    shares = compliance_by_estate(scope=ComplianceScope(None, month, zones), now=now)
    late = clocks_late_by_estate(zones=zones, now=now)
    collections = collection_reports(
        estates=estates, year=month.year, month_from=month.month, month_to=month.month,
        as_of=timezone.localdate(now),
    )  # fmt: skip
    majors = _count_by_estate(complaint_list(actor=actor, major=True, open_only=True))
    incidents = _count_by_estate(
        incident_list(actor=actor, drill="no").filter(
            case__status__in=(IncidentStatus.ACTIVE, IncidentStatus.FOLLOWUP)
        )
    )
    rows = tuple(
        CompanyRow(
            estate=estate,
            breached_today=late.get(estate.pk, (0, 0))[0],
            overdue=late.get(estate.pk, (0, 0))[1],
            shares=tuple(shares.get(estate.pk, {}).get(c.code, Share()) for c in KEY_CLOCKS),
            collection_rate=report.period.rate,
            major_complaints=majors.get(estate.pk, 0),
            incidents=incidents.get(estate.pk, 0),
        )
        for estate, report in zip(estates, collections, strict=True)
    )
    total = CompanyRow(
        estate=None,
        breached_today=sum(r.breached_today for r in rows),
        overdue=sum(r.overdue for r in rows),
        shares=tuple(
            reduce(operator.add, (r.shares[i] for r in rows), Share())
            for i in range(len(KEY_CLOCKS))
        ),
        collection_rate=company_totals(collections).period.rate,
        major_complaints=sum(r.major_complaints for r in rows),
        incidents=sum(r.incidents for r in rows),
    )
    trend = compliance_by_month(zones=zones, last=month, months=TREND_MONTHS, now=now)
    return CompanyView(month=month, now=now, rows=rows, total=total, trend=tuple(trend))


def _count_by_estate(qs: QuerySet) -> dict[int, int]:
    rows = qs.values("estate_id").annotate(n=Count("id")).order_by()
    return {row["estate_id"]: row["n"] for row in rows}
