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
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from wuye.base.bounds import DATE_MAX, DATE_MIN
from wuye.billing.models import (
    ZERO,
    Bill,
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    DisclosureStatus,
    EntryKind,
    LedgerEntry,
    Meter,
    MeterKind,
    MeterReading,
    SharedCostDisclosure,
    SharedCostKind,
    SharedCostLine,
)
from wuye.billing.selectors.meters import (
    CENT,
    disclosure_shares,
    meter_scope_label,
    meters_for_reading,
    month_end,
    month_shift,
    month_start,
    owned_rooms,
)
from wuye.billing.services.charges import charge_item_get_or_create
from wuye.billing.services.common import _actor, _lock, estate_today, money
from wuye.billing.services.payments import _rooms_with_credit, credit_apply
from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, Room
from wuye.core.scoping import Actor
from wuye.core.validators import check_date, check_field_text

JUMP_FACTOR = Decimal("2")  # usage above twice the usual needs a confirmation…
JUMP_FLOOR = Decimal("20")  # …and more than 20 吨/度 above it (tiny usages vary a lot)
HISTORY_MONTHS = 3
READING_MAX = Decimal("1000000000000")
SHARED_ITEM_NAME = "公摊水电费"


# --- Permissions -------------------------------------------------------------------------------


def _department(actor: Actor):
    return getattr(getattr(actor.staff, "department", None), "kind", None)


def may_edit_meters(actor: Actor) -> bool:
    if actor.is_superuser or actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) in (
        DepartmentKind.FINANCE,
        DepartmentKind.ENGINEERING,
    )


def may_read_meters(actor: Actor) -> bool:
    """Whoever sets up meters, reads them, or reads the fees (the disclosure's drafts too)."""
    if may_edit_meters(actor) or actor.role == Role.AUDITOR:
        return True
    if actor.role == Role.TECHNICIAN and _department(actor) == DepartmentKind.ENGINEERING:
        return True
    return actor.role == Role.CS_AGENT or (
        actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.CUSTOMER_SERVICE
    )


def may_record_readings(actor: Actor) -> bool:
    if may_edit_meters(actor):
        return True
    return actor.role == Role.TECHNICIAN and _department(actor) == DepartmentKind.ENGINEERING


def may_prepare_disclosure(actor: Actor) -> bool:
    if actor.is_superuser or actor.role in (Role.FINANCE_CLERK, Role.EXECUTIVE):
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.FINANCE


def may_publish_disclosure(actor: Actor) -> bool:
    if actor.is_superuser or actor.role == Role.EXECUTIVE:
        return True
    return actor.role == Role.DEPARTMENT_HEAD and _department(actor) == DepartmentKind.FINANCE


def _check(actor: Actor, estate_id: int, allowed: bool, message: str) -> None:
    if actor.is_superuser:
        return
    if estate_id not in actor.estate_ids:
        raise Http404
    if not allowed:
        raise PermissionDenied(message)


# --- Months ------------------------------------------------------------------------------------


def parse_month(text: str | None) -> dt.date | None:
    """ "2026-11" → 2026-11-01; anything else (a year outside 1900–2100 too) → None."""
    try:
        year, month = (int(p) for p in str(text or "").strip().split("-")[:2])
        day = dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def current_month(estate: Estate) -> dt.date:
    return month_start(estate_today(estate, timezone.now()))


def _check_month(estate: Estate, period: dt.date, field_name: str = "period") -> dt.date:
    if not isinstance(period, dt.date):
        raise ValidationError({field_name: [_("请选择月份")]})
    period = month_start(period)
    check_date(period, field=field_name, label=_("月份"))
    if period > current_month(estate):
        raise ValidationError({field_name: [_("不能录入未来月份")]})
    return period


# --- Meters ------------------------------------------------------------------------------------


def _decimal(value, field_name: str, places: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field_name: [message]}) from None
    if not number.is_finite() or number != number.quantize(Decimal(places)):
        raise ValidationError({field_name: [message]})
    return number


