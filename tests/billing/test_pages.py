"""The fees pages through the test client: the room list and the room's ledger with the 收款 form
(finance collects, customer service reads: FEE-02/06/07), the resident's 我的账单 paying online
through the simulated gateway (FEE-05/12), and who may open what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.billing.test_fees import at, fee, finance, run
from tests.factories import make_staff
from wuye.billing import services
from wuye.billing.models import Bill, GatewayOrder, LedgerEntry, Payment
from wuye.core.choices import DepartmentKind, Role

__all__ = ["fee", "finance"]  # fixtures
D = Decimal


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def billed(world, finance, fee):
    """December's property fee for the owned rooms: world.room owes one bill."""
    run(world, finance)
    return Bill.objects.get(room=world.room)


@pytest.fixture
def two_months(world, finance, fee):
    run(world, finance)
    run(world, finance, "2027-01-01", "2027-01-31", "2027-01-31")
    return list(Bill.objects.filter(room=world.room).order_by("period_start"))


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def ledger_url(room) -> str:
    return reverse("billing:room_ledger", args=[room.pk])


# --- Who may open the staff pages (FEE-02) -----------------------------------------------------


def test_finance_sees_the_room_ledger_with_bills_balance_and_the_form__FEE_07(world, login, billed):
    page = login("finance").get(ledger_url(world.room))
    assert page.status_code == 200
    text = html(page)
    assert world.room.label in text and "物业服务费 2026-12" in text
    assert "未缴" in text and "2026-12-31" in text
    assert f"¥{billed.amount:,.2f}" in text  # the balance: the bill is owed
    assert "确认收款" in text and 'name="amount"' in text
    assert "收费台账" in text  # the navigation item


def test_customer_service_reads_the_ledger_but_cannot_collect__FEE_02(world, login, billed):
    client = login("agent")
    text = html(client.get(ledger_url(world.room)))
    assert "物业服务费 2026-12" in text and "确认收款" not in text
    response = client.post(ledger_url(world.room), {"amount": "10", "channel": "cash"})
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_executives_and_the_finance_head_read_the_ledger(world, login, billed):
    make_staff(world.company, "fhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE,
               [world.estate])  # fmt: skip
    for username in ("exec", "fhead"):
        assert "确认收款" in html(login(username).get(ledger_url(world.room)))


def test_residents_and_other_staff_get_403_on_the_staff_pages(world, login, billed):
    for username in ("owner", "tech"):
        client = login(username)
        assert client.get(ledger_url(world.room)).status_code == 403
        assert client.get(reverse("billing:rooms")).status_code == 403


def test_a_room_of_another_estate_is_404(world, login, billed):
    assert login("outsider").get(ledger_url(world.room)).status_code == 404
    assert login("finance").get(ledger_url(world.other_room)).status_code == 404


def test_a_late_notice_is_marked__FEE_05(world, login, billed):
    Bill.objects.filter(pk=billed.pk).update(notified_at=at("2026-12-20 09:00"))
    assert "通知逾期" in html(login("finance").get(ledger_url(world.room)))
    Bill.objects.filter(pk=billed.pk).update(notified_at=at("2026-12-01 09:00"))
    assert "通知逾期" not in html(login("finance").get(ledger_url(world.room)))


# --- The room list -----------------------------------------------------------------------------


def test_the_room_list_shows_balances_filters_arrears_and_finds_a_room(
    world, login, billed, django_assert_max_num_queries
):
    client = login("finance")
    url = reverse("billing:rooms")
    with django_assert_max_num_queries(12):
        text = html(client.get(url))
    assert world.room.label in text and world.room2.label in text
    assert world.other_room.label not in text
    # 欠费 means overdue: December's bill (due 2026-12-31) is only 待缴 on 26 November.
    assert f"待缴 ¥{billed.amount:,.2f}" in text and f"欠费 ¥{billed.amount:,.2f}" not in text
    assert world.owner.name in text  # the owner's name on the row
    arrears = html(client.get(url + "?arrears=1"))
    assert world.room.label not in arrears and world.room2.label not in arrears
    found = html(client.get(url + "?q=1-2-302"))
    assert world.room2.label in found and world.room.label not in found
    assert ledger_url(world.room2) in found


# --- 收款 (FEE-06) ------------------------------------------------------------------------------


