"""Roster import and export (花名册): buildings, rooms and residents of an estate as .xlsx.

The workbook has three data sheets — 楼栋, 房屋, 业主住户 — and a 说明 sheet. An import is all or
nothing: every row of every sheet is checked in memory first and each problem is reported with its
sheet, Excel row number and column; only a file without a single error is written, in one
transaction, with ``bulk_create`` (a takeover brings thousands of rooms at once, and per-row
``full_clean`` + ``save`` would take minutes). Because ``bulk_create`` skips ``full_clean``, the
checks here must cover every field rule and constraint of Building, Unit, Room, Resident and
Occupancy.

This package is the roster's public interface; its parts are ``layout`` (the interface and
the sheets), ``reading`` (the file and its rows), ``checking`` (against the database),
``writing``, ``workbooks`` (the template and the export) and ``imports`` (the public functions).
"""

from .imports import roster_export, roster_import, roster_template
from .layout import SHEETS, RosterImportResult, RosterInvalid, RowError

__all__ = [
    "SHEETS",
    "RosterImportResult",
    "RosterInvalid",
    "RowError",
    "roster_export",
    "roster_import",
    "roster_template",
]
