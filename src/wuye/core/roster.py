"""Roster import and export (花名册): buildings, rooms and residents of an estate as .xlsx.

The workbook has three data sheets — 楼栋, 房屋, 业主住户 — and a 说明 sheet. An import is all or
nothing: every row of every sheet is checked in memory first and each problem is reported with its
sheet, Excel row number and column; only a file without a single error is written, in one
transaction, with ``bulk_create`` (a takeover brings thousands of rooms at once, and per-row
``full_clean`` + ``save`` would take minutes). Because ``bulk_create`` skips ``full_clean``, the
checks here must cover every field rule and constraint of Building, Unit, Room, Resident and
Occupancy.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, TextChoices
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .choices import Relation, RoomUse
from .models import Building, Estate, Occupancy, Resident, Room, Unit
from .scoping import Actor, actor_for
from .services import require_roster_write
from .validators import (
    decimal_places_message,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    validate_cn_mobile,
    validate_id_number,
)

MAX_BYTES = 10 * 1024 * 1024
# Data rows per sheet. A large estate has a few thousand rooms; more is a mistake or an attack.
MAX_ROWS = 20_000
# An .xlsx is a zip: a 10 MB upload may inflate to gigabytes of XML (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format

BUILDING_SHEET_NAME = "楼栋"
ROOM_SHEET_NAME = "房屋"
RESIDENT_SHEET_NAME = "业主住户"
HELP_SHEET_NAME = "说明"

# Column headers, used on screen and in RowError.column.
BUILDING = "楼栋"
FLOORS = "层数"
UNIT = "单元"
NUMBER = "房号"
FLOOR = "楼层"
AREA = "建筑面积(m²)"
USE = "用途"
NAME = "姓名"
MOBILE = "手机号"
ID_NUMBER = "身份证号"
RELATION = "关系"
START_DATE = "起始日期"

# Headers people commonly type instead of ours (after removing spaces and "*").
HEADER_ALIASES = {
    "建筑面积": AREA,
    "建筑面积(m2)": AREA,
    "建筑面积(㎡)": AREA,
    "建筑面积(平方米)": AREA,
    "手机号码": MOBILE,
    "身份证": ID_NUMBER,
    "身份证号码": ID_NUMBER,
}

# Field lengths of the models: PostgreSQL refuses a longer value, SQLite silently keeps it.
BUILDING_NAME_MAX = Building._meta.get_field("name").max_length
UNIT_NAME_MAX = Unit._meta.get_field("name").max_length
ROOM_NUMBER_MAX = Room._meta.get_field("number").max_length
RESIDENT_NAME_MAX = Resident._meta.get_field("name").max_length
FLOORS_RANGE = (1, 300)
FLOOR_RANGE = (-20, 300)
AREA_LIMIT = Decimal("10000000")  # max_digits=9, decimal_places=2
BULK_BATCH = 1000


# --- The interface --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded roster: ``row`` is the Excel row number (header = row 1; 0 = the
    file or sheet as a whole), ``column`` the Chinese header ("" when not about one column)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [_("「%(sheet)s」表") % {"sheet": self.sheet}] if self.sheet else []
        if self.row:
            where.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            where.append(_("「%(column)s」") % {"column": self.column})
        if not where:
            return self.message
        return _("%(where)s：%(message)s") % {"where": " ".join(where), "message": self.message}


class RosterInvalid(Exception):
    """The file was refused; ``errors`` lists every problem found. Nothing was written."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors: list[RowError] = list(errors)
        count = len(self.errors)
        super().__init__(
            ngettext("花名册有 %(count)s 处错误", "花名册有 %(count)s 处错误", count)
            % {"count": count}
        )


@dataclass(frozen=True)
class RosterImportResult:
    """How many records an import created (existing buildings, units and residents reused)."""

    buildings: int
    units: int
    rooms: int
    residents: int
    occupancies: int


# --- Sheet layout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    width: int = 12
    text: bool = False  # stored and formatted as text, so Excel keeps long digits and zeros
    date: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""
    example: object = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def _chinese_labels(choices: type[TextChoices]) -> dict[str, str]:
    """code → label as written in the source (Chinese): the file format does not change with
    the language of the user's screen."""
    with translation.override(None):
        return {code: str(label) for code, label in choices.choices}


USE_LABEL = _chinese_labels(RoomUse)
RELATION_LABEL = _chinese_labels(Relation)
USE_LABELS = tuple(USE_LABEL.values())
RELATION_LABELS = tuple(RELATION_LABEL.values())

_BUILDING_COL = Column(
    BUILDING, required=True, width=12, text=True, hint="楼栋名称，如 1栋", example="1栋"
)
_UNIT_COL = Column(UNIT, width=10, text=True, hint="不分单元的楼栋留空", example="2单元")
_NUMBER_COL = Column(NUMBER, required=True, width=10, text=True, hint="如 301", example="301")

