"""Roster import and export (.xlsx): all-or-nothing import with every bad row reported."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tests.factories import EstateFactory
from wuye.core import roster
from wuye.core.choices import Relation, RoomUse
from wuye.core.models import Building, Occupancy, Resident, Room, Unit
from wuye.core.roster import (
    SHEETS,
    RosterImportResult,
    RosterInvalid,
    RowError,
    roster_export,
    roster_import,
    roster_template,
)
from wuye.core.validators import id_number_check_code

BAD_CHECKSUM_ID = "110105194912310021"


def idn(n: int) -> str:
    """A valid ID number no factory produces (factories use region 110101)."""
    first17 = f"440305{1970 + n % 40:04d}0101{n % 1000:03d}"
    return first17 + id_number_check_code(first17)


def xlsx(buildings=(), rooms=(), people=(), *, headers=None, skip=()) -> io.BytesIO:
    """A roster workbook built in memory; ``headers`` replaces a sheet's header row."""
    wb = Workbook()
    wb.remove(wb.active)
    data = {"楼栋": buildings, "房屋": rooms, "业主住户": people}
    for spec in SHEETS:
        if spec.name in skip:
            continue
        ws = wb.create_sheet(spec.name)
        ws.append(list((headers or {}).get(spec.name, spec.headers)))
        for row in data[spec.name]:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Building, Unit, Room, Resident, Occupancy))


def refused(estate, file, by) -> list[tuple[str, int, str]]:
    """Import expecting a refusal; the (sheet, row, column) of every error."""
    with pytest.raises(RosterInvalid) as exc:
        roster_import(estate=estate, file=file, by=by)
    return [(e.sheet, e.row, e.column) for e in exc.value.errors]


def messages(estate, file, by) -> list[RowError]:
    with pytest.raises(RosterInvalid) as exc:
        roster_import(estate=estate, file=file, by=by)
    return exc.value.errors


# --- Template -------------------------------------------------------------------------------


def test_template_has_the_data_sheets_with_headers_and_a_help_sheet():
    wb = load_workbook(io.BytesIO(roster_template()))
    assert wb.sheetnames == ["楼栋", "房屋", "业主住户", "说明"]
    assert [c.value for c in wb["房屋"][1]] == [
        "楼栋",
        "单元",
        "房号",
        "楼层",
        "建筑面积(m²)",
        "用途",
    ]
    assert [c.value for c in wb["业主住户"][1]] == [
        "楼栋",
        "单元",
        "房号",
        "姓名",
        "手机号",
        "身份证号",
        "关系",
        "起始日期",
    ]
    for spec in SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == list(spec.headers)
        assert ws.max_row == 1
        assert ws.freeze_panes == "A2"
        assert all(c.font.b for c in ws[1])
        assert ws["A1"].comment is not None  # the hint and an example
        assert ws.column_dimensions["A"].width >= 10
    help_text = "\n".join(
        str(v) for row in wb["说明"].iter_rows(values_only=True) for v in row if v
    )
    assert "11010519491231002X" in help_text  # an example row of 业主住户
    assert "一处错误" in help_text


