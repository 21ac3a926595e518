"""Fee reports (收费报表, issue 6 item 10) with frozen time: the collection rate per month as of a
date, the year to date and the arrears collection (清欠), income by item and by channel with
the unallocated rest as 预存, the company view; the pages, their .xlsx exports (the same
figures) and who may open them.

The story (阳光测试苑, 2025–2026, times in Asia/Shanghai):

- room 301: 2025-10 物业费 223.75 partly paid 50.00, then voided; 2025-11 车位费 300.00;
  2025-12 物业费 223.75 (100.00 paid on 2025-12-20); 2026-01/02/03 物业费 223.75 each;
  2026-02 车位费 300.00 voided.
- room 302: 2026-03 物业费 100.00; 2026-06 物业费 100.00 taken from prepaid credit on 06-02.
- room 303: 2025-12 物业费 200.00, never paid.
- payments: 01-15 微信 223.75 → Jan; 02-01 00:30 支付宝 300.00 → the 2025-11 parking (清欠 in
  February, not January: local time); 02-10 现金 100.00 → Feb (partial); 03-05 微信 100.00 →
  302's March; 04-02 银行 100.00 → 2025-12; 04-03 银行 250.00 → March 223.75, the rest to the
  oldest open bills: 2025-12 23.75, Feb 2.50; 05-06 现金 500.00 for 302 → prepaid credit.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.billing.test_fees import at, fee, finance
from tests.factories import RoomFactory, make_staff
from wuye.billing import services
from wuye.billing.models import Bill, BillStatus, ChargeBasis, ChargeItem, EntryKind, LedgerEntry
from wuye.billing.selectors import reports
from wuye.core.choices import DepartmentKind, Role

__all__ = ["fee", "finance"]  # fixtures
D = Decimal
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def make_bill(room, item, month: str, amount: str) -> Bill:
    first = dt.date.fromisoformat(f"{month}-01")
    last = reports.month_end(first.year, first.month)
    bill = Bill.objects.create(
        estate=room.estate,
        room=room,
        item=item,
        period_start=first,
        period_end=last,
        description=f"{item.name} {month}",
        amount=D(amount),
        due_date=last,
        created_at=at(f"{month}-01 08:00"),
    )
    LedgerEntry.objects.create(
        estate=room.estate,
        room=room,
        kind=EntryKind.CHARGE,
        amount=bill.amount,
        bill=bill,
        description=bill.description,
        at=bill.created_at,
    )
    return bill


def pay(finance, room, amount: str, channel: str, when: str, bills=None):
    return services.payment_record(
        room=room,
        amount=amount,
        channel=channel,
        by=finance.user,
        received_at=at(when),
        bills=None if bills is None else [b.pk for b in bills],
    )


def void(bill: Bill) -> None:
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.VOID)


@pytest.fixture
def story(world, finance, fee):
    parking = ChargeItem.objects.create(
        estate=world.estate, name="车位管理费", kind="parking", basis=ChargeBasis.PER_SPACE_MONTH
    )
    r1, r2 = world.room, world.room2
    r3 = RoomFactory(unit=world.room.unit, number="303")
    oct25 = make_bill(r1, fee, "2025-10", "223.75")
    pay(finance, r1, "50.00", "cash", "2025-10-20 10:00", [oct25])
    void(oct25)  # its 50.00 never counts
    nov25 = make_bill(r1, parking, "2025-11", "300.00")
    dec25 = make_bill(r1, fee, "2025-12", "223.75")
    pay(finance, r1, "100.00", "cash", "2025-12-20 10:00", [dec25])
    make_bill(r3, fee, "2025-12", "200.00")
    jan = make_bill(r1, fee, "2026-01", "223.75")
    feb = make_bill(r1, fee, "2026-02", "223.75")
    void(make_bill(r1, parking, "2026-02", "300.00"))
    mar = make_bill(r1, fee, "2026-03", "223.75")
    mar2 = make_bill(r2, fee, "2026-03", "100.00")
    pay(finance, r1, "223.75", "wechat", "2026-01-15 10:00", [jan])
    pay(finance, r1, "300.00", "alipay", "2026-02-01 00:30", [nov25])  # 2026-01-31 16:30 UTC
    pay(finance, r1, "100.00", "cash", "2026-02-10 09:00", [feb])
    pay(finance, r2, "100.00", "wechat", "2026-03-05 10:00", [mar2])
    pay(finance, r1, "100.00", "bank", "2026-04-02 10:00", [dec25])
    pay(finance, r1, "250.00", "bank", "2026-04-03 10:00", [mar])  # + 23.75 Dec, 2.50 Feb
    pay(finance, r2, "500.00", "cash", "2026-05-06 10:00")  # nothing open: prepaid credit
    make_bill(r2, fee, "2026-06", "100.00")
    assert services.credit_apply(room_id=r2.pk, at=at("2026-06-02 10:00")) == D("100.00")
    return {"fee": fee, "parking": parking, "feb": feb, "dec25": dec25}


@pytest.fixture
def other_estate_bill(world, finance):
    """翠湖测试苑: a March bill of 200.00 with 50.00 paid."""
    make_staff(
        world.company, "chfin", Role.FINANCE_CLERK, DepartmentKind.FINANCE, [world.other_estate]
    )
    item = ChargeItem.objects.create(
        estate=world.other_estate,
        name="物业服务费",
        kind="property_fee",
        basis=ChargeBasis.PER_M2_MONTH,
    )
    bill = make_bill(world.other_room, item, "2026-03", "200.00")
    services.payment_record(
        room=world.other_room,
        amount="50.00",
        channel="wechat",
        by=_user("chfin"),
        received_at=at("2026-03-10 10:00"),
        bills=[bill.pk],
    )
    return bill


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def month(report, m: int) -> reports.MonthFigures:
    return next(row for row in report.months if row.month.month == m)


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def dec(value) -> Decimal | None:
    """An Excel number back as an exact Decimal to the fen (None for an empty cell)."""
    if value in (None, ""):
        return None
    return D(str(value)).quantize(D("0.01"))


# --- The figures -------------------------------------------------------------------------------


def test_monthly_due_received_and_rate_exclude_voided_bills(world, story):
    report = reports.collection_report(estate=world.estate, year=2026, as_of=TODAY)
    figures = {m.month.month: (m.due, m.received, m.rate) for m in report.months}
    assert figures[1] == (D("223.75"), D("223.75"), D("100.00"))
    # February: the voided parking bill is not due; 100.00 cash + 2.50 left over from April.
    assert figures[2] == (D("223.75"), D("102.50"), D("45.81"))
    assert figures[3] == (D("323.75"), D("323.75"), D("100.00"))
    assert figures[6] == (D("100.00"), D("100.00"), D("100.00"))  # from prepaid credit
    assert figures[5] == (D("0.00"), D("0.00"), None)
    assert month(report, 2).outstanding == D("121.25")
    assert (report.period.due, report.period.received) == (D("871.25"), D("750.00"))
    assert report.period.rate == D("86.08") and report.period.outstanding == D("121.25")
    assert report.year_to_date.due == D("871.25") and report.year_to_date.rate == D("86.08")


def test_arrears_at_the_start_of_the_year_and_their_collection(world, story):
    report = reports.collection_report(estate=world.estate, year=2026, as_of=TODAY)
    # 300.00 parking + (223.75 − 100.00 paid in 2025) + room 303's 200.00; the void one is out.
    assert report.arrears_open == D("623.75")
    cleared = {m.month.month: m.arrears_received for m in report.months if m.arrears_received}
    assert cleared == {2: D("300.00"), 4: D("123.75")}  # 02-01 00:30 local is February
    assert report.arrears_received == D("423.75") == report.arrears_received_period
    assert report.arrears_rate == D("67.94")


def test_money_counts_only_up_to_the_end_of_the_as_of_date(world, story):
    report = reports.collection_report(estate=world.estate, year=2026, as_of=dt.date(2026, 3, 31))
    assert month(report, 2).received == D("100.00") and month(report, 2).rate == D("44.69")
    assert month(report, 3).received == D("100.00") and month(report, 3).rate == D("30.89")
    assert month(report, 6).received == D("0.00") and month(report, 6).rate == D("0.00")
    assert report.arrears_received == D("300.00") and report.arrears_rate == D("48.10")
    # As of 31 January the 02-01 00:30 payment (still January in UTC) has not come yet.
    january = reports.collection_report(estate=world.estate, year=2026, as_of=dt.date(2026, 1, 31))
    assert january.arrears_received == D("0.00")
    assert month(january, 1).received == D("223.75")


def test_a_range_of_months_with_the_year_to_date_and_money_received(world, story):
    report = reports.collection_report(
        estate=world.estate, year=2026, month_from=2, month_to=4, as_of=TODAY
    )
    assert [m.month.month for m in report.months] == [2, 3, 4]
    assert (report.period.due, report.period.received) == (D("547.50"), D("426.25"))
    assert report.period.rate == D("77.85")
    assert (report.year_to_date.due, report.year_to_date.received) == (D("771.25"), D("650.00"))
    assert report.year_to_date.rate == D("84.28")
    assert report.arrears_received_period == D("423.75") == report.arrears_received
    assert report.income == D("850.00")  # Feb–Apr: 300 + 100 + 100 + 100 + 250


def test_income_by_channel_and_item_add_up_with_prepaid(world, story):
    report = reports.income_report(
        estate=world.estate, start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30)
    )
    channels = {c.key: (c.count, c.amount, c.share) for c in report.channels}
    assert channels == {
        "wechat": (1, D("100.00"), D("11.76")),
        "alipay": (1, D("300.00"), D("35.29")),
        "bank": (2, D("350.00"), D("41.18")),
        "cash": (1, D("100.00"), D("11.76")),
        "pos": (0, D("0.00"), D("0.00")),
    }
    assert (report.total, report.count) == (D("850.00"), 5)
    assert [(i.label, i.amount, i.share) for i in report.items] == [
        ("物业服务费", D("550.00"), D("64.71")),
        ("车位管理费", D("300.00"), D("35.29")),
    ]
    assert report.prepaid == D("0.00")


def test_money_not_settling_a_bill_by_the_end_of_the_period_is_prepaid(world, story):
    may = reports.income_report(
        estate=world.estate, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
    )
    assert (may.total, may.items, may.prepaid) == (D("500.00"), [], D("500.00"))
    # Until the end of June the June bill took 100.00 of the credit (on 06-02).
    june = reports.income_report(
        estate=world.estate, start=dt.date(2026, 5, 1), end=dt.date(2026, 6, 30)
    )
    assert [(i.label, i.amount) for i in june.items] == [("物业服务费", D("100.00"))]
    assert june.prepaid == D("400.00") and june.total == D("500.00")


def test_the_reports_are_a_few_grouped_queries(world, story, django_assert_num_queries):
    with django_assert_num_queries(6):
        reports.collection_report(estate=world.estate, year=2026, as_of=TODAY)
    with django_assert_num_queries(6):  # both estates at once: no query per estate
        reports.collection_reports(
            estates=[world.estate, world.other_estate], year=2026, as_of=TODAY
        )
    with django_assert_num_queries(2):
        reports.income_report(estate=world.estate, start=dt.date(2026, 1, 1), end=TODAY)


def test_the_query_count_does_not_grow_with_rooms_and_months(
    world, story, finance, django_assert_num_queries
):
    rooms = [RoomFactory(unit=world.room.unit, number=f"9{n:02d}") for n in range(20)]
    for room in rooms:
        for m in range(1, 13):
            make_bill(room, story["fee"], f"2026-{m:02d}", "10.00")
    report = None
    with django_assert_num_queries(6):
        report = reports.collection_report(estate=world.estate, year=2026, as_of=TODAY)
    assert report.period.due == D("871.25") + D("2400.00")


# --- The pages ---------------------------------------------------------------------------------


def test_finance_sees_the_collection_report_with_definitions(world, login, story):
    page = login("finance").get(reverse("billing:fee_report"), {"year": "2026", "month_to": "12"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "收缴率报表" in text and "阳光测试苑" in text
    assert "86.08%" in text and "45.81%" in text and "67.94%" in text
    assert "¥871.25" in text and "¥750.00" in text and "¥623.75" in text and "¥423.75" in text
    assert "口径说明" in text and "不含已作废账单" in text and "年初欠费" in text
    assert 'id="fee-report-data"' in text and "web/fee_reports.js" in text
    assert "fee-chart-months" in text


def test_the_collection_export_has_the_figures_of_the_page(world, login, story):
    response = login("finance").get(
        reverse("billing:fee_report"), {"year": "2026", "month_to": "12", "export": "months"}
    )
    rows = xlsx_rows(response)
    assert rows[0] == [
        "月份",
        "应收（元）",
        "实收（元）",
        "未收（元）",
        "收缴率（%）",
        "清欠（元）",
    ]
    by_label = {row[0]: [dec(v) for v in row[1:]] for row in rows[1:]}
    assert by_label["2月"] == [D("223.75"), D("102.50"), D("121.25"), D("45.81"), D("300.00")]
    assert by_label["5月"] == [D("0.00"), D("0.00"), D("0.00"), None, D("0.00")]
    assert by_label["合计（所选月份）"] == [
        D("871.25"),
        D("750.00"),
        D("121.25"),
        D("86.08"),
        D("423.75"),
    ]
    assert by_label["清欠：年初欠费 / 累计清欠"][:4] == [
        D("623.75"),
        D("423.75"),
        D("200.00"),
        D("67.94"),
    ]
    assert len(rows) == 1 + 12 + 3


def test_the_income_page_and_its_two_exports(world, login, story):
    client = login("finance")
    query = {"start": "2026-05-01", "end": "2026-06-30"}
    text = client.get(reverse("billing:fee_income"), query).content.decode()
    assert "收入构成" in text and "¥500.00" in text and "¥400.00" in text
    assert "预存（未核销）" in text and "fee-chart-channels" in text and "fee-chart-items" in text
    items = xlsx_rows(client.get(reverse("billing:fee_income"), {**query, "export": "items"}))
    assert items[0] == ["收费项目", "类别", "金额（元）", "占比（%）"]
    assert [(r[0], dec(r[2]), dec(r[3])) for r in items[1:]] == [
        ("物业服务费", D("100.00"), D("20.00")),
        ("预存（未核销）", D("400.00"), D("80.00")),
        ("合计", D("500.00"), D("100.00")),
    ]
    channels = xlsx_rows(client.get(reverse("billing:fee_income"), {**query, "export": "channels"}))
    cash = next(r for r in channels if r[0] == "现金")
    assert (cash[1], dec(cash[2])) == (1, D("500.00"))
    assert channels[-1][0] == "合计" and dec(channels[-1][2]) == D("500.00")


def test_executives_compare_every_estate_and_export_it(world, login, story, other_estate_bill):
    client = login("exec")
    page = client.get(reverse("billing:fee_company"), {"year": "2026"})
    text = page.content.decode()
    assert "阳光测试苑" in text and "翠湖测试苑" in text
    assert "86.08%" in text and "25.00%" in text and "74.68%" in text  # 800 / 1,071.25
    rows = xlsx_rows(
        client.get(reverse("billing:fee_company"), {"year": "2026", "export": "estates"})
    )
    assert rows[0][:5] == ["项目", "应收（元）", "实收（元）", "未收（元）", "收缴率（%）"]
    figures = {row[0]: [dec(v) for v in row[1:]] for row in rows[1:]}
    assert figures["阳光测试苑"] == [
        D("871.25"),
        D("750.00"),
        D("121.25"),
        D("86.08"),
        D("871.25"),
        D("750.00"),
        D("86.08"),
        D("623.75"),
        D("423.75"),
        D("67.94"),
        D("1573.75"),
    ]
    assert figures["翠湖测试苑"] == [
        D("200.00"),
        D("50.00"),
        D("150.00"),
        D("25.00"),
        D("200.00"),
        D("50.00"),
        D("25.00"),
        D("0.00"),
        D("0.00"),
        None,
        D("50.00"),
    ]
    assert figures["合计"][:4] == [D("1071.25"), D("800.00"), D("271.25"), D("74.68")]
    assert figures["合计"][-1] == D("1623.75")


def test_one_month_in_the_company_view(world, login, story, other_estate_bill):
    rows = xlsx_rows(
        login("exec").get(
            reverse("billing:fee_company"), {"year": "2026", "month": "3", "export": "estates"}
        )
    )
    figures = {row[0]: [dec(v) for v in row[1:]] for row in rows[1:]}
    # March: the bills of March; the year to date January–March; 清欠 up to 31 March.
    assert figures["阳光测试苑"] == [
        D("323.75"),
        D("323.75"),
        D("0.00"),
        D("100.00"),
        D("771.25"),
        D("650.00"),
        D("84.28"),
        D("623.75"),
        D("300.00"),
        D("48.10"),
        D("100.00"),
    ]
    assert figures["翠湖测试苑"][:4] == [D("200.00"), D("50.00"), D("150.00"), D("25.00")]


def test_staff_of_one_estate_compare_only_their_estate(world, login, story, other_estate_bill):
    text = login("finance").get(reverse("billing:fee_company")).content.decode()
    assert "阳光测试苑" in text and "翠湖测试苑" not in text


def test_the_company_view_links_to_an_estates_report(world, login, story, other_estate_bill):
    client = login("exec")
    page = client.get(
        reverse("billing:fee_report"),
        {"estate": world.other_estate.pk, "year": "2026", "month_to": "12"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "翠湖测试苑" in text and "25.00%" in text
    assert client.session["wuye_estate_id"] == world.other_estate.pk
    # A finance clerk of 阳光 asking for 翠湖's report: it does not exist for them.
    assert (
        login("finance")
        .get(reverse("billing:fee_report"), {"estate": world.other_estate.pk})
        .status_code
        == 404
    )


def test_bad_filters_are_shown_by_the_field_and_the_page_keeps_its_defaults(world, login, story):
    client = login("finance")
    page = client.get(
        reverse("billing:fee_report"),
        {"year": "abc", "month_from": "5", "month_to": "2", "as_of": "2026-13-45"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "请选择列表中的年度" in text and "请填写正确的日期" in text
    assert "2026年1–11月账单" in text  # the default: this year to this month, as of today
    page = client.get(reverse("billing:fee_report"), {"month_from": "5", "month_to": "2"})
    assert "截止月份不能早于起始月份" in page.content.decode()
    page = client.get(reverse("billing:fee_income"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert page.status_code == 200 and "结束日期不能早于开始日期" in page.content.decode()
    page = client.get(reverse("billing:fee_income"), {"start": "2026-05-01"})  # end: today
    assert "到账日期 2026-05-01 至 2026-11-26" in page.content.decode()
    page = client.get(reverse("billing:fee_company"), {"month": "13"})
    assert page.status_code == 200 and "请选择 1–12 月或全年" in page.content.decode()


def test_customer_service_and_the_finance_head_read_the_reports__FEE_02(world, login, story):
    make_staff(world.company, "fhead", Role.DEPARTMENT_HEAD, DepartmentKind.FINANCE, [world.estate])
    for username in ("agent", "head", "fhead", "exec"):
        client = login(username)
        for name in ("billing:fee_report", "billing:fee_income", "billing:fee_company"):
            assert client.get(reverse(name)).status_code == 200, (username, name)


def test_residents_technicians_and_contractors_get_403__FEE_02(world, login, story, client):
    for username in ("owner", "tech", "lift"):
        c = login(username)
        for name in ("billing:fee_report", "billing:fee_income", "billing:fee_company"):
            response = c.get(reverse(name))
            assert response.status_code == 403, (username, name)
            response = c.get(reverse(name), {"export": "months"})
            assert response.status_code == 403
    client.logout()
    response = client.get(reverse("billing:fee_report"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_pages_use_a_bounded_number_of_queries(
    world, login, story, django_assert_max_num_queries
):
    client = login("finance")
    for name in ("billing:fee_report", "billing:fee_income", "billing:fee_company"):
        # The session, the user and their role, the estate, the menu, the inbox badge and
        # the report's own grouped queries (six for 收缴率, two for 收入构成).
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200


def test_an_empty_estate_says_what_to_do(world, login, finance):
    text = login("finance").get(reverse("billing:fee_report")).content.decode()
    assert "所选期间没有账单" in text and "—" in text
    text = login("finance").get(reverse("billing:fee_income")).content.decode()
    assert "所选期间没有收款" in text