BUILDING_SHEET = SheetSpec(
    BUILDING_SHEET_NAME,
    (
        Column(
            BUILDING,
            required=True,
            width=14,
            text=True,
            hint="楼栋名称；系统中已有的同名楼栋直接沿用",
            example="1栋",
        ),
        Column(FLOORS, width=10, hint="地上层数，正整数，选填", example=18),
    ),
)
ROOM_SHEET = SheetSpec(
    ROOM_SHEET_NAME,
    (
        _BUILDING_COL,
        _UNIT_COL,
        _NUMBER_COL,
        Column(FLOOR, required=True, width=8, hint="整数，地下层用负数，如 -1", example=3),
        Column(AREA, required=True, width=14, hint="大于 0 的数字，单位 m²", example=89.5),
        Column(
            USE,
            width=10,
            choices=USE_LABELS,
            hint=f"{'、'.join(USE_LABELS)}；留空为住宅",
            example="住宅",
        ),
    ),
)
RESIDENT_SHEET = SheetSpec(
    RESIDENT_SHEET_NAME,
    (
        _BUILDING_COL,
        _UNIT_COL,
        _NUMBER_COL,
        Column(NAME, required=True, width=12, hint="住户姓名", example="张三"),
        Column(
            MOBILE, required=True, width=15, text=True, hint="11 位手机号", example="13800138000"
        ),
        Column(
            ID_NUMBER,
            width=22,
            text=True,
            hint="18 位居民身份证号，选填；与系统中已有住户相同则沿用该住户",
            example="11010519491231002X",
        ),
        Column(
            RELATION,
            width=12,
            choices=RELATION_LABELS,
            hint=f"{'、'.join(RELATION_LABELS)}；留空为业主",
            example="业主",
        ),
        Column(
            START_DATE,
            width=13,
            date=True,
            hint="如 2024-05-01；留空为导入当天",
            example=dt.date(2024, 5, 1),
        ),
    ),
)
SHEETS = (BUILDING_SHEET, ROOM_SHEET, RESIDENT_SHEET)


# --- Public functions -----------------------------------------------------------------------