def test_template_filled_in_imports(world):
    wb = load_workbook(io.BytesIO(roster_template()))
    wb["楼栋"].append(["9栋", 6])
    wb["房屋"].append(["9栋", "1单元", "101", 1, "88.5", "住宅"])
    wb["业主住户"].append(["9栋", "1单元", "101", "王五", "13900001111", None, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = roster_import(estate=world.estate, file=buffer, by=world.agent.user)
    assert result == RosterImportResult(buildings=1, units=1, rooms=1, residents=1, occupancies=1)


def test_empty_template_is_refused_with_a_clear_message(world):
    errors = messages(world.estate, roster_template(), world.agent.user)
    assert [e.message for e in errors] == ["文件中没有可导入的数据"]


# --- A good file ----------------------------------------------------------------------------


def test_good_file_creates_everything_and_reuses_what_exists(world):
    owner = world.owner
    file = xlsx(
        buildings=[["1栋", 18], ["2栋", 25], ["商业街", None]],
        rooms=[
            ["1栋", "2单元", "401", 4, "95.5", "住宅"],  # existing building and unit
            ["2栋", "1单元", "101", 1, "89.5", ""],
            ["2栋", "1单元", "102", 1, 89.5, "住宅"],
            ["2栋", "2单元", "101", 1, 100, "办公"],
            ["商业街", None, "S01", 1, "120.25 m²", "商铺"],
        ],
        people=[
            ["2栋", "1单元", "101", "张三", "13800138000", idn(1), "业主", "2024-05-01"],
            ["2栋", "1单元", "102", "张三", "138 0013 8000", idn(1), None, dt.date(2023, 1, 2)],
            ["2栋", "1单元", "101", "李四", "+8613900139000", None, "家庭成员", None],
            ["1栋", "2单元", "301", "王芳", "13700137000", None, "租户", "2025/03/01"],
            ["1栋", "2单元", "401", owner.name, "13600000000", owner.id_number, "业主", None],
            ["商业街", None, "S01", "赵六", "13500135000", None, None, None],
        ],
    )
    upload = SimpleUploadedFile("花名册.xlsx", file.getvalue())
    result = roster_import(estate=world.estate, file=upload, by=world.agent.user)

    assert result == RosterImportResult(buildings=2, units=2, rooms=5, residents=4, occupancies=6)
    assert Building.objects.get(estate=world.estate, name="1栋").floors is None  # left as is
    assert Building.objects.get(estate=world.estate, name="2栋").floors == 25
    shop = Room.objects.get(estate=world.estate, number="S01")
    assert (shop.unit, shop.area, shop.use) == (None, Decimal("120.25"), RoomUse.COMMERCIAL)
    room = Room.objects.get(building__name="2栋", unit__name="1单元", number="101")
    assert (room.floor, room.area, room.use) == (1, Decimal("89.50"), RoomUse.RESIDENTIAL)
    assert Room.objects.get(building__name="1栋", number="401").unit == world.room.unit

    zhang = Resident.objects.get(id_number=idn(1))
    assert zhang.mobile == "13800138000"
    assert sorted(o.room.number for o in zhang.occupancies.all()) == ["101", "102"]
    assert zhang.occupancies.get(room__number="101").start_date == dt.date(2024, 5, 1)
    li = Resident.objects.get(name="李四")
    assert li.mobile == "13900139000"
    occ = li.occupancies.get()
    assert (occ.relation, occ.start_date) == (Relation.FAMILY, timezone.localdate())
    assert world.room.occupancies.get(resident__name="王芳").start_date == dt.date(2025, 3, 1)
    assert owner.occupancies.filter(room__number="401").exists()  # the same person, reused


def test_import_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    rooms = [
        ["5栋", f"{u}单元", f"{f}{r:02d}", f, 90, ""]
        for u in range(1, 5)
        for f in range(1, 26)
        for r in (1, 2)
    ]
    people = [[*r[:3], f"业主{i}", f"139{i:08d}", idn(i), "", ""] for i, r in enumerate(rooms)]
    file = xlsx(buildings=[["5栋", 25]], rooms=rooms, people=people)
    with django_assert_max_num_queries(30):
        result = roster_import(estate=world.estate, file=file, by=world.agent.user)
    assert (result.rooms, result.residents, result.occupancies) == (200, 200, 200)
    assert all(pk is not None for pk in Room.objects.filter(number="2502").values_list("pk"))


# --- Bad rows -------------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    before = counts()
    file = xlsx(
        buildings=[["3栋", "十八"]],
        rooms=[
            ["3栋", "1单元", None, 1, 90, ""],  # row 2: no room number
            ["3栋", "1单元", "101", "一楼", 90, ""],  # row 3: floor
            ["3栋", "1单元", "102", 1, "-5", ""],  # row 4: area
            ["3栋", "1单元", "103", 1, 90, "别墅"],  # row 5: use
            ["9栋", "1单元", "101", 1, 90, ""],  # row 6: unknown building
            ["3栋", "1单元", "104", 1, "abc", ""],  # row 7: area not a number
        ],
        people=[
            # row 2: bad phone; its room's row is bad, but that is no "unknown room"
            ["3栋", "1单元", "101", "张三", "12345", None, None, None],
            ["3栋", "1单元", "102", "李四", "13800138000", BAD_CHECKSUM_ID, None, None],
            ["3栋", "1单元", "109", "王五", "13800138000", None, None, None],  # unknown room
            ["3栋", "1单元", "103", "赵六", "13800138000", None, "朋友", None],  # relation
            ["3栋", "1单元", "103", "钱七", "13800138001", None, None, "2024-13-01"],
            ["3栋", "1单元", "103", None, "13800138002", None, None, None],  # no name
            ["3栋", "1单元", "103", "孙八", "13800138003", None, None, None],
            ["3栋", "1单元", "103", "孙八", "13800138003", None, "租户", None],  # twice
        ],
    )
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("楼栋", 2, "层数"),
        ("房屋", 2, "房号"),
        ("房屋", 3, "楼层"),
        ("房屋", 4, "建筑面积(m²)"),
        ("房屋", 5, "用途"),
        ("房屋", 6, "楼栋"),
        ("房屋", 7, "建筑面积(m²)"),
        ("业主住户", 2, "手机号"),
        ("业主住户", 3, "身份证号"),
        ("业主住户", 4, "房号"),
        ("业主住户", 5, "关系"),
        ("业主住户", 6, "起始日期"),
        ("业主住户", 7, "姓名"),
        ("业主住户", 9, "姓名"),
    ]
    by_place = {(e.sheet, e.row): e.message for e in errors}
    assert by_place[("房屋", 2)] == "请填写房号"
    assert "整数" in by_place[("房屋", 3)]
    assert "大于 0" in by_place[("房屋", 4)]
    assert "住宅、商铺、办公、储藏室、其他" in by_place[("房屋", 5)]
    assert by_place[("房屋", 6)].startswith("未知楼栋「9栋」")
    assert "11 位" in by_place[("业主住户", 2)]
    assert "校验位" in by_place[("业主住户", 3)]
    assert by_place[("业主住户", 4)].startswith("未知房屋「3栋-1单元-109」")
    assert "2024-05-01" in by_place[("业主住户", 6)]
    assert "第 8 行" in by_place[("业主住户", 9)]
    assert str(errors[1]) == "「房屋」表 第 2 行 「房号」：请填写房号"
    assert counts() == before


def test_duplicate_room_in_the_file_and_in_the_database(world):
    before = counts()
    file = xlsx(
        rooms=[
            ["1栋", "2单元", "301", 3, 90, ""],  # world.room
            ["1栋", "2单元", "501", 5, 90, ""],
            ["1栋", "2单元", 501, 5, 90, ""],
        ]
    )
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.row, e.column) for e in errors] == [(2, "房号"), (4, "房号")]
    assert errors[0].message == "房号重复：1栋-2单元-301 已在系统中"
    assert errors[1].message == "房号重复：1栋-2单元-501 与第 3 行相同"
    assert counts() == before


