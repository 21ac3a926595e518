"""The roster's interface (its errors and result) and the layout of its sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..choices import Relation, RoomUse
from ..models import Building, Resident, Room, Unit

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
