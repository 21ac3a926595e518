"""Reading a roster workbook and parsing its rows, each bad cell named by sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from ..choices import Relation, RoomUse
from ..validators import (
    decimal_places_message,
    normalize_id_number,
    normalize_mobile,
    validate_cn_mobile,
    validate_id_number,
)
from .layout import (
    AREA,
    AREA_LIMIT,
    BUILDING,
    BUILDING_NAME_MAX,
    BUILDING_SHEET_NAME,
    FLOOR,
    FLOOR_RANGE,
    FLOORS,
    FLOORS_RANGE,
    HEADER_ALIASES,
    ID_NUMBER,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MOBILE,
    NAME,
    NUMBER,
    OLE_MAGIC,
    RELATION,
    RELATION_LABEL,
    RESIDENT_NAME_MAX,
    RESIDENT_SHEET_NAME,
    ROOM_NUMBER_MAX,
    ROOM_SHEET_NAME,
    SHEETS,
    START_DATE,
    UNIT,
    UNIT_NAME_MAX,
    USE,
    USE_LABEL,
    RosterInvalid,
    RowError,
    SheetSpec,
)

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