def roster_template() -> bytes:
    """An empty roster workbook: the three sheets with their headers, and the 说明 sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in SHEETS:
        _sheet_with_header(wb, spec)
    _help_sheet(wb)
    return _save(wb)


def roster_import(*, estate: Estate, file, by) -> RosterImportResult:
    """Create the buildings, units, rooms, residents and occupancies of an uploaded workbook.

    ``file`` is a Django UploadedFile, any binary file-like or bytes. Raises RosterInvalid with
    every problem when anything is wrong, and then writes nothing.
    """
    actor = _actor(by)
    require_roster_write(actor, estate)
    sheets = _read_workbook(file)
    errors: list[RowError] = []
    buildings = _parse_buildings(sheets[BUILDING_SHEET_NAME], errors)
    rooms = _parse_rooms(sheets[ROOM_SHEET_NAME], errors)
    people = _parse_people(sheets[RESIDENT_SHEET_NAME], errors, timezone.localdate())
    if not errors and not (buildings or rooms or people):
        raise RosterInvalid([RowError("", 0, "", _("文件中没有可导入的数据"))])
    try:
        # The reads that decide "new or existing" and the writes share one transaction; on
        # SQLite (BEGIN IMMEDIATE) that also keeps a second import from interleaving.
        with transaction.atomic():
            plan = _plan(estate, buildings, rooms, people, errors)
            if errors:
                raise RosterInvalid(_sorted(errors))
            return _write(estate, plan)
    except IntegrityError:
        # Someone added the same room or person between our reads and our writes (PostgreSQL).
        raise RosterInvalid(
            [RowError("", 0, "", _("导入时有人同时修改了房屋或住户资料，请重新上传文件"))]
        ) from None


def roster_export(*, estate: Estate, by) -> bytes:
    """The estate's buildings, rooms and current occupancies in the import layout.

    Full phone and ID numbers only for actors who may see them (choices.PII_ROLES); for others
    both are masked, as in every list, which makes those two columns not re-importable.
    """
    actor = _actor(by)
    if not actor.is_superuser and estate.pk not in actor.estate_ids:
        raise Http404
    if not actor.is_superuser and actor.staff is None:
        # A resident sees their own estate, but not the list of their neighbours.
        raise PermissionDenied(_("只有本项目员工可以导出房屋与住户资料"))
    full = actor.can_see_pii()

    wb = Workbook()
    wb.remove(wb.active)
    ws_buildings, ws_rooms, ws_people = (_sheet_with_header(wb, spec) for spec in SHEETS)

    buildings = Building.objects.filter(estate=estate).order_by("sort", "name")
    _write_rows(ws_buildings, BUILDING_SHEET, ([b.name, b.floors] for b in buildings))

    rooms = list(
        Room.objects.filter(estate=estate)
        .select_related("building", "unit")
        .order_by("building__sort", "building__name", "unit__sort", "unit__name", "floor", "number")
    )
    room_order = {room.pk: position for position, room in enumerate(rooms)}
    _write_rows(
        ws_rooms,
        ROOM_SHEET,
        (
            [
                room.building.name,
                room.unit.name if room.unit_id else "",
                room.number,
                room.floor,
                room.area,
                USE_LABEL.get(room.use, room.use),
            ]
            for room in rooms
        ),
    )

    relation_rank = {value: rank for rank, value in enumerate(Relation.values)}
    occupancies = sorted(
        Occupancy.objects.filter(Occupancy.current_q(), estate=estate).select_related(
            "resident", "room__building", "room__unit"
        ),
        key=lambda o: (
            room_order.get(o.room_id, 0),
            relation_rank.get(o.relation, 9),
            o.start_date,
            o.resident.name,
        ),
    )
    _write_rows(
        ws_people,
        RESIDENT_SHEET,
        (
            [
                occ.room.building.name,
                occ.room.unit.name if occ.room.unit_id else "",
                occ.room.number,
                occ.resident.name,
                occ.resident.mobile if full else mask_mobile(occ.resident.mobile),
                occ.resident.id_number if full else mask_id_number(occ.resident.id_number),
                RELATION_LABEL.get(occ.relation, occ.relation),
                occ.start_date,
            ]
            for occ in occupancies
        ),
    )
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    _help_sheet(wb, context=f"导出项目：{estate.name}　导出时间：{exported}", masked=not full)
    return _save(wb)


# --- Reading the file -----------------------------------------------------------------------

RawRows = list[tuple[int, dict[str, object]]]


def _malformed(message: str, sheet: str = "", row: int = 0, column: str = "") -> RosterInvalid:
    return RosterInvalid([RowError(sheet, row, column, message)])


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            raise _too_big()
        try:
            file.seek(0)  # a form may already have read the upload
        except (AttributeError, OSError, ValueError):
            pass
        data = file.read(MAX_BYTES + 1)
        if not isinstance(data, bytes):
            raise _malformed(_("无法读取文件：请上传 Excel 工作簿（.xlsx）"))
    if len(data) > MAX_BYTES:
        raise _too_big()
    if not data:
        raise _malformed(_("文件是空的：请上传填写好的 Excel 工作簿（.xlsx）"))
    return data


def _too_big() -> RosterInvalid:
    return _malformed(_("文件超过 %(mb)s MB，请分批导入") % {"mb": MAX_BYTES // (1024 * 1024)})


def _read_workbook(file) -> dict[str, RawRows]:
    data = _read_bytes(file)
    if data.startswith(OLE_MAGIC):
        raise _malformed(
            _("这是旧版 Excel（.xls）或加密的文件：请在 Excel 中另存为 .xlsx 后再上传")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _malformed(
            _("无法读取文件：请上传 Excel 工作簿（.xlsx），可先下载导入模板")
        ) from None
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise _malformed(_("该文件不是 Excel 工作簿（.xlsx），请下载导入模板填写"))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it ignores (styles, extensions); they don't matter.
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise _malformed(
            _("文件已损坏或格式不正确，无法读取：请在 Excel 中另存为 .xlsx 后再上传")
        ) from None
    errors: list[RowError] = []
    sheets: dict[str, RawRows] = {}
    try:
        by_name = {str(name).strip(): name for name in wb.sheetnames}
        for spec in SHEETS:
            if spec.name not in by_name:
                errors.append(
                    RowError(
                        spec.name,
                        0,
                        "",
                        _("缺少工作表「%(sheet)s」，请使用导入模板") % {"sheet": spec.name},
                    )
                )
                continue
            sheets[spec.name] = _read_sheet(wb[by_name[spec.name]], spec, errors)
    except Exception:  # a damaged sheet part fails only when it is parsed
        raise _malformed(
            _("文件已损坏或格式不正确，无法读取：请在 Excel 中另存为 .xlsx 后再上传")
        ) from None
    finally:
        wb.close()
    if errors:
        raise RosterInvalid(errors)
    return sheets


def _header_name(value: object) -> str:
    text = re.sub(r"[\s*＊]", "", _cell_text(value)).replace("（", "(").replace("）", ")")
    return HEADER_ALIASES.get(text, text)


def _read_sheet(ws, spec: SheetSpec, errors: list[RowError]) -> RawRows:
    # Some writers store a wrong <dimension> (e.g. "A1"); read-only mode would then stop early.
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    header = next(rows, ()) or ()
    expected = pgettext("list separator", "、").join(spec.headers)
    positions: dict[str, int] = {}
    count_before = len(errors)
    for index, raw in enumerate(header):
        name = _header_name(raw)
        if not name:
            continue
        shown = _cell_text(raw)
        if name not in spec.headers:
            errors.append(
                RowError(
                    spec.name,
                    1,
                    shown,
                    _("无法识别的列「%(column)s」；本表的列应为：%(expected)s")
                    % {"column": shown, "expected": expected},
                )
            )
        elif name in positions:
            errors.append(
                RowError(spec.name, 1, name, _("列「%(column)s」出现了两次") % {"column": name})
            )
        else:
            positions[name] = index
    for column in spec.columns:
        if column.required and column.header not in positions:
            errors.append(
                RowError(
                    spec.name,
                    1,
                    column.header,
                    _("缺少必填列「%(column)s」；本表的列应为：%(expected)s")
                    % {"column": column.header, "expected": expected},
                )
            )
    if len(errors) > count_before:
        return []
    out: RawRows = []
    for number, values in enumerate(rows, start=2):
        width = len(values)
        cells = {h: values[i] if i < width else None for h, i in positions.items()}
        if all(_cell_text(v) == "" for v in cells.values()):
            continue
        if len(out) >= MAX_ROWS:
            errors.append(
                RowError(
                    spec.name,
                    0,
                    "",
                    _("本表超过 %(max_rows)s 行，请分成几个文件导入") % {"max_rows": MAX_ROWS},
                )
            )
            return []
        out.append((number, cells))
    return out


_INVISIBLE = str.maketrans({"\u3000": " ", "\xa0": " ", "\u200b": None, "\ufeff": None})


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 301 and 301.0 → "301", 89.5 → "89.5"; like Excel, at
    most 15 significant digits (a formula's 89.50000000000001 is the 89.5 on the screen)."""
    if value is None:
        return ""
    if type(value) is str:
        return value.translate(_INVISIBLE).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_INVISIBLE).strip()