def test_same_number_in_another_unit_or_estate_is_no_duplicate(world):
    file = xlsx(rooms=[["1栋", "3单元", "301", 3, 90, ""], ["1栋", None, "301", 3, 90, ""]])
    assert roster_import(estate=world.estate, file=file, by=world.agent.user).rooms == 2
    file = xlsx(buildings=[["8栋", None]], rooms=[["8栋", "1单元", "101", 1, 90, ""]])
    # 8栋-1单元-101 exists in the other estate only
    assert roster_import(estate=world.estate, file=file, by=world.agent.user).rooms == 1


@pytest.mark.parametrize("area", ["nan", "Infinity", "0", "0.001", "-1", "1e9", "abc", "八十"])
def test_area_must_be_a_positive_number(world, area):
    file = xlsx(rooms=[["1栋", "2单元", "601", 6, area, ""]])
    assert refused(world.estate, file, world.agent.user) == [("房屋", 2, "建筑面积(m²)")]


@pytest.mark.parametrize(
    ("area", "stored"),
    [("89.5㎡", "89.50"), ("1,234.56", "1234.56"), (0.01, "0.01"), (89.50000000000001, "89.50")],
)
def test_area_is_read_as_people_write_it(world, area, stored):
    file = xlsx(rooms=[["1栋", "2单元", "601", 6, area, ""]])
    roster_import(estate=world.estate, file=file, by=world.agent.user)
    assert Room.objects.get(number="601").area == Decimal(stored)


