"""The compliance table of a month (合规率, QUALITY-02/03) as .xlsx: one row per process and clock,
the figures the page shows. The page and the API answer the same file."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wuye.base.xlsx import file_response
from wuye.quality.selectors import ComplianceTable

HEADERS = (gettext_lazy("流程"), gettext_lazy("时限"), gettext_lazy("时限要求"),
           gettext_lazy("应兑现"), gettext_lazy("按时"), gettext_lazy("超时"),
           gettext_lazy("兑现率"))  # fmt: skip
WIDTHS = (16, 20, 14, 10, 10, 10, 10)
SHARE_COLUMN = 7


def compliance_xlsx_response(table: ComplianceTable, scope_label: str) -> HttpResponse:
    """Row 1 names the estate and month; row 3 the headers; one row per clock, then 合计."""
    workbook = Workbook()
    sheet = workbook.active
    month = table.scope.month_text
    sheet.title = _("合规率")
    sheet.append([_("%(scope)s · %(month)s 服务承诺兑现") % {"scope": scope_label, "month": month}])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append([str(h) for h in HEADERS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"
    for group in table.groups:
        for row in group.rows:
            sheet.append(
                [group.label, row.name, row.target, row.decided, row.kept, row.breached,
                 row.share]
            )  # fmt: skip
    sheet.append(
        [_("合计"), "", "", table.decided, table.kept, table.decided - table.kept, table.share]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=4, min_col=SHARE_COLUMN, max_col=SHARE_COLUMN):
        cell.number_format = "0.0%"
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), f"{scope_label}-{_('合规率')}-{month}.xlsx")