# --- Parsing rows ---------------------------------------------------------------------------

RoomKey = tuple[str, str, str]  # building name, unit name ("" = none), room number
PersonKey = tuple[str, ...]  # ("id", id_number) or ("name", name, mobile)


@dataclass(slots=True)
class _BuildingRow:
    row: int
    name: str
    floors: int | None


@dataclass(slots=True)
class _RoomRow:
    row: int
    key: RoomKey
    floor: int
    area: Decimal
    use: str


@dataclass(slots=True)
class _PersonRow:
    row: int
    key: RoomKey
    name: str
    mobile: str
    id_number: str
    relation: str
    start_date: dt.date

    @property
    def person(self) -> PersonKey:
        return ("id", self.id_number) if self.id_number else ("name", self.name, self.mobile)


class _Cells:
    """One data row being parsed: typed getters that record a RowError instead of raising."""

    __slots__ = ("cells", "errors", "number", "sheet")

    def __init__(self, sheet: str, number: int, cells: dict[str, object], errors: list[RowError]):
        self.sheet, self.number, self.cells, self.errors = sheet, number, cells, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.sheet, self.number, column, message))

    def raw(self, column: str) -> object:
        return self.cells.get(column)

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = _cell_text(self.cells.get(column))
        if not value:
            if required:
                self.error(column, _("请填写%(column)s") % {"column": column})
        elif max_length and len(value) > max_length:
            self.error(
                column,
                _("%(column)s不能超过 %(max_length)s 个字")
                % {"column": column, "max_length": max_length},
            )
        return value

    def integer(
        self, column: str, *, required: bool, bounds: tuple[int, int], message: str
    ) -> int | None:
        value = self.text(column, required=required)
        if not value:
            return None
        match = re.fullmatch(r"([+-]?\d+)(?:\.0+)?\s*(?:层|F|f)?", value)
        number = int(match.group(1)) if match else None
        if number is None or not bounds[0] <= number <= bounds[1]:
            self.error(column, message)
            return None
        return number

    def choice(self, column: str, labels: dict[str, str], default: str) -> str:
        value = self.text(column)
        if not value:
            return default
        for code, label in labels.items():
            if value in (code, label):
                return code
        shown = pgettext("list separator", "、").join(labels.values())
        self.error(
            column,
            _("%(column)s「%(value)s」无效，应为：%(expected)s")
            % {"column": column, "value": value, "expected": shown},
        )
        return default


def _room_key(cells: _Cells) -> RoomKey:
    return (
        cells.text(BUILDING, required=True, max_length=BUILDING_NAME_MAX),
        cells.text(UNIT, max_length=UNIT_NAME_MAX),
        cells.text(NUMBER, required=True, max_length=ROOM_NUMBER_MAX),
    )


def _room_label(key: RoomKey) -> str:
    return "-".join(part for part in key if part)