@pytest.mark.parametrize("area", ["1,234.567", 0.005, 89.505])
def test_area_with_more_than_two_decimals_is_refused_not_rounded(world, area):
    file = xlsx(rooms=[["1栋", "2单元", "601", 6, area, ""]])
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        ("房屋", 2, "建筑面积(m²)", "建筑面积最多两位小数")
    ]
    assert not Room.objects.filter(number="601").exists()


def test_building_twice_in_the_building_sheet(world):
    errors = refused(world.estate, xlsx(buildings=[["2栋", 9], ["2栋", 9]]), world.agent.user)
    assert errors == [("楼栋", 3, "楼栋")]


def test_unknown_building(world):
    before = counts()
    file = xlsx(rooms=[["7栋", "1单元", "101", 1, 90, ""]])
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("房屋", 2, "楼栋")]
    assert "未知楼栋" in errors[0].message
    assert counts() == before


@pytest.mark.parametrize(
    ("mobile", "id_number", "column", "fragment"),
    [
        ("1380013800", "", "手机号", "11 位"),
        ("23800138000", "", "手机号", "11 位"),
        ("138****8000", "", "手机号", "11 位"),
        (None, "", "手机号", "请填写手机号"),
        ("13800138000", BAD_CHECKSUM_ID, "身份证号", "校验位"),
        ("13800138000", "11010519491331002X", "身份证号", "出生日期"),
        ("13800138000", "1101**********002X", "身份证号", "18 位"),
    ],
)
def test_bad_phone_or_id_number(world, mobile, id_number, column, fragment):
    file = xlsx(people=[["1栋", "2单元", "302", "张三", mobile, id_number, None, None]])
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("业主住户", 2, column)]
    assert fragment in errors[0].message


def test_person_already_in_the_room_or_same_id_with_two_names(world):
    owner = world.owner
    file = xlsx(
        people=[
            ["1栋", "2单元", "301", owner.name, owner.mobile, owner.id_number, "业主", None],
            ["1栋", "2单元", "302", "张三", "13800138000", idn(2), None, None],
            ["1栋", "2单元", "301", "张叁", "13800138000", idn(2), None, None],
        ]
    )
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.row, e.column) for e in errors] == [(2, "姓名"), (4, "姓名")]
    assert "已登记在 1栋-2单元-301" in errors[0].message
    assert "第 3 行" in errors[1].message


# --- Malformed files ------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _damaged_sheet() -> bytes:
    good = xlsx(rooms=[["1栋", "2单元", "601", 6, 90, ""]]).getvalue()
    source = zipfile.ZipFile(io.BytesIO(good))
    files = {name: source.read(name) for name in source.namelist()}
    files["xl/worksheets/sheet2.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'"
    return _zip(files)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"not a zip", "无法读取文件"),
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (_zip({"word/document.xml": b"<w/>"}), "不是 Excel 工作簿"),
        (_zip({"xl/workbook.xml": b"garbage"}), "已损坏"),
        (xlsx().getvalue()[:900], "无法读取文件"),
        (_damaged_sheet(), "已损坏"),
    ],
    ids=["not-a-zip", "empty", "xls", "docx", "bad-workbook", "truncated", "bad-sheet"],
)
def test_malformed_file_is_refused_with_one_clear_error(world, content, fragment):
    before = counts()
    errors = messages(world.estate, io.BytesIO(content), world.agent.user)
    assert len(errors) == 1
    assert errors[0].row == 0
    assert fragment in errors[0].message
    assert counts() == before


def test_missing_sheet(world):
    errors = messages(world.estate, xlsx(skip=["业主住户"]), world.agent.user)
    assert [(e.sheet, e.row) for e in errors] == [("业主住户", 0)]
    assert "缺少工作表「业主住户」" in errors[0].message


def test_wrong_headers(world):
    headers = {"房屋": ["楼栋", "单元", "房间", "楼层", "建筑面积(m²)", "用途"]}
    errors = messages(world.estate, xlsx(headers=headers), world.agent.user)
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("房屋", 1, "房间"),
        ("房屋", 1, "房号"),
    ]
    assert "无法识别的列「房间」" in errors[0].message
    assert "缺少必填列「房号」" in errors[1].message


