"""The company view (公司总览) for the executives (QUALITY-02): every estate of the company side by
side on a known set, counted as of 25 November 2026 10:00 (Shanghai). On top of conftest.py's
month of repair clocks (阳光测试苑: handling 3 kept of 7, emergency dispatch 1 of 1; 翠湖测试苑:
one broken handling limit):

- 阳光: complaint reply breached today 08:30 and still open; complaint handling met; complaint
  assignment breached today 00:10 local (16:10 UTC the day before), since done; a major open
  complaint, a major archived one, an ordinary open one; a real incident being handled and a
  drill; November's bill 200.00 of which 150.00 paid.
- 翠湖: a fault repaired in time; a major fault breached today 09:59 and still open; a major
  complaint waiting for its reply; an incident in follow-up; no bills.
- 外司苑 of another company: a breach today, a major complaint, an incident: never shown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.billing.test_reports import make_bill, pay
from tests.factories import CompanyFactory, EstateFactory, make_staff
from wuye.billing.models import ChargeBasis, ChargeItem
from wuye.complaints.models import Complaint
from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import actor_for
from wuye.emergency.models import Incident
from wuye.quality.selectors import (
    KEY_CLOCKS,
    company_view,
    compliance_scope,
    compliance_table,
)
from wuye.workflow.models import Case

from .conftest import NOW, at

PAGE = reverse("quality:company")
API = "/api/v1/quality/company"
CODES = [c.code for c in KEY_CLOCKS]


def _breached_at(clock, when: str) -> None:
    type(clock).objects.filter(pk=clock.pk).update(breached_at=at(when))


def _case(estate, process: str, status: str, n: int) -> Case:
    return Case.objects.create(
        estate=estate, process=process, number=f"X-20261120-{n:04d}", title="测试",
        status=status, created_at=at("2026-11-20 09:00"), updated_at=at("2026-11-20 09:00"),
    )  # fmt: skip


def _complaint(w, estate, status: str, major: bool, n: int) -> Complaint:
    return Complaint.objects.create(
        case=_case(estate, "complaint", status, n), estate=estate, content="噪音扰民",
        contact_name="张三", contact_phone="13800001234", channel="phone", type="other",
        urgency="general", is_major=major, received_at=at("2026-11-20 09:00"),
        reported_by=w.agent.user,
    )  # fmt: skip


def _incident(estate, status: str, n: int, drill: bool = False) -> Incident:
    return Incident.objects.create(
        case=_case(estate, "incident", status, n), estate=estate, kind="fire", source="desk",
        exercise=drill, place="1栋", level=4, suggested_level=4,
        reported_at=at("2026-11-20 09:00"),
    )  # fmt: skip


@pytest.fixture
def company(month):
    w, c, e, o = month.world, month.clocks, month.world.estate, month.world.other_estate
    _breached_at(month.escalated, "2026-11-21 10:00")
    _breached_at(month.other, "2026-11-05 09:00")
    reply = c.make(e, "reply", "breached", "2026-11-25 08:30", process="complaint")
    _breached_at(reply, "2026-11-25 08:30")
    c.make(e, "handle_general", "met", "2026-11-20 23:59", "2026-11-19 10:00", process="complaint")
    assign = c.make(e, "assign", "breached", "2026-11-25 00:10", "2026-11-25 01:00",
                    process="complaint")  # fmt: skip
    _breached_at(assign, "2026-11-25 00:10")
    c.make(o, "repair_general", "met", "2026-11-15 12:00", "2026-11-15 10:00",
           process="equipment_fault")  # fmt: skip
    fault = c.make(o, "repair_major", "breached", "2026-11-25 09:59", process="equipment_fault")
    _breached_at(fault, "2026-11-25 09:59")
    _complaint(w, e, "handling", True, 1)
    _complaint(w, e, "archived", True, 2)
    _complaint(w, e, "handling", False, 3)
    _complaint(w, o, "waiting_reply", True, 4)
    _incident(e, "active", 5)
    _incident(e, "active", 6, drill=True)
    _incident(e, "closed", 7)
    _incident(o, "followup", 8)
    finance = make_staff(w.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE, [e])
    fee = ChargeItem.objects.create(estate=e, name="物业服务费", kind="property_fee",
                                    basis=ChargeBasis.PER_M2_MONTH)  # fmt: skip
    bill = make_bill(w.room, fee, "2026-11", "200.00")
    pay(finance, w.room, "150.00", "cash", "2026-11-20 10:00", [bill])
    # Another company's estate, with everything that would count.
    stranger = EstateFactory(company=CompanyFactory(name="外司物业"), code="WS", name="外司苑")
    late = c.make(stranger, "handle", "breached", "2026-11-25 09:00")
    _breached_at(late, "2026-11-25 09:00")
    _complaint(w, stranger, "handling", True, 9)
    _incident(stranger, "active", 10)
    month.stranger = stranger
    return month


def _shares(row) -> dict[str, tuple[int, int, str]]:
    return {c: (s.kept, s.decided, s.pct) for c, s in zip(CODES, row.shares, strict=True)}


def test_every_estate_of_the_company_side_by_side_exactly__QUALITY_02(company):
    w = company.world
    view = company_view(actor=actor_for(w.exec.user), now=NOW)
    assert view.month == dt.date(2026, 11, 1)
    assert [r.estate.name for r in view.rows] == ["翠湖测试苑", "阳光测试苑"]  # by name
    cuihu, yangguang = view.rows
    # 阳光: today the reply (08:30) and the assignment (00:10 local, the day before in UTC);
    # overdue now: the running and the paused handling past due, the escalated one, the reply.
    assert (yangguang.breached_today, yangguang.overdue) == (2, 4)
    assert _shares(yangguang) == {
        "repair_dispatch": (1, 1, "100.0 %"),
        "repair_handle": (3, 7, "42.9 %"),
        "complaint": (1, 2, "50.0 %"),  # the assignment limit is not a key clock
        "fault_repair": (0, 0, "—"),
    }
    assert yangguang.collection_rate == Decimal("75.00")
    assert (yangguang.major_complaints, yangguang.incidents) == (1, 1)
    assert (cuihu.breached_today, cuihu.overdue) == (1, 1)
    assert _shares(cuihu) == {
        "repair_dispatch": (0, 0, "—"),
        "repair_handle": (0, 1, "0.0 %"),
        "complaint": (0, 0, "—"),
        "fault_repair": (1, 2, "50.0 %"),
    }
    assert cuihu.collection_rate is None  # no bills: no rate, not 0 %
    assert (cuihu.major_complaints, cuihu.incidents) == (1, 1)
    total = view.total
    assert (total.breached_today, total.overdue, total.major_complaints, total.incidents) == (
        3, 5, 2, 2,
    )  # fmt: skip
    assert [(s.kept, s.decided) for s in total.shares] == [(1, 1), (3, 8), (1, 2), (1, 2)]
    assert total.collection_rate == Decimal("75.00")


def test_the_key_shares_are_the_compliance_table_s__QUALITY_02(company):
    w = company.world
    view = company_view(actor=actor_for(w.exec.user), now=NOW)
    for row in view.rows:
        scope = compliance_scope(actor=actor_for(w.exec.user), estate_id=row.estate.pk,
                                 month=view.month, now=NOW)  # fmt: skip
        table = compliance_table(scope=scope, now=NOW)
        for clock, share in zip(KEY_CLOCKS, row.shares, strict=True):
            group = next(g for g in table.groups if g.process == clock.process)
            rows = [r for r in group.rows if r.key in clock.keys]
            assert (share.kept, share.decided) == (sum(r.kept for r in rows),
                                                   sum(r.decided for r in rows))  # fmt: skip


def test_the_trend_holds_twelve_months_of_the_company_s_clocks__QUALITY_02(company):
    w = company.world
    trend = company_view(actor=actor_for(w.exec.user), now=NOW).trend
    assert [m.month_text for m in trend] == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    assert (trend[-2].kept, trend[-2].decided) == (1, 1)  # October's
    # November: 阳光 handling 3/7, dispatch 1/1, complaints 1/3; 翠湖 handling 0/1, faults 1/2.
    assert (trend[-1].kept, trend[-1].decided, trend[-1].breached) == (6, 14, 8)
    assert all(m.decided == 0 and m.share is None for m in trend[:-2])


def test_only_executives_see_the_company_view(company, login):
    assert login("exec").get(PAGE).status_code == 200
    for username in ("head", "agent", "auditor", "tech"):
        client = login(username)
        assert client.get(PAGE).status_code == 403
        assert client.get(API).status_code == 403
    assert login("owner").get(PAGE).status_code == 403
    assert login("owner").get(API).status_code == 403


def test_the_menu_shows_the_company_view_to_executives_only(company, login):
    assert PAGE in login("exec").get(reverse("quality:compliance")).content.decode()
    assert PAGE not in login("head").get(reverse("quality:compliance")).content.decode()


def test_the_page_links_each_estate_and_its_breaches(company, login):
    w = company.world
    html = login("exec").get(PAGE).content.decode()
    assert reverse("core:estate_overview", args=[w.estate.pk]) in html
    assert reverse("core:estate_overview", args=[w.other_estate.pk]) in html
    assert f"{reverse('quality:compliance')}?estate={w.estate.pk}&amp;month=2026-11" in html
    assert "外司苑" not in html
    assert "75.00%" in html and "42.9 %" in html


def test_the_api_answers_the_page_s_figures(company, login):
    client = login("exec")
    view = client.get(PAGE).context["view"]
    body = client.get(API).json()
    assert body["month"] == "2026-11"
    rows = [*view.rows, view.total]
    assert [e["name"] for e in body["estates"]] == [r.estate.name for r in view.rows]
    for got, row in zip([*body["estates"], body["total"]], rows, strict=True):
        assert got["estate_id"] == (row.estate.pk if row.estate else None)
        assert (got["breached_today"], got["overdue"]) == (row.breached_today, row.overdue)
        pairs = zip(KEY_CLOCKS, row.shares, strict=True)
        assert [(c["code"], c["kept"], c["decided"], c["share"]) for c in got["clocks"]] == [
            (k.code, s.kept, s.decided, s.share) for k, s in pairs
        ]
        rate = got["collection_rate"]
        assert (None if rate is None else Decimal(str(rate))) == row.collection_rate
        assert (got["major_complaints"], got["incidents"]) == (row.major_complaints,
                                                               row.incidents)  # fmt: skip
    assert [(m["month"], m["kept"], m["decided"]) for m in body["trend"]] == [
        (m.month_text, m.kept, m.decided) for m in view.trend
    ]


def _more_estates(company, n: int) -> None:
    w, c = company.world, company.clocks
    for i in range(n):
        estate = EstateFactory(company=w.company, code=f"E{i}", name=f"新项目{i}")
        late = c.make(estate, "handle", "breached", "2026-11-25 09:00")
        _breached_at(late, "2026-11-25 09:00")
        c.make(estate, "dispatch_general", "met", "2026-11-10 09:00", "2026-11-10 08:30")
        _complaint(w, estate, "handling", True, 100 + i)
        _incident(estate, "active", 200 + i)


def test_the_queries_do_not_grow_with_the_estates(company, login):
    w = company.world
    actor = actor_for(w.exec.user)
    with CaptureQueriesContext(connection) as two:
        company_view(actor=actor, now=NOW)
    client = login("exec")
    with CaptureQueriesContext(connection) as page_two:
        assert client.get(PAGE).status_code == 200
    _more_estates(company, 5)
    with CaptureQueriesContext(connection) as seven:
        view = company_view(actor=actor, now=NOW)
    with CaptureQueriesContext(connection) as page_seven:
        assert client.get(PAGE).status_code == 200
    assert len(view.rows) == 7
    assert len(seven) == len(two) <= 12
    assert len(page_seven) == len(page_two)
