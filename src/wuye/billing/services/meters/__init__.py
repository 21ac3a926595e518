"""Meters, monthly readings and the monthly shared-cost disclosure (公摊费用公示, FEE-08).

Who does what (checked here, the pages only show or hide buttons):
- meters (表计) are set up by finance (clerk, finance head, executives) and by the engineering
  department's head;
- readings (抄表) are entered by those and by the engineering department's technicians;
- finance prepares a month's disclosure draft; the finance head or an executive publishes it
  (it bills every owned room and goes up on the notice board, so a manager signs it off).

Readings. Usage is (reading − previous) × multiplier, where previous is the meter's latest
reading of an earlier month. The first reading of a meter is its baseline: previous is empty and
the usage 0 — unless the reader gives the start reading of a newly installed meter (``start``),
then that month's usage counts from it. A reading below the previous one (a replaced or reset
meter) or a usage far above the usual (more than twice the average of the last three months and
more than ``JUMP_FLOOR`` above it) is refused until someone confirms it with a note; it is then
kept with ``implausible`` set and who confirmed it. A confirmed reading below the previous one
counts from zero (the new meter's reading × multiplier). A month's reading may be corrected
(entered again) while no published disclosure uses it or the next month's reading.

Disclosure. A draft is made from the common meters' readings of the month (usage × the meter's
unit price; a building's meter is shared by that building's rooms, an estate meter by all) plus
manual lines (电梯费 and other shared costs), and recomputed while it is a draft. Publishing it,
once, bills each room owned during the month (the rooms the property-fee run bills) its share on
the estate's shared-cost item with its ledger charge, in one transaction; the shares add up to
the total to the fen (largest remainder). It also goes up on the notice board. A published
disclosure is never changed.

This package is the meters' public interface (``meters.<name>``); its modules are the topics:
``register``, ``readings``, ``reading_import``, ``disclosures`` and the shared ``common``.
"""

from .common import (
    HISTORY_MONTHS,
    JUMP_FACTOR,
    JUMP_FLOOR,
    READING_MAX,
    SHARED_ITEM_NAME,
    current_month,
    may_edit_meters,
    may_prepare_disclosure,
    may_publish_disclosure,
    may_read_meters,
    may_record_readings,
    parse_month,
)
from .disclosures import (
    disclosure_line_add,
    disclosure_line_remove,
    disclosure_prepare,
    disclosure_publish,
    disclosure_text,
    disclosure_update,
    missing_readings,
    shared_item,
    stale_lines,
    unshared_lines,
)
from .reading_import import (
    IMPORT_HEADERS,
    IMPORT_MAX_ROWS,
    ImportRefused,
    ImportResult,
    RowProblem,
    meter_reading_import,
    reading_rows_from_xlsx,
    reading_template,
)
from .readings import (
    Implausible,
    ReadingCheck,
    meter_reading_record,
    reading_check,
    usual_usage,
)
from .register import (
    meter_save,
    parse_decimal,
)

__all__ = [
    "HISTORY_MONTHS",
    "IMPORT_HEADERS",
    "IMPORT_MAX_ROWS",
    "JUMP_FACTOR",
    "JUMP_FLOOR",
    "READING_MAX",
    "SHARED_ITEM_NAME",
    "Implausible",
    "ImportRefused",
    "ImportResult",
    "ReadingCheck",
    "RowProblem",
    "current_month",
    "disclosure_line_add",
    "disclosure_line_remove",
    "disclosure_prepare",
    "disclosure_publish",
    "disclosure_text",
    "disclosure_update",
    "may_edit_meters",
    "may_prepare_disclosure",
    "may_publish_disclosure",
    "may_read_meters",
    "may_record_readings",
    "meter_reading_import",
    "meter_reading_record",
    "meter_save",
    "missing_readings",
    "parse_decimal",
    "parse_month",
    "reading_check",
    "reading_rows_from_xlsx",
    "reading_template",
    "shared_item",
    "stale_lines",
    "unshared_lines",
    "usual_usage",
]
