"""欠费催缴 pages through the test client, with frozen time: the aging page and its export, one
room's collection page with the contact form (FEE-09), the courtesy caution (FEE-13), the
《催缴通知书》 PDF (FEE-10) and the lawyer's-letter list decided by a manager (FEE-11)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.billing.test_fees import at, fee, finance, run
from tests.billing.test_pages import flashed, html
from tests.factories import BuildingFactory, OccupancyFactory, RoomFactory, UnitFactory, make_staff
from tests.pdf_tools import needs_font
from wuye.billing import services
from wuye.billing.models import Bill, CollectionContact, Dunning
from wuye.billing.selectors import collections
from wuye.core.choices import DepartmentKind, Role

__all__ = ["fee", "finance"]  # fixtures
D = Decimal
ARREARS = "billing:arrears"
CAUTION = "催缴须文明礼貌"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def debtors(world, finance, fee, frozen):
    """Bills due 31 Oct, 30 Nov and 31 Dec, unpaid, for world.room (owned by world.owner) and a
    room of another building (3栋1单元501室, owner 李欠费); seen on 5 January 2027: 66, 36 and 5
    days overdue. 李欠费 paid October's bill, so 3栋's oldest overdue bill is 36 days old."""
    far = RoomFactory(unit=UnitFactory(building=BuildingFactory(estate=world.estate, name="3栋"),
                                       name="1单元"), number="501")  # fmt: skip
    occupancy = OccupancyFactory(room=far)
    occupancy.resident.name = "李欠费"
    occupancy.resident.save()
    for start, end in (("2026-10-01", "2026-10-31"), ("2026-11-01", "2026-11-30"),
                       ("2026-12-01", "2026-12-31")):  # fmt: skip
        run(world, finance, start, end, end)
    october = Bill.objects.get(room=far, period_start=dt.date(2026, 10, 1))
    services.payment_record(room=far, amount=october.amount, channel="cash", bills=[october.pk],
                            exact=True, by=finance.user)  # fmt: skip
    frozen.move_to(at("2027-01-05 10:00"), tick=False)
    return far


def monthly(room) -> Decimal:
    return Bill.objects.filter(room=room).first().amount


def arrears_url(**query) -> str:
    url = reverse(ARREARS)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def room_url(room) -> str:
    return reverse("billing:collection_room", args=[room.pk])


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext reads it, without white space (CJK lines may be spaced)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content,
                         capture_output=True, check=True)  # fmt: skip
    return re.sub(r"\s+", "", out.stdout.decode())


# --- 欠费账龄 ---------------------------------------------------------------------------------


def test_the_aging_page_shows_each_bucket_and_the_debtors(
    world, login, debtors, django_assert_max_num_queries
):
    fee_month = monthly(world.room)
    client = login("finance")
    with django_assert_max_num_queries(16):
        text = html(client.get(reverse(ARREARS)))
    aging = services.arrears_aging(estate=world.estate)
    assert aging["totals"]["61-90"] == fee_month  # world.room's October
    assert aging["totals"]["31-60"] == 2 * fee_month and aging["totals"]["0-30"] == 2 * fee_month
    for key, amount in aging["totals"].items():
        block = re.search(rf'data-bucket="{re.escape(key)}">(.*?)</a>', text, re.S).group(1)
        assert f"¥{amount:,.2f}" in block
    # the room counts by its oldest overdue bill: world.room 61–90, 3栋 31–60
    assert re.search(r'data-bucket="61-90">.*?1 户', text, re.S)
    assert re.search(r'data-bucket="31-60">.*?1 户', text, re.S)
    assert re.search(r'data-bucket="90\+">.*?0 户', text, re.S)
    assert world.room.label in text and debtors.label in text
    assert world.other_room.label not in text and world.room2.label not in text
    assert world.owner.name in text and world.owner.mobile not in text  # masked in the list
    assert world.owner.mobile[:3] + "****" + world.owner.mobile[-4:] in text
    assert f"¥{3 * fee_month:,.2f}" in text  # world.room owes three months
    assert "2026-10-31" in text and "逾期 66 天" in text and "61–90 天" in text
    assert "逾期 36 天" in text and "未催收" in text and "待发催缴通知书" in text
    assert text.index(world.room.label) < text.index(debtors.label)  # most overdue first


def test_the_page_and_the_service_agree_on_the_bucket_boundaries():
    assert [collections.bucket_of(d) for d in (1, 30, 31, 60, 61, 90, 91, 400)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "90+", "90+"
    ]  # fmt: skip
    for (low, high), (key, _label, page_low, page_high) in zip(
        services.AGING_BUCKETS, collections.BUCKETS, strict=True
    ):
        assert (max(low, 1), high) == (page_low, page_high), key


def test_the_debtor_list_filters_by_bucket_building_and_search(world, login, debtors):
    client = login("agent")
    old = html(client.get(arrears_url(bucket="61-90")))
    assert world.room.label in old and debtors.label not in old
    middle = html(client.get(arrears_url(bucket="31-60")))
    assert debtors.label in middle and world.room.label not in middle
    assert "没有符合条件的欠费房屋" in html(client.get(arrears_url(bucket="90%2B")))
    three = html(client.get(arrears_url(building=debtors.building_id)))
    assert debtors.label in three and world.room.label not in three
    by_owner = html(client.get(arrears_url(q="李欠费")))
    assert debtors.label in by_owner and world.room.label not in by_owner
    by_room = html(client.get(arrears_url(q="1-2-301")))
    assert world.room.label in by_room and debtors.label not in by_room
    # a stale or wrong filter value is ignored, never an error page
    assert client.get(arrears_url(bucket="x", building="abc")).status_code == 200


def test_the_debtor_list_paginates(world, login, debtors, settings):
    settings.WUYE = {**settings.WUYE, "PAGE_SIZE": 1}
    client = login("finance")
    first = html(client.get(reverse(ARREARS)))
    second = html(client.get(arrears_url(page=2)))
    assert "第 1 / 2 页" in first and world.room.label in first and debtors.label not in first
    assert debtors.label in second and world.room.label not in second


def test_the_export_is_the_filtered_list_and_opens_in_excel(world, login, debtors):
    client = login("finance")
    response = client.get(reverse("billing:arrears_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("房屋", "业主", "联系电话", "欠费合计（元）")
    assert "90 天以上（元）" in header and "催缴状态" in header
    first = dict(zip(header, rows[1], strict=True))
    fee_month = monthly(world.room)
    assert first["房屋"] == world.room.label and D(str(first["欠费合计（元）"])) == 3 * fee_month
    assert D(str(first["61–90 天（元）"])) == fee_month
    assert first["联系电话"] == world.owner.mobile[:3] + "****" + world.owner.mobile[-4:]
    assert first["逾期天数"] == 66 and len(rows) == 3
    filtered = client.get(reverse("billing:arrears_export") + "?bucket=31-60")
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [debtors.label]


def test_who_may_open_the_arrears_pages(world, login, debtors):
    for username in ("finance", "agent", "head", "exec"):
        assert login(username).get(reverse(ARREARS)).status_code == 200, username
    for username in ("tech", "owner"):
        client = login(username)
        assert client.get(reverse(ARREARS)).status_code == 403
        assert client.get(reverse("billing:lawyer_letters")).status_code == 403
        assert client.get(room_url(world.room)).status_code == 403
    assert login("outsider").get(room_url(world.room)).status_code == 404


# --- The courtesy caution (FEE-13) ------------------------------------------------------------


def test_the_courtesy_caution_is_shown_wherever_staff_chase__FEE_13(world, login, debtors):
    client = login("agent")
    for url in (reverse(ARREARS), room_url(world.room), reverse("billing:lawyer_letters")):
        text = html(client.get(url))
        assert CAUTION in text and "避免与业主发生冲突" in text, url
        assert 'data-caution="FEE-13"' in text
    page = html(client.get(room_url(world.room)))
    # next to the form: in the same card, before its first field
    form_card = page[page.index('id="contact"') :]
    assert form_card.index(CAUTION) < form_card.index('name="method"')


# --- The room's collection page and the contact form (FEE-09) ---------------------------------


def test_the_room_page_shows_overdue_bills_dunning_history_and_contacts(world, login, debtors):
    services.dunning_sweep()  # 66 days: the reminder and the lawyer's-letter case
    text = html(login("finance").get(room_url(world.room)))
    fee_month = monthly(world.room)
    assert f"¥{3 * fee_month:,.2f}" in text and "2026-10-31" in text and "66 天" in text
    assert "催缴通知书" in text and "律师函" in text and "待审批" in text
    reminder = Dunning.objects.get(room=world.room, kind="reminder")
    assert reverse("billing:dunning_notice_pdf", args=[reminder.pk]) in text
    assert "律师函：待审批" in text  # the state of the current episode
    assert "还没有催收记录" in text and 'name="result"' in text
    # the owner's number: masked for everyone until a collector reveals it to call (FEE-09)
    assert world.owner.mobile not in text
    assert world.owner.mobile not in html(login("agent").get(room_url(world.room)))


def test_recording_a_contact_through_the_page__FEE_09(world, login, debtors):
    client = login("agent")
    response = client.post(room_url(world.room), {
        "method": "phone", "result": "业主出差，承诺下周缴纳", "promised_on": "2027-01-12",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == room_url(world.room)
    contact = CollectionContact.objects.get()
    assert (contact.room, contact.method, contact.by) == (world.room, "phone", world.agent.user)
    assert contact.promised_on == dt.date(2027, 1, 12) and contact.at == at("2027-01-05 10:00")
    page = client.get(room_url(world.room))
    assert "已登记催收记录" in " ".join(flashed(page))
    assert "业主出差，承诺下周缴纳" in html(page) and "2027-01-12" in html(page)
    listed = html(client.get(reverse(ARREARS)))
    assert "01-05 10:00 电话" in listed and "承诺 2027-01-12" in listed


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"method": "phone", "result": "  "}, "请填写催收结果"),
        ({"method": "fax", "result": "传真"}, "请选择催收方式（电话、短信或上门）"),
        ({"method": "visit", "result": "长" * 201}, "不能超过 200 字"),
        ({"method": "sms", "result": "已发短信", "promised_on": "下周"}, "请填写正确的日期"),
    ],
)
def test_bad_contact_input_is_refused_and_changes_nothing__FEE_09(
    world, login, debtors, data, error
):
    response = login("agent").post(room_url(world.room), data)
    assert response.status_code == 200
    text = html(response)
    assert error in text and "请按提示修改" in text
    assert not CollectionContact.objects.exists()
    if data["result"].strip() and len(data["result"]) <= 200:
        assert data["result"] in text  # the input is kept


def test_only_collection_staff_record_contacts__FEE_02(world, login, debtors):
    make_staff(world.company, "audit", Role.AUDITOR, DepartmentKind.FINANCE, [world.estate])
    client = login("audit")
    page = html(client.get(room_url(world.room)))
    assert CAUTION in page and 'name="result"' not in page  # reads, no form
    response = client.post(room_url(world.room), {"method": "phone", "result": "打过电话"})
    assert response.status_code == 403
    assert login("tech").post(room_url(world.room), {"method": "phone", "result": "x"}
                              ).status_code == 403  # fmt: skip
    assert login("finance").post(room_url(world.room), {"method": "visit", "result": "上门未遇"}
                                 ).status_code == 302  # fmt: skip
    assert CollectionContact.objects.count() == 1


# --- 《催缴通知书》 PDF (FEE-10) -----------------------------------------------------------------


@pytest.fixture
def reminders(world, debtors):
    services.dunning_sweep()  # 5 Jan 2027: both rooms are ≥ 30 days overdue
    return {d.room_id: d for d in Dunning.objects.filter(kind="reminder")}


@needs_font
def test_the_reminder_notice_pdf_names_the_room_the_owner_and_the_amount__FEE_10(
    world, login, reminders
):
    notice = reminders[world.room.pk]
    response = login("agent").get(reverse("billing:dunning_notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    fee_month = monthly(world.room)
    total = 2 * fee_month  # the notice's bills: October and November, ≥ 30 days overdue
    assert notice.amount == total
    assert "催缴通知书" in text and world.room.label in text and world.estate.name in text
    assert f"尊敬的{world.owner.name}业主" in text
    assert f"¥{total:,.2f}" in text and f"¥{fee_month:,.2f}" in text
    from wuye.base.pdf import rmb_upper

    assert rmb_upper(total) in text
    for channel in ("微信支付", "支付宝", "银行转账", "柜台缴费"):
        assert channel in text
    assert "感谢" in text and "2026-10" in text and "2026-10-31" in text
    assert "2026-11-30" in text and "2026-12-31" not in text  # December: 5 days, not in it


@needs_font
def test_a_paid_bill_is_not_asked_for_again_on_the_printed_notice__FEE_13(
    world, login, finance, reminders
):
    notice = reminders[world.room.pk]
    october = Bill.objects.get(room=world.room, period_start=dt.date(2026, 10, 1))
    services.payment_record(room=world.room, amount=october.amount, channel="wechat",
                            bills=[october.pk], exact=True, by=finance.user)  # fmt: skip
    response = login("agent").get(reverse("billing:dunning_notice_pdf", args=[notice.pk]))
    text = pdf_text(response.content)
    from wuye.base.pdf import rmb_upper

    assert "2026-10-31" not in text and "2026-11-30" in text
    assert rmb_upper(october.amount) in text and rmb_upper(2 * october.amount) not in text


@needs_font
def test_the_months_notices_print_as_one_pdf__FEE_10(world, login, finance, reminders, debtors):
    client = login("finance")
    url = reverse("billing:dunning_notices_pdf") + "?month=2027-01"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    assert len(document) == 2
    text = pdf_text(response.content)
    assert world.room.label in text and debtors.label in text
    assert text.count("催缴通知书") >= 2
    assert "（续）" not in text  # the second notice starts afresh, not as the first's page 2
    # 3栋 pays: its notice is no longer printed
    services.payment_record(room=debtors, amount=services.room_balance(debtors.pk),
                            channel="cash", by=finance.user)  # fmt: skip
    again = client.get(url)
    assert len(pdfium.PdfDocument(again.content)) == 1
    assert debtors.label not in pdf_text(again.content)
    empty = client.get(reverse("billing:dunning_notices_pdf") + "?month=2026-12")
    assert empty.status_code == 302
    assert "2026-12 没有需要打印的催缴通知书" in " ".join(flashed(client.get(reverse(ARREARS))))


def test_the_notice_pdf_is_for_staff_of_its_estate_only(world, login, reminders):
    url = reverse("billing:dunning_notice_pdf", args=[reminders[world.room.pk].pk])
    assert login("outsider").get(url).status_code == 404
    assert login("tech").get(url).status_code == 403
    assert login("owner").get(url).status_code == 403
    letter = Dunning.objects.get(room=world.room, kind="lawyer_letter")
    other = reverse("billing:dunning_notice_pdf", args=[letter.pk])
    assert login("agent").get(other).status_code == 404  # a lawyer's letter is not a notice


def test_without_a_chinese_font_the_notice_is_a_clear_503(world, login, reminders, settings,
                                                          monkeypatch):  # fmt: skip
    import wuye.base.pdf as pdf

    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    url = reverse("billing:dunning_notice_pdf", args=[reminders[world.room.pk].pk])
    response = login("agent").get(url)
    assert response.status_code == 503 and "中文字体" in html(response)


# --- 律师函 (FEE-11) -----------------------------------------------------------------------------


@pytest.fixture
def letter(world, debtors):
    """world.room is 66 days overdue: on the lawyer's-letter list (3栋, 36 days, is not)."""
    services.collection_contact_record(room=world.room, method="visit", result="上门未遇",
                                       by=world.agent.user)  # fmt: skip
    services.dunning_sweep()
    return Dunning.objects.get(kind="lawyer_letter")