@transaction.atomic
def meter_save(
    *,
    estate: Estate,
    by,
    code: str,
    name: str,
    kind: str,
    multiplier,
    unit_price,
    building: Building | None = None,
    room: Room | None = None,
    is_active: bool = True,
    meter: Meter | None = None,
) -> Meter:
    """Add a meter (``meter=None``) or change one. A building's meter is shared by that
    building's rooms; without building or room it is the whole estate's."""
    actor = _actor(by)
    _check(
        actor,
        estate.pk,
        may_edit_meters(actor),
        _("只有财务人员、工程设备部负责人或企业高层可以设置表计"),
    )
    if meter is not None and meter.estate_id != estate.pk:
        raise Http404
    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = [_("请填写表号")]
    elif len(code) > 30:
        errors["code"] = [_("表号不能超过 30 个字符")]
    elif (
        Meter.objects.filter(estate=estate, code=code)
        .exclude(pk=getattr(meter, "pk", None))
        .exists()
    ):
        errors["code"] = [_("本项目已有这个表号")]
    if not name:
        errors["name"] = [_("请填写名称，如 1栋公共照明电表")]
    elif len(name) > 60:
        errors["name"] = [_("名称不能超过 60 个字")]
    if kind not in MeterKind.values:
        errors["kind"] = [_("请选择水表或电表")]
    try:
        multiplier = _decimal(multiplier, "multiplier", "0.01", _("倍率须为数字，最多两位小数"))
        if multiplier <= 0 or multiplier >= Decimal("100000000"):
            errors["multiplier"] = [_("倍率须大于 0")]
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        unit_price = _decimal(unit_price, "unit_price", "0.0001", _("单价须为数字，最多四位小数"))
        if unit_price < 0 or unit_price >= Decimal("100000000"):
            errors["unit_price"] = [_("单价不能为负")]
    except ValidationError as error:
        errors.update(error.message_dict)
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("该楼栋不属于本项目")]
    if room is not None:
        if room.estate_id != estate.pk:
            errors["room"] = [_("该房屋不属于本项目")]
        else:
            building = room.building
    if errors:
        raise ValidationError(errors)
    meter = meter or Meter(estate=estate)
    meter.code, meter.name, meter.kind = code, name, kind
    meter.multiplier, meter.unit_price, meter.is_active = multiplier, unit_price, is_active
    meter.building, meter.room = building, room
    try:
        with transaction.atomic():
            meter.save()
    except IntegrityError:
        raise ValidationError({"code": [_("本项目已有这个表号")]}) from None
    return meter


# --- Readings ----------------------------------------------------------------------------------


class Implausible(ValidationError):
    """A reading that needs a confirmation (below the previous one, or a jump)."""


def _previous(meter: Meter, period: dt.date) -> MeterReading | None:
    return meter.readings.filter(period__lt=period).order_by("-period").first()


def usual_usage(meter: Meter, period: dt.date) -> Decimal | None:
    """The average usage of the meter's readings in the three months before ``period`` (a
    baseline reading has no usage and does not count); None without any."""
    usages = list(
        meter.readings.filter(
            period__lt=period,
            period__gte=month_shift(period, -HISTORY_MONTHS),
            previous__isnull=False,
        ).values_list("usage", flat=True)
    )
    if not usages:
        return None
    return (sum(usages, ZERO) / len(usages)).quantize(CENT, rounding=ROUND_HALF_UP)


def _published_months(meter: Meter) -> set[dt.date]:
    return set(
        SharedCostLine.objects.filter(
            meter=meter, disclosure__status=DisclosureStatus.PUBLISHED
        ).values_list("disclosure__month", flat=True)
    )


@dataclass
class ReadingCheck:
    """What a reading would record, and why it needs a confirmation (``problem``)."""

    previous: Decimal | None
    usage: Decimal
    problem: str = ""
    usual: Decimal | None = None


