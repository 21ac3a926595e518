"""Issue 13, fees, with frozen time: written payment notices that count only when printed or
recorded as delivered and a billing run with a short notice confirmed with a reason (FEE-05);
the lawyer's-letter list opened on the estate's day (45 by default) with a deadline clock ending
on day 60, the 《律师函》 PDF with the law firm's details and its sending recorded (FEE-11); a
monthly per-parking-space item billed by a run (FEE-01). Through the services, the API and the
pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.billing.test_api import auth, post
from tests.billing.test_fees import at, fee, finance, run
from tests.billing.test_pages import flashed, html
from tests.factories import OccupancyFactory
from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.billing import services
from wuye.billing.models import (
    Bill,
    BillingRun,
    BillingSettings,
    ChargeBasis,
    ChargeItem,
    Dunning,
    NoticeLetter,
)
from wuye.billing.services import notices
from wuye.core.models import ParkingSpace

__all__ = ["fee", "finance"]  # fixtures
D = Decimal
LETTERS = "billing:notice_letters"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def no_login_owner(world):
    """world.room2 gets an owner without an app login (world.room's owner has one)."""
    return OccupancyFactory(room=world.room2, start_date=dt.date(2020, 1, 1)).resident


# --- FEE-05: a letter counts only when printed or recorded as delivered -----------------------


def test_a_room_without_a_login_is_not_marked_notified_by_letter__FEE_05(
    world, finance, fee, no_login_owner, login, client
):
    run(world, finance, due="2026-12-10")  # due in 14 days: inside the notice window
    assert services.bill_notify_due() == 1  # world.room's owner, by SMS and the app
    told = Bill.objects.get(room=world.room)
    assert told.notified_via == "sms,inbox" and told.notified_at is not None
    letter_only = Bill.objects.get(room=world.room2)
    assert letter_only.notified_at is None and letter_only.notified_via == ""  # no letter yet
    assert services.bill_notify_due() == 0  # and the job does not pretend later either
    # the desk's list keeps the room until a letter is printed or delivered
    page = html(login("agent").get(reverse(LETTERS)))
    assert world.room2.label in page and "未书面通知" in page and no_login_owner.name in page
    assert world.room.label not in page  # told by SMS: no letter owed
    api = client.get(f"/api/v1/billing/estates/{world.estate.pk}/notice-letters",
                     **auth(world.agent.user)).json()  # fmt: skip
    assert [(r["room"], r["pending"], r["electronic"]) for r in api] == [
        (world.room2.pk, True, False)
    ]


def test_printing_records_who_and_when_and_takes_the_room_off_the_list__FEE_05(
    world, finance, fee, no_login_owner, login, frozen
):
    run(world, finance, due="2026-12-10")
    services.bill_notify_due()
    client = login("agent")
    printed = client.post(reverse(LETTERS), {})  # 打印: the rooms the list shows
    assert printed.status_code == 200 and world.room2.label in html(printed)
    record = NoticeLetter.objects.get()
    assert (record.room, record.method, record.by) == (world.room2, "printed", world.agent.user)
    assert record.delivered_at == at("2026-11-26 10:00")
    bill = Bill.objects.get(room=world.room2)
    assert record.bills == [bill.pk] and "letter" in bill.notified_via and bill.notified_at
    assert world.room2.label not in html(client.get(reverse(LETTERS)))
    everything = html(client.get(reverse(LETTERS) + "?show=all"))
    assert "已书面通知" in everything and "打印送达" in everything and "agent" in everything


def test_a_letter_delivered_by_hand_is_recorded_through_the_page_and_the_api__FEE_05(
    world, finance, fee, no_login_owner, login, client
):
    run(world, finance, due="2026-12-10")
    services.bill_notify_due()
    page = login("agent")
    url = reverse("billing:notice_letter_delivered")
    # bad input: a time in the future, no method — refused, nothing recorded
    bad = page.post(url, {"room": world.room2.pk, "method": "", "delivered_at": "2026-11-27T09:00"})
    assert bad.status_code == 400 and "请选择送达方式" in html(bad)
    future = page.post(url, {"room": world.room2.pk, "method": "hand",
                             "delivered_at": "2026-11-27T09:00"})  # fmt: skip
    assert future.status_code == 400 and "送达时间不能晚于现在" in html(future)
    assert not NoticeLetter.objects.exists()
    assert Bill.objects.get(room=world.room2).notified_at is None
    # a technician may not record it
    tech = post(client, world.tech.user, f"/api/v1/billing/rooms/{world.room2.pk}/notice-letters",
                {"method": "hand", "delivered_at": "2026-11-26T09:30:00+08:00"})  # fmt: skip
    assert tech.status_code == 403 and not NoticeLetter.objects.exists()
    path = f"/api/v1/billing/rooms/{world.room2.pk}/notice-letters"
    body = {"method": "door", "delivered_at": "2026-11-26T09:30", "note": "塞门缝"}
    done = post(client, world.agent.user, path, body)
    assert done.status_code == 201, done.json()
    record = NoticeLetter.objects.get()
    assert (record.method, record.by, record.note) == ("door", world.agent.user, "塞门缝")
    assert record.delivered_at == at("2026-11-26 09:30")  # the estate's local time
    assert Bill.objects.get(room=world.room2).notified_at == at("2026-11-26 09:30")
    assert not notices.letters_due(world.estate, due_by=dt.date(2026, 12, 11), pending_only=True)
    assert world.room2.label not in html(page.get(reverse(LETTERS)))


def test_a_run_due_in_less_than_15_days_needs_a_confirmed_reason__FEE_05(world, finance, fee):
    december = {"estate": world.estate, "period_start": dt.date(2026, 12, 1),
                "period_end": dt.date(2026, 12, 31), "by": finance.user}  # fmt: skip
    with pytest.raises(ValidationError) as refused:  # 26 Nov → 10 Dec: 14 days
        services.billing_run_queue(due_date=dt.date(2026, 12, 10), **december)
    assert "short_notice_reason" in refused.value.message_dict
    assert not BillingRun.objects.exists()
    with pytest.raises(ValidationError):
        services.billing_run(due_date=dt.date(2026, 12, 10), short_notice_reason="  ", **december)
    assert not Bill.objects.exists()
    run = services.billing_run_queue(due_date=dt.date(2026, 12, 10), **december,
                                     short_notice_reason="入住预收，业主当场知晓")  # fmt: skip
    assert run.short_notice_reason == "入住预收，业主当场知晓" and run.started_by == finance.user
    BillingRun.objects.all().delete()
    # 15 days ahead is enough notice: no reason asked, none kept
    enough = services.billing_run_queue(due_date=dt.date(2026, 12, 11), **december,
                                        short_notice_reason="不需要")  # fmt: skip
    assert enough.short_notice_reason == ""


def test_the_run_page_warns_and_asks_for_the_reason__FEE_05(world, finance, fee, login):
    client = login("finance")
    url = reverse("billing:run_new")
    form = {"months": "1", "first_month": "2026-12", "due_date": "2026-12-10"}
    preview = html(client.post(url, form))
    assert "现已来不及" in preview and 'name="short_notice_reason"' in preview
    refused = client.post(url, {**form, "confirm": "1"})
    assert refused.status_code == 200 and "缴费截止日距今不足15天" in html(refused)
    assert not BillingRun.objects.exists()
    done = client.post(url, {**form, "confirm": "1", "short_notice_reason": "补出12月账单"})
    assert done.status_code == 302
    run = BillingRun.objects.get()
    assert run.short_notice_reason == "补出12月账单"
    assert "补出12月账单" in html(client.get(reverse("billing:run_detail", args=[run.pk])))


def test_the_run_api_refuses_a_short_notice_without_a_reason__FEE_05(world, finance, fee, client):
    path = f"/api/v1/billing/estates/{world.estate.pk}/runs"
    body = {"period_start": "2026-12-01", "period_end": "2026-12-31", "due_date": "2026-12-10"}
    refused = post(client, finance.user, path, body)
    assert refused.status_code == 400
    assert "short_notice_reason" in refused.json()["error"]["fields"]
    assert not BillingRun.objects.exists()
    made = post(client, finance.user, path, {**body, "short_notice_reason": "补出12月账单"})
    assert made.status_code == 201, made.json()
    assert made.json()["short_notice_reason"] == "补出12月账单"
    assert BillingRun.objects.get().status == "queued"
    assert post(client, world.agent.user, path, body).status_code == 403  # finance runs


# --- FEE-01: a monthly per-parking-space item billed by a run ---------------------------------


def test_a_parking_space_item_bills_unit_price_times_spaces_per_month__FEE_01(
    world, finance, client
):
    item = ChargeItem.objects.create(estate=world.estate, name="车位管理费", kind="parking",
                                     basis=ChargeBasis.PER_SPACE_MONTH)  # fmt: skip
    services.rate_set(item=item, amount="80.00", effective_from=dt.date(2026, 1, 1),
                      by=finance.user)  # fmt: skip
    for number in ("B1-001", "B1-002"):
        ParkingSpace.objects.create(estate=world.estate, number=number, holder=world.owner)
    ParkingSpace.objects.create(estate=world.estate, number="B1-003")  # nobody's
    run(world, finance, "2026-12-01", "2027-02-28", "2026-12-31")  # a quarter
    bill = Bill.objects.get(item=item)
    assert bill.room == world.room and bill.amount == D("480.00")  # 80 × 2 spaces × 3 months
    assert not Bill.objects.filter(item=item).exclude(room=world.room).exists()
    bills = client.get(f"/api/v1/billing/rooms/{world.room.pk}/bills",
                       **auth(finance.user)).json()["items"]  # fmt: skip
    assert [D(b["amount"]) for b in bills if b["kind"] == "parking"] == [D("480.00")]


# --- FEE-11: the lawyer's-letter list from day 45, its deadline at the end of day 60 -----------


@pytest.fixture
def october(world, finance, fee):
    """October's bill, due 2026-10-31 (day 45 overdue: 15 Dec; day 60: 30 Dec)."""
    run(world, finance, "2026-10-01", "2026-10-31", "2026-10-31")
    return Bill.objects.get(room=world.room)


@pytest.fixture
def firm(world, finance):
    return services.billing_settings_update(
        estate=world.estate, by=finance.user, law_firm="广东明理律师事务所",
        law_firm_address="广州市天河区珠江新城华夏路8号", lawyer="陈律师",
        lawyer_phone="020-38880000",
    )  # fmt: skip


def test_rooms_enter_the_list_on_day_45_with_a_deadline_at_the_end_of_day_60__FEE_11(
    world, october, frozen
):
    frozen.move_to(at("2026-12-14 23:00"), tick=False)  # day 44
    assert services.dunning_sweep()["lawyer_letter"] == 0
    frozen.move_to(at("2026-12-15 00:05"), tick=False)  # day 45
    assert services.dunning_sweep()["lawyer_letter"] == 1
    case = Dunning.objects.get(kind="lawyer_letter")
    assert case.status == "pending_approval"
    assert case.due_at == at("2026-12-30 23:59:59")  # 60 calendar days after 31 Oct
    assert services.lawyer_letter_clock(case) == "running"
    frozen.move_to(at("2026-12-26 00:00"), tick=False)  # day 56: the last five days
    assert services.lawyer_letter_clock(case) == "at_risk"
    frozen.move_to(at("2026-12-30 23:59:59"), tick=False)  # day 60, the last second
    assert services.lawyer_letter_clock(case) == "at_risk"
    frozen.move_to(at("2026-12-31 00:00:00"), tick=False)  # day 61
    assert services.lawyer_letter_clock(case) == "overdue"


def test_the_list_day_is_an_estate_setting_finance_edits__FEE_11(world, october, frozen, client,
                                                                 finance, login):  # fmt: skip
    path = f"/api/v1/billing/estates/{world.estate.pk}/settings"
    assert client.get(path, **auth(finance.user)).json()["lawyer_list_day"] == 45
    refused = client.put(path, {"lawyer_list_day": 60}, content_type="application/json",
                         **auth(finance.user))  # fmt: skip
    assert refused.status_code == 400 and "lawyer_list_day" in refused.json()["error"]["fields"]
    not_finance = client.put(path, {"lawyer_list_day": 50}, content_type="application/json",
                             **auth(world.agent.user))  # fmt: skip
    assert not_finance.status_code == 403
    assert not BillingSettings.objects.exists()
    ok = client.put(path, {"lawyer_list_day": 50}, content_type="application/json",
                    **auth(finance.user))  # fmt: skip
    assert ok.status_code == 200 and ok.json()["lawyer_list_day"] == 50
    frozen.move_to(at("2026-12-15 10:00"), tick=False)  # day 45: not yet for this estate
    assert services.dunning_sweep()["lawyer_letter"] == 0
    frozen.move_to(at("2026-12-20 10:00"), tick=False)  # day 50
    assert services.dunning_sweep()["lawyer_letter"] == 1
    # the page: finance edits, customer service reads
    page = login("finance").post(reverse("billing:settings"), {"lawyer_list_day": "29"})
    assert page.status_code == 400 and "30～59" in html(page)
    assert BillingSettings.objects.get().lawyer_list_day == 50
    assert login("agent").post(reverse("billing:settings"),
                               {"lawyer_list_day": "40"}).status_code == 403  # fmt: skip


def test_the_page_shows_the_deadline_and_a_late_case_as_overdue__FEE_11(world, october, frozen,
                                                                       login):  # fmt: skip
    frozen.move_to(at("2026-12-15 10:00"), tick=False)
    services.dunning_sweep()
    client = login("head")
    page = html(client.get(reverse("billing:lawyer_letters")))
    assert "2026-12-30 23:59" in page and 'data-deadline="running"' in page and "期限内" in page
    assert "逾期满 45 天" in page
    frozen.move_to(at("2026-12-31 08:00"), tick=False)  # day 61, still undecided
    client = login("head")  # a new session: the first one expired meanwhile
    page = html(client.get(reverse("billing:lawyer_letters")))
    assert 'data-deadline="overdue"' in page and "已超期" in page and "已超时" in page
    api = client.get(f"/api/v1/billing/estates/{world.estate.pk}/lawyer-letters",
                     **auth(world.head.user)).json()  # fmt: skip
    assert api[0]["clock"] == "overdue" and dt.datetime.fromisoformat(api[0]["due_at"]) == at(
        "2026-12-30 23:59:59"
    )


@needs_pdf_tools
def test_the_letter_pdf_carries_the_law_firm_and_is_sent_by_day_60__FEE_11(
    world, finance, october, frozen, login, client
):
    frozen.move_to(at("2026-12-15 10:00"), tick=False)
    services.dunning_sweep()
    case = Dunning.objects.get(kind="lawyer_letter")
    head = login("head")
    head.post(reverse("billing:lawyer_letter_decide", args=[case.pk]),
              {"decision": "approve", "note": "多次催收未果"})  # fmt: skip
    case.refresh_from_db()
    assert case.status == "approved"
    pdf_url = reverse("billing:lawyer_letter_pdf", args=[case.pk])
    # no law firm yet: refused with a clear message, nothing printed
    response = head.get(pdf_url)
    assert response.status_code == 302
    assert "律师事务所" in " ".join(flashed(head.get(response.url)))
    head.post(reverse("billing:settings"), {})  # a department head of CS may not edit: 403
    login("finance").post(reverse("billing:settings"), {
        "lawyer_list_day": "45", "law_firm": "广东明理律师事务所",
        "law_firm_address": "广州市天河区珠江新城华夏路8号", "lawyer": "陈律师",
        "lawyer_phone": "020-38880000"})  # fmt: skip
    head = login("head")
    response = head.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("律师函", "广东明理律师事务所", "广州市天河区珠江新城华夏路8号", "陈律师",
                     "020-38880000", world.room.label, world.owner.name,
                     f"¥{october.amount:,.2f}", "2026年10月31日"):  # fmt: skip
        assert expected in text, expected
    # sent on day 60 at 23:00: recorded with who and how; the clock is met
    frozen.move_to(at("2026-12-30 23:30"), tick=False)
    agent = login("agent")
    sent = agent.post(
        reverse("billing:lawyer_letter_sent", args=[case.pk]),
        {"via": "ems", "sent_at": "2026-12-30T23:00", "note": "EMS 1234567890"},
    )
    assert sent.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.sent_via, case.sent_by) == ("sent", "ems", world.agent.user)
    assert case.sent_at == at("2026-12-30 23:00")
    assert services.lawyer_letter_clock(case) == "met"
    done = html(agent.get(reverse("billing:lawyer_letters") + "?status=done"))
    assert "按期办结" in done and "EMS 1234567890" in done


