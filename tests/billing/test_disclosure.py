"""The monthly shared-cost disclosure (公摊费用公示, FEE-08): a draft from the common meters'
readings plus manual lines, shares exact to the fen, publishing once (bills, ledger, notice
board, resident portal), history kept, and who may do what. On PostgreSQL: two people
publishing the same draft at once post the bills once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.billing.test_fees import at, finance
from tests.billing.test_pages import flashed, html
from tests.factories import BuildingFactory, OccupancyFactory, RoomFactory, UnitFactory, make_staff
from wuye.billing import services
from wuye.billing.models import Bill, LedgerEntry, SharedCostDisclosure
from wuye.billing.selectors import meters as meter_reads
from wuye.billing.services import meters
from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.exceptions import Conflict
from wuye.notify.models import Notice

__all__ = ["finance"]  # fixtures
D = Decimal
AUG, SEP, OCT, NOV = (dt.date(2026, m, 1) for m in (8, 9, 10, 11))
DUE = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def fhead(world):
    """财务负责人: publishes the disclosure (and so may put it on the notice board)."""
    return make_staff(world.company, "fhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
                      [world.estate])  # fmt: skip


@pytest.fixture
def estate(world, finance):
    """Three owned rooms: 1栋 301 (89.50 m², world.owner), 1栋 302 (100.33 m²), 2栋 101
    (120.17 m²); a 1栋 water meter (3.70 元/吨) and an estate electricity meter (×10,
    0.62 元/度), read in September (baseline) and October."""
    world.room2.area = D("100.33")
    world.room2.save()
    OccupancyFactory(room=world.room2, relation=Relation.OWNER)
    unit = UnitFactory(building=BuildingFactory(estate=world.estate, name="2栋"), name="1单元")
    room3 = RoomFactory(unit=unit, number="101", area=D("120.17"))
    OccupancyFactory(room=room3, relation=Relation.OWNER)
    world.room3 = room3
    water = meters.meter_save(estate=world.estate, by=finance.user, code="W-1",
                              name="1栋公共用水", kind="water", multiplier="1",
                              unit_price="3.70", building=world.room.building)  # fmt: skip
    power = meters.meter_save(estate=world.estate, by=finance.user, code="E-1",
                              name="公共照明及水泵", kind="electricity", multiplier="10",
                              unit_price="0.62")  # fmt: skip
    for meter, sep, oct_ in ((water, "500", "533.3"), (power, "1000", "1123.45")):
        meters.meter_reading_record(meter=meter, period=SEP, reading=sep, by=world.tech.user)
        meters.meter_reading_record(meter=meter, period=OCT, reading=oct_, by=world.tech.user)
    world.water, world.power = water, power
    return world


def draft(world, finance, month=OCT, method="area") -> SharedCostDisclosure:
    d = meters.disclosure_prepare(estate=world.estate, month=month, method=method,
                                  by=finance.user)  # fmt: skip
    meters.disclosure_line_add(disclosure=d, by=finance.user, kind="elevator", name="电梯费",
                               amount="300.01")  # fmt: skip
    d.refresh_from_db()
    return d


def publish(d, user, **kwargs):
    return meters.disclosure_publish(disclosure=d, due_date=DUE, by=user, **kwargs)


# --- The draft ---------------------------------------------------------------------------------


def test_the_draft_takes_each_common_meter_usage_times_price_and_manual_lines(
    world, finance, estate
):
    d = draft(world, finance)
    lines = {line.name: line for line in d.lines.all()}
    water, power = lines["1栋公共用水"], lines["公共照明及水泵"]
    assert water.usage == D("33.30") and water.amount == D("123.21")  # 33.3 × 3.70
    assert water.building == world.room.building
    assert power.usage == D("1234.50") and power.amount == D("765.39")  # 1234.5 × 0.62
    assert power.building is None and lines["电梯费"].amount == D("300.01")
    assert d.total == D("1188.61") and d.rooms_count == 3 and d.area_total == D("310.00")
    assert d.status == "draft" and not Bill.objects.exists()


def test_a_draft_is_recomputed_from_corrected_readings_keeping_manual_lines(world, finance, estate):
    d = draft(world, finance)
    meters.meter_reading_record(meter=world.water, period=OCT, reading="510", by=world.tech.user)
    assert meters.stale_lines(d)
    d = meters.disclosure_prepare(estate=world.estate, month=OCT, by=finance.user)
    assert not meters.stale_lines(d)
    assert d.lines.get(name="1栋公共用水").amount == D("37.00")  # 10 × 3.70
    assert d.lines.filter(name="电梯费").exists() and d.total == D("1102.40")


# --- Publishing (FEE-08) -----------------------------------------------------------------------


def test_disclosure_is_published_monthly_with_bills_ledger_and_notice__FEE_08(
    world, finance, fhead, estate, login
):
    d = draft(world, finance)
    publish(d, fhead.user)
    d.refresh_from_db()
    assert d.status == "published" and d.published_by == fhead.user and d.published_at
    bills = list(Bill.objects.filter(item=d.item).order_by("room_id"))
    assert d.item.kind == "shared_utility" and d.item.basis == "shared"
    assert {b.room_id for b in bills} == {world.room.pk, world.room2.pk, world.room3.pk}
    assert sum(b.amount for b in bills) == d.total == D("1188.61")  # exact to the fen
    assert all(b.period_start == OCT and b.period_end == dt.date(2026, 10, 31) for b in bills)
    assert all(b.source_ref == "" and b.due_date == DUE for b in bills)
    charges = LedgerEntry.objects.filter(kind="charge", bill__in=bills)
    assert sorted(e.amount for e in charges) == sorted(b.amount for b in bills)
    # 2栋101 shares the estate lines by area only; 1栋 rooms also share the 1栋 water meter.
    share3 = Bill.objects.get(room=world.room3, item=d.item).amount
    exact3 = (D("765.39") + D("300.01")) * D("120.17") / D("310.00")
    assert abs(share3 - exact3) < D("0.01")
    # On the notice board (staff and residents), the category 费用公示.
    notice = Notice.objects.get(estate=world.estate, category="cost_disclosure")
    assert notice.published_at is not None and "2026年10月公摊费用公示" == notice.title
    assert "1栋公共用水" in notice.body and "按建筑面积分摊" in notice.body
    assert reverse("billing:my_disclosure", args=[d.pk]) in notice.body
    board = html(login("owner").get(reverse("notify:notice_list")))
    assert "2026年10月公摊费用公示" in board


def test_disclosure_is_visible_in_the_portal_with_my_share__FEE_08(
    world, finance, fhead, estate, login
):
    d = draft(world, finance)
    publish(d, fhead.user)
    mine = Bill.objects.get(room=world.room, item__kind="shared_utility").amount
    client = login("owner")
    listing = html(client.get(reverse("billing:my_disclosures")))
    assert "2026年10月公摊费用" in listing and "¥1,188.61" in listing
    assert f"¥{mine:,.2f}" in listing  # my share
    detail = html(client.get(reverse("billing:my_disclosure", args=[d.pk])))
    assert "1栋公共用水" in detail and "33.30" in detail and "¥123.21" in detail
    assert "电梯费" in detail and "按建筑面积分摊" in detail and f"¥{mine:,.2f}" in detail
    assert "我家分摊" in detail


def test_residents_see_only_published_disclosures_of_their_estate__FEE_08(
    world, finance, fhead, estate, login
):
    d = draft(world, finance)
    client = login("owner")
    assert client.get(reverse("billing:my_disclosure", args=[d.pk])).status_code == 404
    assert "暂无公摊费用公示" in html(client.get(reverse("billing:my_disclosures")))
    publish(d, fhead.user)
    assert client.get(reverse("billing:my_disclosure", args=[d.pk])).status_code == 200
    # Another estate's resident (and staff pages for residents) stay closed.
    other = OccupancyFactory(room=world.other_room, relation=Relation.OWNER).resident
    from tests.factories import make_resident_user

    make_resident_user(other, "other_owner")
    assert login("other_owner").get(
        reverse("billing:my_disclosure", args=[d.pk])
    ).status_code == 404  # fmt: skip
    assert login("owner").get(reverse("billing:disclosure", args=[d.pk])).status_code == 403


def test_publishing_twice_is_refused_and_a_published_month_never_changes__FEE_08(
    world, finance, fhead, estate
):
    d = draft(world, finance)
    publish(d, fhead.user)
    bills = Bill.objects.count()
    with pytest.raises(Conflict):
        publish(d, fhead.user)
    with pytest.raises(Conflict):
        meters.disclosure_prepare(estate=world.estate, month=OCT, by=finance.user)
    with pytest.raises(Conflict):
        meters.disclosure_line_add(disclosure=d, by=finance.user, kind="other", name="x",
                                   amount="1")  # fmt: skip
    with pytest.raises(Conflict):
        meters.disclosure_update(disclosure=d, by=finance.user, method="household")
    with pytest.raises(Conflict):  # the readings it used stay as published
        meters.meter_reading_record(meter=world.water, period=OCT, reading="600",
                                    by=world.tech.user)  # fmt: skip
    with pytest.raises(Conflict):  # and so does the reading before them
        meters.meter_reading_record(meter=world.water, period=SEP, reading="490",
                                    by=world.tech.user)  # fmt: skip
    assert Bill.objects.count() == bills
    assert Notice.objects.filter(category="cost_disclosure").count() == 1


def test_history_is_kept_month_after_month__FEE_08(world, finance, fhead, estate, login):
    meters.meter_reading_record(meter=world.water, period=NOV, reading="560", by=world.tech.user)
    meters.meter_reading_record(meter=world.power, period=NOV, reading="1200", by=world.tech.user)
    october = draft(world, finance)
    publish(october, fhead.user)
    november = meters.disclosure_prepare(estate=world.estate, month=NOV, method="household",
                                         by=finance.user)  # fmt: skip
    publish(november, fhead.user)
    october.refresh_from_db()
    assert october.total == D("1188.61") and october.method == "area"
    assert october.lines.count() == 3
    assert SharedCostDisclosure.objects.filter(status="published").count() == 2
    listing = html(login("owner").get(reverse("billing:my_disclosures")))
    assert "2026年10月公摊费用" in listing and "2026年11月公摊费用" in listing
    assert listing.index("2026年11月") < listing.index("2026年10月")  # newest first
    assert Bill.objects.filter(room=world.room, item__kind="shared_utility").count() == 2


def test_per_household_splits_evenly_and_the_fen_left_over_go_by_largest_remainder__FEE_08(
    world, finance, fhead, estate
):
    for meter in (world.water, world.power):  # no meters this month: only the elevators
        meters.meter_save(estate=world.estate, by=finance.user, meter=meter, code=meter.code,
                          name=meter.name, kind=meter.kind, multiplier=meter.multiplier,
                          unit_price=meter.unit_price, building=meter.building,
                          is_active=False)  # fmt: skip
    d = meters.disclosure_prepare(estate=world.estate, month=NOV, method="household",
                                  by=finance.user)  # fmt: skip
    assert not d.lines.exists()
    meters.disclosure_line_add(disclosure=d, by=finance.user, kind="elevator", name="电梯费",
                               amount="100.00")  # fmt: skip
    publish(d, fhead.user)
    amounts = sorted(
        Bill.objects.filter(item__kind="shared_utility").values_list("amount", flat=True)
    )
    assert amounts == [D("33.33"), D("33.33"), D("33.34")]  # fmt: skip


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total_cents=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40),
)
def test_largest_remainder_always_adds_up_to_the_total__FEE_08(total_cents, weights):
    total = D(total_cents) / 100
    whole = sum(weights)
    exact = {i: Fraction(total) * w / whole for i, w in enumerate(weights)}
    shares = meter_reads.largest_remainder(total, exact)
    assert sum(shares.values()) == total
    assert all(abs(Fraction(shares[i]) - exact[i]) < Fraction(1, 100) for i in exact)


def test_prepaid_credit_settles_the_new_shared_cost_bill(world, finance, fhead, estate):
    services.payment_record(room=world.room, amount="500.00", channel="cash", by=finance.user)
    d = publish(draft(world, finance), fhead.user)
    bill = Bill.objects.get(room=world.room, item=d.item)
    assert bill.status == "paid" and bill.paid_amount == bill.amount
    assert services.room_balance(world.room.pk) == bill.amount - D("500.00")


def test_a_month_with_unread_meters_or_corrected_readings_is_not_published(
    world, finance, fhead, estate
):
    d = draft(world, finance)
    meters.meter_reading_record(meter=world.water, period=OCT, reading="520", by=world.tech.user)
    with pytest.raises(Conflict) as err:
        publish(d, fhead.user)
    assert "重新计算" in err.value.message
    meters.meter_reading_record(meter=world.water, period=NOV, reading="560", by=world.tech.user)
    november = meters.disclosure_prepare(estate=world.estate, month=NOV, by=finance.user)
    with pytest.raises(ValidationError) as err:
        publish(november, fhead.user)
    assert "E-1" in err.value.message_dict["month"][0]  # the electricity meter is unread
    assert not Bill.objects.exists() and not Notice.objects.exists()


def test_who_prepares_and_who_publishes(world, finance, fhead, estate):
    with pytest.raises(PermissionDenied):
        meters.disclosure_prepare(estate=world.estate, month=OCT, by=world.tech.user)
    d = draft(world, finance)
    for user in (finance.user, world.agent.user, world.head.user):
        with pytest.raises(PermissionDenied):  # the finance head or an executive signs it off
            publish(d, user)
    assert not Bill.objects.exists()
    publish(d, world.exec.user)
    assert SharedCostDisclosure.objects.get().status == "published"


# --- The staff pages ---------------------------------------------------------------------------


def test_the_staff_page_prepares_edits_and_publishes__FEE_08(world, finance, fhead, estate, login):
    client = login("finance")
    response = client.post(reverse("billing:disclosures"), {"month": "2026-10",
                                                            "method": "area"})  # fmt: skip
    d = SharedCostDisclosure.objects.get()
    assert response.status_code == 302 and response.url == reverse("billing:disclosure",
                                                                   args=[d.pk])  # fmt: skip
    url = reverse("billing:disclosure", args=[d.pk])
    response = client.post(reverse("billing:disclosure_line_add", args=[d.pk]), {
        "kind": "elevator", "name": "电梯费", "amount": "300.01", "building": "",
    })  # fmt: skip
    assert response.status_code == 302
    text = html(client.get(url))
    assert "1栋公共用水" in text and "¥1,188.61" in text and "各户分摊（预览）" in text
    assert "分摊合计 ¥1,188.61" in text
    publish_url = reverse("billing:disclosure_publish", args=[d.pk])
    assert f'action="{publish_url}"' not in text
    assert "财务负责人或企业高层审核公示" in text
    bad = client.post(reverse("billing:disclosure_line_add", args=[d.pk]),
                      {"kind": "other", "name": "", "amount": "-3"})  # fmt: skip
    assert bad.status_code == 200 and "请填写名称" in html(bad)
    head = login("fhead")
    assert "公示并出账" in html(head.get(url))
    response = head.post(reverse("billing:disclosure_publish", args=[d.pk]),
                         {"due_date": "2026-11-30"})  # fmt: skip
    assert response.status_code == 302 and "已公示" in flashed(response)[0]
    text = html(head.get(url))
    assert "已公示" in text and "已出账" in text and "共 3 户，合计 ¥1,188.61" in text
    again = head.post(reverse("billing:disclosure_publish", args=[d.pk]),
                      {"due_date": "2026-11-30"})  # fmt: skip
    assert "不能重复公示" in flashed(again)[-1]
    assert Bill.objects.count() == 3


def test_the_staff_list_and_who_may_open_it(world, finance, fhead, estate, login):
    d = draft(world, finance)
    text = html(login("finance").get(reverse("billing:disclosures")))
    assert "2026-10" in text and "草稿" in text and "编制月度公摊" in text
    assert "编制月度公摊" not in html(login("agent").get(reverse("billing:disclosures")))
    assert login("outsider").get(reverse("billing:disclosure", args=[d.pk])).status_code == 404
    export = login("finance").get(reverse("billing:disclosure_shares_xlsx", args=[d.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats")  # fmt: skip


# --- PostgreSQL: two publishers at once --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_two_people_publishing_the_same_draft_at_once_post_the_bills_once__FEE_08(
    world, finance, fhead, estate
):
    d = draft(world, finance)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def go(user):
        try:
            barrier.wait(timeout=30)
            results.append(publish(d, user))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(u,)) for u in (fhead.user, world.exec.user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert Bill.objects.count() == 3
    assert LedgerEntry.objects.filter(kind="charge").count() == 3
    assert Notice.objects.filter(category="cost_disclosure").count() == 1
