"""The header's search (issue 19): one box that finds a room, a person or a case by its number,
in the estates the user may see. The page ``/search?q=`` and ``GET /api/v1/search`` both read
``search``; each group holds at most ``LIMIT`` hits and says how many matched in all.

- 房屋: the room typed the way the desk types it ("1栋1单元101", "1-1-101", "101");
- 人员: a resident by name or mobile, a member of staff by name or employee number;
- 工单: any case (repairs, complaints, faults, incidents, move-ins…) by its number
  (BX-20261126-0001, or a part of it). One case whose number is exactly the text is ``exact``:
  the page goes straight to it.

Scoping is the core's and the engine's (``core.selectors``, ``workflow.selectors``): staff see
their estates, executives their company's. Residents and contractors have no search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core import selectors as core
from wuye.core.scoping import Actor
from wuye.core.shortcuts import is_staff
from wuye.workflow import selectors as workflow
from wuye.workflow.engine import get_process

MIN_LENGTH = 2
MAX_LENGTH = 50
LIMIT = 20  # hits shown per group; the count says how many matched

ROOMS, PEOPLE, CASES = "rooms", "people", "cases"
GROUP_LABELS = {
    ROOMS: gettext_lazy("房屋"),
    PEOPLE: gettext_lazy("人员"),
    CASES: gettext_lazy("工单"),
}


@dataclass(frozen=True)
class Hit:
    kind: str  # room / resident / staff / case
    title: str
    detail: str
    estate: str
    url: str


@dataclass
class Group:
    key: str
    count: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self.key])


@dataclass
class SearchResult:
    query: str
    message: str = ""  # why nothing was searched (too short), as the user reads it
    groups: list[Group] = field(default_factory=list)
    exact: str = ""  # the page of the one case whose number is exactly the query

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def search(actor: Actor, text: str) -> SearchResult:
    """Rooms, people and cases matching ``text`` in the actor's estates (staff only)."""
    if not is_staff(actor):
        raise PermissionDenied(_("搜索仅供物业员工使用"))
    # Control characters (a NUL is refused by PostgreSQL) are no part of anything searched.
    printable = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    query = " ".join(printable.split())[:MAX_LENGTH]
    if len(query) < MIN_LENGTH:
        return SearchResult(
            query=query, message=_("请至少输入 %(n)d 个字再搜索") % {"n": MIN_LENGTH}
        )
    cases, exact = _cases(actor, query)
    return SearchResult(
        query=query, groups=[_rooms(actor, query), _people(actor, query), cases], exact=exact
    )


def _first(qs: QuerySet) -> tuple[int, list]:
    """How many matched, and the first ``LIMIT`` of them (one query when they all fit)."""
    rows = list(qs[: LIMIT + 1])
    if len(rows) <= LIMIT:
        return len(rows), rows
    return qs.count(), rows[:LIMIT]


def _exact(q: Q) -> Case:
    """0 for the rows that match exactly, 1 for the others: exact matches sort first."""
    return Case(When(q, then=Value(0)), default=Value(1), output_field=IntegerField())


def _rooms(actor: Actor, query: str) -> Group:
    rooms = core.room_list(actor=actor, search=query).annotate(exact=_exact(Q(number=query)))
    order = ("exact", "estate__name", "building__sort", "building__name", "unit__name", "number")
    count, rows = _first(rooms.order_by(*order))
    hits = [
        Hit("room", room.label, "", room.estate.name, reverse("core:room_detail", args=[room.pk]))
        for room in rows
    ]
    return Group(ROOMS, count, hits)


def _people(actor: Actor, query: str) -> Group:
    """Residents (name or mobile, shown masked) then staff (name or employee number)."""
    residents = core.resident_list(actor=actor, search=query).order_by("name", "pk")
    resident_count, resident_rows = _first(residents)
    hits = [
        Hit(
            "resident",
            resident.name,
            " ".join(
                [resident.mobile_masked] + [o.room.label for o in resident.current_occupancies]
            ),
            ", ".join(sorted({o.estate.name for o in resident.current_occupancies})),
            reverse("core:resident_detail", args=[resident.pk]),
        )
        for resident in resident_rows
    ]
    staff = core.staff_list(actor=actor, search=query).filter(is_active=True).order_by("name")
    staff_count, staff_rows = _first(staff)
    for member in staff_rows[: LIMIT - len(hits)]:
        hits.append(
            Hit(
                "staff",
                member.name,
                f"{member.department} · {member.get_role_display()}",
                ", ".join(sorted(e.name for e in member.estates.all())),
                reverse("core:staff_list") + "?" + urlencode({"search": member.name}),
            )
        )
    return Group(PEOPLE, resident_count + staff_count, hits)


def _cases(actor: Actor, query: str) -> tuple[Group, str]:
    cases = (
        workflow.case_list(actor=actor)
        .prefetch_related(None)
        .filter(number__icontains=query)
        .annotate(exact=_exact(Q(number__iexact=query)))
        .order_by("exact", "-created_at", "pk")
    )
    count, rows = _first(cases)
    hits = []
    for case in rows:
        process = get_process(case.process)
        hits.append(
            Hit(
                "case",
                case.number,
                f"{process.label} · {case.title} · {process.state_label(case.status)}",
                case.estate.name,
                reverse("workflow:case_detail", args=[case.pk]),
            )
        )
    exact = [h for h, row in zip(hits, rows, strict=True) if row.exact == 0]
    return Group(CASES, count, hits), exact[0].url if len(exact) == 1 else ""
