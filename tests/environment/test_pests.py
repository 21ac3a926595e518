"""Pest treatments through the service: biological first, chemical second with its reason
(GREEN-13), a compliant pesticide from the estate's store with its dose, drawn from stock in the
same transaction (GREEN-15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.environment import store_helpers
from tests.environment.store_helpers import at, green_area
from wuye.environment.models import PestTreatment, StockMovement
from wuye.environment.services import pests
from wuye.environment.services import stores as services

store_world = store_helpers.store_world  # the fixture

pytestmark = pytest.mark.django_db

REASON = "蚜虫密度已超每梢50头，瓢虫释放一周后仍在扩散"


def _stock(w, product, qty="10"):
    services.stock_in(product=product, quantity=qty, purpose="采购", by=w.env_head.user)


def _bio(w, **kw):
    values = {"green_area": w.area, "pest": "蚜虫", "method": "biological",
              "measure": "释放七星瓢虫", "by": w.gardener.user}  # fmt: skip
    return pests.treatment_record(**values | kw)


def _chem(w, **kw):
    values = {"green_area": w.area, "pest": "蚜虫", "method": "chemical", "measure": "喷施吡虫啉",
              "product": w.pesticide, "dose": "1:1000", "quantity": "1", "reason": REASON,
              "by": w.gardener.user}  # fmt: skip
    return pests.treatment_record(**values | kw)


def test_biological_treatment_needs_no_reason__GREEN_13(store_world):
    w = store_world
    _stock(w, w.ladybirds, "20")
    t = _bio(w, product=w.ladybirds, quantity="5")
    assert t.method == "biological" and t.reason == ""
    w.ladybirds.refresh_from_db()
    assert w.ladybirds.stock == 15
    assert StockMovement.objects.get(treatment=t).quantity == -5


def test_physical_treatment_uses_no_product__GREEN_13(store_world):
    w = store_world
    t = _bio(w, method="physical", measure="黄板诱杀")
    assert t.product is None
    with pytest.raises(ValidationError) as error:
        _bio(w, method="physical", measure="黄板诱杀", product=w.ladybirds)
    assert "product" in error.value.message_dict


def test_chemical_treatment_without_reason_is_refused__GREEN_13(store_world):
    w = store_world
    _stock(w, w.pesticide)
    _bio(w)
    for reason in ("", "   ", "需要", "！！！！！！！！！！"):
        with pytest.raises(ValidationError) as error:
            _chem(w, reason=reason)
        assert "reason" in error.value.message_dict
    assert PestTreatment.objects.filter(method="chemical").count() == 0
    w.pesticide.refresh_from_db()
    assert w.pesticide.stock == 10


def test_chemical_follows_a_biological_attempt_and_draws_from_the_store__GREEN_13_15(store_world):
    w = store_world
    _stock(w, w.pesticide, "3")
    _bio(w)
    t = _chem(w, quantity="1.5")
    assert t.product == w.pesticide and t.dose == "1:1000" and t.quantity == Decimal("1.5")
    move = StockMovement.objects.get(treatment=t)
    assert move.kind == "out" and move.balance == Decimal("1.5") and "蚜虫" in move.purpose


def test_chemical_without_a_recent_biological_attempt_is_refused__GREEN_13(
    store_world, time_machine
):
    w = store_world
    _stock(w, w.pesticide)
    with pytest.raises(ValidationError) as error:
        _chem(w)
    assert "生物防治" in error.value.message_dict["method"][0]
    # An attempt on another pest, or 31 days ago, does not count.
    _bio(w, pest="红蜘蛛")
    time_machine.move_to(at("2026-06-10 10:00") + dt.timedelta(days=31), tick=False)
    with pytest.raises(ValidationError):
        _chem(w, pest="红蜘蛛")
    # An outbreak may be treated at once, with its reason.
    t = _chem(w, urgent=True, reason="暴雨后蚜虫爆发，嫩梢大面积卷曲，瓢虫无法及时控制")
    assert t.method == "chemical"


def test_an_attempt_within_the_window_counts__GREEN_13(store_world, time_machine):
    w = store_world
    _stock(w, w.pesticide)
    _bio(w, method="physical", measure="人工剪除")
    time_machine.move_to(at("2026-06-10 10:00") + dt.timedelta(days=29), tick=False)
    assert _chem(w).method == "chemical"


def test_chemical_needs_a_compliant_pesticide_from_the_estates_store__GREEN_15(store_world):
    w = store_world
    _bio(w)
    # No product.
    with pytest.raises(ValidationError) as error:
        _chem(w, product=None)
    assert "product" in error.value.message_dict
    # A biological agent is not a pesticide.
    _stock(w, w.ladybirds)
    with pytest.raises(ValidationError):
        _chem(w, product=w.ladybirds)
    # A pesticide not meeting environmental requirements.
    bad = services.product_create(store=w.store, name="甲胺磷", kind="pesticide", unit="瓶",
                                  eco_compliant=False, by=w.env_head.user)  # fmt: skip
    _stock(w, bad)
    with pytest.raises(ValidationError) as error:
        _chem(w, product=bad)
    assert "不符合环保要求" in error.value.message_dict["product"][0]
    # Another estate's store.
    other = services.store_create(estate=w.other_estate, name="药剂间", location="8栋",
                                  by=w.other_head.user)  # fmt: skip
    foreign = services.product_create(store=other, name="吡虫啉", kind="pesticide", unit="瓶",
                                      eco_compliant=True, by=w.other_head.user)  # fmt: skip
    with pytest.raises(ValidationError):
        _chem(w, product=foreign)
    assert PestTreatment.objects.filter(method="chemical").count() == 0


def test_chemical_needs_its_dose_and_quantity__GREEN_15(store_world):
    w = store_world
    _stock(w, w.pesticide)
    _bio(w)
    with pytest.raises(ValidationError) as error:
        _chem(w, dose="")
    assert "dose" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _chem(w, quantity=None)
    assert "quantity" in error.value.message_dict


def test_not_enough_pesticide_refuses_the_treatment_and_writes_nothing__GREEN_15(store_world):
    w = store_world
    _stock(w, w.pesticide, "0.5")
    _bio(w)
    with pytest.raises(ValidationError) as error:
        _chem(w, quantity="1")
    assert "库存不足" in error.value.message_dict["quantity"][0]
    assert PestTreatment.objects.filter(method="chemical").count() == 0
    w.pesticide.refresh_from_db()
    assert w.pesticide.stock == Decimal("0.5")


def test_only_gardeners_and_the_head_record_treatments(store_world):
    w = store_world
    with pytest.raises(PermissionDenied):
        _bio(w, by=w.cleaner.user)


def test_a_treatment_needs_pest_and_measure(store_world):
    w = store_world
    with pytest.raises(ValidationError) as error:
        _bio(w, pest=" ", measure="")
    assert {"pest", "measure"} <= set(error.value.message_dict)


def test_a_treatment_carries_out_its_planned_pest_control_task__GREEN_13(store_world):
    from wuye.environment.models import PlanLine
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.models import PlannedTask, PlannedTaskStatus

    w = store_world
    schedule = plan_create(
        estate=w.estate, name="中心草坪 防治蚜虫", kind="greening", frequency="monthly",
        day_of_month=1, anchor=dt.date(2026, 6, 1), due_amount=27, assignee=w.gardener.user,
        subject=w.area, by=w.env_head.user,
    )  # fmt: skip
    PlanLine.objects.create(estate=w.estate, green_area=w.area, work="aphid", season="summer",
                            schedule=schedule, created_at=at("2026-06-01 08:00"))  # fmt: skip
    task = PlannedTask.objects.create(schedule=schedule, estate=w.estate,
                                      scheduled_for=at("2026-06-01 09:00"),
                                      due_at=at("2026-06-28 23:59:59"))  # fmt: skip
    t = _bio(w, task=task)
    task.refresh_from_db()
    assert t.task == task and task.status == PlannedTaskStatus.DONE
    # Another area's treatment cannot carry it out.
    other_area = green_area(w.estate, "北区灌木", "shrub")
    task2 = PlannedTask.objects.create(schedule=schedule, estate=w.estate,
                                       scheduled_for=at("2026-06-02 09:00"),
                                       due_at=at("2026-06-28 23:59:59"))  # fmt: skip
    with pytest.raises(ValidationError) as error:
        _bio(w, green_area=other_area, task=task2)
    assert "task" in error.value.message_dict
