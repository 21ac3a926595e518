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
from functools import reduce
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, get_or_404, visible_estates
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
        parts = []
        following = _next_month(self.month)
        for zone, ids in self.zones.items():
            tz = ZoneInfo(zone)
            start = dt.datetime.combine(self.month, dt.time.min, tzinfo=tz)
            end = dt.datetime.combine(following, dt.time.min, tzinfo=tz)
            ids_q = Q(case__estate_id=ids[0]) if len(ids) == 1 else Q(case__estate_id__in=ids)
            parts.append(ids_q & Q(due_at__gte=start, due_at__lt=end))
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


def target_text(amount: int, unit: str) -> str:
    """'5 分钟内', '3 工作日内'."""
    label = TargetUnit(unit).label if unit in TargetUnit.values else unit
    return _("%(amount)s %(unit)s内") % {"amount": amount, "unit": label}


@dataclass(frozen=True)
class ComplianceRow:
    """One kind of clock of a process in the month: ``decided`` clocks, ``kept`` of them."""

    process: str
    key: str
    rule: str  # the manual's rule ID: for code, admin and tests, never shown to users
    name: str
    target: str
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
class ComplianceTable:
    scope: ComplianceScope
    now: dt.datetime
    groups: tuple[ComplianceGroup, ...] = field(default=())

    @property
    def decided(self) -> int:
        return sum(g.decided for g in self.groups)

    @property
    def kept(self) -> int:
        return sum(g.kept for g in self.groups)

    @property
    def share(self) -> float | None:
        return self.kept / self.decided if self.decided else None

    @property
    def pct(self) -> str:
        return "—" if self.share is None else f"{self.share * 100:.1f} %"


def compliance_table(*, scope: ComplianceScope, now: dt.datetime) -> ComplianceTable:
    """Every declared clock of every process (in the order they are declared), with the month's
    figures: one aggregate query. Clocks of a kind no longer declared still show, by the name
    they were written with."""
    counted = (
        SlaClock.objects.filter(scope.window())
        .filter(_decided_q(now))
        .values("case__process", "key")
        .annotate(
            decided=Count("id"),
            kept=Count("id", filter=Q(state=ClockState.MET)),
            name=Max("name"),
            rule=Max("rule"),
        )
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
