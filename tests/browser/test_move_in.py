"""A move-in at the desk in the browser (issue 7): the agent finds the owner in the day's queue,
receives them, checks the documents, raises the fees (the cashier takes the money at the
counter), the engineer's house inspection on a phone with one problem, keys and cards, both
agreements signed on the screen; then the revisit. Screenshots of every step are saved under the
test's tmp dir (and copied to $WUYE_SCREENSHOTS when set)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.helpers import _log_in, _shot
from tests.factories import make_staff
from tests.residents.test_move_in import confirm_takeover
from wuye.billing.models import ChargeBasis, ChargeItem, ChargeKind, Rate
from wuye.billing.services import payment_record
from wuye.core.choices import DepartmentKind, Role
from wuye.residents import services
from wuye.residents.models import HouseDefect, MoveIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draw(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.1 + 0.07 * i), y + h * (0.7 - 0.4 * (i % 2)), steps=3)
    page.mouse.up()


def test_desk_agent_completes_one_owners_move_in(browser, live_server, world, tmp_path):
    building = world.room.building
    confirm_takeover(world, building)
    for name, kind, basis, amount in (
        ("物业服务费", ChargeKind.PROPERTY_FEE, ChargeBasis.PER_M2_MONTH, "2.80"),
        ("装修押金", ChargeKind.DEPOSIT, ChargeBasis.FIXED, "2000.00"),
    ):
        item = ChargeItem.objects.create(estate=world.estate, name=name, kind=kind, basis=basis)
        Rate.objects.create(item=item, amount=Decimal(amount), effective_from=dt.date(2000, 1, 1))
    cashier = make_staff(world.company, "cashier", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                         [world.estate])  # fmt: skip
    start = timezone.now() + dt.timedelta(days=10)
    batch = services.batch_create(
        building=building, title="1栋第一批入住", starts_at=start,
        ends_at=start + dt.timedelta(hours=8), place="会所一楼入住大厅",
        documents="身份证、购房合同", fees="半年物业费、装修押金", by=world.agent.user,
    )  # fmt: skip

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    _log_in(desk, live_server, "agent", world.password)
    desk.goto(f"{live_server.url}/movein/batches/{batch.pk}/")
    desk.wait_for_selector("text=未通知 1 位")
    _shot(desk, tmp_path, "movein-1-batch")
    desk.click("button:has-text('发送入住通知')")
    desk.wait_for_selector("text=未通知 0 位")
    _shot(desk, tmp_path, "movein-2-notified")

    # The day: the queue, search by room.
    desk.goto(f"{live_server.url}/movein/desk/?batch={batch.pk}")
    desk.fill("input[name=q]", "301")
    desk.click("button:has-text('查询')")
    desk.wait_for_load_state("networkidle")
    _shot(desk, tmp_path, "movein-3-queue")
    desk.click("a:has-text('301室')")
    desk.wait_for_selector("text=业主已到场，开始办理")
    desk.click("button:has-text('业主已到场，开始办理')")
    desk.fill("input[name=id_number]", world.owner.id_number)
    desk.fill("input[name=contract_no]", "GF-2026-0301")
    desk.fill("input[name=household]", "李四（配偶）")
    _shot(desk, tmp_path, "movein-4-documents")
    desk.click("button:has-text('资料核对无误，填写申请表')")
    desk.wait_for_selector("text=生成入住费用账单")
    _shot(desk, tmp_path, "movein-5-fees")
    desk.click("button:has-text('生成入住费用账单')")
    desk.wait_for_selector("text=打开房屋台账（收款）")
    move_in = MoveIn.objects.get()
    # The cashier takes the money at the counter (billing's own pages and tests cover that).
    payment_record(room=move_in.room, amount=sum(b.amount for b in services.move_in_bills(
        move_in)), channel="pos", by=cashier.user, bills=move_in.bills)  # fmt: skip
    # MOVEIN-05: finance issues the invoice of the move-in fees before the step.
    services.move_in_invoice_issue(move_in=move_in, numbers=["04400001"], by=cashier.user)
    desk.reload()
    desk.click("button:has-text('费用已缴清，下一步')")
    desk.wait_for_selector("text=费用已缴纳")

    # The engineer inspects on a phone.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN",
    ).new_page()  # fmt: skip
    _log_in(phone, live_server, "tech", world.password)
    phone.goto(f"{live_server.url}/movein/{move_in.pk}/")
    phone.locator("input[name=location]").first.fill("主卧")
    phone.locator("input[name=description]").first.fill("墙面空鼓")
    _shot(phone, tmp_path, "movein-6-inspection-phone")
    phone.click("button:has-text('提交验收结果')")
    phone.wait_for_selector("text=房屋已验收")
    _shot(phone, tmp_path, "movein-7-inspected-phone")
    assert HouseDefect.objects.get().case.clocks.get().rule == "MOVEIN-07"

    # Keys and cards, the agreements signed on the screen.
    desk.reload()
    desk.fill("input[name=key_count]", "3")
    desk.fill("input[name=access_cards]", "A001, A002")
    desk.check("input[name=usage_explained]")
    desk.click("button:has-text('确认交付')")
    desk.wait_for_selector("text=签署协议")
    pads = desk.locator("canvas.signature-pad")
    _draw(desk, pads.nth(0))
    _draw(desk, pads.nth(1))
    _shot(desk, tmp_path, "movein-8-agreements")
    desk.click("button:has-text('协议已签署，完成入住')")
    desk.wait_for_selector("text=协议已签署，入住完成")
    _shot(desk, tmp_path, "movein-9-completed")
    move_in.refresh_from_db()
    assert move_in.case.status == "completed" and move_in.key_count == 3
    assert move_in.service_agreement_id and move_in.covenant_id

    # The revisit (MOVEIN-10/11), a need routed to environment.
    desk.check("input[name=method][value=phone]")
    desk.check("input[name=satisfaction][value='5']")
    desk.locator("input[name=need]").first.fill("需要开荒保洁服务")
    desk.locator("select[name=department]").first.select_option("environment")
    desk.click("button:has-text('记录回访')")
    desk.wait_for_selector("text=已回访，满意度 5 分")
    _shot(desk, tmp_path, "movein-10-revisited")
    move_in.refresh_from_db()
    assert move_in.case.status == "revisited" and move_in.tasks.get().department == "environment"
    desk.goto(f"{live_server.url}/movein/")
    desk.wait_for_selector("text=入住看板")
    _shot(desk, tmp_path, "movein-11-dashboard")
