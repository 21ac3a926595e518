"""Monthly readings: usage from the previous reading, the baseline, and the implausible readings
someone must confirm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    DisclosureStatus,
    Meter,
    MeterReading,
    SharedCostLine,
)
from wuye.billing.selectors.meters import (
    CENT,
    month_shift,
)
from wuye.billing.services.common import _actor
from wuye.core.exceptions import Conflict

from .common import (
    HISTORY_MONTHS,
    JUMP_FACTOR,
    JUMP_FLOOR,
    READING_MAX,
    _check,
    _check_month,
    may_record_readings,
)
from .register import parse_decimal

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
    value = parse_decimal(reading, "reading", "0.01", _("读数须为数字，最多两位小数"))
    if value < 0 or value >= READING_MAX:
        raise ValidationError({"reading": [_("读数不能为负")]})
    start_value = None
    if start not in (None, ""):
        start_value = parse_decimal(start, "start", "0.01", _("起始读数须为数字，最多两位小数"))
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
