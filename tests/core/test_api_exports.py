"""The core's files through the API: the room and resident lists as .xlsx with the pages'
filters, the roster template and export, and the roster import (all or nothing, every bad row
listed), scoped like the pages."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.core.test_roster import counts, idn, xlsx
from tests.factories import RoomFactory
from wuye.core.models import Resident
from wuye.core.services import api_token_issue

SH = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False)


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **auth(user))


def sheet(response, name=None) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[name] if name else wb.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def upload(client, user, file, estate, name="roster.xlsx"):
    file.name = name
    return client.post("/api/v1/roster/import", {"file": file, "estate": estate}, **auth(user))


# --- Rooms and residents ------------------------------------------------------------------------


def test_rooms_export_is_the_lists_file_with_its_filters(client, world):
    rows = sheet(get(client, world.agent.user, "/rooms/export.xlsx", estate=world.estate.pk))
    assert rows[0][:3] == ["楼栋", "单元", "房号"] and rows[0][-1] == "身份证号"
    assert [r[2] for r in rows[1:]] == ["301", "302"]
    assert rows[1][6] == "已入住" and "（业主）" in rows[1][7]
    RoomFactory(unit=world.room.unit, number="303")
    vacant = get(client, world.agent.user, "/rooms/export.xlsx", estate=world.estate.pk,
                 occupied="no")  # fmt: skip
    assert [r[2] for r in sheet(vacant)[1:]] == ["303"]
    found = get(client, world.agent.user, "/rooms/export.xlsx", estate=world.estate.pk,
                search="1-2-302")  # fmt: skip
    assert [r[2] for r in sheet(found)[1:]] == ["302"]


def test_rooms_export_refuses_bad_filters(client, world):
    r = get(client, world.agent.user, "/rooms/export.xlsx", estate=world.estate.pk, use="castle")
    assert r.status_code == 400 and "use" in r.json()["error"]["fields"]
    other_building = world.other_room.building_id
    r = get(client, world.agent.user, "/rooms/export.xlsx", estate=world.estate.pk,
            building=other_building)  # fmt: skip
    assert r.status_code == 400 and "building" in r.json()["error"]["fields"]


def test_exports_are_scoped_like_the_pages(client, world):
    for path in ("/rooms/export.xlsx", "/residents/export.xlsx"):
        # Another estate's staff: as if the estate did not exist.
        assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
        # A resident of the estate: the pages are for staff (403).
        r = get(client, world.owner.user, path, estate=world.estate.pk)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        assert get(client, world.owner.user, path, estate=world.other_estate.pk).status_code == 404
        assert client.get(f"/api/v1{path}", {"estate": world.estate.pk}).status_code == 401


def test_residents_export_masks_what_the_role_may_not_see(client, world):
    rows = sheet(get(client, world.tech.user, "/residents/export.xlsx", estate=world.estate.pk))
    assert rows[0] == ["姓名", "手机号", "身份证号", "房屋", "关系"]
    assert len(rows) == 3  # the owner and the neighbour
    owner = world.owner
    row = next(r for r in rows[1:] if r[0] == owner.name)
    assert row[1] != owner.mobile and "*" in row[1]
    tenants = get(client, world.agent.user, "/residents/export.xlsx", estate=world.estate.pk,
                  relation="tenant")  # fmt: skip
    assert [r[0] for r in sheet(tenants)[1:]] == [world.neighbour.name]


# --- The roster -------------------------------------------------------------------------------


def test_roster_template_and_export(client, world):
    template = sheet(get(client, world.agent.user, "/roster/template.xlsx",
                         estate=world.estate.pk), "楼栋")  # fmt: skip
    assert template[0][0].startswith("楼栋")
    exported = get(client, world.agent.user, "/roster/export.xlsx", estate=world.estate.pk)
    rooms = sheet(exported, "房屋")
    assert rooms[0][0].startswith("楼栋") and len(rooms) == 3


def test_roster_files_are_for_those_who_may_change_the_roster(client, world):
    for path in ("/roster/template.xlsx", "/roster/export.xlsx"):
        assert get(client, world.outsider.user, path, estate=world.estate.pk).status_code == 404
        assert get(client, world.tech.user, path, estate=world.estate.pk).status_code == 403
        assert get(client, world.owner.user, path, estate=world.estate.pk).status_code in (403, 404)


def test_roster_import_creates_everything(client, world):
    file = xlsx(
        buildings=[["2栋", 25]],
        rooms=[["2栋", "1单元", "101", 1, "89.5", ""]],
        people=[["2栋", "1单元", "101", "赵六", "13900000001", idn(1), "", ""]],
    )
    r = upload(client, world.agent.user, file, world.estate.pk)
    assert r.status_code == 200, r.json()
    assert r.json() == {"buildings": 1, "units": 1, "rooms": 1, "residents": 1, "occupancies": 1}
    assert Resident.objects.get(id_number=idn(1)).name == "赵六"


def test_roster_import_lists_every_bad_row_and_writes_nothing(client, world):
    before = counts()
    file = xlsx(
        buildings=[["3栋", "十八"]],
        rooms=[["3栋", "1单元", "101", 1, "abc", ""]],
    )
    r = upload(client, world.agent.user, file, world.estate.pk)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "roster_invalid" and len(error["fields"]["file"]) >= 2
    assert any("「楼栋」表" in m and "第 2 行" in m for m in error["fields"]["file"])
    assert counts() == before


def test_roster_import_refuses_what_the_page_refuses(client, world):
    before = counts()
    good = [["2栋", 25]]
    r = upload(client, world.agent.user, xlsx(buildings=good), world.estate.pk, name="r.csv")
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    r = client.post("/api/v1/roster/import", {"estate": world.estate.pk}, **auth(world.agent.user))
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    assert upload(client, world.outsider.user, xlsx(buildings=good), world.estate.pk
                  ).status_code == 404  # fmt: skip
    assert upload(client, world.tech.user, xlsx(buildings=good), world.estate.pk
                  ).status_code == 403  # fmt: skip
    assert upload(client, world.owner.user, xlsx(buildings=good), world.estate.pk
                  ).status_code in (403, 404)  # fmt: skip
    assert counts() == before