def _parse_buildings(rows: RawRows, errors: list[RowError]) -> list[_BuildingRow]:
    out: list[_BuildingRow] = []
    first_row: dict[str, int] = {}
    for number, raw in rows:
        cells = _Cells(BUILDING_SHEET_NAME, number, raw, errors)
        name = cells.text(BUILDING, required=True, max_length=BUILDING_NAME_MAX)
        floors = cells.integer(
            FLOORS,
            required=False,
            bounds=FLOORS_RANGE,
            message=_("层数应为 %(min)s–%(max)s 的整数，如 18")
            % {"min": FLOORS_RANGE[0], "max": FLOORS_RANGE[1]},
        )
        if name in first_row:
            cells.error(BUILDING, _("楼栋重复：与第 %(row)s 行相同") % {"row": first_row[name]})
        elif name:
            first_row[name] = number
            out.append(_BuildingRow(number, name, floors))
    return out


def _parse_area(cells: _Cells) -> Decimal | None:
    text = cells.text(AREA, required=True)
    if not text:
        return None
    text = re.sub(r"\s*(m²|㎡|m2|平方米|平米)$", "", text, flags=re.IGNORECASE).replace(",", "")
    try:
        area = Decimal(text)
        ok = area.is_finite() and Decimal(0) < area < AREA_LIMIT
    except (InvalidOperation, ValueError):
        ok = False
    if not ok:
        cells.error(AREA, _("建筑面积应为大于 0 的数字，如 89.50"))
        return None
    if area != area.quantize(Decimal("0.01")):
        # 89.505 is refused, not rounded: the sheet is corrected, the area is what was typed.
        cells.error(AREA, decimal_places_message(_("建筑面积"), 2))
        return None
    return area.quantize(Decimal("0.01"))


def _parse_rooms(rows: RawRows, errors: list[RowError]) -> list[_RoomRow]:
    out: list[_RoomRow] = []
    for number, raw in rows:
        cells = _Cells(ROOM_SHEET_NAME, number, raw, errors)
        key = _room_key(cells)
        floor = cells.integer(
            FLOOR,
            required=True,
            bounds=FLOOR_RANGE,
            message=_("楼层应为整数，如 3；地下层用负数，如 -1"),
        )
        area = _parse_area(cells)
        use = cells.choice(USE, USE_LABEL, RoomUse.RESIDENTIAL)
        if key[0] and key[2]:
            # Kept even when another cell is bad, so the 业主住户 rows that point at this room
            # get no second, misleading "未知房屋" error (a bad row is never written: any error
            # stops the whole import).
            out.append(_RoomRow(number, key, floor or 0, area or Decimal(0), use))
    return out


# 2024-05-01, 2024/5/1, 2024.05.01, 2024年5月1日, 20240501 (with or without a time after it).
DATE_RE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:\s.*)?")


def _parse_date(cells: _Cells, today: dt.date) -> dt.date:
    raw = cells.raw(START_DATE)
    day: dt.date | None = None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and 18264 <= raw <= 73050:
        # A date cell that lost its date format shows its serial number (45413 = 2024-05-01);
        # the range is 1950-01-01 … 2099-12-31, so 20240501 is read as text below.
        day = from_excel(raw).date()
    else:
        text = _cell_text(raw)
        if not text:
            return today
        if match := DATE_RE.fullmatch(text):
            year, month, day_, month8, day8 = match.groups()
            try:
                day = dt.date(int(year), int(month or month8), int(day_ or day8))
            except ValueError:
                day = None
    if day is None:
        cells.error(START_DATE, _("起始日期格式应为 2024-05-01"))
        return today
    if not 1900 <= day.year <= 2099:
        cells.error(START_DATE, _("起始日期不在合理范围内"))
    return day


def _parse_people(rows: RawRows, errors: list[RowError], today: dt.date) -> list[_PersonRow]:
    out: list[_PersonRow] = []
    for number, raw in rows:
        cells = _Cells(RESIDENT_SHEET_NAME, number, raw, errors)
        key = _room_key(cells)
        name = cells.text(NAME, required=True, max_length=RESIDENT_NAME_MAX)

        mobile = normalize_mobile(cells.text(MOBILE, required=True))
        if mobile:
            try:
                validate_cn_mobile(mobile)
            except ValidationError as exc:
                cells.error(MOBILE, str(exc.messages[0]))

        raw_id = cells.raw(ID_NUMBER)
        id_number = normalize_id_number(cells.text(ID_NUMBER))
        if isinstance(raw_id, float) and raw_id >= 1e15:
            # Excel keeps 15 significant digits: a number typed into a General cell loses the
            # last digits of an 18-digit ID, and no check can recover them.
            cells.error(
                ID_NUMBER,
                _("身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为文本格式后重新填写"),
            )
        elif id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as exc:
                cells.error(ID_NUMBER, str(exc.messages[0]))

        relation = cells.choice(RELATION, RELATION_LABEL, Relation.OWNER)
        start_date = _parse_date(cells, today)
        if key[0] and key[2] and name:
            # A bad row still takes part in the duplicate checks; it is never written.
            out.append(_PersonRow(number, key, name, mobile, id_number, relation, start_date))
    return out