def reading_check(
    meter: Meter, period: dt.date, reading: Decimal, start: Decimal | None = None
) -> ReadingCheck:
    before = _previous(meter, period)
    previous = before.reading if before is not None else start
    if previous is None:
        return ReadingCheck(previous=None, usage=ZERO)
    if reading < previous:
        usage = (reading * meter.multiplier).quantize(CENT, rounding=ROUND_HALF_UP)
        problem = _(
            "本期读数 %(reading)s 小于上期读数 %(previous)s（如已换表或表计归零，"
            "请确认并说明，用量按从 0 起计算）"
        ) % {"reading": reading, "previous": previous}
        return ReadingCheck(previous=previous, usage=usage, problem=problem)
    usage = ((reading - previous) * meter.multiplier).quantize(CENT, rounding=ROUND_HALF_UP)
    usual = usual_usage(meter, period) if before is not None else None
    problem = ""
    if usual is not None and usage > max(usual * JUMP_FACTOR, usual + JUMP_FLOOR):
        problem = _("用量 %(usage)s 远高于近三个月平均 %(usual)s，请核实后确认并说明") % {
            "usage": usage,
            "usual": usual,
        }
    return ReadingCheck(previous=previous, usage=usage, problem=problem, usual=usual)


def _refresh_next(meter: Meter, period: dt.date, reading: Decimal, published: set) -> None:
    """A corrected reading is the next month's previous one: its usage follows."""
    following = meter.readings.filter(period__gt=period).order_by("period").first()
    if following is None:
        return
    if following.period in published:
        raise Conflict(
            _("%(month)s 的读数已用于已公示的公摊费用，本月读数不能再更正")
            % {"month": f"{following.period:%Y-%m}"}
        )
    if following.reading < reading and not following.implausible:
        raise ValidationError(
            {
                "reading": [
                    _("更正后大于 %(month)s 的读数 %(next)s，请先核对下月读数")
                    % {"month": f"{following.period:%Y-%m}", "next": following.reading}
                ]
            }
        )
    base = reading if following.reading >= reading else ZERO
    following.previous = reading
    following.usage = ((following.reading - base) * meter.multiplier).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    following.save(update_fields=["previous", "usage"])


def meter_reading_record(
    *,
    meter: Meter,
    period: dt.date,
    reading,
    by,
    confirm: bool = False,
    note: str = "",
    start=None,
    source: str = "phone",
) -> MeterReading:
    """Record (or correct) a meter's reading of a month; see the module's docstring.

    Raises ``Implausible`` (a ValidationError on ``reading``) when the reading needs a
    confirmation and ``confirm`` is not given; with ``confirm`` a note is required."""
    with transaction.atomic():
        return _record(
            meter=meter,
            period=period,
            reading=reading,
            by=by,
            confirm=confirm,
            note=note,
            start=start,
            source=source,
        )


def _record(*, meter, period, reading, by, confirm, note, start, source) -> MeterReading:
    actor = _actor(by)
    _check(
        actor,
        meter.estate_id,
        may_record_readings(actor),
        _("只有工程设备部、财务人员或企业高层可以抄表"),
    )
    period = _check_month(meter.estate, period)
    value = _decimal(reading, "reading", "0.01", _("读数须为数字，最多两位小数"))
    if value < 0 or value >= READING_MAX:
        raise ValidationError({"reading": [_("读数不能为负")]})
    start_value = None
    if start not in (None, ""):
        start_value = _decimal(start, "start", "0.01", _("起始读数须为数字，最多两位小数"))
        if start_value < 0 or start_value >= READING_MAX:
            raise ValidationError({"start": [_("起始读数不能为负")]})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": [_("备注不能超过 200 字")]})
    meter = Meter.objects.select_for_update().select_related("estate").get(pk=meter.pk)
    published = _published_months(meter)
    if period in published:
        raise Conflict(
            _("%(month)s 的公摊费用已公示，该月读数不能再更正") % {"month": f"{period:%Y-%m}"}
        )
    if start_value is not None and _previous(meter, period) is not None:
        raise ValidationError({"start": [_("该表已有上期读数，无需填写起始读数")]})
    check = reading_check(meter, period, value, start_value)
    if check.problem and not confirm:
        raise Implausible({"reading": [check.problem]}, code="implausible")
    if check.problem and not note:
        raise ValidationError({"note": [_("确认异常读数时请填写说明（如换表、漏水、核实无误）")]})
    _refresh_next(meter, period, value, published)
    now = timezone.now()
    existing = meter.readings.filter(period=period).first()
    row = existing or MeterReading(meter=meter, period=period)
    row.reading, row.previous, row.usage = value, check.previous, check.usage
    row.implausible = bool(check.problem)
    row.confirmed_by = actor.user if check.problem else None
    row.note, row.source, row.read_at, row.by = note, source, now, actor.user
    row.save()
    return row


