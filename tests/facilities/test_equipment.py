"""The equipment register (EQUIP-OPS-01) through its services: create and change with the new
fields, the scope, the statutory-inspection flag, the QR label, and the takeover's functions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import make_contractor
from wuye.core.scoping import actor_for
from wuye.facilities.choices import EquipmentStatus
from wuye.facilities.models import Equipment
from wuye.facilities.selectors import equipment as selectors
from wuye.facilities.services import equipment as services


def test_register_defaults_and_hourly_logging_by_category__EQUIP_OPS_01_EQUIP_OPS_07(eng):
    assert eng.transformer.logs_hourly is True  # power: 24-hour watch
    assert eng.lift.logs_hourly is True  # elevators: run counts every hour
    pump = services.equipment_create(
        estate=eng.estate, code="SB-01", name="生活水泵1号", category="water", by=eng.tech.user
    )
    assert pump.logs_hourly is False and pump.status == EquipmentStatus.IN_USE
    assert pump.qr_token and pump.qr_token != eng.lift.qr_token
    assert eng.lift.contractor == eng.contractor


def test_update_sets_inspection_status_and_contractor__EQUIP_OPS_01(eng):
    lift = services.equipment_update(
        equipment=eng.lift,
        inspection_name="电梯年检",
        inspected_on=dt.date(2026, 1, 10),
        inspection_due_on=dt.date(2027, 1, 9),
        inspection_certificate_no="TSX-2026-0001",
        status=EquipmentStatus.UNDER_REPAIR,
        commissioned_on=dt.date(2020, 5, 1),
        by=eng.eng_head.user,
    )
    lift.refresh_from_db()
    assert lift.inspection_certificate_no == "TSX-2026-0001"
    assert lift.status == EquipmentStatus.UNDER_REPAIR


def test_bad_input_changes_nothing(eng):
    before = Equipment.objects.get(pk=eng.lift.pk)
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(
            equipment=eng.lift,
            inspected_on=dt.date(2026, 5, 1),
            inspection_due_on=dt.date(2026, 4, 1),
            status="broken",
            by=eng.tech.user,
        )
    assert {"inspection_due_on", "status", "inspection_name"} <= set(exc.value.message_dict)
    after = Equipment.objects.get(pk=eng.lift.pk)
    assert (after.status, after.inspected_on) == (before.status, before.inspected_on)


def test_contractor_must_serve_the_estate__EQUIP_OPS_01(eng):
    foreign = make_contractor(eng.company, "faraway", [eng.other_estate])
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(equipment=eng.lift, contractor=foreign, by=eng.tech.user)
    assert "contractor" in exc.value.message_dict


def test_wrong_role_403_other_estate_404(eng):
    with pytest.raises(PermissionDenied):
        services.equipment_create(
            estate=eng.estate, code="X-1", name="某设备", category="other", by=eng.agent.user
        )
    with pytest.raises(Http404):
        services.equipment_update(equipment=eng.lift, name="改名", by=eng.outsider.user)
    with pytest.raises(Http404):
        selectors.equipment_get_for_user(eng.outsider.user, eng.lift.pk)
    assert not selectors.equipment_list(actor=actor_for(eng.outsider.user)).exists()


def test_duplicate_code_is_a_field_error(eng):
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(equipment=eng.lift, code="PD-01", by=eng.tech.user)
    assert "code" in exc.value.message_dict


def test_inspection_flag_due_within_30_days_or_overdue__EQUIP_OPS_01(eng):
    today = dt.date(2026, 12, 1)
    eng.lift.inspection_due_on = dt.date(2026, 12, 31)
    assert selectors.inspection_state(eng.lift, today) == "due"
    eng.lift.inspection_due_on = dt.date(2026, 11, 30)
    assert selectors.inspection_state(eng.lift, today) == "overdue"
    eng.lift.inspection_due_on = dt.date(2027, 1, 1)
    assert selectors.inspection_state(eng.lift, today) == ""
    services.equipment_update(
        equipment=eng.lift,
        inspection_name="电梯年检",
        inspection_due_on=dt.date(2026, 12, 20),
        by=eng.tech.user,
    )
    due = selectors.equipment_list(actor=actor_for(eng.tech.user), inspection_due=True, today=today)
    assert list(due) == [eng.lift]


def test_qr_regenerate_makes_the_old_label_stop_working(eng):
    old = eng.lift.qr_token
    assert selectors.equipment_by_qr(eng.tech.user, old) == eng.lift
    services.equipment_qr_regenerate(equipment=eng.lift, by=eng.tech.user)
    with pytest.raises(Http404):
        selectors.equipment_by_qr(eng.tech.user, old)
    with pytest.raises(Http404):  # another estate's staff cannot open it either
        selectors.equipment_by_qr(eng.outsider.user, Equipment.objects.get(pk=eng.lift.pk).qr_token)


def test_filters_by_category_building_status_contractor(eng):
    actor = actor_for(eng.tech.user)
    assert list(selectors.equipment_list(actor=actor, category="power")) == [eng.transformer]
    assert list(selectors.equipment_list(actor=actor, building_id=eng.building.pk)) == [eng.lift]
    assert list(selectors.equipment_list(actor=actor, contractor_id=eng.contractor.pk)) == [
        eng.lift
    ]
    assert not selectors.equipment_list(actor=actor, status=EquipmentStatus.STOPPED).exists()
    assert list(selectors.equipment_list(actor=actor, q="变压器")) == [eng.transformer]