# --- Checking against the database ----------------------------------------------------------


@dataclass
class _Plan:
    building_ids: dict[str, int]
    new_buildings: list[_BuildingRow]
    unit_ids: dict[tuple[str, str], int]
    new_units: list[tuple[str, str]]
    room_ids: dict[RoomKey, int]
    new_rooms: list[_RoomRow]
    resident_ids: dict[PersonKey, int]
    new_residents: list[_PersonRow]
    occupancies: list[_PersonRow] = field(default_factory=list)


def _adder(errors: list[RowError], sheet: str):
    def add(row: int, column: str, message: str) -> None:
        errors.append(RowError(sheet, row, column, message))

    return add


def _chunks(values: Sequence, size: int = 500) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plan(
    estate: Estate,
    buildings: list[_BuildingRow],
    rooms: list[_RoomRow],
    people: list[_PersonRow],
    errors: list[RowError],
) -> _Plan:
    """Match the rows to what exists (one query per table) and find every conflict."""
    existing_buildings = dict(
        Building.objects.filter(estate=estate).values_list("name", "id").order_by()
    )
    unit_ids = {
        (b, u): pk
        for pk, b, u in Unit.objects.filter(building__estate=estate)
        .values_list("id", "building__name", "name")
        .order_by()
    }
    existing_rooms: dict[RoomKey, int] = {
        (b, u or "", n): pk
        for pk, b, u, n in Room.objects.filter(estate=estate)
        .values_list("id", "building__name", "unit__name", "number")
        .order_by()
    }
    plan = _Plan(
        building_ids=dict(existing_buildings),
        new_buildings=[b for b in buildings if b.name not in existing_buildings],
        unit_ids=unit_ids,
        new_units=[],
        room_ids=dict(existing_rooms),
        new_rooms=[],
        resident_ids={},
        new_residents=[],
    )

    sheet_buildings = {b.name for b in buildings}
    room_rows: dict[RoomKey, int] = {}
    new_unit_keys: set[tuple[str, str]] = set()
    add = _adder(errors, ROOM_SHEET_NAME)
    for room in rooms:
        building, unit, _number = room.key
        label = _room_label(room.key)
        if building not in sheet_buildings and building not in existing_buildings:
            add(
                room.row,
                BUILDING,
                _("未知楼栋「%(building)s」：请先在「%(sheet)s」表中填写，或核对名称")
                % {"building": building, "sheet": BUILDING_SHEET_NAME},
            )
        if room.key in room_rows:
            add(
                room.row,
                NUMBER,
                _("房号重复：%(room)s 与第 %(row)s 行相同")
                % {"room": label, "row": room_rows[room.key]},
            )
            continue
        room_rows[room.key] = room.row
        if room.key in existing_rooms:
            add(room.row, NUMBER, _("房号重复：%(room)s 已在系统中") % {"room": label})
            continue
        plan.new_rooms.append(room)
        if unit and (building, unit) not in unit_ids and (building, unit) not in new_unit_keys:
            new_unit_keys.add((building, unit))
            plan.new_units.append((building, unit))

    _plan_people(estate, people, room_rows, existing_rooms, plan, errors)
    return plan


def _plan_people(
    estate: Estate,
    people: list[_PersonRow],
    room_rows: dict[RoomKey, int],
    existing_rooms: dict[RoomKey, int],
    plan: _Plan,
    errors: list[RowError],
) -> None:
    ids = sorted({p.id_number for p in people if p.id_number})
    known: dict[str, int] = {}
    for chunk in _chunks(ids):
        known.update(
            Resident.objects.filter(company_id=estate.company_id, id_number__in=chunk)
            .values_list("id_number", "id")
            .order_by()
        )
    # Who already lives in which room: a second open occupancy would break
    # occupancy_current_unique, and a second current one is a mistake anyway.
    registered: set[tuple[int, int]] = set()
    resident_pks = sorted(known.values())
    for chunk in _chunks(resident_pks):
        registered.update(
            Occupancy.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()),
                estate=estate,
                resident_id__in=chunk,
            )
            .values_list("room_id", "resident_id")
            .order_by()
        )

    in_room: dict[tuple[RoomKey, PersonKey], int] = {}
    name_of_id: dict[str, tuple[str, int]] = {}
    add = _adder(errors, RESIDENT_SHEET_NAME)
    for person in people:
        before = len(errors)
        label = _room_label(person.key)
        if person.key not in room_rows and person.key not in existing_rooms:
            add(
                person.row,
                NUMBER,
                _("未知房屋「%(room)s」：既不在「%(sheet)s」表中，也不在系统中")
                % {"room": label, "sheet": ROOM_SHEET_NAME},
            )
        if person.id_number:
            first = name_of_id.setdefault(person.id_number, (person.name, person.row))
            if first[0] != person.name:
                add(
                    person.row,
                    NAME,
                    _("身份证号与第 %(row)s 行相同，但姓名不同（%(name)s）")
                    % {"row": first[1], "name": first[0]},
                )
        pair = (person.key, person.person)
        if pair in in_room:
            add(
                person.row,
                NAME,
                _("同一人在该房屋重复登记：与第 %(row)s 行相同") % {"row": in_room[pair]},
            )
        else:
            in_room[pair] = person.row
        room_pk = existing_rooms.get(person.key)
        resident_pk = known.get(person.id_number) if person.id_number else None
        if room_pk and resident_pk and (room_pk, resident_pk) in registered:
            add(
                person.row,
                NAME,
                _("%(name)s 已登记在 %(room)s，无需重复导入")
                % {"name": person.name, "room": label},
            )
        if len(errors) > before:
            continue
        plan.occupancies.append(person)
        if resident_pk:
            plan.resident_ids[person.person] = resident_pk
        elif person.person not in plan.resident_ids:
            plan.resident_ids[person.person] = 0  # the id comes from _write
            plan.new_residents.append(person)