# --- .xlsx import ------------------------------------------------------------------------------

# The sheet's columns, written in the reader's language; an upload is read in either language.
IMPORT_HEADERS = {
    "表号": pgettext_lazy("抄表导入模板的列名", "表号"),
    "名称": pgettext_lazy("抄表导入模板的列名", "名称"),
    "位置": pgettext_lazy("抄表导入模板的列名", "位置"),
    "类型": pgettext_lazy("抄表导入模板的列名", "类型"),
    "月份": pgettext_lazy("抄表导入模板的列名", "月份"),
    "上期读数": pgettext_lazy("抄表导入模板的列名", "上期读数"),
    "本期读数": pgettext_lazy("抄表导入模板的列名", "本期读数"),
    "备注": pgettext_lazy("抄表导入模板的列名", "备注"),
}


def _column(header: list[str], name: str) -> int | None:
    """Where the column ``name`` (its Chinese text) is, headed in Chinese or translated."""
    for title in (name, str(IMPORT_HEADERS[name])):
        if title in header:
            return header.index(title)
    return None


IMPORT_MAX_ROWS = 5000


@dataclass
class RowProblem:
    row: int
    code: str
    message: str


class ImportRefused(Exception):
    """Nothing was imported: per-row ``errors`` and/or ``flagged`` rows needing confirmation."""

    def __init__(self, errors: list[RowProblem], flagged: list[RowProblem], message: str = ""):
        super().__init__(message or "import refused")
        self.errors, self.flagged, self.message = errors, flagged, message


@dataclass
class ImportResult:
    recorded: int = 0
    confirmed: int = 0
    skipped: int = 0
    rows: list[MeterReading] = field(default_factory=list)


def reading_template(estate: Estate, period: dt.date) -> bytes:
    """The month's import sheet, pre-filled with every meter's code, name and previous reading."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"抄表{period:%Y-%m}"
    sheet.append([str(title) for title in IMPORT_HEADERS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for meter in meters_for_reading(estate, period):
        before = _previous(meter, period)
        current = meter.readings.filter(period=period).first()
        sheet.append(
            [
                meter.code,
                meter.name,
                meter_scope_label(meter),
                meter.get_kind_display(),
                f"{period:%Y-%m}",
                before.reading if before else None,
                current.reading if current else None,
                "",
            ]
        )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = "@"
    for letter, width in zip("ABCDEFGH", (16, 24, 14, 8, 10, 12, 12, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reading_rows_from_xlsx(content: bytes) -> list[dict]:
    """The data rows of an uploaded sheet: {row, code, month, reading, note} (blank rows out)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            {"file": [_("无法读取该文件，请上传从本页下载的 .xlsx 模板")]}
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(rows, ())]
    col = {name: _column(header, name) for name in ("表号", "本期读数")}
    if None in col.values():
        raise ValidationError(
            {"file": [_("表头须包含表号和本期读数两列，请使用本页下载的模板")]}
        ) from None
    month_col = _column(header, "月份")
    note_col = _column(header, "备注")
    out = []
    for n, values in enumerate(rows, start=2):
        values = list(values) + [None] * len(header)
        code = str(values[col["表号"]] or "").strip()
        reading = values[col["本期读数"]]
        if not code and reading in (None, ""):
            continue
        if len(out) >= IMPORT_MAX_ROWS:
            raise ValidationError({"file": [_("一次最多导入 %(n)d 行") % {"n": IMPORT_MAX_ROWS}]})
        month = values[month_col] if month_col is not None else None
        if isinstance(month, dt.datetime | dt.date):
            month = f"{month:%Y-%m}"
        out.append(
            {
                "row": n,
                "code": code,
                "reading": reading,
                "month": str(month or "").strip(),
                "note": str(values[note_col] or "").strip() if note_col is not None else "",
            }
        )
    book.close()
    return out


