"""收费报表 through the API: the collection rate, income by item and channel, the company view —
the same figures as the pages' ``reports`` (JSON) and their .xlsx; bad filters and who may call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.billing.test_api import auth
from tests.billing.test_fees import fee, finance, frozen, run
from wuye.billing import services
from wuye.billing.selectors import reports

__all__ = ["fee", "finance", "frozen"]  # fixtures
D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def paid(world, finance, fee):
    run(world, finance, "2026-11-01", "2026-11-30", "2026-11-30")
    services.payment_record(room=world.room, amount="100", channel="wechat", by=finance.user)


def test_the_collection_rate_as_the_page_shows_it(client, world, paid):
    base = f"/api/v1/billing/estates/{world.estate.pk}/reports/collection"
    body = client.get(f"{base}?month_from=11&month_to=11", **auth(world.agent.user)).json()
    report = reports.collection_report(estate=world.estate, year=2026, month_from=11,
                                       month_to=11, as_of=dt.date(2026, 11, 26))  # fmt: skip
    assert body["year"] == 2026 and body["rows"][0]["kind"] == "month"
    assert D(body["rows"][0]["due"]) == report.months[0].due
    assert D(body["rows"][0]["received"]) == report.months[0].received == D("100")
    xlsx = client.get(f"{base}.xlsx?month_from=11&month_to=11", **auth(world.agent.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    for bad in ("month_from=12&month_to=1", "year=1999", "month_to=13", "as_of=x"):
        r = client.get(f"{base}?{bad}", **auth(world.agent.user))
        assert r.status_code == 400 and r.json()["error"]["fields"], bad


def test_income_by_channel_and_item(client, world, paid):
    base = f"/api/v1/billing/estates/{world.estate.pk}/reports/income"
    body = client.get(f"{base}?start=2026-11-01&end=2026-11-30", **auth(world.agent.user)).json()
    assert D(body["total"]) == D("100") and body["count"] == 1
    wechat = next(c for c in body["channels"] if c["key"] == "wechat")
    assert D(wechat["amount"]) == D("100") and wechat["count"] == 1
    assert D(body["items"][0]["amount"]) == D("100")
    for by in ("items", "channels"):
        r = client.get(f"{base}.xlsx?by={by}", **auth(world.agent.user))
        assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert client.get(f"{base}.xlsx?by=rooms", **auth(world.agent.user)).status_code == 400
    bad = client.get(f"{base}?start=2026-11-30&end=2026-11-01", **auth(world.agent.user))
    assert bad.status_code == 400 and "end" in bad.json()["error"]["fields"]
    assert (
        client.get(f"{base}?start=2020-01-01&end=2026-11-01", **auth(world.agent.user)).status_code
        == 400
    )  # over three years


def test_the_company_view_lists_only_the_callers_estates(client, world, paid):
    body = client.get("/api/v1/billing/reports/company", **auth(world.exec.user)).json()
    assert {e["estate"] for e in body["estates"]} == {world.estate.pk, world.other_estate.pk}
    assert D(body["total"]["income"]) == D("100") and body["period_label"] == "2026年全年"
    mine = client.get("/api/v1/billing/reports/company?month=11", **auth(world.agent.user)).json()
    assert [e["estate"] for e in mine["estates"]] == [world.estate.pk]
    xlsx = client.get("/api/v1/billing/reports/company.xlsx", **auth(world.exec.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert (
        client.get("/api/v1/billing/reports/company?month=13", **auth(world.exec.user)).status_code
        == 400
    )


def test_who_may_read_the_reports__FEE_02(client, world, paid):
    for path in (f"/billing/estates/{world.estate.pk}/reports/collection",
                 f"/billing/estates/{world.estate.pk}/reports/income.xlsx",
                 "/billing/reports/company"):  # fmt: skip
        assert client.get(f"/api/v1{path}", **auth(world.tech.user)).status_code == 403
        assert client.get(f"/api/v1{path}", **auth(world.owner.user)).status_code == 403
    other = f"/api/v1/billing/estates/{world.estate.pk}/reports/income"
    assert client.get(other, **auth(world.outsider.user)).status_code == 404