def decide_url(letter) -> str:
    return reverse("billing:lawyer_letter_decide", args=[letter.pk])


def test_the_pending_list_shows_the_debt_and_the_contact_history__FEE_11(
    world, login, letter, django_assert_max_num_queries
):
    assert letter.room == world.room
    client = login("head")
    with django_assert_max_num_queries(21):  # the estate's law firm settings: one more
        text = html(client.get(reverse("billing:lawyer_letters")))
    fee_month = monthly(world.room)
    assert world.room.label in text and f"¥{3 * fee_month:,.2f}" in text
    assert "2026-10-31" in text and "逾期 66 天" in text
    assert "上门未遇" in text and "催收记录（1 次）" in text
    assert 'value="approve"' in text and 'value="reject"' in text  # a head decides
    assert '待审批 <span class="tab-count">1</span>' in text


def test_finance_and_customer_service_see_the_list_but_may_not_decide__FEE_11(world, login, letter):
    for username in ("finance", "agent"):
        client = login(username)
        text = html(client.get(reverse("billing:lawyer_letters")))
        assert world.room.label in text and 'value="approve"' not in text
        response = client.post(decide_url(letter), {"decision": "approve", "note": "同意"})
        assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.status == "pending_approval" and letter.decided_by is None


def test_a_manager_approves_a_lawyers_letter_through_the_page__FEE_11(world, login, letter):
    client = login("head")
    response = client.post(decide_url(letter), {"decision": "approve",
                                                 "note": "多次催收未果，同意发送"})  # fmt: skip
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "approved" and letter.decided_by == world.head.user
    assert letter.decided_at == at("2027-01-05 10:00")
    listed = client.get(reverse("billing:lawyer_letters"))
    assert "已同意发送律师函" in " ".join(flashed(listed))
    assert "暂无待审批的律师函" in html(listed)
    decided = html(client.get(reverse("billing:lawyer_letters") + "?status=approved"))
    assert world.room.label in decided and "已同意发送" in decided
    assert "head · 2027-01-05 10:00" in decided and "多次催收未果" in decided
    # deciding again: someone already did
    again = client.post(decide_url(letter), {"decision": "reject", "note": "改为不发"})
    assert again.status_code == 302 and "已审批" in " ".join(flashed(client.get(again.url)))
    letter.refresh_from_db()
    assert letter.status == "approved"


def test_an_executive_decides_not_to_send__FEE_11(world, login, letter):
    client = login("exec")
    client.post(decide_url(letter), {"decision": "reject", "note": "业主已承诺月底缴清"})
    letter.refresh_from_db()
    assert letter.status == "rejected" and letter.decided_by == world.exec.user
    assert letter.decision_note == "业主已承诺月底缴清"
    assert "律师函：不发送" in html(client.get(room_url(world.room)))


def test_a_decision_without_a_note_is_refused_and_changes_nothing__FEE_11(world, login, letter):
    response = login("head").post(decide_url(letter), {"decision": "reject", "note": "  "})
    assert response.status_code == 200 and "请填写审批意见" in html(response)
    response = login("head").post(decide_url(letter), {"decision": "maybe", "note": "再看看"})
    assert response.status_code == 200 and "请选择同意发送或不发送" in html(response)
    assert "再看看" in html(response)  # the input is kept
    letter.refresh_from_db()
    assert letter.status == "pending_approval"


def test_another_estates_letter_is_404(world, login, letter):
    assert login("outsider").post(decide_url(letter), {"decision": "approve",
                                                       "note": "x"}).status_code == 404  # fmt: skip
