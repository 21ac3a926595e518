"""Billing runs in the background (FEE-04 费用核算) and the pages around them, with frozen time:
queue → the job posts the bills with progress, idempotent periods, previews, period types
(月度 / 季度 / 半年 / 年度, a half year from any month), the 收费项目与收费标准 page (a new rate
never rewrites bills), who may do what, and the room list's .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.billing.test_fees import BACKFILL, at, fee, finance, run
from tests.billing.test_pages import flashed, html
from tests.factories import OccupancyFactory, RoomFactory
from wuye import jobs
from wuye.billing import services
from wuye.billing.models import Bill, BillingRun, ChargeBasis, ChargeItem, LedgerEntry, Rate
from wuye.billing.services import runs
from wuye.core.choices import Relation
from wuye.core.exceptions import Conflict

__all__ = ["fee", "finance"]  # fixtures
D = Decimal
DEC = {"period_start": dt.date(2026, 12, 1), "period_end": dt.date(2026, 12, 31),
       "due_date": dt.date(2026, 12, 31)}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def owned(world):
    """world.room (89.50 m², owner) plus room2 (100 m²) bought by an owner: two billed rooms."""
    world.room2.area = D("100.00")
    world.room2.save()
    OccupancyFactory(room=world.room2, relation=Relation.OWNER, start_date=dt.date(2020, 1, 1))
    return [world.room, world.room2]


def queue(world, finance, **period):
    return services.billing_run_queue(estate=world.estate, by=finance.user,
                                      short_notice_reason=BACKFILL, **(period or DEC))  # fmt: skip


def execute() -> int:
    job = next(j for j in jobs.JOBS if j.name == "billing_run_execute")
    assert job.every == 10
    return jobs.run_job(job)


# --- Queue → the job (FEE-04) ------------------------------------------------------------------


def test_a_queued_run_is_posted_by_the_job_with_its_progress__FEE_04(world, finance, fee, owned):
    queued = queue(world, finance)
    assert queued.status == "queued" and queued.started_by == finance.user
    assert not Bill.objects.exists()  # nothing until the job runs

    assert execute() == 1
    queued.refresh_from_db()
    assert queued.status == "done" and queued.finished_at is not None
    assert (queued.rooms_total, queued.rooms_done, queued.bills_created) == (2, 2, 2)
    assert queued.amount_total == D("223.75") + D("250.00")
    bills = Bill.objects.filter(run=queued).order_by("room_id")
    assert [b.amount for b in bills] == [D("223.75"), D("250.00")]
    assert LedgerEntry.objects.filter(kind="charge").count() == 2  # FEE-07: the ledger too
    assert execute() == 0  # nothing left in the queue


def test_progress_is_recorded_after_every_chunk(world, finance, fee, owned, monkeypatch):
    seen = []
    post = runs._post_charges

    def spy(rows, *, run, **kwargs):
        seen.append(BillingRun.objects.get(pk=run.pk).rooms_done)
        return post(rows, run=run, **kwargs)

    monkeypatch.setattr(runs, "_post_charges", spy)
    queued = queue(world, finance)
    services.billing_run_execute(chunk=1)  # one room per chunk
    assert seen == [0, 1]  # the first chunk saw none done, the second one
    queued.refresh_from_db()
    assert queued.rooms_done == queued.rooms_total == 2


def test_the_same_period_again_creates_nothing_and_says_so__FEE_04(
    world, finance, fee, owned, login
):
    queue(world, finance)
    execute()
    again = queue(world, finance)
    execute()
    again.refresh_from_db()
    assert again.status == "done" and again.bills_created == 0 and again.rooms_done == 2
    assert Bill.objects.count() == 2
    text = html(login("finance").get(reverse("billing:run_detail", args=[again.pk])))
    assert "本账期的账单此前已全部生成，本次没有新增账单" in text


def test_a_period_queued_or_running_is_not_queued_twice(world, finance, fee):
    first = queue(world, finance)
    with pytest.raises(Conflict):
        queue(world, finance)
    with pytest.raises(Conflict):  # a quarter over the queued December overlaps it
        queue(world, finance, period_start=dt.date(2026, 11, 1),
              period_end=dt.date(2027, 1, 31), due_date=dt.date(2026, 11, 30))  # fmt: skip
    january = queue(world, finance, period_start=dt.date(2027, 1, 1),
                    period_end=dt.date(2027, 1, 31), due_date=dt.date(2027, 1, 31))  # fmt: skip
    assert BillingRun.objects.filter(status="queued").count() == 2
    assert execute() == 2
    assert {first.pk, january.pk} == set(BillingRun.objects.filter(status="done").values_list(
        "pk", flat=True))  # fmt: skip


def test_a_failed_run_records_why_and_the_next_one_still_runs(
    world, finance, fee, monkeypatch, login
):
    broken = queue(world, finance)
    january = queue(world, finance, period_start=dt.date(2027, 1, 1),
                    period_end=dt.date(2027, 1, 31), due_date=dt.date(2027, 1, 31))  # fmt: skip
    inputs = runs._run_inputs

    def fail_december(estate, period_start, *args):
        if period_start.month == 12:
            raise RuntimeError("数据库连接中断")
        return inputs(estate, period_start, *args)

    monkeypatch.setattr(runs, "_run_inputs", fail_december)
    assert execute() == 2
    broken.refresh_from_db()
    january.refresh_from_db()
    assert broken.status == "failed" and "数据库连接中断" in broken.error
    assert january.status == "done" and Bill.objects.filter(run=january).count() == 1
    text = html(login("finance").get(reverse("billing:run_detail", args=[broken.pk])))
    assert "生成失败" in text and "数据库连接中断" in text


def test_a_run_whose_worker_died_is_failed_after_an_hour_and_its_period_runs_again(
    world, finance, fee, frozen
):
    stuck = queue(world, finance)
    BillingRun.objects.filter(pk=stuck.pk).update(status="running")  # claimed, then the crash
    frozen.move_to(at("2026-11-26 10:30"), tick=False)
    assert execute() == 0
    with pytest.raises(Conflict):  # still counts as running within the hour
        queue(world, finance)
    frozen.move_to(at("2026-11-26 11:01"), tick=False)
    execute()
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "生成中断" in stuck.error
    again = queue(world, finance)
    assert execute() == 1
    again.refresh_from_db()
    assert again.status == "done" and again.started_at == at("2026-11-26 11:01")
    assert Bill.objects.filter(room=world.room).count() == 1


def test_billing_run_at_once_still_posts_and_refuses_the_desk(world, finance, fee):
    done = run(world, finance)  # what the tests and the benchmark call
    assert done.status == "done" and done.rooms_done == done.rooms_total == 1
    with pytest.raises(PermissionDenied):  # FEE-02: finance calculates
        services.billing_run_queue(estate=world.estate, by=world.agent.user, **DEC)
    assert BillingRun.objects.count() == 1


# --- Periods: 月度 / 季度 / 半年 / 年度 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "months", "start", "end"),
    [
        ("2026-12-01", 1, "2026-12-01", "2026-12-31"),
        ("2027-01-01", 3, "2027-01-01", "2027-03-31"),
        ("2026-11-01", 3, "2026-11-01", "2027-01-31"),  # a quarter across the year's end
        ("2026-09-01", 6, "2026-09-01", "2027-02-28"),  # move-in: half a year from September
        ("2027-03-15", 6, "2027-03-01", "2027-08-31"),  # any day of the month: from its 1st
        ("2027-09-01", 6, "2027-09-01", "2028-02-29"),  # a leap February
        ("2027-01-01", 12, "2027-01-01", "2027-12-31"),
        ("2026-07-01", 12, "2026-07-01", "2027-06-30"),
    ],
)
def test_periods_by_type_from_any_month(first, months, start, end):
    got = services.billing_period(first_month=dt.date.fromisoformat(first), months=months)
    assert got == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def test_the_default_due_date_is_the_last_day_of_the_first_month_and_bad_types_are_refused():
    assert services.billing_default_due(dt.date(2026, 9, 1)) == dt.date(2026, 9, 30)
    assert services.billing_default_due(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    with pytest.raises(ValidationError) as err:
        services.billing_period(first_month=dt.date(2027, 1, 1), months=2)
    assert "months" in err.value.message_dict


# --- Preview ---------------------------------------------------------------------------------


def test_the_preview_counts_rooms_bills_amounts_and_what_is_skipped(world, finance, fee, owned):
    run(world, finance)  # December's property fee exists for both rooms
    lift = ChargeItem.objects.create(estate=world.estate, name="电梯费", kind="elevator",
                                     basis=ChargeBasis.PER_ROOM_MONTH)  # fmt: skip
    services.rate_set(item=lift, amount="35", effective_from=dt.date(2026, 1, 1), by=finance.user)
    preview = services.billing_preview(estate=world.estate, by=finance.user, **DEC)
    assert (preview.rooms, preview.bills, preview.already) == (2, 2, 2)
    assert preview.amount == D("70.00") and preview.by_item == {"电梯费": [2, D("70.00")]}
    assert not preview.notice_late  # the notice is due by 2026-12-16
    soon = services.billing_preview(estate=world.estate, by=finance.user,
                                    **{**DEC, "due_date": dt.date(2026, 12, 5)})  # fmt: skip
    assert soon.notice_late and soon.notice_by == dt.date(2026, 11, 20)  # FEE-05: too late
    assert Bill.objects.count() == 2  # the preview wrote nothing


def test_a_period_over_months_already_billed_charges_only_the_rest__FEE_04(
    world, finance, fee, login
):
    run(world, finance)  # December, monthly
    december = Bill.objects.get(room=world.room)
    quarter = {"period_start": dt.date(2026, 11, 1), "period_end": dt.date(2027, 1, 31),
               "due_date": dt.date(2026, 11, 30)}  # fmt: skip
    preview = services.billing_preview(estate=world.estate, by=finance.user, **quarter)
    assert preview.amount == 2 * december.amount  # November and January; December is billed
    services.billing_run(estate=world.estate, by=finance.user, short_notice_reason=BACKFILL,
                         **quarter)  # fmt: skip
    bill = Bill.objects.get(room=world.room, period_start=dt.date(2026, 11, 1))
    assert bill.amount == 2 * december.amount
    # Run again: nothing new, and a month inside the quarter is covered whole.
    services.billing_run(estate=world.estate, by=finance.user, short_notice_reason=BACKFILL,
                         **quarter)  # fmt: skip
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    assert Bill.objects.filter(room=world.room).count() == 2


def test_the_half_year_prepaid_at_move_in_is_not_billed_again_by_the_runs__FEE_04(
    world, finance, fee
):
    half = services.bill_room_period(
        room=world.room, item=fee, period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2027, 4, 30), due_date=dt.date(2026, 11, 30),
        at=timezone.now(), by=finance.user,
    )  # fmt: skip
    monthly = services.periodic_amount(
        basis=fee.basis, rate=D("2.50"), area=world.room.area, units=0,
        period_start=dt.date(2026, 12, 1), period_end=dt.date(2026, 12, 31),
        spans=[(dt.date(2026, 12, 1), dt.date(2026, 12, 31))],
    )  # fmt: skip
    assert half.amount == 6 * monthly
    run(world, finance)  # December: prepaid, nothing for this room
    assert not Bill.objects.filter(room=world.room, period_start=dt.date(2026, 12, 1)).exists()
    # A quarter over April–June bills May and June only.
    run(world, finance, "2027-04-01", "2027-06-30", "2027-04-30")
    spring = Bill.objects.get(room=world.room, period_start=dt.date(2027, 4, 1))
    assert spring.amount == 2 * monthly
    # The same call again returns the bill made.
    again = services.bill_room_period(
        room=world.room, item=fee, period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2027, 4, 30), due_date=dt.date(2026, 11, 30),
        at=timezone.now(), by=finance.user,
    )  # fmt: skip
    assert again.pk == half.pk


# --- The pages -------------------------------------------------------------------------------


def test_finance_previews_then_queues_and_watches_the_progress__FEE_04(
    world, finance, fee, owned, login
):
    client = login("finance")
    page = client.get(reverse("billing:run_new"))
    assert page.status_code == 200 and 'value="2026-12"' in html(page)  # next month by default
    form = {"months": "1", "first_month": "2026-12", "due_date": ""}
    preview = client.post(reverse("billing:run_new"), form)
    text = html(preview)
    assert "2026-12-01 ～ 2026-12-31" in text and "2026-12-31" in text  # default due date
    assert "¥473.75" in text and "确认生成 2 张账单" in text
    assert not BillingRun.objects.exists()

    queued = client.post(reverse("billing:run_new"), {**form, "due_date": "2026-12-31",
                                                      "confirm": "1"})  # fmt: skip
    run_ = BillingRun.objects.get()
    assert queued.status_code == 302 and queued.url == reverse("billing:run_detail",
                                                               args=[run_.pk])  # fmt: skip
    waiting = client.get(queued.url)
    assert "排队中" in html(waiting) and 'hx-trigger="every 2s"' in html(waiting)
    status = client.get(reverse("billing:run_status", args=[run_.pk])).json()
    assert status["status"] == "queued" and status["finished"] is False

    execute()
    fragment = client.get(queued.url, HTTP_HX_REQUEST="true")
    text = html(fragment)
    assert "已完成" in text and "100%" in text and "2 / 2" in text
    assert "hx-trigger" not in text and "<html" not in text  # the bar stops polling
    status = client.get(reverse("billing:run_status", args=[run_.pk])).json()
    assert status == {**status, "status": "done", "rooms_done": 2, "rooms_total": 2,
                      "percent": 100, "bills_created": 2, "amount_total": "473.75",
                      "finished": True}  # fmt: skip
    listing = html(client.get(reverse("billing:runs")))
    assert "2026-12-01 ～ 2026-12-31" in listing and "¥473.75" in listing and "finance" in listing


def test_a_half_year_from_september_on_the_page(world, finance, fee, login):
    client = login("finance")
    text = html(client.post(reverse("billing:run_new"),
                            {"months": "6", "first_month": "2027-09", "due_date": ""}))  # fmt: skip
    assert "2027-09-01 ～ 2028-02-29" in text and 'value="2027-09-30"' in text
    client.post(reverse("billing:run_new"), {"months": "6", "first_month": "2027-09",
                                             "due_date": "2027-09-30", "confirm": "1"})  # fmt: skip
    run_ = BillingRun.objects.get()
    assert (run_.period_start, run_.period_end) == (dt.date(2027, 9, 1), dt.date(2028, 2, 29))


def test_bad_run_input_is_shown_next_to_the_field_and_queues_nothing(world, finance, fee, login):
    client = login("finance")
    response = client.post(reverse("billing:run_new"), {"months": "2", "first_month": "12/2026",
                                                        "confirm": "1"})  # fmt: skip
    assert response.status_code == 200
    assert "请按“2026-12”的格式填写月份" in html(response)
    response = client.post(
        reverse("billing:run_new"),
        {"months": "1", "first_month": "2026-12", "due_date": "2026-11-01", "confirm": "1"},
    )
    assert "缴费截止日不能早于账期开始" in html(response)
    queue(world, finance)
    response = client.post(
        reverse("billing:run_new"),
        {"months": "1", "first_month": "2026-12", "due_date": "", "confirm": "1"},
    )
    assert response.status_code == 302 and "正在生成" in flashed(response)[0]
    assert BillingRun.objects.count() == 1


def test_the_runs_list_filters_by_status_in_few_queries(
    world, finance, fee, login, django_assert_max_num_queries
):
    for month in (1, 2, 3):
        start = dt.date(2027, month, 1)
        services.billing_run(estate=world.estate, period_start=start,
                             period_end=services.billing_default_due(start), due_date=start,
                             by=finance.user)  # fmt: skip
    queue(world, finance)
    client = login("finance")
    with django_assert_max_num_queries(12):
        text = html(client.get(reverse("billing:runs")))
    assert text.count("已完成") >= 3 and "排队中" in text
    text = html(client.get(reverse("billing:runs") + "?status=queued"))
    assert "2026-12-01" in text and "2027-01-01" not in text


# --- 收费项目与收费标准 ------------------------------------------------------------------------


def test_a_new_rate_from_a_future_date_leaves_existing_bills_unchanged__FEE_04(
    world, finance, fee, login
):
    run(world, finance)
    bill = Bill.objects.get(room=world.room)
    client = login("finance")
    response = client.post(
        reverse("billing:rate_add"),
        {"item": fee.pk, "amount": "3.00", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302 and "已生成的账单不变" in flashed(response)[0]
    assert Bill.objects.get(pk=bill.pk).amount == bill.amount == D("223.75")
    text = html(client.get(reverse("billing:charges")))
    assert "¥3.00 元/㎡·月" in text and "待生效" in text and "现行" in text
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    january = Bill.objects.get(room=world.room, period_start=dt.date(2027, 1, 1))
    assert january.amount == D("268.50")  # 89.50 × 3.00
    assert Bill.objects.get(pk=bill.pk).amount == D("223.75")


def test_finance_adds_an_item_and_bad_input_changes_nothing(world, finance, fee, login):
    client = login("finance")
    response = client.post(
        reverse("billing:charge_item_add"),
        {"name": "车位管理费", "kind": "parking", "basis": "per_space_month", "room_use": ""},
    )
    assert response.status_code == 302
    item = ChargeItem.objects.get(name="车位管理费")
    assert (item.basis, item.is_active, item.room_use) == ("per_space_month", True, "")
    again = client.post(
        reverse("billing:charge_item_add"),
        {"name": "车位管理费", "kind": "parking", "basis": "per_space_month"},
    )
    assert again.status_code == 200 and "本项目已有同名的收费项目" in html(again)
    bad = client.post(reverse("billing:rate_add"), {"item": fee.pk, "amount": "-1",
                                                    "effective_from": ""})  # fmt: skip
    assert "单价不能为负" in html(bad) and "请选择生效日期" in html(bad)
    assert ChargeItem.objects.count() == 2 and Rate.objects.count() == 1
    client.post(reverse("billing:charge_item_toggle", args=[item.pk]))
    item.refresh_from_db()
    assert not item.is_active


# --- Who may do what (FEE-02/04) ----------------------------------------------------------------


def test_customer_service_reads_items_and_runs_but_cannot_change_them__FEE_02(
    world, finance, fee, login
):
    run(world, finance)
    done = BillingRun.objects.get()
    client = login("agent")
    charges = html(client.get(reverse("billing:charges")))
    assert "物业服务费" in charges and "¥2.50" in charges and "保存收费标准" not in charges
    runs = html(client.get(reverse("billing:runs")))
    assert "2026-12-01" in runs and reverse("billing:run_new") not in runs
    assert client.get(reverse("billing:run_detail", args=[done.pk])).status_code == 200
    assert client.get(reverse("billing:run_new")).status_code == 403

    def post(name: str, data: dict) -> int:
        return client.post(reverse(name), data).status_code

    assert post("billing:run_new", {"months": "1", "first_month": "2027-01", "confirm": "1"}) == 403
    assert post("billing:rate_add", {"item": fee.pk, "amount": "9",
                                     "effective_from": "2027-01-01"}) == 403  # fmt: skip
    assert (
        post("billing:charge_item_add", {"name": "x", "kind": "one_off", "basis": "fixed"}) == 403
    )
    toggle = client.post(reverse("billing:charge_item_toggle", args=[fee.pk]))
    assert toggle.status_code == 403 and ChargeItem.objects.get(pk=fee.pk).is_active
    assert Rate.objects.count() == 1 and ChargeItem.objects.count() == 1
    assert BillingRun.objects.count() == 1


def test_others_see_nothing(world, finance, fee, login):
    run(world, finance)
    done = BillingRun.objects.get()
    assert login("tech").get(reverse("billing:runs")).status_code == 403
    assert login("tech").get(reverse("billing:charges")).status_code == 403
    outsider = login("outsider")  # customer service of the other estate
    assert outsider.get(reverse("billing:run_detail", args=[done.pk])).status_code == 404
    assert outsider.get(reverse("billing:run_status", args=[done.pk])).status_code == 404
    assert login("owner").get(reverse("billing:runs")).status_code == 403


# --- The room list's export ---------------------------------------------------------------------


def test_the_room_list_exports_what_is_filtered_as_xlsx(world, finance, fee, login, frozen):
    world.room2.area = D("100.00")
    world.room2.save()
    OccupancyFactory(room=world.room2, relation=Relation.OWNER, start_date=dt.date(2020, 1, 1))
    RoomFactory(unit=world.room.unit, number="303")  # no owner, no bills
    run(world, finance)
    services.payment_record(room=world.room2, amount=D("300.00"), channel="cash",
                            by=finance.user)  # fmt: skip  # 50.00 left as credit
    frozen.move_to(at("2027-01-05 10:00"), tick=False)  # December's bills are overdue now
    client = login("finance")
    page = html(client.get(reverse("billing:rooms") + "?arrears=1"))
    assert "导出 Excel" in page and "export=xlsx" in page

    response = client.get(reverse("billing:rooms") + "?arrears=1&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("房屋", "业主", "建筑面积(m²)", "欠费（元）", "待缴（元）", "预存（元）",
                       "未缴账单（张）")  # fmt: skip
    assert len(rows) == 2  # only the room in arrears
    label, owners, area, arrears, upcoming, credit, open_bills = rows[1]
    assert label == world.room.label and area == 89.5
    assert arrears == 223.75 and upcoming == 0 and credit == 0 and open_bills == 1
    assert owners == world.owner.name

    everything = load_workbook(io.BytesIO(
        client.get(reverse("billing:rooms") + "?export=xlsx").content)).active  # fmt: skip
    by_room = {r[0]: r for r in everything.iter_rows(min_row=2, values_only=True)}
    assert len(by_room) == 3
    assert by_room[world.room2.label][3:] == (0, 0, 50, 0)  # paid in full, 50.00 prepaid


def test_the_export_is_for_fee_readers_only(world, login):
    assert login("tech").get(reverse("billing:rooms") + "?export=xlsx").status_code == 403


# --- Two job runners at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_two_job_runners_at_once_execute_a_queued_run_once(world):
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    clerk = make_staff(world.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                       [world.estate])  # fmt: skip
    item = ChargeItem.objects.create(estate=world.estate, name="物业服务费", kind="property_fee",
                                     basis=ChargeBasis.PER_M2_MONTH)  # fmt: skip
    services.rate_set(item=item, amount="2.50", effective_from=dt.date(2026, 1, 1), by=clerk.user)
    queued = queue(world, clerk)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def runner():
        try:
            barrier.wait(timeout=30)
            results.append(services.billing_run_execute())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not errors, errors
    assert sorted(results) == [0, 1]  # one runner claimed it, the other found nothing
    queued.refresh_from_db()
    assert queued.status == "done" and queued.bills_created == 1
    assert Bill.objects.count() == 1 and LedgerEntry.objects.count() == 1