def meter_reading_import(
    *,
    estate: Estate,
    period: dt.date,
    rows: list[dict],
    by,
    confirm: bool = False,
    note: str = "",
) -> ImportResult:
    """Import a month's readings: every row is checked, and all are recorded or none (one
    transaction). Flagged rows (below the previous reading, a jump) pass only with ``confirm``
    and a note (the row's own note, else the form's)."""
    actor = _actor(by)
    _check(
        actor,
        estate.pk,
        may_record_readings(actor),
        _("只有工程设备部、财务人员或企业高层可以抄表"),
    )
    period = _check_month(estate, period)
    note = (note or "").strip()
    meters = {m.code: m for m in Meter.objects.filter(estate=estate)}
    errors: list[RowProblem] = []
    flagged: list[RowProblem] = []
    result = ImportResult()
    seen: set[str] = set()
    if not rows:
        raise ImportRefused([], [], _("文件中没有读数"))
    with transaction.atomic():
        for row in rows:
            code = row["code"]
            meter = meters.get(code)
            if not code:
                errors.append(RowProblem(row["row"], code, _("缺少表号")))
                continue
            if meter is None:
                errors.append(RowProblem(row["row"], code, _("本项目没有这个表号")))
                continue
            if code in seen:
                errors.append(RowProblem(row["row"], code, _("表号重复出现")))
                continue
            seen.add(code)
            if row["month"] and parse_month(row["month"]) != period:
                errors.append(
                    RowProblem(
                        row["row"],
                        code,
                        _("月份 %(m)s 与所选月份 %(p)s 不符")
                        % {"m": row["month"], "p": f"{period:%Y-%m}"},
                    )
                )
                continue
            if row["reading"] in (None, ""):
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    reading = _record(
                        meter=meter,
                        period=period,
                        reading=row["reading"],
                        by=actor,
                        confirm=confirm,
                        note=row["note"] or note,
                        start=None,
                        source="xlsx",
                    )
            except Implausible as error:
                flagged.append(RowProblem(row["row"], code, " ".join(error.messages)))
                continue
            except ValidationError as error:
                errors.append(RowProblem(row["row"], code, " ".join(error.messages)))
                continue
            except Conflict as error:
                errors.append(RowProblem(row["row"], code, error.message))
                continue
            result.recorded += 1
            result.confirmed += int(reading.implausible)
            result.rows.append(reading)
        if errors or flagged:
            raise ImportRefused(errors, flagged)
    return result


# --- Disclosure (FEE-08) -----------------------------------------------------------------------


def _line_amount(usage: Decimal, price: Decimal) -> Decimal:
    return (usage * price).quantize(CENT, rounding=ROUND_HALF_UP)


def _meter_lines(estate: Estate, month: dt.date) -> list[SharedCostLine]:
    readings = (
        MeterReading.objects.filter(meter__estate=estate, meter__room__isnull=True, period=month)
        .select_related("meter__building")
        .order_by("meter__building__sort", "meter__building__name", "meter__kind", "meter__code")
    )
    return [
        SharedCostLine(
            kind=SharedCostKind(r.meter.kind),
            name=r.meter.name,
            meter=r.meter,
            building=r.meter.building,
            usage=r.usage,
            unit_price=r.meter.unit_price,
            amount=_line_amount(r.usage, r.meter.unit_price),
        )
        for r in readings
    ]