def test_sending_is_recorded_through_the_api_and_a_late_letter_shows_late__FEE_11(
    world, october, frozen, client
):
    frozen.move_to(at("2026-12-15 10:00"), tick=False)
    services.dunning_sweep()
    case = Dunning.objects.get(kind="lawyer_letter")
    base = f"/api/v1/billing/lawyer-letters/{case.pk}"
    early = post(client, world.agent.user, f"{base}/sent",
                 {"via": "ems", "sent_at": "2026-12-15T09:00:00+08:00"})  # fmt: skip
    assert early.status_code == 409  # not approved yet
    assert post(client, world.agent.user, f"{base}/decision",
                {"approve": True, "note": "同意"}).status_code == 403  # fmt: skip
    decided = post(client, world.head.user, f"{base}/decision", {"approve": True, "note": "同意"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    frozen.move_to(at("2026-12-31 10:00"), tick=False)  # day 61
    bad = post(client, world.agent.user, f"{base}/sent",
               {"via": "pigeon", "sent_at": "2026-12-31T09:00:00+08:00"})  # fmt: skip
    assert bad.status_code == 400 and "via" in bad.json()["error"]["fields"]
    sent = post(client, world.agent.user, f"{base}/sent",
                {"via": "law_firm", "sent_at": "2026-12-31T09:00:00+08:00"})  # fmt: skip
    assert sent.status_code == 200, sent.json()
    assert sent.json()["clock"] == "late" and sent.json()["sent_by"] == world.agent.user.pk
    with pytest.raises(PermissionDenied):
        services.lawyer_letter_sent(dunning=case, via="ems", sent_at=at("2026-12-31 09:00"),
                                    by=world.tech.user)  # fmt: skip
