"""Writing workbooks: the template and the export, text cells where Excel would mangle numbers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..scoping import Actor, actor_for
from .layout import AREA, HELP_SHEET_NAME, MAX_BYTES, MAX_ROWS, SHEETS, Column, RowError, SheetSpec

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
