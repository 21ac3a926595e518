"""The hourly operation log (《设施设备运行记录表》, EQUIP-OPS-05/06/07/08/11) through its services:
an entry per hour, amendments that keep the first, out-of-range readings that open an anomaly with
its 10-minute clock, missing hours in Asia/Shanghai, and the parameter table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.facilities.models import Anomaly, OperationLogEntry, OperationParameter
from wuye.facilities.selectors import logs as selectors
from wuye.facilities.services import logs as services
from wuye.notify.models import Message

from .equip_helpers import POWER_OK, at


def record(world, values=None, **kwargs):
    return services.log_entry_record(
        equipment=world.transformer,
        values=values or POWER_OK,
        by=kwargs.pop("by", world.tech.user),
        **kwargs,
    )


def test_entry_is_for_the_local_clock_hour__EQUIP_OPS_05(eng, time_machine):
    time_machine.move_to(at(2026, 11, 26, 14, 37), tick=False)
    entry = record(eng)
    assert entry.hour == at(2026, 11, 26, 14, 0)
    assert entry.values == {"voltage": "380", "current": "120", "transformer_temperature": "55"}
    assert not entry.is_anomaly and entry.anomaly is None


def test_amendment_keeps_the_first_entry__EQUIP_OPS_05(eng, time_machine):
    time_machine.move_to(at(2026, 11, 26, 9, 5), tick=False)
    first = record(eng)
    time_machine.move_to(at(2026, 11, 26, 9, 40), tick=False)
    with pytest.raises(ValidationError) as exc:  # an amendment says why
        record(eng, {**POWER_OK, "current": "130"})
    assert "note" in exc.value.message_dict
    second = record(eng, {**POWER_OK, "current": "130"}, note="电流抄错")
    third = record(eng, {**POWER_OK, "current": "131"}, note="再次核对")
    first.refresh_from_db()
    assert first.values["current"] == "120"  # unchanged, still there
    assert second.amends == first and third.amends == second
    assert OperationLogEntry.objects.filter(equipment=eng.transformer).count() == 3
    grid = selectors.day_grid(eng.transformer, dt.date(2026, 11, 26), at(2026, 11, 26, 10, 0))
    cell = grid[9]
    assert cell.entry == third and cell.amendments == 2 and cell.state == "logged"


def test_out_of_range_opens_an_anomaly_due_10_minutes_later_across_month_end__EQUIP_OPS_02_08_09(
    eng, time_machine
):
    time_machine.move_to(at(2026, 11, 30, 23, 55), tick=False)
    entry = record(eng, {**POWER_OK, "voltage": "420"})
    assert entry.is_anomaly and entry.out_of_range == ["voltage"]
    anomaly = entry.anomaly
    assert anomaly.source == "log" and anomaly.case.number.startswith("YC-20261130-")
    clock = anomaly.case.clocks.get(rule="EQUIP-OPS-09")
    assert clock.started_at == at(2026, 11, 30, 23, 55)
    assert clock.due_at == at(2026, 12, 1, 0, 5)  # 24×7: exactly 10 minutes, into December
    assert "电压 420V" in anomaly.description
    # Engineering is told at once, in the same transaction (the inbox).
    told = set(
        Message.objects.filter(ref=f"facilities.anomaly:{anomaly.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"tech", "eng_head"}


def test_abnormal_state_on_a_holiday_is_due_10_minutes_later__EQUIP_OPS_08_EQUIP_OPS_09(
    eng, time_machine
):
    time_machine.move_to(at(2026, 10, 1, 10, 0), tick=False)  # National Day: no pause, 24×7
    entry = services.log_entry_record(
        equipment=eng.lift,
        values={"run_count": "152", "run_state": "abnormal", "car_temperature": "26"},
        by=eng.tech.user,
    )
    assert entry.out_of_range == ["run_state"]
    clock = entry.anomaly.case.clocks.get(rule="EQUIP-OPS-09")
    assert clock.due_at == at(2026, 10, 1, 10, 10)


def test_an_amended_out_of_range_entry_keeps_one_anomaly__EQUIP_OPS_08(eng, time_machine):
    time_machine.move_to(at(2026, 11, 26, 9, 5), tick=False)
    first = record(eng, {**POWER_OK, "voltage": "430"})
    second = record(eng, {**POWER_OK, "voltage": "431"}, note="复测")
    assert second.anomaly == first.anomaly and Anomaly.objects.count() == 1


def test_missing_hours_across_a_day_boundary_in_shanghai__EQUIP_OPS_07(eng, time_machine):
    # Registered long before; logs from 20:00 on the 26th to 03:00 on the 27th (local) but not
    # 23:00 or 01:00: two missing hours, one each side of midnight.
    eng.transformer.created_at = at(2026, 11, 1, 0, 0)
    eng.transformer.save(update_fields=["created_at"])
    for hour in (
        at(2026, 11, 26, 20),
        at(2026, 11, 26, 21),
        at(2026, 11, 26, 22),
        at(2026, 11, 27, 0),
        at(2026, 11, 27, 2),
        at(2026, 11, 27, 3),
    ):
        time_machine.move_to(hour + dt.timedelta(minutes=10), tick=False)
        record(eng)
    now = at(2026, 11, 27, 4, 30)  # 04:00 is under way, not missing yet
    missing = selectors.missing_hours(eng.transformer, at(2026, 11, 26, 20), now)
    assert missing == [at(2026, 11, 26, 23), at(2026, 11, 27, 1)]
    # The UTC day boundary (08:00 local) is not the estate's: the 26th local ends at 16:00 UTC.
    first_day = selectors.day_grid(eng.transformer, dt.date(2026, 11, 26), now)
    assert [c.hour.hour for c in first_day if c.state == "missing"][-1] == 23
    assert first_day[20].state == "logged" and first_day[0].hour == at(2026, 11, 26, 0)
    second_day = selectors.day_grid(eng.transformer, dt.date(2026, 11, 27), now)
    assert [c.state for c in second_day[:6]] == [
        "logged",
        "missing",
        "logged",
        "logged",
        "future",
        "future",
    ]
    counts = selectors.missing_counts([eng.transformer], now, hours=8)  # 20:00 → 03:00
    assert counts == {eng.transformer.pk: 2}


def test_hours_before_registration_are_not_missing(eng):
    eng.transformer.created_at = at(2026, 11, 26, 12, 20)
    eng.transformer.save(update_fields=["created_at"])
    grid = selectors.day_grid(eng.transformer, dt.date(2026, 11, 26), at(2026, 11, 26, 15, 5))
    assert [c.state for c in grid[10:16]] == [
        "before",
        "before",
        "missing",
        "missing",
        "missing",
        "future",
    ]


def test_bad_values_change_nothing__EQUIP_OPS_05(eng):
    with pytest.raises(ValidationError) as exc:
        record(eng, {"voltage": "三百八", "current": "", "surprise": "1"})
    assert {"voltage", "current", "transformer_temperature", "surprise"} <= set(
        exc.value.message_dict
    )
    assert not OperationLogEntry.objects.exists() and not Anomaly.objects.exists()


def test_future_hour_refused_and_past_hour_filled_late(eng, time_machine):
    time_machine.move_to(at(2026, 11, 26, 10, 5), tick=False)
    with pytest.raises(ValidationError):
        record(eng, hour=at(2026, 11, 26, 12, 0))
    late = record(eng, hour=at(2026, 11, 26, 7, 30))
    assert late.hour == at(2026, 11, 26, 7, 0) and late.recorded_at == at(2026, 11, 26, 10, 5)


def test_only_engineering_logs_other_estate_404(eng):
    with pytest.raises(PermissionDenied):
        record(eng, by=eng.agent.user)
    with pytest.raises(Http404):
        record(eng, by=eng.outsider.user)


def test_an_operator_without_a_valid_certificate_cannot_log__EQUIP_OPS_11(eng, time_machine):
    from wuye.fieldwork.models import Certificate

    time_machine.move_to(at(2026, 11, 26, 14, 37), tick=False)
    electrician = Certificate.objects.get(staff=eng.tech, kind="electrician")
    Certificate.objects.filter(pk=electrician.pk).update(expires_on=dt.date(2026, 11, 25))
    with pytest.raises(ValidationError) as refused:
        record(eng)
    assert "电工证" in str(refused.value.message_dict["certificate"])
    assert "2026-11-25" in str(refused.value.message_dict["certificate"])
    assert not OperationLogEntry.objects.exists()
    # The lift needs the lift operator's certificate, which is still valid.
    services.log_entry_record(
        equipment=eng.lift,
        values={"run_count": "152", "run_state": "normal", "car_temperature": "26"},
        by=eng.tech.user,
    )
    # Valid through its last day.
    Certificate.objects.filter(pk=electrician.pk).update(expires_on=dt.date(2026, 11, 26))
    assert record(eng).hour == at(2026, 11, 26, 14, 0)


def test_parameters_default_then_edited_by_heads_only(eng):
    assert [p.code for p in selectors.parameters_for(eng.estate, "power")] == [
        "voltage",
        "current",
        "transformer_temperature",
    ]
    with pytest.raises(PermissionDenied):
        services.operation_parameter_save(
            estate=eng.estate,
            category="power",
            code="voltage",
            name="电压",
            unit="V",
            low="360",
            high="400",
            by=eng.tech.user,
        )
    services.operation_parameter_save(
        estate=eng.estate,
        category="power",
        code="voltage",
        name="电压",
        unit="V",
        low="360",
        high="400",
        by=eng.eng_head.user,
    )
    voltage = OperationParameter.objects.get(estate=eng.estate, category="power", code="voltage")
    assert (voltage.low, voltage.high) == (Decimal("360.000"), Decimal("400.000"))
    assert OperationParameter.objects.filter(estate=eng.estate, category="elevator").count() == 3
    with pytest.raises(ValidationError) as exc:
        services.operation_parameter_save(
            estate=eng.estate,
            category="power",
            code="bad code",
            name="",
            low="5",
            high="1",
            by=eng.eng_head.user,
        )
    assert {"code", "name", "high"} <= set(exc.value.message_dict)
    entry = record(eng, {**POWER_OK, "voltage": "401"})
    assert entry.out_of_range == ["voltage"]