def missing_readings(estate: Estate, month: dt.date) -> list[Meter]:
    """Active common meters read before the month but not for it (a meter first read later is
    new: it has nothing to disclose for this month)."""
    return list(
        Meter.objects.filter(
            estate=estate, room__isnull=True, is_active=True, readings__period__lt=month
        )
        .exclude(readings__period=month)
        .distinct()
        .select_related("building")
        .order_by("code")
    )


def stale_lines(disclosure: SharedCostDisclosure) -> bool:
    """Whether the draft's meter lines differ from the readings now (corrected meanwhile)."""
    have = sorted(
        (line.meter_id, line.usage, line.unit_price, line.amount)
        for line in disclosure.lines.filter(meter__isnull=False)
    )
    want = sorted(
        (line.meter.pk, line.usage, line.unit_price, line.amount)
        for line in _meter_lines(disclosure.estate, disclosure.month)
    )
    return have != want


def _recompute(disclosure: SharedCostDisclosure) -> None:
    lines = list(disclosure.lines.all())
    rooms = owned_rooms(disclosure.estate, disclosure.month)
    disclosure.total = sum((line.amount for line in lines), ZERO)
    disclosure.rooms_count = len(rooms)
    disclosure.area_total = sum((r[1] for r in rooms), ZERO)
    disclosure.save(update_fields=["total", "rooms_count", "area_total"])


def _check_draft(disclosure: SharedCostDisclosure) -> None:
    if disclosure.status != DisclosureStatus.DRAFT:
        raise Conflict(_("该月公摊费用已公示，不能再修改"), code="published")


def disclosure_prepare(
    *, estate: Estate, month: dt.date, by, method: str | None = None
) -> SharedCostDisclosure:
    """The month's draft from the common meters' readings (made, or its meter lines
    recomputed); the manual lines stay."""
    actor = _actor(by)
    _check(
        actor, estate.pk, may_prepare_disclosure(actor), _("只有财务人员或企业高层可以编制公摊费用")
    )
    month = _check_month(estate, month, "month")
    if method is not None and method not in ("area", "household"):
        raise ValidationError({"method": [_("请选择分摊方式")]})
    with transaction.atomic():
        _lock(Estate, estate.pk)
        disclosure = SharedCostDisclosure.objects.filter(estate=estate, month=month).first()
        if disclosure is None:
            disclosure = SharedCostDisclosure.objects.create(
                estate=estate,
                month=month,
                method=method or "area",
                created_at=timezone.now(),
                created_by=actor.user,
            )
        else:
            _check_draft(disclosure)
            if method is not None:
                disclosure.method = method
                disclosure.save(update_fields=["method"])
        disclosure.lines.filter(meter__isnull=False).delete()
        lines = _meter_lines(estate, month)
        for line in lines:
            line.disclosure = disclosure
        SharedCostLine.objects.bulk_create(lines)
        _recompute(disclosure)
    return disclosure


def _locked_draft(disclosure: SharedCostDisclosure, actor: Actor) -> SharedCostDisclosure:
    _check(
        actor,
        disclosure.estate_id,
        may_prepare_disclosure(actor),
        _("只有财务人员或企业高层可以编制公摊费用"),
    )
    locked = (
        SharedCostDisclosure.objects.select_for_update()
        .select_related("estate")
        .get(pk=disclosure.pk)
    )
    _check_draft(locked)
    return locked


@transaction.atomic
def disclosure_update(
    *, disclosure: SharedCostDisclosure, by, method: str, note: str = ""
) -> SharedCostDisclosure:
    actor = _actor(by)
    disclosure = _locked_draft(disclosure, actor)
    if method not in ("area", "household"):
        raise ValidationError({"method": [_("请选择分摊方式")]})
    note = (note or "").strip()
    check_field_text(SharedCostDisclosure, "note", note)
    disclosure.method, disclosure.note = method, note
    disclosure.save(update_fields=["method", "note"])
    return disclosure