# --- Writing --------------------------------------------------------------------------------


def _require_pks(objs: Sequence) -> None:
    # PostgreSQL and SQLite ≥ 3.35 return the new ids from a bulk INSERT; the rest of the import
    # needs them, and silently linking to id None would be far worse than failing.
    if any(obj.pk is None for obj in objs):
        raise RuntimeError("数据库未返回批量插入的主键（需要 PostgreSQL 或 SQLite 3.35 以上）")


def _write(estate: Estate, plan: _Plan) -> RosterImportResult:
    base = Building.objects.filter(estate=estate).aggregate(sort=Max("sort"))["sort"] or 0
    buildings = [
        Building(estate=estate, name=row.name, floors=row.floors, sort=base + i)
        for i, row in enumerate(plan.new_buildings, start=1)
    ]
    Building.objects.bulk_create(buildings, batch_size=BULK_BATCH)
    _require_pks(buildings)
    plan.building_ids.update((b.name, b.pk) for b in buildings)

    building_pks = {plan.building_ids[b] for b, _u in plan.new_units}
    unit_sort: dict[int, int] = {}
    for building_pk, sort in (
        Unit.objects.filter(building_id__in=building_pks).values_list("building_id", "sort")
        if building_pks
        else ()
    ):
        unit_sort[building_pk] = max(unit_sort.get(building_pk, 0), sort)
    units = []
    for building_name, unit_name in plan.new_units:
        building_pk = plan.building_ids[building_name]
        unit_sort[building_pk] = unit_sort.get(building_pk, 0) + 1
        units.append(
            Unit(
                estate=estate,
                building_id=building_pk,
                name=unit_name,
                sort=unit_sort[building_pk],
            )
        )
    Unit.objects.bulk_create(units, batch_size=BULK_BATCH)
    _require_pks(units)
    plan.unit_ids.update(zip(plan.new_units, (u.pk for u in units), strict=True))

    rooms = [
        Room(
            estate=estate,
            building_id=plan.building_ids[row.key[0]],
            unit_id=plan.unit_ids[row.key[:2]] if row.key[1] else None,
            number=row.key[2],
            floor=row.floor,
            area=row.area,
            use=row.use,
        )
        for row in plan.new_rooms
    ]
    Room.objects.bulk_create(rooms, batch_size=BULK_BATCH)
    _require_pks(rooms)
    plan.room_ids.update(zip((r.key for r in plan.new_rooms), (r.pk for r in rooms), strict=True))

    residents = [
        Resident(
            company_id=estate.company_id,
            name=row.name,
            mobile=row.mobile,
            id_number=row.id_number,
        )
        for row in plan.new_residents
    ]
    Resident.objects.bulk_create(residents, batch_size=BULK_BATCH)
    _require_pks(residents)
    plan.resident_ids.update(
        zip((r.person for r in plan.new_residents), (r.pk for r in residents), strict=True)
    )

    occupancies = [
        Occupancy(
            estate=estate,
            room_id=plan.room_ids[row.key],
            resident_id=plan.resident_ids[row.person],
            relation=row.relation,
            start_date=row.start_date,
        )
        for row in plan.occupancies
    ]
    Occupancy.objects.bulk_create(occupancies, batch_size=BULK_BATCH)
    return RosterImportResult(
        buildings=len(buildings),
        units=len(units),
        rooms=len(rooms),
        residents=len(residents),
        occupancies=len(occupancies),
    )


