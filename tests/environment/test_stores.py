"""The store through its services: stores at a fixed place out of children's reach (CLEAN-17),
products meeting environmental requirements (CLEAN-11, GREEN-15), stock in, out and counted,
never negative, the below-minimum notice once per drop, and the monthly check."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.environment import store_helpers
from tests.environment.store_helpers import at
from tests.images import photo_of
from wuye.core.exceptions import Conflict
from wuye.environment.models import Product, StockMovement, StoreCheck
from wuye.environment.processes import STORE_CHECK_KIND
from wuye.environment.selectors.stores import products_below_minimum, store_list
from wuye.environment.services import store_checks as checks
from wuye.environment.services import stores as services
from wuye.notify.models import Message
from wuye.workflow.models import PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_sweep_missed

store_world = store_helpers.store_world  # the fixture

pytestmark = pytest.mark.django_db


def _stock(w, product, qty):
    return services.stock_in(product=product, quantity=qty, purpose="采购", by=w.env_head.user)


# --- Stores (CLEAN-17) --------------------------------------------------------------------------


def test_a_store_is_created_with_its_monthly_check_for_the_keeper__CLEAN_17(store_world):
    w = store_world
    schedule = w.store.check_schedule
    assert schedule.kind == STORE_CHECK_KIND and schedule.rule == "CLEAN-17"
    assert schedule.frequency == "monthly" and schedule.day_of_month == 1
    assert schedule.assignee == w.cleaner.user
    # Created on 10 June, after the month's planned day: June still gets its check, due the 28th.
    task = PlannedTask.objects.get(schedule=schedule)
    assert task.scheduled_for == at("2026-06-01 09:00")
    assert task.due_at == at("2026-06-28 23:59:59")


def test_a_store_without_keeper_is_checked_by_the_head__CLEAN_17(store_world):
    w = store_world
    store = services.store_create(
        estate=w.estate, name="绿化药剂间", location="苗圃旁", by=w.env_head.user
    )
    assert store.check_schedule.assignee is None
    assert store.check_schedule.assignee_role == "department_head"


def test_unlocked_store_cannot_hold_disinfectant_or_pesticide__CLEAN_17(store_world):
    w = store_world
    open_shelf = services.store_create(
        estate=w.estate, name="门岗杂物架", location="东门岗亭", locked=False, by=w.env_head.user
    )
    for kind in ("disinfectant", "pesticide"):
        with pytest.raises(ValidationError) as error:
            services.product_create(store=open_shelf, name=f"x-{kind}", kind=kind, unit="瓶",
                                    eco_compliant=True, by=w.env_head.user)  # fmt: skip
        assert "儿童无法接触" in str(error.value.message_dict["kind"])
    # Gloves are fine on an open shelf.
    services.product_create(store=open_shelf, name="一次性手套", kind="protective", unit="盒",
                            by=w.env_head.user)  # fmt: skip


def test_within_reach_store_refuses_pesticide_too__CLEAN_17(store_world):
    w = store_world
    shelf = services.store_create(estate=w.estate, name="开放货架", location="物业前台",
                                  out_of_reach=False, by=w.env_head.user)  # fmt: skip
    with pytest.raises(ValidationError):
        services.product_create(store=shelf, name="敌敌畏", kind="pesticide", unit="瓶",
                                by=w.env_head.user)  # fmt: skip


def test_store_holding_disinfectant_cannot_become_unlocked__CLEAN_17(store_world):
    w = store_world
    with pytest.raises(ValidationError) as error:
        services.store_update(store=w.store, locked=False, by=w.env_head.user)
    assert "locked" in error.value.message_dict
    w.store.refresh_from_db()
    assert w.store.locked


def test_a_new_keeper_takes_over_the_monthly_check__CLEAN_17(store_world):
    w = store_world
    services.store_update(store=w.store, keeper=w.gardener, by=w.env_head.user)
    w.store.check_schedule.refresh_from_db()
    assert w.store.check_schedule.assignee == w.gardener.user


def test_only_the_department_head_sets_up_stores(store_world):
    w = store_world
    with pytest.raises(PermissionDenied):
        services.store_create(estate=w.estate, name="x", location="y", by=w.cleaner.user)
    with pytest.raises(Http404):
        services.store_create(estate=w.estate, name="x", location="y", by=w.other_head.user)


# --- Stock ----------------------------------------------------------------------------------------


def test_stock_in_and_out_keep_the_balance(store_world):
    w = store_world
    _stock(w, w.bleach, "12")
    out = services.stock_out(product=w.bleach, quantity="2.5", purpose="电梯间消毒",
                             by=w.cleaner.user)  # fmt: skip
    assert out.quantity == Decimal("-2.5") and out.balance == Decimal("9.5")
    w.bleach.refresh_from_db()
    assert w.bleach.stock == Decimal("9.5")
    assert list(StockMovement.objects.filter(product=w.bleach).values_list("kind", flat=True)) == [
        "out", "in"]  # fmt: skip


def test_stock_never_goes_negative(store_world):
    w = store_world
    _stock(w, w.bleach, "3")
    with pytest.raises(ValidationError) as error:
        services.stock_out(product=w.bleach, quantity="4", purpose="消毒", by=w.cleaner.user)
    assert "库存不足" in error.value.message_dict["quantity"][0]
    w.bleach.refresh_from_db()
    assert w.bleach.stock == 3 and StockMovement.objects.filter(kind="out").count() == 0


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.0005", None, True])
def test_bad_quantities_are_refused(store_world, bad):
    w = store_world
    with pytest.raises(ValidationError):
        services.stock_in(product=w.bleach, quantity=bad, by=w.env_head.user)


def test_stock_out_needs_a_purpose(store_world):
    w = store_world
    _stock(w, w.bleach, "3")
    with pytest.raises(ValidationError) as error:
        services.stock_out(product=w.bleach, quantity="1", purpose=" ", by=w.cleaner.user)
    assert "purpose" in error.value.message_dict


def test_non_compliant_product_is_recorded_but_never_issued__CLEAN_11(store_world):
    w = store_world
    found = services.product_create(store=w.store, name="强力去污粉", kind="cleaning", unit="袋",
                                    eco_compliant=False, by=w.env_head.user)  # fmt: skip
    _stock(w, found, "6")
    with pytest.raises(ValidationError) as error:
        services.stock_out(product=found, quantity="1", purpose="楼道清洁", by=w.cleaner.user)
    assert "不符合环保要求" in error.value.message_dict["product"][0]
    # Its only way out: returned or disposed of, with the reason.
    out = services.stock_out(product=found, quantity="6", purpose="退回供应商", dispose=True,
                             by=w.env_head.user)  # fmt: skip
    assert out.purpose.startswith("退回/报废") and out.balance == 0


def test_non_compliant_fertiliser_cannot_be_issued__GREEN_15(store_world):
    w = store_world
    fert = services.product_create(store=w.store, name="复合肥（来源不明）", kind="fertiliser",
                                   unit="袋", by=w.env_head.user)  # fmt: skip
    _stock(w, fert, "2")
    with pytest.raises(ValidationError):
        services.stock_out(product=fert, quantity="1", purpose="秋季施肥", by=w.gardener.user)
    services.product_update(product=fert, eco_compliant=True, compliance_note="有机肥料登记证",
                            by=w.env_head.user)  # fmt: skip
    services.stock_out(product=fert, quantity="1", purpose="秋季施肥", by=w.gardener.user)


def test_a_count_adjusts_the_stock_with_its_reason(store_world):
    w = store_world
    _stock(w, w.bleach, "10")
    move = services.stock_adjust(product=w.bleach, counted="8", reason="两瓶破损",
                                 by=w.env_head.user)  # fmt: skip
    assert move.kind == "adjust" and move.quantity == -2 and move.balance == 8
    with pytest.raises(ValidationError):
        services.stock_adjust(product=w.bleach, counted="8", reason="再盘", by=w.env_head.user)
    with pytest.raises(ValidationError):
        services.stock_adjust(product=w.bleach, counted="9", reason="", by=w.env_head.user)


def test_below_minimum_is_announced_once_per_drop(store_world):
    w = store_world
    _stock(w, w.bleach, "7")  # minimum 5
    services.stock_out(product=w.bleach, quantity="2", purpose="消毒", by=w.cleaner.user)
    assert Message.objects.filter(context__title="库存低于最低库存").count() == 0
    services.stock_out(product=w.bleach, quantity="1", purpose="消毒", by=w.cleaner.user)
    told = Message.objects.filter(context__title="库存低于最低库存")
    assert {m.recipient for m in told.all()} == {w.env_head.user, w.cleaner.user}
    services.stock_out(product=w.bleach, quantity="1", purpose="消毒", by=w.cleaner.user)
    assert told.count() == 2  # not on every draw
    assert w.bleach in products_below_minimum(w.estate)
    # Restocked above, then below again: told again.
    _stock(w, w.bleach, "10")
    assert w.bleach not in products_below_minimum(w.estate)
    services.stock_out(product=w.bleach, quantity="9", purpose="消毒", by=w.cleaner.user)
    assert told.count() == 4


def test_products_below_minimum_is_the_estates_own(store_world):
    w = store_world
    other = services.store_create(estate=w.other_estate, name="工具间", location="8栋",
                                  by=w.other_head.user)  # fmt: skip
    services.product_create(store=other, name="洁厕剂", kind="cleaning", unit="瓶",
                            eco_compliant=True, minimum=3, by=w.other_head.user)  # fmt: skip
    assert set(products_below_minimum(w.estate)) == {w.bleach, w.pesticide}
    assert products_below_minimum(w.other_estate).count() == 1


# --- The monthly check (CLEAN-17) ---------------------------------------------------------------


def _check(w, user, **overrides):
    values = {"fixed_place": True, "locked": True, "out_of_reach": True, "labelled": True}
    return checks.store_check_record(store=w.store, by=user, photo=photo_of(user),
                                     **values | overrides)  # fmt: skip


def test_the_monthly_check_completes_the_planned_task__CLEAN_17(store_world):
    w = store_world
    check = _check(w, w.cleaner.user)
    assert check.passed and check.month.isoformat() == "2026-06-01"
    task = PlannedTask.objects.get(schedule=w.store.check_schedule)
    assert task.status == PlannedTaskStatus.DONE


def test_a_second_check_in_the_month_is_refused__CLEAN_17(store_world):
    w = store_world
    _check(w, w.cleaner.user)
    with pytest.raises(Conflict):
        _check(w, w.env_head.user)
    assert StoreCheck.objects.count() == 1


def test_a_failed_check_tells_the_head__CLEAN_17(store_world):
    w = store_world
    with pytest.raises(ValidationError) as error:
        _check(w, w.cleaner.user, out_of_reach=False)
    assert "note" in error.value.message_dict
    check = _check(w, w.cleaner.user, out_of_reach=False, note="门锁损坏，柜门敞开")
    assert not check.passed
    told = Message.objects.get(context__title="存放点月检不合格")
    assert told.recipient == w.env_head.user and "儿童可接触" in told.context["body"]


def test_the_check_needs_a_photo__CLEAN_17(store_world):
    w = store_world
    with pytest.raises(ValidationError) as error:
        checks.store_check_record(store=w.store, fixed_place=True, locked=True,
                                  out_of_reach=True, labelled=True, by=w.cleaner.user)  # fmt: skip
    assert "photo" in error.value.message_dict


def test_only_the_keeper_or_the_head_checks__CLEAN_17(store_world):
    w = store_world
    with pytest.raises(PermissionDenied):
        _check(w, w.gardener.user)


def test_an_overdue_month_shows_on_the_store_list__CLEAN_17(store_world, time_machine):
    w = store_world
    row = store_list(actor=_actor(w.env_head.user), estate_id=w.estate.pk)
    assert not row.get(pk=w.store.pk).overdue
    time_machine.move_to(at("2026-06-29 08:00"), tick=False)
    planned_task_sweep_missed()
    assert store_list(actor=_actor(w.env_head.user)).get(pk=w.store.pk).overdue
    # Done late, in the same month: no longer overdue.
    _check(w, w.cleaner.user)
    assert not store_list(actor=_actor(w.env_head.user)).get(pk=w.store.pk).overdue


def test_a_check_across_the_year_boundary_is_for_the_local_month__CLEAN_17(
    store_world, time_machine
):
    w = store_world
    # 2026-12-31 17:00 UTC is 2027-01-01 01:00 in Shanghai: the January check.
    time_machine.move_to(at("2027-01-01 01:00"), tick=False)
    check = _check(w, w.env_head.user)
    assert check.month.isoformat() == "2027-01-01"


def _actor(user):
    from wuye.core.scoping import actor_for

    return actor_for(user)


def test_product_rows_carry_their_store(store_world):
    w = store_world
    assert Product.objects.filter(store=w.store).count() == 3