def test_headers_with_stars_full_width_brackets_and_another_order_are_understood(world):
    headers = {"房屋": ["*房号", "*楼栋", "建筑面积（m²）", "楼层*", "备注"]}
    file = xlsx(headers=headers, rooms=[["601", "1栋", 90, 6, "随便写"]])
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.column, e.message[:7]) for e in errors] == [("备注", "无法识别的列「")]
    headers = {"房屋": ["*房号", "*楼栋", "建筑面积（m²）", "楼层*", " 单元 "]}
    file = xlsx(headers=headers, rooms=[["601", "1栋", 90, 6, "2单元"]])
    assert roster_import(estate=world.estate, file=file, by=world.agent.user).rooms == 1
    assert Room.objects.get(number="601").unit == world.room.unit


def test_too_many_rows(world, monkeypatch):
    monkeypatch.setattr(roster.reading, "MAX_ROWS", 3)
    rooms = [["1栋", "2单元", f"{n}01", n, 90, ""] for n in range(5, 9)]
    errors = messages(world.estate, xlsx(rooms=rooms), world.agent.user)
    assert [(e.sheet, e.row) for e in errors] == [("房屋", 0)]
    assert "超过 3 行" in errors[0].message


def test_too_big(world, monkeypatch):
    monkeypatch.setattr(roster.reading, "MAX_BYTES", 1000)
    errors = messages(world.estate, xlsx(), world.agent.user)
    assert len(errors) == 1
    assert "超过" in errors[0].message
    upload = SimpleUploadedFile("a.xlsx", b"x" * 2000)
    assert "超过" in messages(world.estate, upload, world.agent.user)[0].message


def test_blank_rows_are_skipped_and_row_numbers_stay_right(world):
    wb = load_workbook(xlsx(rooms=[["1栋", "2单元", "601", 6, 90, ""]]))
    wb["房屋"]["A5"] = "1栋"  # row 5, after blank rows 3 and 4
    wb["房屋"]["C5"] = "602"
    buffer = io.BytesIO()
    wb.save(buffer)
    errors = messages(world.estate, buffer, world.agent.user)
    assert [(e.row, e.column) for e in errors] == [(5, "楼层"), (5, "建筑面积(m²)")]


# --- Numbers typed as numbers ---------------------------------------------------------------


def test_numbers_typed_as_numbers(world):
    file = xlsx(
        buildings=[[3, 18.0]],
        rooms=[[3, 1, 301, 3.0, 90, None], [3, 1, 302.0, "3", 89.46, None]],
        people=[
            [3, 1, 301, "张三", 13800138000.0, idn(5), "业主", dt.datetime(2024, 5, 1)],
            [3, 1, 302, "李四", 13900139000, None, None, 45413],  # a date without its format
            [3, 1, 302, "王五", 13700137000, None, None, 20240502],
        ],
    )
    result = roster_import(estate=world.estate, file=file, by=world.agent.user)
    assert (result.buildings, result.units, result.rooms, result.residents) == (1, 1, 2, 3)
    room = Room.objects.get(building__name="3", unit__name="1", number="301")
    assert (room.floor, room.area) == (3, Decimal("90.00"))
    assert Room.objects.get(building__name="3", number="302").area == Decimal("89.46")
    zhang = Resident.objects.get(name="张三")
    assert (zhang.mobile, zhang.id_number) == ("13800138000", idn(5))
    assert Occupancy.objects.get(resident=zhang).start_date == dt.date(2024, 5, 1)
    assert Occupancy.objects.get(resident__name="李四").start_date == dt.date(2024, 5, 1)
    assert Occupancy.objects.get(resident__name="王五").start_date == dt.date(2024, 5, 2)


def test_id_number_typed_as_a_number_is_explained(world):
    file = xlsx(people=[["1栋", "2单元", "302", "张三", "13800138000", 1.10105194912310e17]])
    errors = messages(world.estate, file, world.agent.user)
    assert [(e.row, e.column) for e in errors] == [(2, "身份证号")]
    assert "文本" in errors[0].message


# --- Permissions ----------------------------------------------------------------------------


def test_technician_may_not_import(world):
    with pytest.raises(PermissionDenied):
        roster_import(estate=world.estate, file=xlsx(), by=world.tech.user)


def test_staff_of_another_estate_gets_404(world):
    with pytest.raises(Http404):
        roster_import(estate=world.estate, file=xlsx(), by=world.outsider.user)
    with pytest.raises(Http404):
        roster_export(estate=world.estate, by=world.outsider.user)