def test_a_cash_payment_settles_the_bill_with_a_receipt_number__FEE_06(
    world, login, finance, billed
):
    client = login("finance")
    response = client.post(
        ledger_url(world.room),
        {"amount": str(billed.amount), "channel": "cash", "note": "前台现金"},
        follow=True,
    )
    payment = Payment.objects.get()
    assert payment.channel == "cash" and payment.received_by == finance.user
    billed.refresh_from_db()
    assert billed.status == "paid" and services.room_balance(world.room.pk) == 0
    receipt = "SK-20261126-0001"
    assert payment.receipt_no == receipt
    assert any(receipt in m and "已收款" in m for m in flashed(response))
    assert receipt in html(response) and "已缴纳" in html(response)


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("abc", "请填写正确的金额"),
        ("0", "金额须大于 0"),
        ("12.345", "最多两位小数"),
        ("", "请填写收款金额"),
    ],
)
def test_a_bad_amount_is_shown_by_the_field_and_nothing_is_saved(
    world, login, billed, amount, error
):
    response = login("finance").post(
        ledger_url(world.room), {"amount": amount, "channel": "pos", "reference": "POS123"}
    )
    assert response.status_code == 200
    text = html(response)
    assert error in text and "field-error" in text
    assert 'value="POS123"' in text  # the input is kept
    assert not Payment.objects.exists()
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_paying_chosen_bills_pays_exactly_those(world, login, two_months):
    dec, jan = two_months
    login("finance").post(
        ledger_url(world.room),
        {"amount": str(jan.amount), "channel": "wechat", "bills": [jan.pk], "reference": "WX1"},
    )
    dec.refresh_from_db()
    jan.refresh_from_db()
    assert jan.status == "paid" and dec.status == "unpaid"
    assert Payment.objects.get().allocations.get().bill == jan


def test_a_bill_collected_meanwhile_is_a_conflict_not_a_second_payment(
    world, login, finance, billed
):
    # Another cashier took part of the bill after this page was opened.
    services.payment_record(room=world.room, amount="10.00", channel="cash", by=finance.user)
    response = login("finance").post(
        ledger_url(world.room),
        {"amount": str(billed.amount), "channel": "cash", "bills": [billed.pk]},
        follow=True,
    )
    assert Payment.objects.count() == 1
    assert any("可能已由他人收款" in m for m in flashed(response))


# --- 我的账单 and paying online (FEE-05/12) -------------------------------------------------------


def test_my_bills_shows_my_unpaid_bills_and_total(world, login, two_months):
    text = html(login("owner").get(reverse("billing:my_bills")))
    total = sum((b.amount for b in two_months), D(0))
    assert "物业服务费 2026-12" in text and "物业服务费 2027-01" in text
    assert f"¥{total:,.2f}" in text and "在线缴费" in text
    assert "我的账单" in text  # the navigation item


def test_a_resident_pays_online_through_the_simulated_gateway(world, login, two_months):
    client = login("owner")
    response = client.post(reverse("billing:my_pay", args=[world.room.pk]),
                           {"channel": "alipay"})  # fmt: skip
    order = GatewayOrder.objects.get()
    assert response.url == reverse("billing:simulate_pay", args=[order.out_trade_no])
    page = html(client.get(response.url))
    assert "模拟支付（演示）" in page and f"¥{order.amount:,.2f}" in page and "支付宝" in page
    done = client.post(response.url, follow=True)
    assert done.redirect_chain[-1][0] == reverse("billing:my_bills")
    payment = Payment.objects.get()
    assert payment.channel == "alipay" and payment.amount == order.amount
    assert all(b.status == "paid" for b in Bill.objects.filter(room=world.room))
    assert services.room_balance(world.room.pk) == 0
    text = html(done)
    assert "已全部缴清" in text and "已缴纳" in text and "支付成功" in text
    # Paying again (a double tap, the back button) credits nothing more.
    client.post(response.url)
    assert Payment.objects.count() == 1


def test_a_resident_cannot_pay_or_see_another_rooms_order(world, login, billed):
    client = login("owner")
    client.post(reverse("billing:my_pay", args=[world.room.pk]), {"channel": "wechat"})
    order = GatewayOrder.objects.get()
    neighbour = login("neighbour")
    assert neighbour.post(reverse("billing:my_pay", args=[world.room.pk]),
                          {"channel": "wechat"}).status_code == 404  # fmt: skip
    pay = reverse("billing:simulate_pay", args=[order.out_trade_no])
    assert neighbour.get(pay).status_code == 404
    assert neighbour.post(pay).status_code == 404
    assert GatewayOrder.objects.count() == 1 and not Payment.objects.exists()
    assert "物业服务费" not in html(neighbour.get(reverse("billing:my_bills")))


def test_an_online_payment_needs_a_wallet_channel(world, login, billed):
    response = login("owner").post(reverse("billing:my_pay", args=[world.room.pk]),
                                   {"channel": "cash"}, follow=True)  # fmt: skip
    assert "在线支付请选择微信支付或支付宝" in html(response)
    assert not GatewayOrder.objects.exists()


def test_staff_have_no_my_bills_page(world, login, finance):
    assert login("finance").get(reverse("billing:my_bills")).status_code == 404