@transaction.atomic
def disclosure_line_add(
    *,
    disclosure: SharedCostDisclosure,
    by,
    kind: str,
    name: str,
    amount,
    building: Building | None = None,
) -> SharedCostLine:
    """A shared cost without a meter (电梯费, other costs) with its amount."""
    actor = _actor(by)
    disclosure = _locked_draft(disclosure, actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if kind not in SharedCostKind.values:
        errors["kind"] = [_("请选择类别")]
    if not name:
        errors["name"] = [_("请填写名称，如 电梯费")]
    elif len(name) > 60:
        errors["name"] = [_("名称不能超过 60 个字")]
    try:
        amount = money(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    if building is not None and building.estate_id != disclosure.estate_id:
        errors["building"] = [_("该楼栋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    line = SharedCostLine.objects.create(
        disclosure=disclosure, kind=kind, name=name, amount=amount, building=building
    )
    _recompute(disclosure)
    return line


@transaction.atomic
def disclosure_line_remove(*, line: SharedCostLine, by) -> None:
    actor = _actor(by)
    disclosure = _locked_draft(line.disclosure, actor)
    if line.meter_id is not None:
        raise ValidationError({"line": [_("表计用量来自抄表，请更正读数后重新计算")]})
    SharedCostLine.objects.filter(pk=line.pk, disclosure=disclosure).delete()
    _recompute(disclosure)


def unshared_lines(disclosure: SharedCostDisclosure) -> list[SharedCostLine]:
    """Lines of a building none of whose rooms is billed this month (nobody to share them)."""
    buildings = {r[2] for r in owned_rooms(disclosure.estate, disclosure.month)}
    return [
        line
        for line in disclosure.lines.select_related("building")
        if line.amount > 0
        and (line.building_id not in buildings if line.building_id else not buildings)
    ]


def shared_item(estate: Estate) -> ChargeItem:
    """The estate's shared-cost charge item (公摊水电费, shared by the monthly disclosure)."""
    item = (
        ChargeItem.objects.filter(
            estate=estate, kind=ChargeKind.SHARED_UTILITY, basis=ChargeBasis.SHARED
        )
        .order_by("-is_active", "pk")
        .first()
    )
    return item or charge_item_get_or_create(
        estate=estate,
        kind=ChargeKind.SHARED_UTILITY,
        name=SHARED_ITEM_NAME,
        basis=ChargeBasis.SHARED,
    )


def disclosure_text(disclosure: SharedCostDisclosure) -> str:
    """The notice's text: every line with its usage and amount, the method, where to see more."""
    lines = [
        _("%(estate)s %(month)s 公共区域水电及其他公摊费用明细如下：")
        % {"estate": disclosure.estate.name, "month": f"{disclosure.month:%Y年%m月}"}
    ]
    for line in disclosure.lines.select_related("building"):
        scope = line.building.name if line.building_id else _("全项目")
        if line.usage is not None:
            lines.append(
                _("· %(name)s（%(scope)s）用量 %(usage)s × 单价 %(price)s 元 = %(amount)s 元")
                % {
                    "name": line.name,
                    "scope": scope,
                    "usage": line.usage,
                    "price": line.unit_price.normalize(),
                    "amount": line.amount,
                }
            )
        else:
            lines.append(
                _("· %(name)s（%(scope)s）%(amount)s 元")
                % {"name": line.name, "scope": scope, "amount": line.amount}
            )
    lines.append(
        _("合计 %(total)s 元，%(method)s，分摊户数 %(rooms)d 户，分摊总面积 %(area)s ㎡。")
        % {
            "total": disclosure.total,
            "method": disclosure.get_method_display(),
            "rooms": disclosure.rooms_count,
            "area": disclosure.area_total,
        }
    )
    if disclosure.note:
        lines.append(disclosure.note)
    lines.append(
        _("各户分摊金额已计入本月账单，可在“我的账单 › 公摊公示”查看：%(url)s")
        % {"url": reverse("billing:my_disclosure", args=[disclosure.pk])}
    )
    return "\n".join(lines)


def disclosure_publish(
    *, disclosure: SharedCostDisclosure, due_date: dt.date, by, notify_residents: bool = False
) -> SharedCostDisclosure:
    """Publish the month's shared costs (FEE-08): once; every billed room gets its share as a
    bill with its ledger charge, and the disclosure goes up on the notice board, all in one
    transaction. Prepaid credit then settles the new bills."""
    from wuye.notify.choices import Channel, NoticeCategory
    from wuye.notify.notices import notice_create

    actor = _actor(by)
    _check(
        actor,
        disclosure.estate_id,
        may_publish_disclosure(actor),
        _("公摊费用须由财务负责人或企业高层审核公示"),
    )
    with transaction.atomic():
        # The lock serialises two publishers: the second sees it published and is refused.
        locked = SharedCostDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        if locked.status != DisclosureStatus.DRAFT:
            raise Conflict(_("该月公摊费用已公示，不能重复公示"), code="published")
        disclosure = SharedCostDisclosure.objects.select_related("estate").get(pk=locked.pk)
        estate, month = disclosure.estate, disclosure.month
        if not isinstance(due_date, dt.date) or due_date < month:
            raise ValidationError({"due_date": [_("缴费截止日不能早于公示月份")]})
        missing = missing_readings(estate, month)
        if missing:
            raise ValidationError(
                {
                    "month": [
                        _("以下表计本月还没有抄表：%(codes)s。请先录入读数或停用该表")
                        % {"codes": "、".join(m.code for m in missing)}
                    ]
                }
            )
        if stale_lines(disclosure):
            raise Conflict(_("读数已更正，请先重新计算后再公示"), code="stale")
        if not disclosure.lines.exists():
            raise ValidationError({"month": [_("公示内容为空，请先计算或添加公摊费用")]})
        orphans = unshared_lines(disclosure)
        if orphans:
            raise ValidationError(
                {
                    "month": [
                        _("以下费用没有可分摊的房屋：%(names)s")
                        % {"names": "、".join(x.name for x in orphans)}
                    ]
                }
            )
        _recompute(disclosure)
        credit_rooms = set(_rooms_with_credit(estate))  # before the new charges
        shares = disclosure_shares(disclosure)
        if sum(shares.values(), ZERO) != disclosure.total:  # cannot happen: largest remainder
            raise RuntimeError("shares do not add up to the total")
        item = shared_item(estate)
        now = timezone.now()
        label = f"{item.name} {month:%Y-%m}"
        bills = [
            Bill(
                estate=estate,
                room_id=room_id,
                item=item,
                period_start=month,
                period_end=month_end(month),
                description=label,
                amount=amount,
                due_date=due_date,
                created_at=now,
            )
            for room_id, amount in shares.items()
            if amount > 0
        ]
        try:
            with transaction.atomic():
                created = Bill.objects.bulk_create(bills, batch_size=2000)
        except IntegrityError:
            raise Conflict(_("本月公摊账单已存在，不能重复生成"), code="billed") from None
        if created and created[0].pk is None:  # a backend without RETURNING
            created = list(Bill.objects.filter(item=item, period_start=month, source_ref=""))
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    estate=estate,
                    room_id=b.room_id,
                    kind=EntryKind.CHARGE,
                    amount=b.amount,
                    bill=b,
                    description=b.description,
                    at=now,
                    by=actor.user,
                )
                for b in created
            ],
            batch_size=2000,
        )
        disclosure.status, disclosure.item = DisclosureStatus.PUBLISHED, item
        disclosure.published_at, disclosure.published_by = now, actor.user
        disclosure.save(update_fields=["status", "item", "published_at", "published_by"])
        notice_create(
            estate=estate,
            title=_("%(month)s公摊费用公示") % {"month": f"{month:%Y年%m月}"},
            body=disclosure_text(disclosure),
            category=NoticeCategory.COST_DISCLOSURE,
            notify_residents=notify_residents,
            channels=[Channel.INBOX],
            by=actor.user,
        )
    billed = {b.room_id for b in created}
    for room_id in credit_rooms & billed:
        credit_apply(room_id=room_id, at=now)
    return disclosure


# --- Reads -------------------------------------------------------------------------------------