def test_residents_and_contractors_may_not_export(world):
    with pytest.raises(PermissionDenied):
        roster_export(estate=world.estate, by=world.owner.user)
    with pytest.raises(PermissionDenied):
        roster_export(estate=world.estate, by=world.contractor.accounts.get().user)


# --- Export ---------------------------------------------------------------------------------


def _rooms(estate) -> list[tuple]:
    return sorted(
        (r.building.name, r.unit.name if r.unit else "", r.number, r.floor, r.area, r.use)
        for r in Room.objects.filter(estate=estate).select_related("building", "unit")
    )


def _occupancies(estate) -> list[tuple]:
    return sorted(
        (o.room.number, o.resident_id, o.relation, o.start_date)
        for o in Occupancy.objects.filter(Occupancy.current_q(), estate=estate).select_related(
            "room"
        )
    )


def test_export_reimports_into_an_empty_estate_of_the_same_company(world):
    roster_import(
        estate=world.estate,
        file=xlsx(
            buildings=[["商业街", None]],
            rooms=[["商业街", None, "S01", 1, "120.25", "商铺"]],
            people=[["商业街", None, "S01", "赵六", "13500135000", None, "租户", "2024-05-01"]],
        ),
        by=world.agent.user,
    )
    data = roster_export(estate=world.estate, by=world.agent.user)
    new = EstateFactory(company=world.company, code="NEW", name="新项目")

    result = roster_import(estate=new, file=io.BytesIO(data), by=world.exec.user)

    assert result == RosterImportResult(buildings=2, units=1, rooms=3, residents=1, occupancies=3)
    assert _rooms(new) == _rooms(world.estate)
    # Residents with an ID number are the same people; 赵六 (no ID) is registered anew.
    old = [o for o in _occupancies(world.estate) if o[0] != "S01"]
    assert [o for o in _occupancies(new) if o[0] != "S01"] == old
    assert Occupancy.objects.get(estate=new, room__number="S01").resident.name == "赵六"


def test_export_is_made_for_excel(world):
    wb = load_workbook(io.BytesIO(roster_export(estate=world.estate, by=world.agent.user)))
    assert wb.sheetnames == ["楼栋", "房屋", "业主住户", "说明"]
    people = wb["业主住户"]
    assert people.freeze_panes == "A2"
    assert people["A1"].font.b
    assert people.column_dimensions["F"].width >= 18
    rows = list(people.iter_rows(min_row=2))
    assert len(rows) == 2
    number, mobile, id_number = rows[0][2], rows[0][4], rows[0][5]
    assert (number.value, number.data_type, number.number_format) == ("301", "s", "@")
    assert (mobile.value, mobile.data_type) == (world.owner.mobile, "s")
    assert (id_number.value, id_number.data_type) == (world.owner.id_number, "s")
    assert rows[0][7].value == dt.datetime(2020, 1, 1)
    assert [c.value for c in wb["房屋"][2]] == ["1栋", "2单元", "301", 3, 89.5, "住宅"]


def test_export_for_someone_without_pii_rights_is_masked(world):
    data = roster_export(estate=world.estate, by=world.tech.user)
    wb = load_workbook(io.BytesIO(data))
    row = [c.value for c in wb["业主住户"][2]]
    assert row[4] == world.owner.mobile_masked
    assert row[5] == world.owner.id_number_masked
    assert "已脱敏" in str(wb["说明"]["A2"].value) + str(wb["说明"]["A3"].value)
    # Such a file cannot silently create wrong people: it is refused.
    new = EstateFactory(company=world.company, code="NEW", name="新项目")
    columns = {e.column for e in messages(new, io.BytesIO(data), world.exec.user)}
    assert columns == {"手机号", "身份证号"}


def test_export_keeps_a_formula_looking_name_as_text(world):
    Resident.objects.filter(pk=world.owner.pk).update(name="=HYPERLINK(1)")
    wb = load_workbook(io.BytesIO(roster_export(estate=world.estate, by=world.agent.user)))
    names = [row[3] for row in wb["业主住户"].iter_rows(min_row=2, values_only=True)]
    assert "=HYPERLINK(1)" in names
    cell = next(c for c in wb["业主住户"]["D"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"
