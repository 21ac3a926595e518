"""Meters, readings, the shared-cost disclosure and the room meters' bills through the API
(FEE-08, FEE-04): the same services as the meter pages, scoped to the caller's estates (a
resident sees only their estates' published months and their own shares)."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.billing.test_api import auth, post
from tests.billing.test_disclosure import DUE, draft, fhead
from tests.billing.test_disclosure import estate as estate
from tests.billing.test_fees import finance as finance
from tests.billing.test_metered import room_meters
from tests.billing.test_meters import NOV, history, meter, sheet
from wuye.base.api import XLSX
from wuye.billing.models import Bill, Meter, MeterReading, SharedCostLine
from wuye.billing.services import meters

from .test_meters import frozen as frozen

__all__ = ["fhead", "history", "meter", "room_meters"]  # fixtures
D = Decimal


def patch(client, user, path, body):
    return client.patch(path, body, content_type="application/json", **auth(user))


# --- Meters ------------------------------------------------------------------------------------


def test_finance_adds_and_changes_a_meter_the_desk_reads(client, world, finance):
    path = f"/api/v1/billing/estates/{world.estate.pk}/meters"
    body = {
        "code": "W-9",
        "name": "2栋公共用水",
        "kind": "water",
        "unit_price": "3.70",
        "building": world.room.building_id,
    }
    r = post(client, finance.user, path, body)
    assert r.status_code == 201, r.json()
    meter = Meter.objects.get(code="W-9")
    assert meter.building_id == world.room.building_id and r.json()["scope"] == "1栋"
    r = patch(
        client,
        finance.user,
        f"/api/v1/billing/meters/{meter.pk}",
        {"unit_price": "4.10", "is_active": False},
    )
    assert r.status_code == 200, r.json()
    meter.refresh_from_db()
    assert meter.unit_price == D("4.1") and not meter.is_active and meter.code == "W-9"
    # Customer service reads the list (stopped ones with active=0) but changes nothing.
    listed = client.get(f"{path}?active=0", **auth(world.agent.user)).json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "W-9"
    assert (
        patch(
            client, world.agent.user, f"/api/v1/billing/meters/{meter.pk}", {"unit_price": "1"}
        ).status_code
        == 403
    )
    assert post(client, world.agent.user, path, {**body, "code": "W-10"}).status_code == 403
    detail = client.get(f"/api/v1/billing/meters/{meter.pk}", **auth(world.tech.user))
    assert detail.status_code == 200 and detail.json()["readings"] == []


def test_a_bad_meter_is_400_and_writes_nothing(client, world, finance, meter):
    path = f"/api/v1/billing/estates/{world.estate.pk}/meters"
    good = {"code": "E-1", "name": "总电表", "kind": "electricity", "unit_price": "0.6"}
    for body in (
        {**good, "code": "W-1"},  # the estate has this code
        {**good, "kind": "gas"},
        {**good, "unit_price": "-1"},
        {**good, "multiplier": "0"},
        {**good, "room": world.other_room.pk},  # another estate's room
        {**good, "building": 999999},
    ):
        r = post(client, finance.user, path, body)
        assert r.status_code == 400 and r.json()["error"]["fields"], body
    assert Meter.objects.count() == 1


def test_meters_are_scoped_to_the_estate(client, world, finance, meter):
    path = f"/api/v1/billing/meters/{meter.pk}"
    assert client.get(path, **auth(world.outsider.user)).status_code == 404
    assert patch(client, world.outsider.user, path, {"name": "x"}).status_code == 404
    assert client.get(path, **auth(world.owner.user)).status_code == 403
    estate_meters = f"/api/v1/billing/estates/{world.estate.pk}/meters"
    assert client.get(estate_meters, **auth(world.outsider.user)).status_code == 404
    assert client.get(estate_meters, **auth(world.owner.user)).status_code == 403
    body = {"code": "X", "name": "x", "kind": "water", "unit_price": "1"}
    other = f"/api/v1/billing/estates/{world.other_estate.pk}/meters"
    assert post(client, finance.user, other, body).status_code == 404
    meter.refresh_from_db()
    assert meter.name == "1栋公共用水" and Meter.objects.count() == 1


# --- Readings ----------------------------------------------------------------------------------


def test_a_technician_reads_the_month_and_confirms_a_jump(client, world, history):
    rows = client.get(
        f"/api/v1/billing/estates/{world.estate.pk}/readings?month=2026-11", **auth(world.tech.user)
    ).json()
    assert rows["count"] == 1
    row = rows["items"][0]
    assert row["current"] is None and D(row["before"]["reading"]) == 1200
    path = f"/api/v1/billing/meters/{history.pk}/readings"
    r = post(client, world.tech.user, path, {"month": "2026-11", "reading": "1290.50"})
    assert r.status_code == 201, r.json()
    assert D(r.json()["usage"]) == D("90.50")
    jump = post(client, world.tech.user, path, {"month": "2026-11", "reading": "1900"})
    assert jump.status_code == 400 and jump.json()["error"]["code"] == "implausible"
    assert "reading" in jump.json()["error"]["fields"]
    assert MeterReading.objects.get(period=NOV).reading == D("1290.50")
    ok = post(
        client,
        world.tech.user,
        path,
        {"month": "2026-11", "reading": "1900", "confirm": True, "note": "漏水已核实"},
    )
    assert ok.status_code == 201 and ok.json()["implausible"] is True


def test_readings_refused_by_role_scope_and_input(client, world, history):
    path = f"/api/v1/billing/meters/{history.pk}/readings"
    body = {"month": "2026-11", "reading": "1290"}
    assert post(client, world.agent.user, path, body).status_code == 403
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.owner.user, path, body).status_code == 403
    for bad in (
        {"month": "2026-12", "reading": "1290"},
        {"month": "11-2026", "reading": "1"},
        {"month": "2026-11", "reading": "-5"},
        {"month": "2026-11"},
    ):
        r = post(client, world.tech.user, path, bad)
        assert r.status_code == 400 and r.json()["error"]["fields"], bad
    assert not MeterReading.objects.filter(period=NOV).exists()


def test_the_template_and_the_import_round_trip(client, world, history):
    base = f"/api/v1/billing/estates/{world.estate.pk}/readings"
    r = client.get(f"{base}/template.xlsx?month=2026-11", **auth(world.tech.user))
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    book.active.cell(row=2, column=7, value=1290.5)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    r = client.post(f"{base}/import", {"month": "2026-11", "file": buffer}, **auth(world.tech.user))
    assert r.status_code == 200, r.json()
    assert r.json() == {"recorded": 1, "confirmed": 0, "skipped": 0}
    saved = MeterReading.objects.get(period=NOV)
    assert saved.reading == D("1290.50") and saved.source == "xlsx"
    assert client.get(f"{base}/template.xlsx", **auth(world.outsider.user)).status_code == 404


def test_an_import_with_problems_saves_nothing_and_lists_them(client, world, history):
    url = f"/api/v1/billing/estates/{world.estate.pk}/readings/import"
    upload = sheet(
        [
            ["W-1", "", "", "", "2026-11", 1200, 900, ""],
            ["NOPE", "", "", "", "2026-11", None, 10, ""],
        ]
    )
    r = client.post(url, {"month": "2026-11", "file": upload}, **auth(world.tech.user))
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "import_refused"
    assert (
        "第 3 行" in error["fields"]["rows"][0]
        and "本项目没有这个表号" in error["fields"]["rows"][0]
    )
    assert "第 2 行" in error["fields"]["flagged"][0]
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    r = client.post(url, {"month": "2026-11", "file": junk}, **auth(world.tech.user))
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    assert not MeterReading.objects.filter(period=NOV).exists()
    upload = sheet([["W-1", "", "", "", "2026-11", 1200, 1290, ""]])
    assert (
        client.post(url, {"month": "2026-11", "file": upload}, **auth(world.agent.user)).status_code
        == 403
    )
    upload = sheet([["W-1", "", "", "", "2026-11", 1200, 1290, ""]])
    assert (
        client.post(
            url, {"month": "2026-11", "file": upload}, **auth(world.outsider.user)
        ).status_code
        == 404
    )
    assert not MeterReading.objects.filter(period=NOV).exists()


# --- 公摊公示 ------------------------------------------------------------------------------------


def test_finance_drafts_adds_a_line_and_the_head_publishes__FEE_08(client, estate, finance, fhead):
    world = estate
    r = post(
        client,
        finance.user,
        f"/api/v1/billing/estates/{world.estate.pk}/disclosures",
        {"month": "2026-10", "method": "area"},
    )
    assert r.status_code == 201, r.json()
    d = r.json()
    assert d["status"] == "draft" and len(d["lines"]) == 2 and d["missing_readings"] == []
    base = f"/api/v1/billing/disclosures/{d['id']}"
    line = post(
        client,
        finance.user,
        f"{base}/lines",
        {"kind": "elevator", "name": "电梯费", "amount": "300.01"},
    )
    assert line.status_code == 201, line.json()
    updated = patch(client, finance.user, base, {"method": "household", "note": "按户均摊"})
    assert updated.status_code == 200 and updated.json()["method"] == "household"
    shares = client.get(f"{base}/shares", **auth(world.agent.user)).json()
    assert shares["count"] == 3
    total = sum(D(s["amount"]) for s in shares["items"])
    assert total == D(updated.json()["total"])
    xlsx = client.get(f"{base}/shares.xlsx", **auth(finance.user))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    # Finance drafts; the finance head (or an executive) publishes.
    assert (
        post(client, finance.user, f"{base}/publish", {"due_date": "2026-11-30"}).status_code == 403
    )
    r = post(client, fhead.user, f"{base}/publish", {"due_date": "2026-11-30"})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "published"
    assert Bill.objects.filter(item__kind="shared_utility").count() == 3
    again = post(client, fhead.user, f"{base}/publish", {"due_date": "2026-11-30"})
    assert again.status_code == 409
    assert post(client, finance.user, f"{base}/recompute", {}).status_code == 409


def test_a_draft_refuses_bad_input_and_strangers(client, estate, finance):
    world = estate
    d = draft(world, finance)
    base = f"/api/v1/billing/disclosures/{d.pk}"
    manual = d.lines.get(meter__isnull=True)
    metered_line = d.lines.filter(meter__isnull=False).first()
    # A meter's line comes from the readings: 400; a line added by hand goes.
    r = client.delete(f"{base}/lines/{metered_line.pk}", **auth(finance.user))
    assert r.status_code == 400
    for bad in (
        {"name": "电梯费", "amount": "0"},
        {"name": "", "amount": "10"},
        {"name": "x", "amount": "10", "kind": "gas"},
        {"name": "x", "amount": "10", "building": world.other_room.building_id},
    ):
        r = post(client, finance.user, f"{base}/lines", bad)
        assert r.status_code == 400, bad
    assert patch(client, finance.user, base, {"method": "lottery"}).status_code == 400
    bad_month = post(
        client,
        finance.user,
        f"/api/v1/billing/estates/{world.estate.pk}/disclosures",
        {"month": "2027-01"},
    )
    assert bad_month.status_code == 400 and "month" in bad_month.json()["error"]["fields"]
    # Strangers: another estate's staff do not find it; customer service may not change it.
    assert client.get(base, **auth(world.outsider.user)).status_code == 404
    assert (
        post(client, world.outsider.user, f"{base}/lines", {"name": "x", "amount": "1"}).status_code
        == 404
    )
    assert (
        client.delete(f"{base}/lines/{manual.pk}", **auth(world.outsider.user)).status_code == 404
    )
    assert (
        post(client, world.agent.user, f"{base}/lines", {"name": "x", "amount": "1"}).status_code
        == 403
    )
    assert client.get(base, **auth(world.owner.user)).status_code == 403
    assert SharedCostLine.objects.filter(disclosure=d).count() == 3
    r = client.delete(f"{base}/lines/{manual.pk}", **auth(finance.user))
    assert r.status_code == 204
    assert SharedCostLine.objects.filter(disclosure=d).count() == 2
    listed = client.get(
        f"/api/v1/billing/estates/{world.estate.pk}/disclosures?status=draft",
        **auth(world.agent.user),
    ).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == d.pk


def test_a_resident_sees_published_months_and_their_own_share(client, estate, finance, fhead):
    world = estate
    d = draft(world, finance)
    assert (
        client.get("/api/v1/billing/my/disclosures", **auth(world.owner.user)).json()["count"] == 0
    )
    meters.disclosure_publish(disclosure=d, due_date=DUE, by=fhead.user)
    mine = client.get("/api/v1/billing/my/disclosures", **auth(world.owner.user)).json()
    assert mine["count"] == 1
    [share] = mine["items"][0]["mine"]
    assert share["room"] == world.room.pk
    bill = Bill.objects.get(room=world.room, item__kind="shared_utility")
    assert D(mine["items"][0]["my_total"]) == bill.amount
    detail = client.get(f"/api/v1/billing/my/disclosures/{d.pk}", **auth(world.owner.user))
    assert detail.status_code == 200 and len(detail.json()["lines"]) == 3
    # Staff: the residents' route does not exist; another estate's owner does not find it.
    assert (
        client.get(f"/api/v1/billing/my/disclosures/{d.pk}", **auth(finance.user)).status_code
        == 404
    )
    from tests.factories import make_resident_user

    stranger = make_resident_user(world.other_owner, "stranger")
    assert (
        client.get(f"/api/v1/billing/my/disclosures/{d.pk}", **auth(stranger.user)).status_code
        == 404
    )


# --- 分户水电费 ----------------------------------------------------------------------------------


def test_finance_previews_and_bills_room_meters(client, world, finance, room_meters):
    path = f"/api/v1/billing/estates/{world.estate.pk}/metered-bills"
    plan = client.get(f"{path}?month=2026-11", **auth(world.agent.user)).json()
    assert D(plan["total"]) == D("148.15") and plan["missing"] == [] and len(plan["rows"]) == 2
    body = {"month": "2026-11", "due_date": "2026-12-15"}
    assert post(client, world.agent.user, path, body).status_code == 403
    assert post(client, world.outsider.user, path, body).status_code == 404
    assert post(client, world.owner.user, path, body).status_code == 403
    bad = post(client, finance.user, path, {"month": "2026-11", "due_date": "2026-10-01"})
    assert bad.status_code == 400 and "due_date" in bad.json()["error"]["fields"]
    assert not Bill.objects.exists()
    r = post(client, finance.user, path, body)
    assert r.status_code == 201 and r.json() == {"bills_created": 2}
    assert Bill.objects.filter(room=world.room).count() == 2
    assert client.get(f"{path}?month=2026-11", **auth(finance.user)).json()["already"] == 2