# --- Writing workbooks ----------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sorted(errors: list[RowError]) -> list[RowError]:
    order = {spec.name: i for i, spec in enumerate(SHEETS)}
    return sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row))


def _sheet_with_header(wb: Workbook, spec: SheetSpec) -> Worksheet:
    ws = wb.create_sheet(spec.name)
    ws.append(list(spec.headers))
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        note = f"{'必填' if column.required else '选填'}。{column.hint}\n示例：{_shown(column)}"
        cell.comment = Comment(note, "物业系统", width=260, height=90)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        # A column style makes what people type later stay text (301 → "301", not a number).
        if column.text:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
        elif column.date:
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        if column.choices:
            rule = DataValidation(
                type="list",
                formula1=f'"{",".join(column.choices)}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"{column.header}无效",
                error=f"请从下拉列表中选择：{'、'.join(column.choices)}",
            )
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    return ws


def _shown(column: Column) -> str:
    return (
        column.example.isoformat() if isinstance(column.example, dt.date) else str(column.example)
    )


def _safe(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write_rows(ws: Worksheet, spec: SheetSpec, rows: Iterable[list[object]]) -> None:
    formats = [
        TEXT_FORMAT if c.text else DATE_FORMAT if c.date else "0.00" if c.header == AREA else ""
        for c in spec.columns
    ]
    for row, values in enumerate(rows, start=2):
        for column, (value, number_format) in enumerate(zip(values, formats, strict=True), 1):
            if value is None:
                if number_format == TEXT_FORMAT:
                    ws.cell(row=row, column=column).number_format = TEXT_FORMAT
                continue
            cell = ws.cell(row=row, column=column, value=_safe(value))
            if isinstance(value, str):
                # A name such as "=HYPERLINK(...)" typed by someone must stay text, not a formula.
                cell.data_type = "s"
            if number_format:
                cell.number_format = number_format


HELP_RULES = (
    "本工作簿有「楼栋」「房屋」「业主住户」三张表。请不要修改表名和第一行的列名；红色列名为必填。",
    "导入时先检查全部数据：只要有一处错误，就不会导入任何数据；系统会列出每处错误所在的表、"
    "行号和列，改正后请重新上传整个文件。",
    "「楼栋」：列出文件涉及的全部新楼栋。系统中已有的同名楼栋直接沿用，不会修改其层数。",
    "「房屋」：每行一间房。「单元」留空表示该楼栋不分单元，新的单元会自动创建。楼栋须在「楼栋」表"
    "中或已在系统中；同一楼栋、单元内房号不能重复，也不能与系统中已有的房屋重复。",
    "「业主住户」：每行一人一房，一人有多套房请写多行。房屋须在「房屋」表中或已在系统中。身份证号"
    "与系统中已有住户相同时沿用该住户（姓名、手机号以系统为准）；没有身份证号时，文件中姓名和"
    "手机号都相同的几行视为同一人。同一人在同一房屋只能登记一次。",
    "手机号、身份证号、房号请按文本填写（模板中这些列已设为文本格式）：Excel 会把 18 位身份证号"
    "存成科学计数法，末几位就此丢失。",
    f"每张表最多 {MAX_ROWS} 行，文件不超过 {MAX_BYTES // (1024 * 1024)} MB。",
)
MASKED_NOTE = (
    "本文件中的手机号和身份证号已脱敏（如 138****1234、1101**********002X），因为导出人无权查看"
    "完整号码。这样的文件不能直接再导入：请先补全这两列，或清空身份证号列并填写完整手机号。"
)


def _help_sheet(wb: Workbook, context: str = "", masked: bool = False) -> None:
    ws = wb.create_sheet(HELP_SHEET_NAME)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 8
    ws.column_dimensions["D"].width = 60
    ws.column_dimensions["E"].width = 22
    ws.append(["房屋与住户导入说明"])
    ws["A1"].font = Font(bold=True, size=14)
    if context:
        ws.append([context])
    if masked:
        ws.append([MASKED_NOTE])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="C00000")
    ws.append([])
    for number, rule in enumerate(HELP_RULES, start=1):
        ws.append([f"{number}. {rule}"])
    ws.append([])
    ws.append(["工作表", "列", "必填", "填写要求", "示例"])
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for spec in SHEETS:
        for column in spec.columns:
            ws.append(
                [spec.name, column.header, "是" if column.required else "", column.hint, None]
            )
            cell = ws.cell(row=ws.max_row, column=5, value=_shown(column))
            cell.data_type = "s"
    for spec in SHEETS:
        ws.append([])
        ws.append([f"「{spec.name}」表示例："])
        ws.cell(row=ws.max_row, column=1).font = HEADER_FONT
        ws.append(list(spec.headers))
        for cell in ws[ws.max_row]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        ws.append([_shown(c) for c in spec.columns])
        for cell in ws[ws.max_row]:
            cell.number_format = TEXT_FORMAT
