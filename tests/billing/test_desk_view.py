"""What the desk saw wrong (issue 13), with frozen time: 欠费 means overdue (a bill not yet due
is 待缴, and the estate's headline counts only overdue money); the collection page calls the real
number (revealed on click, each reveal recorded) and leads to 收款; room lists sort as people read
them and name the owner; amounts in PDFs keep their thousands separators; a long amount stays in
its card on a phone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.billing.test_api import auth, post
from tests.billing.test_fees import at, fee, finance, run
from tests.billing.test_pages import html
from tests.factories import OccupancyFactory, RoomFactory, make_staff
from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.billing import services
from wuye.billing.models import Bill, Dunning, PhoneReveal
from wuye.core.choices import DepartmentKind, Role

__all__ = ["fee", "finance"]  # fixtures
D = Decimal


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def two_bills(world, finance, fee):
    """November's bill due 2026-11-20 (overdue on 26 Nov) and December's due 2026-12-31."""
    run(world, finance, "2026-11-01", "2026-11-30", "2026-11-20")
    run(world, finance, "2026-12-01", "2026-12-31", "2026-12-31")
    return list(Bill.objects.filter(room=world.room).order_by("due_date"))


# --- 欠费 means overdue; 待缴 is not red ------------------------------------------------------


def test_a_bill_not_yet_due_is_due_not_arrears_on_every_page__FEE_07(
    world, finance, fee, login, client
):
    run(world, finance)  # December, due 2026-12-31: nothing overdue on 26 November
    bill = Bill.objects.get(room=world.room)
    staff = login("finance")
    rooms = html(staff.get(reverse("billing:rooms")))
    assert f"待缴 ¥{bill.amount:,.2f}" in rooms and "row-breach" not in rooms
    assert re.search(r"data-estate-arrears>¥0\.00<", rooms)  # the headline: nothing overdue
    ledger = html(staff.get(reverse("billing:room_ledger", args=[world.room.pk])))
    assert "待缴（未到期）" in ledger and "欠费（已逾期）" not in ledger
    assert "badge-breach" not in ledger and ">待缴</span>" in ledger
    mine = html(login("owner").get(reverse("billing:my_bills")))
    assert "fee-not-due" in mine and "badge-breach" not in mine
    api = client.get(f"/api/v1/billing/rooms/{world.room.pk}/ledger", **auth(finance.user)).json()
    assert D(api["overdue"]) == 0 and D(api["upcoming"]) == bill.amount


def test_the_estate_headline_counts_only_overdue_bills__FEE_07(world, login, two_bills, client,
                                                               finance):  # fmt: skip
    november, december = two_bills
    rooms = html(login("finance").get(reverse("billing:rooms")))
    assert re.search(rf"data-estate-arrears>¥{november.amount:,.2f}<", rooms)  # not 447.50
    assert f"欠费 ¥{november.amount:,.2f}" in rooms and f"待缴 ¥{december.amount:,.2f}" in rooms
    only = html(login("finance").get(reverse("billing:rooms") + "?arrears=1"))
    assert world.room.label in only
    ledger = html(login("finance").get(reverse("billing:room_ledger", args=[world.room.pk])))
    assert "欠费（已逾期）" in ledger and f"¥{november.amount:,.2f}</div>" in ledger
    api = client.get(f"/api/v1/billing/rooms/{world.room.pk}/ledger", **auth(finance.user)).json()
    assert (D(api["overdue"]), D(api["upcoming"])) == (november.amount, december.amount)
    mine = html(login("owner").get(reverse("billing:my_bills")))
    assert "fee-overdue" in mine and mine.count("badge-breach") == 1  # November only


# --- The collection page: call the real number, 收款 ---------------------------------------------


@pytest.fixture
def overdue_room(world, two_bills):
    return world.room


def phone_url(room, resident) -> str:
    return reverse("billing:owner_phone", args=[room.pk, resident.pk])


def test_a_collector_reveals_the_number_to_call_and_the_reveal_is_recorded__FEE_09(
    world, login, overdue_room, client
):
    page_url = reverse("billing:collection_room", args=[overdue_room.pk])
    agent = login("agent")
    page = html(agent.get(page_url))
    assert world.owner.mobile not in page and "拨打电话" in page  # masked until revealed
    assert not PhoneReveal.objects.exists()
    shown = agent.post(phone_url(overdue_room, world.owner), HTTP_HX_REQUEST="true")
    assert shown.status_code == 200
    assert f'href="tel:{world.owner.mobile}"' in html(shown)
    reveal = PhoneReveal.objects.get()
    assert (reveal.by, reveal.resident, reveal.room) == (world.agent.user, world.owner,
                                                         overdue_room)  # fmt: skip
    assert reveal.at == at("2026-11-26 10:00")
    full = agent.post(phone_url(overdue_room, world.owner))  # without JavaScript: the page
    assert f'href="tel:{world.owner.mobile}"' in html(full) and PhoneReveal.objects.count() == 2
    api = post(
        client,
        world.agent.user,
        f"/api/v1/billing/rooms/{overdue_room.pk}/owners/{world.owner.pk}/phone",
        {},
    )
    assert api.status_code == 200 and api.json()["tel"] == f"tel:{world.owner.mobile}"
    assert PhoneReveal.objects.count() == 3


def test_staff_who_do_not_collect_see_the_masked_number_only__FEE_09(world, login, overdue_room,
                                                                     client):  # fmt: skip
    make_staff(world.company, "auditor", Role.AUDITOR, DepartmentKind.FINANCE, [world.estate])
    auditor = login("auditor")
    page = html(auditor.get(reverse("billing:collection_room", args=[overdue_room.pk])))
    assert world.owner.mobile not in page and "拨打电话" not in page
    assert "tel:" not in page
    assert auditor.post(phone_url(overdue_room, world.owner)).status_code == 403
    api = post(
        client,
        world.tech.user,
        f"/api/v1/billing/rooms/{overdue_room.pk}/owners/{world.owner.pk}/phone",
        {},
    )
    assert api.status_code == 403
    # not an owner of this room: 404, nothing recorded
    assert login("agent").post(phone_url(overdue_room, world.neighbour)).status_code == 404
    assert not PhoneReveal.objects.exists()


def test_the_collection_page_leads_to_taking_the_payment(world, login, overdue_room):
    page = html(login("finance").get(reverse("billing:collection_room", args=[overdue_room.pk])))
    ledger = reverse("billing:room_ledger", args=[overdue_room.pk])
    assert f'href="{ledger}#collect" data-collect>收款</a>' in page
    assert 'id="collect"' in html(login("finance").get(ledger))  # the 收款 form is there
    agent_page = html(login("agent").get(reverse("billing:collection_room",
                                                 args=[overdue_room.pk])))  # fmt: skip
    assert "data-collect" not in agent_page  # customer service chases, finance collects


# --- Rooms in natural order with their owners -------------------------------------------------


def test_room_lists_sort_naturally_and_name_the_owner(world, finance, fee, login, frozen):
    for number in ("1001", "102", "101", "1002"):
        OccupancyFactory(room=RoomFactory(unit=world.room.unit, number=number),
                         start_date=dt.date(2020, 1, 1))  # fmt: skip
    run(world, finance, due="2026-12-10")
    rooms = html(login("finance").get(reverse("billing:rooms")))
    labels = re.findall(r"1栋2单元(\d+)室</a>", rooms)
    assert labels == ["101", "102", "301", "302", "1001", "1002"]
    assert world.owner.name in rooms
    letters = html(login("agent").get(reverse("billing:notice_letters")))
    assert re.findall(r"1栋2单元(\d+)室</a>", letters) == ["101", "102", "301", "1001", "1002"]
    frozen.move_to(at("2026-12-20 10:00"), tick=False)
    debtors = html(login("agent").get(reverse("billing:arrears")))
    found = list(dict.fromkeys(re.findall(r"1栋2单元(\d+)室", debtors)))
    assert found == ["101", "102", "301", "1001", "1002"]  # equally overdue: in room order


# --- Amounts in PDFs and on a phone ------------------------------------------------------------


@needs_pdf_tools
def test_pdfs_keep_thousands_separators_as_the_pages_do(world, finance, fee, login, frozen):
    services.rate_set(item=fee, amount="12.90", effective_from=dt.date(2026, 10, 1),
                      by=finance.user)  # fmt: skip  # 89.50 m² × 12.90 = ¥1,154.55 a month
    run(world, finance, "2026-10-01", "2026-10-31", "2026-10-31")
    bill = Bill.objects.get(room=world.room)
    assert bill.amount == D("1154.55")
    payment = services.payment_record(room=world.room, amount=D("1154.55"), channel="cash",
                                      by=finance.user)  # fmt: skip
    receipt = login("finance").get(reverse("billing:receipt_pdf", args=[payment.pk]))
    assert "¥1,154.55" in pdf_text(receipt.content)
    run(world, finance, "2026-11-01", "2026-11-30", "2026-11-01")
    frozen.move_to(at("2026-12-02 10:00"), tick=False)  # 31 days overdue
    services.dunning_sweep()
    notice = Dunning.objects.get(kind="reminder")
    response = login("agent").get(reverse("billing:dunning_notice_pdf", args=[notice.pk]))
    assert "¥1,154.55" in pdf_text(response.content)


def test_a_long_amount_stays_inside_its_card_on_a_phone(world, login, two_bills):
    css = (Path(__file__).parents[2] / "src/wuye/billing/static/billing/fees.css").read_text()
    assert re.search(r"\.fee-stats \.stat-num, \.fee-total[^{]*\{[^}]*overflow-wrap: anywhere",
                     css)  # fmt: skip
    assert re.search(r"@media \(max-width: 600px\)[^@]*\.fee-stats \.stat-num \{ font-size: "
                     r"clamp\(", css)  # fmt: skip
    for url, user in (
        (reverse("billing:room_ledger", args=[world.room.pk]), "finance"),
        (reverse("billing:my_bills"), "owner"),
        (reverse("billing:collection_room", args=[world.room.pk]), "agent"),
    ):
        assert "billing/fees.css" in html(login(user).get(url)), url
